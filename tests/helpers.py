"""Reading the test fixtures: story files of our own in the shapes of FORMATS.md."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
