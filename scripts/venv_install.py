"""Install the site (`pip install -e .`, or `.[EXTRA]`) into the running virtualenv only when
something is missing or the requirements changed, as `make` targets want it.

`pip install -e .` points the virtualenv's copy of the site at the checkout it runs from: run by
every `make benchmark-*` in a second checkout sharing a virtualenv (a git worktree with a link
to it), it would move everyone's install there. So a stamp in the virtualenv records what it was
installed for (the requirements as pyproject.toml gives them: dependencies, and the extra's),
and the install runs again only when that changed or a distribution they name is not installed.

Usage: .venv/bin/python scripts/venv_install.py [EXTRA]
"""

import hashlib
import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def requirements(extra: str | None) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    if extra is not None and extra not in extras:
        sys.exit(f"pyproject.toml has no extra {extra!r}")
    return [project["name"], *project["dependencies"], *extras.get(extra, [])]


def installed(requirement: str) -> bool:
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def satisfied(requirement: str) -> bool:
    """Whether the installed version meets the requirement (False when that cannot be told)."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # a new virtualenv: nothing but pip yet
        return False
    parsed = Requirement(requirement)
    try:
        version = metadata.version(parsed.name)
    except metadata.PackageNotFoundError:
        return False
    return parsed.specifier.contains(version, prereleases=True)


def main(argv: list[str]) -> int:
    extra = argv[0] if argv else None
    wanted = requirements(extra)
    digest = hashlib.sha256(json.dumps(wanted).encode()).hexdigest()
    stamp = Path(sys.prefix) / f".newsdesk-install{'-' + extra if extra else ''}"
    if stamp.exists():
        if stamp.read_text().strip() == digest and all(map(installed, wanted)):
            return 0
    elif all(map(satisfied, wanted)):
        # Installed before there were stamps, and up to date: taken as it is.
        stamp.write_text(digest + "\n")
        return 0
    target = f".[{extra}]" if extra else "."
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT, check=True
    )
    stamp.write_text(digest + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
