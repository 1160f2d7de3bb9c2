"""How each page's time grows from 1,000 to 100,000 published stories ("Ten years of news").

    make benchmark-scale        (or: .venv/bin/python benchmarks/scale.py --sizes 1000,100000)

Builds one synthetic SQLite site per size in var/ (bilingual stories over ten years, tags,
sources, image rows without files, a few drafts and scheduled stories; bulk_create, so about
a minute for 100,000) and keeps it: the next run migrates it and measures again. Each page is
requested through Django's test client, the page cache off, `--repeat` times (3 when a page
takes over two seconds); the median counts, and one more request counts the queries.
Search runs on the index `rebuild_search_index` builds once the stories are in.
"First view" rows empty the cache before each request, so the parts kept until content
changes (related stories, month counts) are computed afresh; the other rows find them kept,
as a reader after the first does. Delete var/scale-* to build again.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
YEARS = 10
SOURCES = 40
COMMON_TAGS, RARE_TAGS = 10, 290
SLOW_SECONDS = 2.0
OLDEST_WORD = "Kyoto"
BATCH = 5000


def database_path(size: int) -> Path:
    return VAR / f"scale-{size}.sqlite3"


def environment(size: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database_path(size)}",
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "PYTHONPATH": str(ROOT),
        "NEWSDESK_ALLOW_INSECURE_KEY": "1",
        "NEWSDESK_DEBUG": "0",
        "NEWSDESK_ALLOWED_HOSTS": "testserver",
        "NEWSDESK_PAGE_CACHE_SECONDS": "0",
        "NEWSDESK_STATIC_ROOT": str(VAR / "scale-static"),
        "NEWSDESK_LOG_LEVEL": "ERROR",
    }


# -- Building a site ---------------------------------------------------------------------------


def fill(size: int) -> None:
    """`size` published stories over ten years, plus 2% drafts and 1% scheduled."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.db.models import Value
    from django.db.models.functions import Concat
    from django.utils import timezone
    from synthetic import SENTENCE_EN, SENTENCE_ZH, Texts, add_stories, body, outlets, topics

    from articles.models import Article, Translation

    rng = random.Random(12)
    now = timezone.now()
    step = timedelta(days=365 * YEARS) / size
    texts = Texts(
        summaries={"en": "Talks resume.", "zh-hans": "波恩谈判重启。"},
        bodies={"en": body(SENTENCE_EN, 4), "zh-hans": body(SENTENCE_ZH, 8)},
    )
    with transaction.atomic():
        sources = outlets(SOURCES)
        # A wire service brings a quarter of the stories, as in a real desk: the source the
        # admin list is filtered by fills a page of it at either size (with 40 equal sources
        # it had 25 stories at 1,000, under a page, and its growth measured the page's rows).
        sources = [sources[0]] * (SOURCES // 3) + sources[1:]
        tags = topics(COMMON_TAGS + RARE_TAGS)
        common, rare = tags[:COMMON_TAGS], tags[COMMON_TAGS:]
        drafts, scheduled = size // 50, size // 100

        def story(n):
            if n < scheduled:
                return n, Article.Status.PUBLISHED, now + step * (n + 1)
            if n < scheduled + drafts:
                return n, Article.Status.DRAFT, None
            return n, Article.Status.PUBLISHED, now - step * (n - scheduled - drafts)

        for start in range(0, size + drafts + scheduled, BATCH):
            stop = min(start + BATCH, size + drafts + scheduled)
            add_stories(
                rng,
                (story(n) for n in range(start, stop)),
                sources=sources,
                texts=texts,
                original_language=lambda rng: rng.choice(["en", "zh-hans"]),
                languages=lambda rng: rng.choices(
                    [("en", "zh-hans"), ("en",), ("zh-hans",)], [18, 1, 1]
                )[0],
                tags=lambda rng: [rng.choice(common), *rng.sample(rare, 2)],
            )
        # A word only the oldest story has, for search.
        last = size + drafts + scheduled - 1
        oldest = Translation.objects.filter(article__slug=f"story-{last}")
        oldest.update(title=Concat("title", Value(f" {OLDEST_WORD}")))
        User.objects.create_superuser("bench", "bench@example.com", "bench")


def build(size: int) -> None:
    env = environment(size)
    built = database_path(size).with_suffix(".built")
    indexed = database_path(size).with_suffix(".indexed")
    if not (built.exists() and database_path(size).exists()):
        # A build that stopped halfway, or a database deleted alone, starts again.
        for leftover in [*VAR.glob(f"{database_path(size).name}*"), built, indexed]:
            leftover.unlink(missing_ok=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    if not (VAR / "scale-static" / "staticfiles.json").exists():
        collect = [*manage, "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True)
    if not built.exists():
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--fill", str(size)], cwd=ROOT, env=env, check=True
        )
        built.touch()
        print(f"built {database_path(size).name} in {time.perf_counter() - started:.0f} s")
    if not indexed.exists():  # bulk_create wrote no search index: the command's rebuild does
        started = time.perf_counter()
        subprocess.run([*manage, "rebuild_search_index"], cwd=ROOT, env=env, check=True)
        indexed.touch()
        print(f"indexed {database_path(size).name} in {time.perf_counter() - started:.0f} s")


# -- Measuring ---------------------------------------------------------------------------------


def pages() -> list[tuple[str, str, dict]]:
    """(label, path, options) for each page, found in the site being measured."""
    from django.db.models import Count, Max, Min, Q
    from django.test import Client
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Article, Source

    published = Article.objects.published()
    # The newest story in both languages (its bilingual page is a page, not a redirect): a
    # site kept from an earlier run sees its scheduled stories published as their times come.
    bilingual = published.filter(tags__isnull=False).annotate(
        languages=Count("translations", filter=Q(translations__status="ready"), distinct=True)
    )
    newest = bilingual.filter(languages=2).order_by("-published_at").first()
    span = published.aggregate(first=Min("published_at"), last=Max("published_at"))
    middle = timezone.localtime(span["first"] + (span["last"] - span["first"]) / 2)
    source = Source.objects.get(domain="outlet0.example.com")
    tag = Tag.objects.get(slug="topic-0")
    found = [
        ("home", "/en/", {}),
        ("story (repeat view)", f"/en/stories/{newest.slug}/", {}),
        ("story, first view (related)", f"/en/stories/{newest.slug}/", {"cold": True}),
        ("bilingual story", f"/en/stories/{newest.slug}/bilingual/", {}),
        ("topic", f"/en/topics/{tag.slug}/", {}),
        ("source", f"/en/sources/{source.domain}/", {}),
        ("month", f"/en/archive/{middle.year}/{middle.month}/", {}),
        ("archive index", "/en/archive/", {}),
        ("archive index, first view", "/en/archive/", {"cold": True}),
        ("RSS", "/en/feed/rss/", {}),
        ("admin list", "/admin/articles/article/", {"staff": True}),
        ("admin list, published", "/admin/articles/article/?status=published", {"staff": True}),
        (
            "admin list, source",
            f"/admin/articles/article/?source__id__exact={source.pk}",
            {"staff": True},
        ),
        ("admin list, tag", f"/admin/articles/article/?tags__id__exact={tag.pk}", {"staff": True}),
        ("admin list, search 气候", "/admin/articles/article/?q=气候", {"staff": True}),
        ("admin list, search climate", "/admin/articles/article/?q=climate", {"staff": True}),
        (
            "admin list, search in a year",
            f"/admin/articles/article/?q=climate&published={middle.year}",
            {"staff": True},
        ),
        ("search 气候 (in every story)", "/zh-hans/search/?q=气候", {}),
        ("search climate (every story)", "/en/search/?q=climate", {}),
        ("search climate, page 40", "/en/search/?q=climate&page=40", {}),
        ("search, the oldest story's word", f"/en/search/?q={OLDEST_WORD}", {}),
        ("/sitemap.xml", "/sitemap.xml", {}),
    ]
    index = ET.fromstring(Client().get("/sitemap.xml").content)
    if index.tag.endswith("sitemapindex"):
        locations = [loc.text for loc in index.iterfind(".//{*}loc")]
        story_pages = [loc for loc in locations if "stories" in loc]
        others = [loc for loc in locations if "stories" not in loc and "?p=" not in loc]
        named = {"sitemap stories, first page": story_pages[0]}
        named["sitemap stories, last page"] = story_pages[-1]
        named.update({f"sitemap {loc.split('sitemap-')[-1]}": loc for loc in others})
        for label, loc in named.items():
            found.append((label, loc.removeprefix("http://testserver"), {}))
    return found


def measure(size: int, repeat: int) -> None:
    """Prints one JSON line per page: label, median ms, requests, queries, bytes."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    reader, staff = Client(), Client()
    staff.force_login(User.objects.get(username="bench"))

    def get(client, path, cold):
        if cold:
            cache.clear()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        return (elapsed, time.process_time() - cpu), response

    for label, path, options in pages():
        client, cold = (staff if options.get("staff") else reader), options.get("cold", False)
        (first, _cpu), response = get(client, path, cold)  # warms Django's caches
        runs = [get(client, path, cold)[0] for _ in range(3 if first > SLOW_SECONDS else repeat)]
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        row = {
            "label": label,
            "ms": statistics.median(wall for wall, _cpu in runs) * 1000,
            "cpu_ms": statistics.median(cpu for _wall, cpu in runs) * 1000,
            "requests": len(runs),
            "queries": len(queries),
            "bytes": len(response.content),
        }
        print(json.dumps(row), flush=True)


def run(size: int, repeat: int) -> dict:
    command = [sys.executable, __file__, "--measure", str(size), "--repeat", str(repeat)]
    output = subprocess.run(
        command, cwd=ROOT, env=environment(size), check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    rows = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    for row in rows:
        print(
            f"  {size:>7} {row['label']:32} {row['ms']:9.1f} ms {row['cpu_ms']:9.1f} ms CPU "
            f"{row['queries']:3} queries"
        )
    return {row["label"]: row for row in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    VAR.mkdir(exist_ok=True)
    results = {}
    for size in sizes:
        build(size)
        results[size] = run(size, args.repeat)
    small, large = sizes[0], sizes[-1]
    print(
        f"\nmedian of {args.repeat} single requests (3 when over {SLOW_SECONDS:.0f} s), "
        "page cache off, SQLite; wall time, and the process's CPU time (SQLite runs in the "
        "process, so CPU time is the page's own work, less swayed by other load on the machine)"
    )
    header = (
        f"{'page':30} {small:>9,} {large:>9,} {'growth':>7} "
        f"{'CPU ' + format(small, ','):>11} {'CPU ' + format(large, ','):>11} {'growth':>7} "
        f"{'queries':>8}"
    )
    print(header + "\n" + "-" * len(header))
    for label, row in results[large].items():
        before = results[small].get(label)
        if before is None:
            print(f"{label:30} {'':>9} {row['ms']:7.1f}ms")
            continue
        growth = row["ms"] / before["ms"]
        cpu_growth = row["cpu_ms"] / max(before["cpu_ms"], 0.001)
        queries = f"{before['queries']}/{row['queries']}"
        print(
            f"{label:30} {before['ms']:7.1f}ms {row['ms']:7.1f}ms {growth:6.2f}x "
            f"{before['cpu_ms']:9.1f}ms {row['cpu_ms']:9.1f}ms {cpu_growth:6.2f}x {queries:>8}"
        )


if __name__ == "__main__":
    if "--fill" in sys.argv:
        fill(int(sys.argv[2]))
    elif "--measure" in sys.argv:
        measure(int(sys.argv[2]), int(sys.argv[4]))
    else:
        main()
