"""Search speed: N synthetic published stories, then the reader's search timed and its queries
counted, for a common word (in half the stories), a Chinese word, the oldest story, a rare word.

    .venv/bin/python benchmarks/search_speed.py --stories 10000
    bash scripts/with-postgres .venv/bin/python benchmarks/search_speed.py --stories 10000

Without DATABASE_URL it uses a fresh SQLite file in a temporary folder; with one (PostgreSQL),
that database, which should be empty.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "do", "fi", "gu"]
COMMON_HAN = [chr(0x4E00 + n) for n in range(0, 3000, 3)]


def words(rng, n):
    """Made-up words of two or three syllables: a vocabulary of a few thousand."""
    return " ".join("".join(rng.choices(SYLLABLES, k=rng.choice((2, 3)))) for _ in range(n))


def han(rng, n):
    return "".join(rng.choices(COMMON_HAN, k=n))


def fill(count, rng):
    from django.utils import timezone

    from articles.models import Article, Source, Translation
    from articles.search import search_index_update

    source = Source.objects.create(name="Bench", domain="bench.example.com")
    now = timezone.now()
    for start in range(0, count, 1000):
        articles = Article.objects.bulk_create(
            Article(
                source=source,
                original_url=f"https://bench.example.com/{n}",
                slug=f"bench-{n}",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=n),
            )
            for n in range(start, min(start + 1000, count))
        )
        translations = []
        for article in articles:
            n = int(article.slug.removeprefix("bench-"))
            oldest = n == count - 1
            common, chinese = ("climate " if n % 2 else ""), ("气候" if n % 3 == 0 else "")
            translations += [
                Translation(
                    article=article,
                    language="en",
                    status=Translation.Status.READY,
                    title=f"{common}{words(rng, 7)}{' Kyoto' if oldest else ''}",
                    summary=words(rng, 20),
                    body=f"<p>{words(rng, 120)} {common}{words(rng, 80)}</p>",
                ),
                Translation(
                    article=article,
                    language="zh-hans",
                    status=Translation.Status.READY,
                    title=f"{han(rng, 6)}{chinese}{han(rng, 6)}{'京都' if oldest else ''}",
                    summary=han(rng, 30),
                    body=f"<p>{han(rng, 300)}{chinese}{han(rng, 200)}</p>",
                ),
            ]
        Translation.objects.bulk_create(translations)
        search_index_update(article.pk for article in articles)


def timed(query, language, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.search import article_search

    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            results = article_search(query, language=language)
            total = results.count()
            last = max(0, (total - 1) // 20)
            start = last * 20 if page == "last" else 0
            shown = results[start : start + 20]
            times.append(time.perf_counter() - started)
    first = shown[0].translation.title[:30] if shown else ""
    print(
        f"{query!r:>12} {page:>5} page: {total:>6} found, {len(queries)} queries, "
        f"median {statistics.median(times) * 1000:7.1f} ms   {first}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=10000)
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    scratch = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("NEWSDESK_DEBUG", "1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    fill(arguments.stories, random.Random(12))
    print(f"{arguments.stories} stories made and indexed in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a load this size
    for query, language, page in [
        ("climate", "en", "first"),
        ("climate", "en", "last"),
        ("气候", "zh-hans", "first"),
        ("气候", "zh-hans", "last"),
        ("kyoto", "en", "first"),
        ("京都", "zh-hans", "first"),
        ("climate kyoto", "en", "first"),
    ]:
        timed(query, language, page)
    started = time.perf_counter()
    call_command("rebuild_search_index", verbosity=0)
    print(f"rebuild_search_index: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
