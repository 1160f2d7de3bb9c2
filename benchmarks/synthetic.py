"""Synthetic stories for the benchmarks, made in one place: story files in the import's two
formats (import_speed.py, tests/test_faults.py) and a site's rows written straight to the
database (scale.py, site_speed.py and, through it, load_test.py).

Every random choice is drawn from the `random.Random` the caller passes, in a fixed order, so
one seed gives the same files and rows on every run and in every checkout.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from random import Random

# -- Text --------------------------------------------------------------------------------------

WORDS = [
    *("climate", "finance", "envoy", "summit", "methane", "coal", "transition", "carbon"),
    *("border", "tax", "talks", "negotiators", "pledge", "adaptation", "emissions", "treaty"),
]
HAN = "气候外交谈判特使峰会甲烷煤炭转型碳边境税承诺适应排放资金条约合作"


def english(rng: Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def chinese(rng: Random, n: int) -> str:
    return "".join(rng.choice(HAN) for _ in range(n))


# -- Story files, as the import reads them ---------------------------------------------------


def digest(i: int, rng: Random) -> str:
    """A bilingual digest: Markdown with YAML front matter, a Chinese and an English part."""
    paragraphs_zh = "\n\n".join(f"**{chinese(rng, 4)}**{chinese(rng, 180)}。" for _ in range(2))
    paragraphs_en = "\n\n/n/n\n\n".join(
        f"**{english(rng, 3)}** {english(rng, 60)}." for _ in range(2)
    )
    url = f"https://www.ft.com/content/bench-{i:06d}?utm_source=bench"
    return (
        f"---\ntitle: {chinese(rng, 20)}\ndate: 2026-01-{i % 28 + 1:02d}T10:00:00.000Z\n"
        f"description: {english(rng, 12)}\ntag: \n\n- Tag {rng.choice(WORDS)}\n- Tag world\n"
        f"author: ft\n---\n\n[原文链接]({url})\n\n# **{chinese(rng, 6)}** {chinese(rng, 14)}\n\n"
        f"{paragraphs_zh}\n\n---\n\n# {english(rng, 10)}\n\n{paragraphs_en}\n\n"
        f"[Source Link]({url})\n"
    )


def feed_item(i: int, rng: Random) -> str:
    """A feed item: a timestamp comment, a `[headline](URL)` line and an HTML body in Chinese."""
    body = "<br /><br />".join(f"{chinese(rng, 120)}。" for _ in range(6))
    return (
        f"<!--17{i:011d}-->\n[{chinese(rng, 18)}](https://www.voachinese.com/a/bench-{i}.html)\n"
        f"------\n\n<div><i>Wed, 08 May 2024 01:24:38 GMT</i></div>"
        f'<img src="https://images.weserv.nl?url=gdb.voanews.com/bench-{i}.jpg" width="100%">'
        f'<div><small style="color: #999;">{chinese(rng, 30)}（美联社照片）</small></div>'
        f"<p>{body}<br /><br /><strong>{chinese(rng, 6)}</strong><br /><br />{chinese(rng, 80)}</p>"
    )


def generate(folder: Path, n: int, first: int = 0) -> None:
    """`n` story files, alternately digests and feed items, numbered from `first`."""
    rng = Random(n + first)
    for i in range(first, first + n):
        make = digest if i % 2 == 0 else feed_item
        (folder / f"{i:06d}_{i:016x}.txt").write_text(make(i, rng), encoding="utf-8")


# -- A site's rows, written straight to the database ------------------------------------------
# These run inside a process whose Django is set up (the benchmarks' `--fill` subprocesses).

SENTENCE_EN = "Negotiators met in Bonn to narrow the options on finance. "
SENTENCE_ZH = "谈判代表在波恩会面，缩小资金问题上的选项。"
HEADLINES = {
    "en": "Envoys narrow gaps on climate finance",
    "zh-hans": "特使在气候资金问题上缩小分歧",
}


def body(sentence: str, sentences: int, paragraphs: int = 1) -> str:
    return ("<p>" + sentence * sentences + "</p>") * paragraphs


@dataclass(frozen=True)
class Texts:
    """What every story of a site says: its translations' summaries and bodies (headlines are
    HEADLINES with the story's number) and its lead image's alt text (none when empty)."""

    summaries: dict[str, str]
    bodies: dict[str, str]
    alt_text: str = ""


def outlets(count: int) -> list:
    """`count` sources: "Outlet n" at outletn.example.com."""
    from articles.models import Source

    return Source.objects.bulk_create(
        Source(name=f"Outlet {n}", domain=f"outlet{n}.example.com") for n in range(count)
    )


def topics(count: int) -> list:
    """`count` tags: "topic n", slug topic-n."""
    from taggit.models import Tag

    return Tag.objects.bulk_create(Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(count))


def add_stories(
    rng: Random,
    stories: Iterable[tuple[int, str, datetime | None]],
    *,
    sources: list,
    texts: Texts,
    original_language: Callable[[Random], str],
    languages: Callable[[Random], Iterable[str]],
    tags: Callable[[Random], Iterable],
) -> list:
    """One article per (number, status, published_at) of `stories` (slug story-<number>, from
    a source drawn from `sources`), each with a ready translation in each of `languages(rng)`,
    a lead image (an address, no file) and the tags `tags(rng)`: a few statements in all."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    from articles.models import Article, Image, Translation

    articles = Article.objects.bulk_create(
        Article(
            source=rng.choice(sources),
            original_url=f"https://news.example.com/{n}",
            slug=f"story-{n}",
            status=status,
            published_at=published_at,
            original_language=original_language(rng),
        )
        for n, status, published_at in stories
    )
    Translation.objects.bulk_create(
        Translation(
            article=article,
            language=language,
            status=Translation.Status.READY,
            title=f"{HEADLINES[language]} {article.pk}",
            summary=texts.summaries[language],
            body=texts.bodies[language],
        )
        for article in articles
        for language in languages(rng)
    )
    Image.objects.bulk_create(
        Image(
            article=article,
            original_url=f"https://img.example.com/{article.pk}.jpg",
            caption="Delegates in Bonn",
            credit="Reuters",
            alt_text=texts.alt_text or {},  # {}: the field's own "no text"
            width=1200,
            height=800,
        )
        for article in articles
    )
    article_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=article_type, object_id=article.pk, tag=tag)
        for article in articles
        for tag in tags(rng)
    )
    return articles
