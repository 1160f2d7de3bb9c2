"""Import speed: N synthetic story files (both formats), a first import and an unchanged re-import.

    .venv/bin/python benchmarks/import_speed.py --sizes 1000,10000

Each import runs `manage.py import_articles` in its own process against a fresh SQLite
database in a temporary folder; files/s is wall time for the whole command, peak memory is the
process's maximum resident set size.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    *("climate", "finance", "envoy", "summit", "methane", "coal", "transition", "carbon"),
    *("border", "tax", "talks", "negotiators", "pledge", "adaptation", "emissions", "treaty"),
]
HAN = "气候外交谈判特使峰会甲烷煤炭转型碳边境税承诺适应排放资金条约合作"


def english(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def chinese(rng, n):
    return "".join(rng.choice(HAN) for _ in range(n))


def digest(i, rng):
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


def feed_item(i, rng):
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
    rng = random.Random(n + first)
    for i in range(first, first + n):
        make = digest if i % 2 == 0 else feed_item
        (folder / f"{i:06d}_{i:016x}.txt").write_text(make(i, rng), encoding="utf-8")


def timed_import(folder: Path, env: dict) -> tuple[float, int]:
    """Seconds and peak resident memory (KiB) of one `import_articles` process."""
    command = [
        sys.executable,
        "manage.py",
        "import_articles",
        str(folder),
        "--no-fetch-images",
        "--verbosity",
        "0",
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the import failed")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated file counts")
    args = parser.parse_args()
    print(f"{'files':>7} {'first import':>16} {'unchanged re-import':>21} {'peak memory':>13}")
    for n in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "stories"
            folder.mkdir()
            generate(folder, n)
            env = {
                **os.environ,
                "NEWSDESK_DEBUG": "0",
                "NEWSDESK_ALLOW_INSECURE_KEY": "1",
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "NEWSDESK_MEDIA_ROOT": f"{tmp}/media",
            }
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
            )
            first, first_kib = timed_import(folder, env)
            again, again_kib = timed_import(folder, env)
            print(
                f"{n:>7} {n / first:>12.0f} f/s {n / again:>17.0f} f/s "
                f"{max(first_kib, again_kib) / 1024:>10.0f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    main()
