"""A story's identity is its address in one form: met at a mobile, `www.` or http:// address
it is the same article, and its outlet the same Source."""

import pytest

from articles.importing import ImportOptions, import_run
from articles.importing.write import source_for
from articles.models import Article, ImportRecord, Source
from tests.helpers import FIXTURES

pytestmark = pytest.mark.django_db

ONE_STORY = FIXTURES / "one_story"
ADDRESS = "https://ft.com/content/arctic-shipping-season"


def import_folder(folder):
    return import_run(paths=[folder], options=ImportOptions(fetch_images=False))


def test_story_met_at_three_addresses_in_both_formats_is_one_article():
    counts = import_folder(ONE_STORY)

    assert counts["failed"] == 0 and counts["created"] == 1
    article = Article.objects.get()
    assert article.original_url == ADDRESS
    assert {t.language for t in article.translations.all()} == {"en", "zh-hans"}
    records = ImportRecord.objects.filter(article=article)
    assert sorted(r.path.rsplit("/", 1)[1] for r in records) == [
        "001_mobile_digest.txt",
        "002_www_feed.txt",
        "003_bare_digest.txt",
    ]
    assert Source.objects.get().domain == "ft.com"


def test_reimport_from_another_address_keeps_the_editors_headline(tmp_path):
    import_folder(ONE_STORY / "001_mobile_digest.txt")
    english = Article.objects.get().translations.get(language="en")
    english.title = "Arctic shipping window widens (edited)"
    english.save()

    (tmp_path / "004.txt").write_text(
        (ONE_STORY / "003_bare_digest.txt")
        .read_text(encoding="utf-8")
        .replace("ft.com/content", "https://mobile.ft.com/content")
        .replace("grows longer", "lengthens"),
        encoding="utf-8",
    )
    counts = import_folder(tmp_path)

    assert counts["conflict"] == 1
    assert Article.objects.get().translations.get(language="en").title == (
        "Arctic shipping window widens (edited)"
    )


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://ft.com/content/a", "ft.com"),
        ("https://www.ft.com/content/a", "ft.com"),
        ("http://m.ft.com/content/a", "ft.com"),
        ("https://m.cn.nytimes.com/world/a/", "cn.nytimes.com"),
        ("https://cn.nytimes.com/world/a/", "cn.nytimes.com"),
        ("https://mobile.nytimes.com/2026/07/02/a.html", "nytimes.com"),
        ("https://amp.theguardian.com/world/a", "theguardian.com"),
        ("https://m.climatewire.example/a", "climatewire.example"),
        ("https://www.climatewire.example/a", "climatewire.example"),
        ("https://wap.climatewire.example/a", "climatewire.example"),
    ],
)
def test_source_is_recognised_whatever_form_its_host_takes(url, domain):
    assert source_for(url=url).domain == domain


def test_one_source_per_outlet_domain():
    sources = {
        source_for(url=url, code="ft").pk
        for url in ("https://ft.com/a", "https://www.ft.com/b", "http://m.ft.com/c")
    }
    assert len(sources) == 1
    assert Source.objects.get().name == {"en": "Financial Times", "zh-hans": "金融时报"}


def test_a_look_alike_domain_is_not_the_outlet_of_its_code():
    source = source_for(url="https://notft.com/content/a", code="ft")
    assert source.domain == "notft.com"
    assert not Source.objects.filter(domain="ft.com").exists()
