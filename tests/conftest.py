import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's headless Chromium (Playwright's own browser download does not work here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot_dir() -> Path:
    """Where browser tests save screenshots for people to look at (named in the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in English. A request leaves its language active in the thread
    (LocaleMiddleware never deactivates it), so without this, tests leak into each other."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads and renditions go to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _staff_in_group(django_user_model, username, group_name):
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name=group_name).exists():
        # A live-server test empties the database after itself; make the roles again, the
        # way their migration does.
        import_module("articles.migrations.0003_roles").create_roles(apps, None)
    user = django_user_model.objects.create_user(username, password="pw-" + username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    """A staff member in the Editor group (made by migration, as in production)."""
    return _staff_in_group(django_user_model, "editor", "Editor")


@pytest.fixture
def contributor(django_user_model):
    return _staff_in_group(django_user_model, "contributor", "Contributor")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: local memory outlives a single test."""
    from django.core.cache import cache

    cache.clear()
