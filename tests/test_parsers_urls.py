"""The canonical address of a story: pure string rules, no database."""

import pytest

from articles.importing.parsers.base import ParseError
from articles.importing.parsers.urls import canonical_url, domain_of
from articles.outlets import source_domain, story_host


@pytest.mark.parametrize(
    "url",
    [
        "http://m.ft.com/content/x",
        "https://www.ft.com/content/x?utm_source=a",
        "ft.com/content/x",
        "https://mobile.ft.com/content/x#comments",
        "HTTPS://WAP.FT.COM/content/x?fbclid=1",
        "https://www.m.ft.com/content/x",
    ],
)
def test_every_address_of_a_story_has_one_canonical_form(url):
    assert canonical_url(url) == "https://ft.com/content/x"


def test_the_rest_of_the_address_is_kept():
    assert canonical_url("http://www.example.org:8080/a%20b/?id=3&utm_medium=x&page=2#top") == (
        "https://example.org:8080/a%20b/?id=3&page=2"
    )


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("cn.nytimes.com", "cn.nytimes.com"),  # its own outlet, not nytimes.com
        ("m.cn.nytimes.com", "cn.nytimes.com"),
        ("m.cn.wsj.com", "cn.wsj.com"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("amp.theguardian.com", "theguardian.com"),
        ("on.ft.com", "on.ft.com"),  # a link shortener's paths are not the stories'
        ("m.com", "m.com"),  # nothing left to be a host without it
        ("www.example", "www.example"),
        ("localhost", "localhost"),
        ("Mobile.Example.ORG", "example.org"),
    ],
)
def test_story_host_folds_only_www_and_mobile_sites(host, expected):
    assert story_host(host) == expected


def test_story_host_is_idempotent():
    for host in ("www.m.ft.com", "amp.theguardian.com", "m.cn.nytimes.com", "example.org"):
        assert story_host(story_host(host)) == story_host(host)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("on.ft.com", "ft.com"),
        ("www.ft.com", "ft.com"),
        ("m.cn.nytimes.com", "cn.nytimes.com"),
        ("www.news.example.org", "news.example.org"),
        ("notft.com", "notft.com"),
    ],
)
def test_source_domain_is_the_outlets_for_any_of_its_hosts(host, expected):
    assert source_domain(host) == expected


def test_domain_of_is_the_hosts_story_form():
    assert domain_of("http://m.ft.com/content/x") == "ft.com"
    assert domain_of("https://www.voachinese.com/a/1.html") == "voachinese.com"


def test_not_a_web_address_is_refused():
    with pytest.raises(ParseError):
        canonical_url("ftp://ft.com/content/x")
