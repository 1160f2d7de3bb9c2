"""How fast the reader's site serves pages, against a plain Django page, in one run.

Fills a fresh SQLite database with 1,000 published stories, serves the site with gunicorn
(sync workers = cores) on 127.0.0.1 and loads each page with wrk (Debian's `wrk`) over
loopback: first with the page cache off, then with it on. The home page is one URL; the story
load spreads over 100 story pages. The baseline (benchmarks/site_urls.py) reads the same 20
stories in one query and renders the home page's markup from a single plain template.
The pages take turns in three rounds and the median counts, so that other load on the
machine falls on every page alike.

    make benchmark-site                 (or: .venv/bin/python benchmarks/site_speed.py)
    BENCHMARK_SECONDS=10 make benchmark-site     (seconds per page and round; default 5)

Targets: home and story >= 50% of the baseline uncached; cached >= 3x uncached.
"""

import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORIES = 1000
SECONDS = int(os.environ.get("BENCHMARK_SECONDS", "5"))
ROUNDS = 3
CONNECTIONS = 8
WORKERS = os.cpu_count() or 2
STORY_PATHS = 100  # story pages the load rotates through


def fill_database():
    """Runs inside a subprocess with the benchmark's DATABASE_URL: 1,000 published stories."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Image, Source, Translation

    rng = random.Random(4)
    sources = Source.objects.bulk_create(
        Source(name=f"Outlet {n}", domain=f"outlet{n}.example.com") for n in range(8)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(30))
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            source=rng.choice(sources),
            original_url=f"https://news.example.com/{n}",
            slug=f"story-{n}",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=n),
            original_language="en",
        )
        for n in range(STORIES)
    )
    paragraph_en = "<p>" + "Negotiators met in Bonn to narrow the options on finance. " * 6 + "</p>"
    paragraph_zh = "<p>" + "谈判代表在波恩会面，缩小资金问题上的选项。" * 6 + "</p>"
    Translation.objects.bulk_create(
        Translation(
            article=article,
            language=language,
            status=Translation.Status.READY,
            title=f"{title} {article.pk}",
            summary=summary,
            body=paragraph * 6,
        )
        for article in articles
        for language, title, summary, paragraph in (
            ("en", "Envoys narrow gaps on climate finance", "Talks resume in Bonn.", paragraph_en),
            ("zh-hans", "特使在气候资金问题上缩小分歧", "波恩谈判重启。", paragraph_zh),
        )
    )
    Image.objects.bulk_create(
        Image(
            article=article,
            original_url=f"https://img.example.com/{article.pk}.jpg",
            caption="Delegates in Bonn",
            credit="Reuters",
            alt_text="Delegates in a conference hall",
            width=1200,
            height=800,
        )
        for article in articles
    )
    article_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=article_type, object_id=article.pk, tag=tag)
        for article in articles
        for tag in rng.sample(tags, 3)
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@contextmanager
def gunicorn(env: dict):
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "newsdesk.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class", "sync",
        "--pythonpath", str(ROOT / "benchmarks"), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/robots.txt")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def wrk(url: str, script: Path | None = None, seconds: int = SECONDS) -> float:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw failures on {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def story_script(directory: Path) -> Path:
    """A wrk script that spreads the load over many story pages, not one cached page."""
    slugs = random.Random(7).sample(range(STORIES), STORY_PATHS)
    paths = ", ".join(f'"/en/stories/story-{n}/"' for n in slugs)
    script = directory / "stories.lua"
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    return script


def measure(base: str, pages: dict, script: Path) -> dict:
    """Median requests/s per page over ROUNDS rounds that take the pages in turn.

    Taking turns spreads any other load on the machine over every page alike."""
    for name, path in pages.items():
        wrk(base + path, script if name == "story" else None, seconds=3)  # warm up
    rounds = {name: [] for name in pages}
    for _ in range(ROUNDS):
        for name, path in pages.items():
            rounds[name].append(wrk(base + path, script if name == "story" else None))
    for name, rates in rounds.items():
        print(f"  {name:8} " + "  ".join(f"{rate:8.1f}" for rate in rates) + "  req/s")
    return {name: statistics.median(rates) for name, rates in rounds.items()}


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (make benchmark-site does it)")
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/site.sqlite3",
            "DJANGO_SETTINGS_MODULE": "site_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), str(ROOT)]),
            "NEWSDESK_ALLOW_INSECURE_KEY": "1",
            "NEWSDESK_DEBUG": "0",
            "NEWSDESK_STATIC_ROOT": f"{tmp}/static",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
        collect = [*manage, "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, __file__, "--fill"], cwd=ROOT, env=env, check=True)
        script = story_script(Path(tmp))
        print(
            f"{STORIES} published stories; gunicorn with {WORKERS} sync workers; wrk, "
            f"{CONNECTIONS} connections, {ROUNDS} rounds of {SECONDS} s per page, loopback"
        )

        print("uncached, each round:")
        with gunicorn({**env, "NEWSDESK_PAGE_CACHE_SECONDS": "0"}) as base:
            home_bytes = len(fetch(base + "/en/"))
            padding = home_bytes - len(fetch(base + "/baseline/"))
            pages = {"baseline": f"/baseline/?pad={max(padding, 0)}", "home": "/en/"}
            uncached = measure(base, {**pages, "story": "/en/stories/story-0/"}, script)
        print("cached, each round:")
        with gunicorn({**env, "NEWSDESK_PAGE_CACHE_SECONDS": "600"}) as base:
            cached = measure(base, {"home": "/en/", "story": "/en/stories/story-0/"}, script)

    baseline = uncached["baseline"]
    print(f"\nbaseline (20 rows, one query, {home_bytes} bytes): {baseline:8.1f} req/s")
    print(f"{'page':8} {'uncached':>10} {'of baseline':>12} {'cached':>10} {'speed-up':>9}")
    verdicts = []
    for name in ("home", "story"):
        share, speedup = uncached[name] / baseline, cached[name] / uncached[name]
        print(f"{name:8} {uncached[name]:10.1f} {share:12.0%} {cached[name]:10.1f} {speedup:8.1f}x")
        verdicts += [share >= 0.5, speedup >= 3]
    verdict = "met" if all(verdicts) else "MISSED"
    print(f"\ntargets (>= 50% of baseline uncached, >= 3x cached): {verdict}")


if __name__ == "__main__":
    if "--fill" in sys.argv:
        fill_database()
    else:
        main()
