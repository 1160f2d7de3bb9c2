"""An import record's page in the admin reads as labelled tables in the editor's language:
what the file gave, the conflicts and what became of them, never the JSON the import stores."""

import json
import re
import shutil

import pytest
from django.urls import reverse

from articles.models import Article, ImportRecord, ImportRun
from articles.publishing import conflict_keep
from tests.factories import make_article, make_import_record
from tests.helpers import FIXTURES, fixture_text
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
    assert "cop30、finance" in chinese and "cop30, finance" not in chinese


BIG5_ITEM = (
    "<!--1741867200000-->\n[氣候談判進入關鍵階段](https://www.voachinese.com/a/talks-1.html)\n"
    "------\n\n<p>各國代表在波恩繼續討論氣候資金問題。</p>\n"
)
CONVERTED = {
    "en": "Traditional Chinese converted to Simplified (OpenCC tw2s)",
    "zh-hans": "繁体中文已转换为简体（OpenCC tw2s）",
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_warnings_with_parameters_read_in_the_editors_language(client, editor, tmp_path, language):
    (tmp_path / "big5.txt").write_bytes(BIG5_ITEM.encode("big5"))
    assert run_import(tmp_path / "big5.txt")[2]
    record = ImportRecord.objects.get()
    # Stored as the message and its parameters, not as text in one language.
    [stored] = [json.loads(warning) for warning in record.warnings]
    assert stored["params"] == {"converter": "OpenCC tw2s"}
    client.force_login(editor)
    page = record_page(client, record, language)
    assert CONVERTED[language] in page
    assert CONVERTED["zh-hans" if language == "en" else "en"] not in page


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "two English sections"), ("zh-hans", "有两个英文部分")],
)
def test_a_warning_naming_a_language_names_it_in_the_editors(
    client, editor, tmp_path, language, shown
):
    text = fixture_text("digest_english_only.txt").replace(
        "[Source Link]", "# A second English section\n\nMore words here.\n\n[Source Link]"
    )
    (tmp_path / "two.txt").write_text(text.replace("# A second", "---\n\n# A second"))
    assert run_import(tmp_path / "two.txt")[2]
    client.force_login(editor)
    assert shown in record_page(client, ImportRecord.objects.get(), language)


def test_a_warning_stored_as_english_text_before_still_shows(client, editor):
    """Records written before warnings were stored language-neutral keep their text: in the
    editor's language when the catalogue has it, else as written."""
    article = make_article()
    record = ImportRecord.objects.create(
        run=ImportRun.objects.create(),
        article=article,
        path="old.txt",
        outcome=ImportRecord.Outcome.UPDATED,
        warnings=[CONVERTED["en"], "a section with no words in it was skipped"],
    )
    client.force_login(editor)
    page = record_page(client, record, "zh-hans")
    assert CONVERTED["en"] in page
    assert "跳过了一个没有文字的部分" in page


def test_a_conflicts_message_names_its_fields_in_the_editors_language(client, editor, tmp_path):
    path = tmp_path / "brazil.txt"
    path.write_text(fixture_text("digest_english_only.txt"))
    assert run_import(path)[2]
    english = Article.objects.get().translations.get()
    english.title, english.body = "An editor's headline", "<p>An editor's body.</p>"
    english.save()
    path.write_text(
        path.read_text()
        .replace("# Brazil sets out", "# Brazil lays out")
        .replace("wants a new fund", "wants a fund")
    )
    out, _err, ok = run_import(path)
    assert ok and "kept what an editor changed (English headline, English body)" in out
    client.force_login(editor)
    record = ImportRecord.objects.get(outcome=ImportRecord.Outcome.CONFLICT)
    assert "保留了编辑的修改（英文标题、英文正文）" in record_page(client, record, "zh-hans")


# Why each file failed, as said in each language: a publication year no story can have, and a
# file too large to read.
FAILURES = {
    "en": {
        "old.txt": "the publication time 1800-05-01T08:00:00+00:00 is not between the years 1900 "
        "and 2200",
        "huge.txt": "cannot read the file: it is larger than 1 MB",
    },
    "zh-hans": {
        "old.txt": "发布时间 1800-05-01T08:00:00+00:00 不在 1900 年至 2200 年之间",
        "huge.txt": "无法读取文件：文件超过 1 MB",
    },
}
SHELL_LANG = {"en": "C", "zh-hans": "zh_CN.UTF-8"}


@pytest.mark.parametrize(("shell", "reader"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_why_a_file_failed_reads_in_the_editors_language_whatever_the_shell(
    client, editor, tmp_path, monkeypatch, shell, reader
):
    """A cron job in an English shell fails a file: a Chinese editor reads why in Chinese."""
    from articles.importing import pipeline

    monkeypatch.setenv("LANG", SHELL_LANG[shell])
    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 1024 * 1024)
    (tmp_path / "huge.txt").write_bytes(b"x" * (1024 * 1024 + 1))
    (tmp_path / "old.txt").write_text(
        fixture_text("digest_english_only.txt").replace("date: 2026-", "date: 1800-")
    )

    _out, err, ok = run_import(tmp_path)

    assert not ok and all(reason in err for reason in FAILURES[shell].values())
    client.force_login(editor)
    for name, reason in FAILURES[reader].items():
        record = ImportRecord.objects.get(path__endswith=name)
        assert record.outcome == ImportRecord.Outcome.FAILED
        page = record_page(client, record, reader)
        assert reason in page and FAILURES[shell][name] not in page


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (
            "en",
            ["&lt;script&gt; with its content: alert(1)", "onclick=&quot;go()&quot; on &lt;p&gt;"],
            "及其内容",
        ),
        (
            "zh-hans",
            ["&lt;script&gt; 及其内容：alert(1)", "&lt;p&gt; 的属性 onclick=&quot;go()&quot;"],
            "with its",
        ),
    ],
)
def test_what_the_sanitiser_removed_reads_in_the_editors_language(
    client, editor, language, said, not_said
):
    """The report is stored language-neutral; the markup it quotes is shown as it was; a
    report stored as English text before still shows."""
    from articles.sanitize import sanitize_html

    removed = sanitize_html('<p onclick="go()">x<script>alert(1)</script></p>').removed
    record = make_import_record(make_article(), sanitizer_removed=[*removed, "<blink>"])
    client.force_login(editor)
    page = record_page(client, record, language)
    for line in said:
        assert line in page
    assert not_said not in page and "&lt;blink&gt;" in page
