"""Production settings from the environment: `check --deploy` is clean, storages configurable."""

import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import free_port

# Every test starts manage.py or gunicorn with the production settings.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# What the README's production section sets; nothing else of the test run's environment.
PRODUCTION_ENV = {
    "NEWSDESK_SECRET_KEY": secrets.token_urlsafe(50),
    "NEWSDESK_ALLOWED_HOSTS": "news.example.org",
    "NEWSDESK_SSL_REDIRECT": "1",
    "NEWSDESK_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(env: dict[str, str], *names: str) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env={**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_prints_no_warning_with_production_settings():
    result = run_manage("check", "--deploy", env=PRODUCTION_ENV)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "W0" not in output
    assert "no issues (0 silenced)" in output


def test_turning_off_hsts_subdomains_and_preload_is_a_choice_the_check_respects():
    result = run_manage(
        "check",
        "--deploy",
        env={
            **PRODUCTION_ENV,
            "NEWSDESK_HSTS_INCLUDE_SUBDOMAINS": "0",
            "NEWSDESK_HSTS_PRELOAD": "0",
        },
    )

    assert result.returncode == 0
    assert "no issues (2 silenced)" in result.stdout + result.stderr


def test_deploy_check_warns_when_debug_is_on():
    result = run_manage("check", "--deploy", env={**PRODUCTION_ENV, "NEWSDESK_DEBUG": "1"})

    assert "security.W018" in result.stdout + result.stderr


def test_production_defaults_are_secure():
    values = settings_of(
        {},
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "STORAGES",
        "CONTENT_SECURITY_POLICY",
    )

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"] is True
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["STORAGES"]["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )


def test_ssl_redirect_is_opt_in():
    env = {**PRODUCTION_ENV}
    del env["NEWSDESK_SSL_REDIRECT"]

    assert settings_of({**env, "NEWSDESK_SSL_REDIRECT": "0"}, "SECURE_SSL_REDIRECT") == {
        "SECURE_SSL_REDIRECT": False
    }


def test_media_storage_is_any_backend_with_json_options():
    values = settings_of(
        {
            "NEWSDESK_MEDIA_STORAGE": "django.core.files.storage.InMemoryStorage",
            "NEWSDESK_MEDIA_STORAGE_OPTIONS": '{"base_url": "/m/"}',
        },
        "STORAGES",
    )

    assert values["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"base_url": "/m/"},
    }


def test_s3_media_storage_from_aws_variables_makes_plain_public_urls():
    """The options must be ones django-storages accepts: the storage is built and asked for a
    URL, which needs no network with a custom domain and no signed query strings."""
    code = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.file_overwrite, s.url('images/a.webp'))"
    )
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env={
            **PRODUCTION_ENV,
            "NEWSDESK_MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.net",
            "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
        },
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "newsroom-media",
        "False",
        "https://media.example.org/images/a.webp",
    ]


def test_gunicorn_with_production_settings_serves_https_pages_and_hashed_static_files(tmp_path):
    """The README's production run, end to end: collectstatic, migrate, gunicorn behind a
    proxy that says https; plain http is sent to https, static files come from WhiteNoise."""
    port = free_port()
    env = {
        **PRODUCTION_ENV,
        "NEWSDESK_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "NEWSDESK_STATIC_ROOT": str(tmp_path / "static"),
    }
    for command in (["collectstatic", "--noinput", "-v", "0"], ["migrate", "--noinput", "-v", "0"]):
        assert run_manage(*command, env=env).returncode == 0
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsdesk.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/en/")
        plain = get(base + "/en/")
        page = get(base + "/admin/login/", headers={"X-Forwarded-Proto": "https"})
        stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page.text)
        static = get(
            base + stylesheet.group(1),
            headers={"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert plain.status == 301 and plain.headers["Location"] == f"https://127.0.0.1:{port}/en/"
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "upgrade-insecure-requests" in page.headers["Content-Security-Policy"]
    assert "; secure;" in page.headers["Set-Cookie"].lower() + ";"
    assert static.status == 200
    assert static.headers["Content-Encoding"] == "gzip"
    assert "immutable" in static.headers["Cache-Control"]


@dataclass
class Answer:
    status: int
    headers: "http.client.HTTPMessage"
    text: str


def get(url: str, headers: dict | None = None) -> Answer:
    """One GET that does not follow redirects."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, response.headers, body.decode("utf-8", "replace"))
    finally:
        connection.close()


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer at {url}")
