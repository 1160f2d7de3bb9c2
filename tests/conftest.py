import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import pytest

CHROMIUM = os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def pytest_configure(config):
    """The test run hashes passwords with MD5: production's PBKDF2 spends a deliberate fraction
    of a second on each user made or logged in, which the suite would pay hundreds of times.
    Processes the tests start (manage.py, gunicorn) keep the production settings."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Browser tests are slow, and run on one xdist worker: one Chromium on the machine rather
    than one a worker, and one writer of var/screenshots/ (some tests save the same file)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file of this worker's, as production's is, not Django's
    default in-memory one: for an in-memory database the live server hands every request thread
    the test's own connection, so a page's requests (a presence heartbeat beside a save) and the
    test's queries ran interleaved in one connection and one transaction, and now and then
    failed ("table is locked", a savepoint gone). With a file, each thread has a connection of
    its own, in WAL mode with a busy timeout (settings.py), and waits its turn."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


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


PRESENCE = re.compile(r"/presence/$")


@pytest.fixture(autouse=True)
def browser_quiet_at_teardown(request):
    """A browser test's pages send no presence goodbye or heartbeat while its database is
    being emptied: the live server would answer it during the flush, for a story that is
    going (on SQLite's in-memory database, before the test database was a file, it made the
    flush fail: "table is locked"). New ones are refused at the end of the test, and one
    already on its way (the heartbeat a page sends as it loads) is waited for. Tests that
    need the goodbye close their pages themselves, before this."""
    if not {"page", "live_server"} <= set(request.fixturenames):
        yield  # no browser talking to a live server (a test with its own "page" parameter)
        return
    context = request.getfixturevalue("context")
    on_the_way = set()
    context.on("request", lambda r: on_the_way.add(r) if PRESENCE.search(r.url) else None)
    context.on("requestfinished", lambda r: on_the_way.discard(r))
    context.on("requestfailed", lambda r: on_the_way.discard(r))
    yield
    context.route(PRESENCE, lambda route: route.abort())
    deadline = time.monotonic() + 10
    while on_the_way and context.pages and time.monotonic() < deadline:
        context.pages[0].wait_for_timeout(25)  # lets Playwright deliver the requests' ends


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


@pytest.fixture(autouse=True)
def _roles_exist(request):
    """The roles' groups, as their migrations make them (articles.roles), in every test with a
    database: a transactional test (a live server, a migration test) empties the database
    after itself, and the tests after it on the same worker would find no roles."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not uses_database:
        return
    request.getfixturevalue("_django_db_helper")  # the database first, however it is asked for
    from django.apps import apps
    from django.contrib.auth.models import Group

    from articles.roles import ROLE_PERMISSIONS, grant_roles

    if Group.objects.filter(name__in=ROLE_PERMISSIONS).count() < len(ROLE_PERMISSIONS):
        grant_roles(apps, exact=True)


def _staff_in_group(django_user_model, username, group_name):
    from django.contrib.auth.models import Group

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


ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server on loopback for the session, keeping nothing on disk."""
    import redis

    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: `make test` installs Debian's redis-server")
    port = free_port()
    command = [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
               "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not answer on port {port}")
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="session")
def postgres_server_url():
    """A PostgreSQL server whose user may create databases: the run's own when DATABASE_URL is
    PostgreSQL, else a throwaway cluster for the session (scripts/postgres-start)."""
    url = os.environ.get("DATABASE_URL", "")
    if _is_postgres(url):
        yield url
        return
    started = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres-start")], capture_output=True, text=True
    )
    if started.returncode:
        pytest.fail(f"PostgreSQL did not start:\n{started.stderr}")
    values = dict(line.split("=", 1) for line in started.stdout.splitlines())
    try:
        yield values["DATABASE_URL"]
    finally:
        stop = ROOT / "scripts" / "postgres-stop"
        subprocess.run(["bash", str(stop), values["NEWSDESK_PG_DIR"]], check=False)


def _create_postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"newsdesk_{uuid4().hex[:12]}"
    parts = urlsplit(server_url)
    maintenance = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parts._replace(path=f"/{name}").geturl(), drop


@pytest.fixture
def postgres_url(postgres_server_url):
    """The URL of a new, empty PostgreSQL database (no tables), dropped after the test."""
    url, drop = _create_postgres_database(postgres_server_url)
    yield url
    drop()


@pytest.fixture
def new_database_url(request, tmp_path):
    """Makes new, empty databases (no tables) of the engine this run tests: SQLite files, or
    PostgreSQL databases when DATABASE_URL is PostgreSQL. For subprocesses (manage.py, scripts)."""
    drops = []

    def make() -> str:
        if not _is_postgres(os.environ.get("DATABASE_URL", "")):
            return f"sqlite:///{tmp_path / uuid4().hex[:12]}.sqlite3"
        url, drop = _create_postgres_database(request.getfixturevalue("postgres_server_url"))
        drops.append(drop)
        return url

    yield make
    for drop in drops:
        drop()


@pytest.fixture
def fake_internet(monkeypatch):
    """Image downloads reach only servers of the test's own, on 127.0.0.1, under public names."""
    from tests.fake_internet import FakeInternet

    internet = FakeInternet(monkeypatch)
    yield internet
    internet.close()


# For `watched` (test_browser_csp.py, test_browser_editor.py).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error it meets collected (`watch`)."""
    return watch(page)


def watch(page):
    """Collects every CSP violation and console error the page meets: its own and those of the
    windows it opens (the admin's add-another popup). Chromium also reports each violation on
    the console, so a popup that closes itself is still heard. For a second page of a test,
    in a context of its own (another user's), as `watched` is for the first."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []

    def on_console(message):
        # Chromium asks every site for /favicon.ico; this one has none, which is no error here.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            page.console_errors.append(f"{message.page.url}: {message.text} {message.location}")

    page.context.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"{page.url}: {error}"))
    return page
