"""The site's settings plus the benchmark's plain-Django baseline page (benchmarks/site_urls.py)."""

from newsdesk.settings import *  # noqa: F403
from newsdesk.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "site_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]
