"""The shipped nginx micro-cache (deploy/nginx/newsdesk.conf) in front of gunicorn, for real:
public pages are served from the cache, logged-in users and POSTs never are, and a publish
reaches readers within the page's s-maxage."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from benchmarks.local_nginx import local_nginx
from tests.conftest import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "samples" / "001_bonn_finance_talks.txt")
SECOND_SAMPLE = str(ROOT / "samples" / "002_cbam_india.txt")
SHARED_CACHE_SECONDS = 3
PASSWORD = "nginx-test-password-long-enough"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(*handlers):
    return urllib.request.build_opener(NoRedirect, *handlers)


def get(browser, url, data=None):
    """(status, headers, body) of one request; a redirect or an error is an answer too."""
    try:
        with browser.open(url, data=data, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def answers(url) -> bool:
    try:
        return get(opener(), url)[0] == 200
    except urllib.error.URLError:
        return False


def manage(environment, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()


@pytest.fixture
def site(new_database_url, tmp_path):
    """gunicorn (page cache off, so every page nginx does not keep is rendered anew) behind
    the shipped nginx configuration; yields (nginx base URL, environment)."""
    environment = {
        **os.environ,
        "DATABASE_URL": new_database_url(),
        "NEWSDESK_DEBUG": "0",
        "NEWSDESK_SECRET_KEY": "nginx-tests-" + "x" * 50,
        "NEWSDESK_ALLOWED_HOSTS": "127.0.0.1",
        "NEWSDESK_STATIC_ROOT": str(tmp_path / "static"),
        "NEWSDESK_MEDIA_ROOT": str(tmp_path / "media"),
        "NEWSDESK_STATIC_MANIFEST": "1",  # hashed names, as in production
        "NEWSDESK_SECURE_COOKIES": "0",  # plain http on loopback
        "NEWSDESK_PAGE_CACHE_SECONDS": "0",
        "NEWSDESK_SHARED_CACHE_SECONDS": str(SHARED_CACHE_SECONDS),
    }
    environment.pop("REDIS_URL", None)
    manage(environment, "migrate", "--noinput")
    manage(environment, "collectstatic", "--noinput", "--verbosity", "0")
    manage(environment, "import_articles", SAMPLE, "--publish", "--no-fetch-images")
    create = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser('chief', 'chief@example.com', '{PASSWORD}')"
    )
    manage(environment, "shell", "-c", create)
    (tmp_path / "media").mkdir()
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "newsdesk.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", "2"]  # fmt: skip
    app = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not answers(f"http://127.0.0.1:{port}/robots.txt"):
            assert app.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        with local_nginx(
            tmp_path / "nginx",
            app=f"127.0.0.1:{port}",
            static_root=tmp_path / "static",
            media_root=tmp_path / "media",
        ) as base:
            yield base, environment
    finally:
        app.terminate()
        app.wait(timeout=30)


def log_in(base):
    jar = http.cookiejar.CookieJar()
    browser = opener(urllib.request.HTTPCookieProcessor(jar))
    _status, _headers, form = get(browser, f"{base}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    fields = {"username": "chief", "password": PASSWORD, "csrfmiddlewaretoken": token}
    status, headers, _body = get(
        browser, f"{base}/admin/login/", urllib.parse.urlencode(fields).encode()
    )
    assert status == 302 and any(cookie.name == "sessionid" for cookie in jar), "login failed"
    assert headers.get("X-Cache-Status") in (None, "")
    return browser


def test_a_second_anonymous_request_is_served_by_nginx(site):
    base, _environment = site
    reader = opener()
    first = get(reader, f"{base}/en/")
    second = get(reader, f"{base}/en/")
    assert first[0] == second[0] == 200 and "Bonn" in first[2]
    assert first[1]["X-Cache-Status"] == "MISS"
    assert second[1]["X-Cache-Status"] == "HIT"
    assert second[2] == first[2]


def test_logged_in_users_never_get_a_cached_page_nor_leave_one(site):
    base, _environment = site
    reader, editor = opener(), log_in(base)
    story = re.search(r'href="(/en/stories/[^"]+/)"', get(reader, f"{base}/en/")[2]).group(1)
    get(reader, base + story)
    assert get(reader, base + story)[1]["X-Cache-Status"] == "HIT"
    # The editor is never served the readers' copy...
    for _ in range(2):
        status, headers, _body = get(editor, base + story)
        assert status == 200 and headers["X-Cache-Status"] == "BYPASS"
        assert "private" in headers["Cache-Control"]
    # ...and what the editor sees is never kept for anyone: the archive, first asked for by
    # the editor, is fetched from Django for the reader, and the editor's preview page
    # (banner and all) is never served to a reader who is not logged in.
    editor_archive = get(editor, f"{base}/en/archive/")
    assert editor_archive[0] == 200 and editor_archive[1]["X-Cache-Status"] == "BYPASS"
    assert get(reader, f"{base}/en/archive/")[1]["X-Cache-Status"] == "MISS"
    changelist = get(editor, f"{base}/admin/articles/article/")[2]
    pk = re.search(r"/admin/articles/article/(\d+)/change/", changelist).group(1)
    status, headers, body = get(editor, f"{base}/en/preview/{pk}/")
    assert status == 200 and "Preview for editors" in body
    for _ in range(2):
        status, headers, body = get(reader, f"{base}/en/preview/{pk}/")
        assert status == 302 and "/admin/login/" in headers["Location"]
        assert "Preview for editors" not in body and headers.get("X-Cache-Status") != "HIT"


def test_a_post_is_never_answered_from_the_cache(site):
    base, _environment = site
    reader = opener()
    get(reader, f"{base}/en/")
    assert get(reader, f"{base}/en/")[1]["X-Cache-Status"] == "HIT"
    for _ in range(2):
        status, headers, body = get(reader, f"{base}/en/", data=b"q=x")
        # Django answered (no CSRF token), not the cached page
        assert status == 403 and "Bonn" not in body
        assert headers.get("X-Cache-Status") in (None, "")
    assert get(reader, f"{base}/en/")[1]["X-Cache-Status"] == "HIT"


def test_a_publish_reaches_readers_within_the_shared_cache_time(site):
    base, environment = site
    reader = opener()
    get(reader, f"{base}/en/")
    assert get(reader, f"{base}/en/")[1]["X-Cache-Status"] == "HIT"
    manage(environment, "import_articles", SECOND_SAMPLE, "--publish", "--no-fetch-images")
    published = time.monotonic()
    while "EU carbon border tax" not in get(reader, f"{base}/en/")[2]:
        assert time.monotonic() - published < SHARED_CACHE_SECONDS + 1.5, "publish not shown"
        time.sleep(0.2)


def test_static_files_are_served_by_nginx(site):
    base, environment = site
    reader = opener()
    home = get(reader, f"{base}/en/")[2]
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', home).group(1)
    status, headers, body = get(reader, base + stylesheet)
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert headers["Server"].startswith("nginx") and "X-Cache-Status" not in headers
    assert body == (Path(environment["NEWSDESK_STATIC_ROOT"]) / stylesheet[8:]).read_text()


def test_cookies_errors_and_other_hosts_are_never_cached(site):
    """What nginx must not keep: a page that sets a cookie (the login form's CSRF cookie, one
    per visitor), a 404 (a storm of missing pages is Django's to answer each time, and a story
    published a moment later is not hidden), and a page asked for under a host name Django
    refuses (no poisoned copy for anyone)."""
    base, _environment = site
    reader = opener()
    for _ in range(2):
        status, headers, _body = get(reader, f"{base}/admin/login/")
        assert status == 200 and "csrftoken=" in headers["Set-Cookie"]
        assert headers["X-Cache-Status"] != "HIT"
    for _ in range(2):
        status, headers, _body = get(reader, f"{base}/en/stories/no-such-story/")
        assert status == 404 and headers["X-Cache-Status"] != "HIT"
    poisoned = urllib.request.Request(f"{base}/en/", headers={"Host": "evil.example.com"})
    for _ in range(2):
        status, headers, body = get(reader, poisoned)
        assert status == 400 and "evil.example.com" not in body
        assert headers["X-Cache-Status"] != "HIT"
    status, headers, body = get(reader, f"{base}/en/")
    assert status == 200 and "evil.example.com" not in body
