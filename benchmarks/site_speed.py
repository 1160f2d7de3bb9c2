"""How fast the reader's site serves pages, against plain Django pages, in one run.

Fills a fresh SQLite database with 1,000 published stories and serves it on 127.0.0.1 with two
gunicorns (sync workers = cores), one with the page cache off and one with it on, and the
shipped nginx set-up (deploy/nginx/newsdesk.conf, its micro-cache; benchmarks/local_nginx.py)
in front of the second; wrk (Debian's `wrk`) loads each page over loopback. The home page is
one URL; the story load spreads over 100 story pages. The plain-Django pages
(benchmarks/site_urls.py) read the same rows in one query and render the same markup from a
single plain template: the 20 latest stories for the home page, one story (with its related
stories kept in the cache, as the site keeps them) for the story page. "Static" is nginx
sending the same bytes from a file. Every page takes its turn in each of three rounds and the
median counts, so that other load on the machine falls on every page alike: the ratios within
one run are what counts.

    make benchmark-site                 (or: .venv/bin/python benchmarks/site_speed.py)
    BENCHMARK_SECONDS=10 make benchmark-site     (seconds per page and round; default 5)

Target: home and story uncached >= 0.8x their plain-Django page.
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

from local_nginx import local_nginx

ROOT = Path(__file__).resolve().parent.parent
STORIES = 1000
SECONDS = int(os.environ.get("BENCHMARK_SECONDS", "5"))
ROUNDS = 3
CONNECTIONS = 8
WORKERS = os.cpu_count() or 2
STORY_PATHS = 100  # story pages the load rotates through
TARGET = 0.8  # uncached home and story pages against their plain-Django pages


def fill_database():
    """Runs inside a subprocess with the benchmark's DATABASE_URL: 1,000 published stories."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone
    from synthetic import SENTENCE_EN, SENTENCE_ZH, Texts, add_stories, body, outlets, topics

    from articles.models import Article

    rng = random.Random(4)
    sources = outlets(8)
    tags = topics(30)
    now = timezone.now()
    add_stories(
        rng,
        ((n, Article.Status.PUBLISHED, now - timedelta(hours=n)) for n in range(STORIES)),
        sources=sources,
        texts=Texts(
            summaries={"en": "Talks resume in Bonn.", "zh-hans": "波恩谈判重启。"},
            bodies={"en": body(SENTENCE_EN, 6, 6), "zh-hans": body(SENTENCE_ZH, 6, 6)},
            alt_text="Delegates in a conference hall",
        ),
        original_language=lambda rng: "en",
        languages=lambda rng: ("en", "zh-hans"),
        tags=lambda rng: rng.sample(tags, 3),
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
    # A 10 s timeout: on a shared machine a stall of a second or two is not a failed request.
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw failures on {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def story_script(directory: Path, name: str, prefix: str, query: str = "") -> Path:
    """A wrk script that spreads the load over many story pages, not one cached page."""
    slugs = random.Random(7).sample(range(STORIES), STORY_PATHS)
    paths = ", ".join(f'"{prefix}story-{n}/{query}"' for n in slugs)
    script = directory / f"{name}.lua"
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    return script


def measure(pages: dict) -> dict:
    """Median requests/s per page over ROUNDS rounds that take the pages in turn.

    `pages` maps a name to (base URL, path, wrk script or None). Taking turns spreads any
    other load on the machine over every page alike, so ratios within one run hold."""
    for base, path, script in pages.values():
        wrk(base + path, script, seconds=3)  # warm up (and fill the caches)
    rounds = {name: [] for name in pages}
    for _ in range(ROUNDS):
        for name, (base, path, script) in pages.items():
            rounds[name].append(wrk(base + path, script))
    for name, rates in rounds.items():
        print(f"  {name:18} " + "  ".join(f"{rate:9.1f}" for rate in rates) + "  req/s")
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
            "NEWSDESK_MEDIA_ROOT": f"{tmp}/media",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
        collect = [*manage, "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, __file__, "--fill"], cwd=ROOT, env=env, check=True)
        Path(f"{tmp}/media").mkdir()
        print(
            f"{STORIES} published stories; gunicorn with {WORKERS} sync workers per server; "
            f"wrk, {CONNECTIONS} connections, {ROUNDS} rounds of {SECONDS} s per page, loopback"
        )
        uncached_env = {**env, "NEWSDESK_PAGE_CACHE_SECONDS": "0"}
        cached_env = {**env, "NEWSDESK_PAGE_CACHE_SECONDS": "600"}
        with gunicorn(uncached_env) as off, gunicorn(cached_env) as on:
            home, story = fetch(off + "/en/"), fetch(off + "/en/stories/story-0/")
            home_pad = len(home) - len(fetch(off + "/baseline/"))
            story_pad = len(story) - len(fetch(off + "/baseline/stories/story-0/"))
            # The same bytes as the pages, as static files nginx serves from disk.
            Path(f"{tmp}/static/home.html").write_bytes(home)
            Path(f"{tmp}/static/story.html").write_bytes(story)
            app = on.removeprefix("http://")
            static_root, media_root = f"{tmp}/static", f"{tmp}/media"
            with local_nginx(
                Path(tmp) / "nginx", app=app, static_root=static_root, media_root=media_root
            ) as proxy:
                stories = story_script(Path(tmp), "stories", "/en/stories/")
                pages = {
                    "home baseline": (off, f"/baseline/?pad={max(home_pad, 0)}", None),
                    "home uncached": (off, "/en/", None),
                    "home cached": (on, "/en/", None),
                    "home nginx": (proxy, "/en/", None),
                    "home static": (proxy, "/static/home.html", None),
                    "story baseline": (
                        off,
                        "/",
                        story_script(
                            Path(tmp), "baseline", "/baseline/stories/", f"?pad={max(story_pad, 0)}"
                        ),
                    ),
                    "story uncached": (off, "/", stories),
                    "story cached": (on, "/", stories),
                    "story nginx": (proxy, "/", stories),
                    "story static": (proxy, "/static/story.html", None),
                }
                print("each round:")
                rates = measure(pages)

    print(f"\nrequests/s (median of {ROUNDS}), and as a share of the plain-Django page:")
    header = f"{'page':6} {'plain Django':>14} {'cache off':>16} {'cache on':>16} "
    header += f"{'nginx cache':>16} {'nginx static':>16}"
    print(header + "\n" + "-" * len(header))
    verdicts = []
    for page in ("home", "story"):
        baseline = rates[f"{page} baseline"]
        cells = [f"{baseline:8.0f} 1.00x"]
        for kind in ("uncached", "cached", "nginx", "static"):
            rate = rates[f"{page} {kind}"]
            cells.append(f"{rate:8.0f} {rate / baseline:5.2f}x")
        print(f"{page:6} " + " ".join(f"{cell:>16}" for cell in cells))
        share = rates[f"{page} nginx"] / rates[f"{page} static"]
        print(f"{'':6} through nginx's cache: {share:.0%} of the static file's speed")
        verdicts.append(rates[f"{page} uncached"] / baseline >= TARGET)
    verdict = "met" if all(verdicts) else "MISSED"
    print(f"\ntarget (uncached >= {TARGET:.2f}x the plain-Django page): {verdict}")


if __name__ == "__main__":
    if "--fill" in sys.argv:
        fill_database()
    else:
        main()
