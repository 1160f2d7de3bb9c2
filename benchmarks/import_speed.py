"""Import speed: N synthetic story files (both formats), a first import and an unchanged re-import,
against the parsing limit measured in the same run.

    .venv/bin/python benchmarks/import_speed.py --sizes 1000,10000
    .venv/bin/python benchmarks/import_speed.py --sizes 1000 --compare /work/main  # before/after

For each size: the parse limit (read, decode and parse every file in the import's worker pool,
one worker per core, nothing written: the most files/s any import of these files could reach on
this machine), then each checkout's first import and unchanged re-import. Each import runs
`manage.py import_articles` in its own process against a fresh SQLite database in a temporary
folder; files/s is wall time for the whole command (start-up included; the start-up alone,
the command on an empty folder, is printed after; each checkout first migrates and imports a
few files in a dry run, so that Python's bytecode is there, as on a site in use), the ratio is
files/s over the parse limit's, peak memory is the largest resident set of the command or its
workers. CPU ms/file counts the command and its workers (start-up included, except for the
parse limit), and "if CPU-bound" is the most files/s that CPU time allows on this machine's
cores (on one for the unchanged re-import, which parses nothing and runs in one process). On a
shared machine the wall-time figures move with the load; CPU time and the ratios measured side
by side much less.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import generate

ROOT = Path(__file__).resolve().parent.parent


def parse_limit(folder: Path) -> None:
    """Print the seconds that reading and parsing every file under `folder` takes in the
    import's own worker pool, batch after batch as the import submits them (run in a process
    of its own: `--parse-only FOLDER`)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from articles.importing.pipeline import ParsingPool, batches, find_story_files, read

    start, cpu = time.perf_counter(), _cpu_seconds()
    files = find_story_files([folder])
    with ParsingPool(parallel=True) as pool:
        # The next batch is submitted before this one is taken, as the import does.
        started = (pool.submit([read(f) for f in batch]) for batch in batches(files))
        parsing = next(started, None)
        failed = 0
        while parsing is not None:
            following = next(started, None)
            failed += sum(1 for parsed in parsing if parsed.parsed is None)
            parsing = following
    if failed:
        raise SystemExit(f"{failed} files did not parse")
    print(time.perf_counter() - start, _cpu_seconds() - cpu, os.cpu_count())


def _cpu_seconds() -> float:
    """This process's CPU time and that of its children ended so far."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(command: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, int, str]:
    """Seconds, CPU seconds (with its workers), peak resident memory (KiB) and output of one
    process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, output


def timed_import(folder: Path, env: dict, code: Path, python: str) -> tuple[float, float, int]:
    """Seconds, CPU seconds and peak resident memory (KiB) of one `import_articles` process."""
    command = [
        python,
        "manage.py",
        "import_articles",
        str(folder),
        "--no-fetch-images",
        "--verbosity",
        "0",
    ]
    elapsed, cpu, kib, _output = timed(command, env, cwd=code)
    return elapsed, cpu, kib


def warm_up(tmp: Path, env: dict, code: Path, python: str) -> None:
    """A dry run of a few files first, as any site has run an import before: Python compiles
    the modules an import loads (the parsers, markdown-it, YAML, OpenCC, the worker pool) once
    and keeps their bytecode; without it, the first import timed here paid 0.5-0.9 s of CPU
    compiling them, which no later import pays."""
    folder = tmp / "warm-up"
    if not folder.exists():
        folder.mkdir()
        generate(folder, 64)  # pipeline.PARALLEL_FROM: the worker pool starts as in a real run
    subprocess.run(
        [python, "manage.py", "import_articles", str(folder), "--dry-run", "--no-fetch-images"],
        cwd=code,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated file counts")
    parser.add_argument(
        "--compare",
        type=Path,
        action="append",
        default=[],
        help="another checkout (with its own .venv or this one's) to import the same files too",
    )
    parser.add_argument("--parse-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_only:
        return parse_limit(args.parse_only)
    checkouts = [ROOT, *(path.resolve() for path in args.compare)]
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(
        f"{'files':>6}  {'':<38} {'files/s':>8} {'x parse limit':>14} {'CPU ms/file':>12} "
        f"{'if CPU-bound':>13} {'peak RSS':>9}"
    )
    for n in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "stories"
            folder.mkdir()
            generate(folder, n)
            *_timing, output = timed(
                [sys.executable, __file__, "--parse-only", str(folder)], _environment(tmp)
            )
            seconds, cpu, cores = output.split()
            limit = n / float(seconds)
            _row(n, f"parse limit ({cores} processes)", float(seconds), float(cpu), 0, limit)
            for code in checkouts:
                env = _environment(tmp, name=code.name)
                python = code / ".venv/bin/python"
                python = str(python) if python.exists() else sys.executable
                subprocess.run(
                    [python, "manage.py", "migrate", "-v", "0"], cwd=code, env=env, check=True
                )
                warm_up(Path(tmp), env, code, python)
                _row(
                    n,
                    f"{code.name[:20]}: first import",
                    *timed_import(folder, env, code, python),
                    limit,
                )
                # Nothing to parse: one process does it all (its reading threads aside).
                _row(
                    n,
                    f"{code.name[:20]}: unchanged re-import",
                    *timed_import(folder, env, code, python),
                    limit,
                    cores=1,
                )
                # What every run pays before its first file: Python, Django, the command.
                empty = Path(tmp) / "empty"
                empty.mkdir(exist_ok=True)
                seconds, cpu, _kib = timed_import(empty, env, code, python)
                print(
                    f"{'':>6}  {code.name[:20] + ': start-up, no files':<38} {seconds:>7.2f}s "
                    f"{'':>14} {cpu * 1000:>9.0f} ms",
                    flush=True,
                )
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


def _row(
    n: int, label: str, seconds: float, cpu: float, kib: int, limit: float, cores: int = 0
) -> None:
    """files/s and its ratio to the parse limit; CPU per file, and the most files/s that CPU
    time allows on `cores` (this machine's by default): what a quiet machine could show."""
    cores = cores or os.cpu_count() or 1
    memory = f"{kib / 1024:>5.0f} MiB" if kib else ""
    print(
        f"{n:>6}  {label:<38} {n / seconds:>8.0f} {n / seconds / limit:>13.2f}x "
        f"{cpu / n * 1000:>12.2f} {n / cpu * cores:>13.0f} {memory:>9}",
        flush=True,
    )


def _environment(tmp: str, name: str = "parse") -> dict:
    environment = {
        **os.environ,
        "NEWSDESK_DEBUG": "0",
        "NEWSDESK_ALLOW_INSECURE_KEY": "1",
        "DATABASE_URL": f"sqlite:///{tmp}/{name}.sqlite3",
        "NEWSDESK_MEDIA_ROOT": f"{tmp}/media-{name}",
        # Bytecode as an installed site has it (`migrate` and `warm_up`, run first, write it),
        # kept out of the checkouts: with PYTHONDONTWRITEBYTECODE every command compiled the
        # project's modules again, a tenth of an unchanged re-import's time.
        "PYTHONPYCACHEPREFIX": f"{tmp}/pycache",
    }
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


if __name__ == "__main__":
    main()
