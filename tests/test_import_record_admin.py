"""An import record's page in the admin reads as labelled tables in the editor's language:
what the file gave, the conflicts and what became of them, never the JSON the import stores."""

import re
import shutil

import pytest
from django.urls import reverse

from articles.models import Article, ImportRecord, ImportRun
from articles.publishing import conflict_keep
from tests.factories import make_article
from tests.helpers import FIXTURES
from tests.test_import_articles import run_import

pytestmark = pytest.mark.django_db

SAMPLES = FIXTURES.parent.parent / "samples"


@pytest.fixture
def imported(tmp_path):
    """A sample digest and a feed item, imported as the command does."""
    for name in ("001_bonn_finance_talks.txt", "003_envoy_beijing_feed.txt"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    assert run_import(tmp_path)[2]
    return {record.path.rsplit("/", 1)[-1]: record for record in ImportRecord.objects.all()}


def record_page(client, record, language):
    client.cookies["django_language"] = language  # the admin's language, as its switcher sets
    response = client.get(reverse("admin:articles_importrecord_change", args=[record.pk]))
    assert response.status_code == 200
    return response.content.decode()


def table_rows(html):
    """(label, value) of each row of the record's tables, tags stripped."""
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', html, re.DOTALL)
    return {
        re.sub(r"<[^>]+>", "", label).strip(): re.sub(r"<[^>]+>", "", v).strip()
        for label, v in rows
    }


# Per language: a file, the field's heading, then labels and values its table must show.
TABLES = {
    "en": (
        "001_bonn_finance_talks.txt",
        "What the file gave",
        {"Format": "bilingual digest"},
        ("Original URL", {"Simplified Chinese headline", "English headline", "Publication time"}),
    ),
    "zh-hans": (
        "003_envoy_beijing_feed.txt",
        "文件提供的内容",
        {"格式": "订阅源条目"},
        ("原始网址", {"简体中文标题", "发布时间", "标签"}),
    ),
}


@pytest.mark.parametrize("language", TABLES)
def test_what_the_file_gave_is_a_labelled_table_in_each_language(
    client, editor, imported, language
):
    name, heading, values, (url_label, labels) = TABLES[language]
    client.force_login(editor)
    record = imported[name]
    html = record_page(client, record, language)

    rows = table_rows(html)
    assert values.items() <= rows.items()
    assert rows[url_label] == record.parsed["original_url"]
    assert labels <= set(rows)
    assert heading in html
    assert "&quot;translations&quot;" not in html and '"translations":' not in html  # no JSON


def test_the_english_headline_row_holds_what_the_file_gave(client, editor, imported):
    client.force_login(editor)
    record = imported["001_bonn_finance_talks.txt"]
    english = next(t for t in record.parsed["translations"] if t["language"] == "en")

    assert table_rows(record_page(client, record, "en"))["English headline"] == english["title"]


def test_conflicts_show_both_values_and_what_became_of_each(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    record = ImportRecord.objects.create(
        run=ImportRun.objects.create(),
        article=article,
        path="samples/bonn.md",
        sha256="0" * 64,
        outcome=ImportRecord.Outcome.CONFLICT,
        conflicts={
            "translation:en:title": {"current": "Editor's headline", "incoming": "Wire headline"},
            "article:tags": {"current": ["cop30"], "incoming": ["cop30", "finance"]},
        },
    )
    conflict_keep(record=record, key="translation:en:title", user=editor)
    client.force_login(editor)

    english = record_page(client, record, "en")
    chinese = record_page(client, record, "zh-hans")

    assert re.search(
        r"English headline</th>\s*<td>.*Editor&#x27;s headline.*Wire headline", english, re.DOTALL
    )
    assert "the current value was kept" in english and "open" in english
    assert "cop30, finance" in english
    assert "已保留当前值" in chinese and "待处理" in chinese
