"""Every page carries the security headers: CSP without unsafe-inline, HSTS, and the rest."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import make_article

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' https: data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp_directives(header: str) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def public_urls(article) -> dict[str, str]:
    with translation.override("en"):
        return {
            "home": reverse("home"),
            "story": reverse("article_detail", kwargs={"slug": article.slug}),
            "rss": reverse("feed_rss"),
            "atom": reverse("feed_atom"),
            "search": reverse("search") + "?q=climate",
            "sitemap": reverse("sitemap"),
            "admin login": reverse("admin:login"),
        }


def assert_security_headers(response, *, https: bool):
    assert csp_directives(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if https:
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
    else:  # HSTS over plain http would be ignored by browsers, so Django leaves it out
        assert "Strict-Transport-Security" not in response


@pytest.mark.parametrize("https", [True, False], ids=["https", "http"])
def test_public_pages_feeds_sitemap_and_admin_login_carry_the_headers(client, https):
    article = make_article(slug="bonn-talks")

    for name, url in public_urls(article).items():
        response = client.get(url, secure=https)
        assert response.status_code == 200, name
        assert_security_headers(response, https=https)


def test_a_page_from_the_cache_carries_the_headers_too(client):
    article = make_article(slug="bonn-talks")
    url = public_urls(article)["story"]

    first, second = client.get(url, secure=True), client.get(url, secure=True)

    assert first.content == second.content
    assert_security_headers(second, https=True)


def test_not_found_and_admin_pages_carry_the_headers(client, editor):
    client.force_login(editor)
    article = make_article()

    for url in [
        "/en/stories/no-such-story/",
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
    ]:
        assert_security_headers(client.get(url, secure=True), https=True)


def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_http_only(client, editor):
    login = client.get(reverse("admin:login"), secure=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "pw-editor", "next": "/admin/"},
        secure=True,
    )

    assert response.status_code == 302
    csrf, session = login.cookies["csrftoken"], response.cookies["sessionid"]
    assert csrf["secure"] and session["secure"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_a_refused_form_gets_a_bilingual_page_without_inline_style():
    """Django's own CSRF failure page carries an inline style the policy would block."""
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "x", "password": "y"}, secure=True
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in page and "表单无法提交" in page
    assert "<style" not in page and "style=" not in page
    assert_security_headers(response, https=True)
