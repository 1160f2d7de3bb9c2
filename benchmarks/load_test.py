"""The reader's site under load, served the production way: 60 s at 64 connections.

Fills a fresh database with 1,000 published stories (benchmarks/site_speed.py's filler),
serves it with the production command, `make serve` (gunicorn, sync workers = cores, DEBUG off,
collected static files, access log; a secret key, the page cache on), and loads home and story
pages in both languages with wrk over loopback. Prints requests/s, p50/p99 latency and the
errors, and exits 1 if any request failed (a non-2xx/3xx answer or a socket error).

    make benchmark-load                     (or: .venv/bin/python benchmarks/load_test.py)
    LOAD_DATABASE=postgres LOAD_CACHE=redis make benchmark-load      (the production shape)
    LOAD_SECONDS=20 LOAD_CONNECTIONS=16 make benchmark-load

LOAD_DATABASE: sqlite (a temporary file, default) or postgres (a throwaway cluster from
scripts/postgres-start). LOAD_CACHE: locmem (per process, default) or redis (a redis-server
on a free loopback port).
"""

import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import site_speed
from site_speed import ROOT, STORIES, fetch, free_port

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "64"))
DATABASE = os.environ.get("LOAD_DATABASE", "sqlite")
CACHE = os.environ.get("LOAD_CACHE", "locmem")
STORY_PATHS = 100  # stories per language the load rotates through


@contextmanager
def postgres():
    started = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres-start")],
        capture_output=True,
        text=True,
        check=True,
    )
    values = dict(line.split("=", 1) for line in started.stdout.splitlines())
    try:
        yield values["DATABASE_URL"]
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "postgres-stop"), values["NEWSDESK_PG_DIR"]])


@contextmanager
def redis(directory: Path):
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
               "--appendonly", "no", "--dir", str(directory)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True)
            if ping.stdout.strip() == b"PONG":
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def make_serve(env: dict, log: Path):
    """`make serve` on a free loopback port; stopped with its whole process group."""
    port = free_port()
    command = ["make", "--no-print-directory", "serve", f"BIND=127.0.0.1:{port}"]
    with open(log, "w") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # it installs, collects static files and migrates
        while True:
            try:
                fetch(base + "/robots.txt")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"make serve did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def paths() -> list[str]:
    """Home pages and story pages in both languages, one home page for every story page."""
    slugs = random.Random(7).sample(range(STORIES), STORY_PATHS)
    result = []
    for n in slugs:
        for language in ("en", "zh-hans"):
            result += [f"/{language}/", f"/{language}/stories/story-{n}/"]
    return result


def wrk_script(directory: Path, rotation: list[str]) -> Path:
    script = directory / "load.lua"
    quoted = ", ".join(f'"{path}"' for path in rotation)
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return script


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse(output: str) -> dict:
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"50%\s+(\S+)", output).group(1)),
        "p99": to_ms(re.search(r"99%\s+(\S+)", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def main() -> int:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (make benchmark-load does it)")
    workers = os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="newsdesk-load-") as tmp, ExitStack() as stack:
        tmp = Path(tmp)
        database_url = (
            stack.enter_context(postgres())
            if DATABASE == "postgres"
            else f"sqlite:///{tmp}/site.sqlite3"
        )
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("NEWSDESK_", "DJANGO_", "REDIS_URL", "DATABASE_URL"))
        }
        env |= {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), str(ROOT)]),
            "DATABASE_URL": database_url,
            "NEWSDESK_DEBUG": "0",
            "NEWSDESK_SECRET_KEY": secrets.token_urlsafe(50),
            "NEWSDESK_STATIC_ROOT": str(tmp / "static"),
            "NEWSDESK_MEDIA_ROOT": str(tmp / "media"),
        }
        if CACHE == "redis":
            env["REDIS_URL"] = stack.enter_context(redis(tmp))
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, site_speed.__file__, "--fill"], cwd=ROOT, env=env, check=True
        )
        rotation = paths()
        script = wrk_script(tmp, rotation)

        print(
            f"{STORIES} published stories, {DATABASE} database, {CACHE} cache; make serve "
            f"(gunicorn, {workers} sync workers); wrk: {CONNECTIONS} connections, "
            f"2 threads, {SECONDS} s, over loopback, {len(rotation)} home and story URLs in turn"
        )
        with make_serve(env, tmp / "serve.log") as base:
            for path in set(rotation):
                fetch(base + path)  # every URL answers 200 before the clock starts
            command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
                       "-s", str(script), base + "/"]  # fmt: skip
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    result = parse(output)
    print(output)
    print(
        f"requests/s {result['rps']:.1f}   p50 {result['p50']:.1f} ms   "
        f"p99 {result['p99']:.1f} ms   requests {result['requests']}   "
        f"non-2xx/3xx {result['non_2xx']}   socket errors {result['socket_errors']}"
    )
    failed = result["non_2xx"] or result["socket_errors"]
    print("errors: NONE" if not failed else "errors: SOME REQUESTS FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
