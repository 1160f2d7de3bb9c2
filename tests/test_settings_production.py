"""Production settings from the environment: `check --deploy` is clean, storages configurable."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

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
