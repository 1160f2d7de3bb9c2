"""Small helpers that make test data with defaults, so each test states only what matters."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Image, ImportRecord, ImportRun, Source, Translation

_counter = itertools.count(1)


def make_source(*, name="Financial Times", domain=None, codes=None) -> Source:
    n = next(_counter)
    return Source.objects.create(
        name=name, domain=domain or f"outlet{n}.example.com", codes=codes or []
    )


def make_article(
    *,
    source=None,
    status=Article.Status.PUBLISHED,
    published_at=None,
    en=None,
    zh=None,
    tags=(),
    slug=None,
    original_url=None,
    unpublish_at=None,
) -> Article:
    """An article with an English and a Chinese translation unless told otherwise.

    `en` and `zh` are dicts of Translation fields, or False for no translation in that language;
    translations are ready for readers unless given another `status`.
    """
    n = next(_counter)
    article = Article.objects.create(
        source=source or make_source(),
        original_url=original_url or f"https://news.example.com/story-{n}",
        slug=slug or f"story-{n}",
        status=status,
        published_at=published_at or timezone.now() - timedelta(hours=n),
        unpublish_at=unpublish_at,
    )
    defaults = {
        "en": {
            "title": f"Envoys meet on climate finance {n}",
            "summary": "Talks resume.",
            "body": "<p>Negotiators met in Bonn.</p>",
        },
        "zh-hans": {
            "title": f"气候特使会谈气候融资 {n}",
            "summary": "谈判重启。",
            "body": "<p>谈判代表在波恩会面。</p>",
        },
    }
    for language, given in (("en", en), ("zh-hans", zh)):
        if given is False:
            continue
        Translation.objects.create(
            article=article,
            language=language,
            **{"status": Translation.Status.READY, **defaults[language], **(given or {})},
        )
    if tags:
        article.tags.add(*tags)
    return article


def make_image(article, **fields) -> Image:
    fields.setdefault("original_url", "https://img.example.com/photo.jpg")
    return Image.objects.create(article=article, **fields)


def make_import_record(article, *, outcome=ImportRecord.Outcome.CONFLICT, **fields) -> ImportRecord:
    """What an import run left for `article`: by default, a conflict to resolve."""
    fields.setdefault("path", "samples/story.md")
    fields.setdefault("sha256", "0" * 64)
    return ImportRecord.objects.create(
        run=ImportRun.objects.create(), article=article, outcome=outcome, **fields
    )
