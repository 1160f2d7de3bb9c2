"""Admin login throttled by django-axes: 5 failures lock a username+address pair for 15 minutes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.security import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, password, *, username="editor", address="203.0.113.7", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, times, **kwargs):
    """Failed attempts: the form again with its error, and the fifth is met by the lockout."""
    for number in range(1, times + 1):
        response = attempt(client, "wrong-password", **kwargs)
        assert response.status_code == (429 if number >= 5 else 200)


def test_sixth_attempt_is_refused_even_with_the_right_password(client, editor):
    fail(client, 5)

    response = attempt(client, "pw-editor")

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still sent to the login


def test_a_right_password_before_the_limit_logs_in_and_starts_the_count_again(client, editor):
    fail(client, 4)

    response = attempt(client, "pw-editor")

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    fail(client, 4)  # the success reset the count: four more failures are not yet a lockout
    assert attempt(client, "pw-editor").status_code == 302


def test_the_lock_holds_one_username_from_one_address(client, editor, contributor):
    fail(client, 5)

    assert attempt(client, "pw-editor", address="198.51.100.9").status_code == 302
    client.logout()
    assert attempt(client, "pw-contributor", username="contributor").status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, editor):
    from axes.models import AccessAttempt

    fail(client, 5)
    assert attempt(client, "pw-editor").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(client, "pw-editor").status_code == 302


@pytest.mark.parametrize(
    ("language", "heading", "wait"),
    [
        ("en", "Too many failed logins", "Try again in 15 minutes"),
        ("zh-hans", "登录失败次数过多", "15 分钟"),
    ],
)
def test_the_lockout_page_speaks_the_users_language(client, editor, language, heading, wait):
    fail(client, 5)

    page = attempt(client, "pw-editor", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert heading in page and wait in page
    assert reverse("admin:login") in page


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(rf, settings):
    forged_then_real = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.7"}
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", **forged_then_real)

    settings.NEWSDESK_TRUSTED_PROXIES = 0
    assert client_ip(request) == "127.0.0.1"
    settings.NEWSDESK_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"
    settings.NEWSDESK_TRUSTED_PROXIES = 3  # fewer addresses than proxies: trust none of them
    assert client_ip(request) == "127.0.0.1"
