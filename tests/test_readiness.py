"""Per-language readiness: readers see only ready translations of published stories, in every
place they read; a story whose own language is not ready is shown in the other, labelled.
Editors mark translations ready, contributors do not; imports bring them ready and a re-import
never undoes an editor's choice; the migration keeps public what was public."""

import threading
from importlib import import_module

import pytest
import reversion
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version

from articles.archive import archive_differences
from articles.models import Article, SearchDocument, Translation
from articles.publishing import translation_move
from articles.search import search_index_update
from tests.admin_forms import form_values, pane_field
from tests.factories import make_article
from tests.helpers import fixture_text, sitemap_pages
from tests.test_import_articles import run_import, write

pytestmark = pytest.mark.django_db

DRAFT, READY = Translation.Status.DRAFT, Translation.Status.READY
ZH_TITLE, ZH_WORD, EN_TITLE = "冰川融化的代价", "冰川", "The price of melting glaciers"


@pytest.fixture
def story():
    """Published, its English ready and its Chinese a half-finished draft."""
    return make_article(
        slug="glaciers",
        tags=["ice"],
        en={"title": EN_TITLE, "body": "<p>Glaciers retreat in the Alps.</p>"},
        zh={"title": ZH_TITLE, "body": "<p>阿尔卑斯冰川退缩。</p>", "status": DRAFT},
    )


def get(client, name, language, **kwargs):
    with translation.override(language):
        return client.get(reverse(name, kwargs=kwargs), kwargs.pop("query", None))


def page(client, name, language, **kwargs):
    response = get(client, name, language, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def search(client, language, q):
    with translation.override(language):
        return client.get(reverse("search"), {"q": q})


def mark_chinese_ready(story, editor):
    zh = story.translations.get(language="zh-hans")
    return translation_move(translation=zh, user=editor, status=READY)


# -- Readers --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_home_lists_the_story_in_its_ready_language_only(client, story, language):
    content = page(client, "home", language)
    assert EN_TITLE in content and ZH_TITLE not in content


def test_the_chinese_reader_gets_the_english_story_labelled(client, story):
    response = get(client, "article_detail", "zh-hans", slug="glaciers")
    content = response.content.decode()
    assert response.context["translation"].language == "en"
    assert 'class="language-note"' in content and EN_TITLE in content
    assert ZH_TITLE not in content and "阿尔卑斯" not in content
    card = page(client, "home", "zh-hans")
    assert 'class="language-label"' in card


def test_alternates_json_ld_and_language_switch_name_only_the_ready_language(client, story):
    for language in ("en", "zh-hans"):
        response = get(client, "article_detail", language, slug="glaciers")
        assert [a["code"] for a in response.context["alternates"]] == ["en"]
        content = response.content.decode()
        assert 'hreflang="zh-hans"' not in content
        assert 'class="language-switch"' not in content
        assert "workTranslation" not in content and "translationOfWork" not in content
        assert response.context["other_translation"] is None
    bilingual = get(client, "article_bilingual", "en", slug="glaciers")
    assert bilingual.status_code == 302  # one ready language: no side-by-side page


def test_feeds_carry_the_story_only_in_its_ready_language(client, story):
    for name in ("feed_rss", "feed_atom"):
        assert EN_TITLE in page(client, name, "en")
        chinese = page(client, name, "zh-hans")
        assert "/stories/glaciers/" not in chinese and ZH_TITLE not in chinese


def test_sitemap_lists_only_the_ready_language(client, story):
    sitemap = b"".join(p.content for p in sitemap_pages(client)).decode()
    assert "/en/stories/glaciers/" in sitemap
    assert "/zh-hans/stories/glaciers/" not in sitemap


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_search_never_finds_or_shows_a_draft_translations_words(client, story, language):
    assert search(client, language, ZH_WORD).context["paginator"].count == 0
    found = search(client, language, "Alps")
    assert found.context["paginator"].count == 1
    content = found.content.decode()
    assert EN_TITLE in content and ZH_TITLE not in content and "阿尔卑斯" not in content


@pytest.mark.parametrize("status", Translation.Status.values)
def test_one_rule_of_readiness_in_the_database_and_in_memory(story, status):
    """The index's writer asks it of translations in memory, the site of the database: both
    ask Translation.READY_FOR_READERS, so what is indexed is what readers may see."""
    zh = story.translations.get(language="zh-hans")
    Translation.objects.filter(pk=zh.pk).update(status=status)
    zh.refresh_from_db()

    assert zh.is_ready == Translation.objects.ready().filter(pk=zh.pk).exists()
    assert zh.is_ready == (status == READY)


def test_the_index_holds_the_same_whether_given_the_translations_or_reading_them(story):
    translations = list(story.translations.all())  # one ready, one draft
    search_index_update([story.pk], translations=translations)
    given = SearchDocument.objects.values("title", "summary", "body").get()

    search_index_update([story.pk])

    assert SearchDocument.objects.values("title", "summary", "body").get() == given
    assert "冰川" not in given["title"] and "glacier" in given["title"]


def test_topic_source_and_month_lists_show_the_ready_language(client, story):
    month = {"year": story.published_at.year, "month": story.published_at.month}
    for name, kwargs in (
        ("tag", {"slug": "ice"}),
        ("source", {"domain": story.source.domain}),
        ("archive_month", month),
    ):
        content = page(client, name, "zh-hans", **kwargs)
        assert EN_TITLE in content and ZH_TITLE not in content


def test_a_story_with_no_ready_translation_is_not_public(client, story):
    english = story.translations.get(language="en")
    Translation.objects.filter(pk=english.pk).update(status=DRAFT)
    assert get(client, "article_detail", "en", slug="glaciers").status_code == 404
    assert not Article.objects.published().exists()


def test_marking_chinese_ready_shows_it_at_once_even_from_the_cache(client, story, editor):
    assert ZH_TITLE not in page(client, "article_detail", "zh-hans", slug="glaciers")
    assert ZH_TITLE not in page(client, "home", "zh-hans")

    mark_chinese_ready(story, editor)

    assert ZH_TITLE in page(client, "article_detail", "zh-hans", slug="glaciers")
    assert ZH_TITLE in page(client, "home", "zh-hans")
    assert ZH_TITLE in page(client, "feed_rss", "zh-hans")
    assert search(client, "zh-hans", ZH_WORD).context["paginator"].count == 1
    response = get(client, "article_detail", "en", slug="glaciers")
    assert [a["code"] for a in response.context["alternates"]] == ["en", "zh-hans"]


def test_staff_preview_shows_the_draft_translation_marked_as_such(client, story, editor):
    client.force_login(editor)
    with translation.override("zh-hans"):
        response = client.get(reverse("article_preview", kwargs={"pk": story.pk}))
    assert response.context["translation"].language == "zh-hans"
    assert ZH_TITLE in response.content.decode()
    assert "此译文是草稿" in response.content.decode()


# -- Who marks ready ------------------------------------------------------------------------


def test_contributor_cannot_mark_a_translation_ready(story, contributor):
    with pytest.raises(PermissionDenied):
        mark_chinese_ready(story, contributor)
    assert story.translations.get(language="zh-hans").status == DRAFT


def test_editor_marks_ready_in_a_revision_without_making_the_text_newer(story, editor):
    zh = story.translations.get(language="zh-hans")
    mark_chinese_ready(story, editor)
    zh_after = story.translations.get(language="zh-hans")
    assert zh_after.status == READY
    assert zh_after.updated_at == zh.updated_at  # the desk must not call English outdated
    revision = Version.objects.get_for_object(story).latest("pk").revision
    assert revision.user == editor and "ready" in revision.comment


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def post_pane(client, article, language, **fields):
    data = form_values(client.get(change_url(article)).content.decode())
    for field, value in fields.items():
        data[pane_field(data, language, field)] = value
    return client.post(change_url(article), data)


def test_contributor_form_cannot_mark_ready_even_when_posted(client, contributor):
    article = make_article(status=Article.Status.DRAFT, zh={"status": DRAFT})
    client.force_login(contributor)
    data = form_values(client.get(change_url(article)).content.decode())
    assert pane_field(data, "zh-hans", "status") not in data  # shown, not editable
    data[pane_field(data, "zh-hans", "status")] = READY
    data[pane_field(data, "zh-hans", "title")] = "译者的新标题"

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    zh = article.translations.get(language="zh-hans")
    assert zh.title == "译者的新标题" and zh.status == DRAFT


def test_editor_marks_only_chinese_ready_in_the_admin(client, story, editor):
    client.force_login(editor)
    change_page = client.get(change_url(story)).content.decode()
    assert 'desk-readiness-draft"' in change_page and 'desk-readiness-ready"' in change_page

    response = post_pane(client, story, "zh-hans", status=READY)

    assert response.status_code == 302
    assert dict(story.translations.values_list("language", "status")) == {
        "en": READY,
        "zh-hans": READY,
    }


def test_a_translation_an_editor_adds_in_the_admin_starts_as_draft(client, editor):
    article = make_article(zh=False)
    client.force_login(editor)

    response = post_pane(client, article, "zh-hans", title="新加的译文", body="<p>正文</p>")

    assert response.status_code == 302
    assert article.translations.get(language="zh-hans").status == DRAFT


def test_pane_headings_name_the_state_in_chinese(client, story, editor):
    client.force_login(editor)
    english = client.get(change_url(story)).content.decode()
    assert ">Draft</span>" in english and ">Ready</span>" in english
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/admin/"})
    content = client.get(change_url(story)).content.decode()
    assert ">草稿</span>" in content and ">已定稿</span>" in content


def test_translation_desk_counts_translations_waiting_to_be_marked_ready(client, story, editor):
    make_article(status=Article.Status.REVIEW, zh={"status": DRAFT})
    client.force_login(editor)
    rows = client.get(reverse("admin:articles_article_translation_desk")).context["rows"]
    waiting = {
        str(row["language"]): row["cells"]
        for row in rows
        if row["problem"] == "waiting to be marked ready"
    }
    # draft, review, scheduled, published, ended
    assert [cell["count"] for cell in waiting["Simplified Chinese"]] == [0, 1, 0, 1, 0]
    assert [cell["count"] for cell in waiting["English"]] == [0, 0, 0, 0, 0]
    listed = client.get(waiting["Simplified Chinese"][3]["url"]).context["cl"].result_list
    assert list(listed) == [story]


def test_admin_search_finds_a_draft_translation_by_its_headline(client, story, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist"), {"q": ZH_TITLE})
    assert list(response.context["cl"].result_list) == [story]


# -- Migration and import -----------------------------------------------------------------


def test_migration_keeps_every_public_story_public():
    migration = import_module("articles.migrations.0014_readiness_and_unpublish")
    stories = [make_article(), make_article(zh=False), make_article(en=False)]
    Translation.objects.update(status=DRAFT)  # the new column's default, before the data step
    assert not Article.objects.published().exists()

    migration.existing_translations_ready(apps, None)

    assert list(Article.objects.published().order_by("pk")) == stories
    assert set(Translation.objects.values_list("status", flat=True)) == {READY}


def test_import_brings_ready_translations_and_a_reimport_keeps_an_editors_draft(tmp_path, editor):
    path = write(tmp_path / "story.txt", fixture_text("digest_bilingual.txt"))
    run_import(path, publish=True)
    assert set(Translation.objects.values_list("status", flat=True)) == {READY}
    article = Article.objects.get()
    assert Article.objects.published().readable_in("zh-hans").get() == article

    zh = article.translations.get(language="zh-hans")
    translation_move(translation=zh, user=editor, status=DRAFT)
    write(path, path.read_text().replace("next month", "in April"))
    out, _err, ok = run_import(path, publish=True)

    assert ok and "1 updated" in out
    assert article.translations.get(language="zh-hans").status == DRAFT
    assert "in April" in article.translations.get(language="en").body
    assert not Article.objects.readable_in("zh-hans").exists()


BRAZIL_ZH_TITLE, BRAZIL_ZH_WORD = "巴西公布气候大会森林议程", "热带雨林"


def with_chinese_section(text: str) -> str:
    """The English-only digest with a Chinese section added before its English one."""
    body = f"巴西希望设立新基金，奖励保护{BRAZIL_ZH_WORD}的国家。"
    chinese = f"# {BRAZIL_ZH_TITLE}\n\n{body}\n\n---\n\n"
    return text.replace("# Brazil", chinese + "# Brazil", 1)


def import_chinese_later(tmp_path, *, publish: bool):
    """The story imported in English, then its file again with a Chinese translation."""
    path = write(tmp_path / "brazil.txt", fixture_text("digest_english_only.txt"))
    assert run_import(path, publish=publish)[2]
    write(path, with_chinese_section(path.read_text()))
    out, _err, ok = run_import(path)
    assert ok and "1 updated" in out
    return Article.objects.get()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_translation_an_import_adds_to_a_published_story_waits_for_review(
    client, tmp_path, editor, language
):
    article = import_chinese_later(tmp_path, publish=True)

    zh = article.translations.get(language="zh-hans")
    assert (zh.title, zh.status) == (BRAZIL_ZH_TITLE, DRAFT)
    assert article.translations.get(language="en").status == READY
    assert not Article.objects.readable_in("zh-hans").exists()
    assert BRAZIL_ZH_TITLE not in page(client, "home", "zh-hans")
    assert search(client, "zh-hans", BRAZIL_ZH_WORD).context["paginator"].count == 0
    assert BRAZIL_ZH_TITLE not in page(client, "archive_month", "zh-hans", year=2026, month=5)
    # The import record says so, in the editor's language.
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": language, "next": "/admin/"})
    record = article.import_records.order_by("-pk").first()
    shown = client.get(reverse("admin:articles_importrecord_change", args=[record.pk]))
    expected = {
        "en": "the Simplified Chinese translation is new to a published story: it waits as a "
        "draft until an editor marks it ready",
        "zh-hans": "简体中文译文是已发布报道新增的译文：在编辑标记定稿之前，它是草稿",
    }
    assert expected[language] in shown.content.decode()
    # The translation desk lists it with the published stories waiting to be marked ready.
    rows = client.get(reverse("admin:articles_article_translation_desk")).context["rows"]
    [waiting] = [
        row["cells"]
        for row in rows
        if row["cells"][0]["url"].endswith("draft=zh-hans&status=draft")
    ]
    assert [cell["count"] for cell in waiting] == [0, 0, 0, 1, 0]

    assert not archive_differences(timezone.now())
    mark_chinese_ready(article, editor)
    assert not archive_differences(timezone.now())
    assert BRAZIL_ZH_TITLE in page(client, "home", "zh-hans")
    assert search(client, "zh-hans", BRAZIL_ZH_WORD).context["paginator"].count == 1


def test_a_translation_an_import_adds_to_an_unpublished_story_is_ready(tmp_path):
    article = import_chinese_later(tmp_path, publish=False)
    assert article.status == Article.Status.DRAFT
    assert dict(article.translations.values_list("language", "status")) == {
        "en": READY,
        "zh-hans": READY,
    }
    assert not article.import_records.filter(warnings__icontains="draft").exists()


def test_bulk_publish_warns_when_no_translation_is_ready(client, editor):
    waiting = make_article(status=Article.Status.DRAFT, en={"status": DRAFT}, zh=False)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [waiting.pk]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert "1 published." in shown
    assert any("no translation ready" in message for message in shown)
    assert not Article.objects.published().exists()


def test_a_form_opened_before_chinese_was_marked_ready_does_not_undo_it(client, story, editor):
    """Marking ready changes the story: a form loaded before is stale, and put on top of the
    story as it is now keeps the readiness and the editor's own change."""
    with reversion.create_revision():
        story.save()
    client.force_login(editor)
    loaded = form_values(client.get(change_url(story)).content.decode())
    mark_chinese_ready(story, editor)

    loaded[pane_field(loaded, "en", "title")] = "Glaciers: the cost"
    refused = client.post(change_url(story), loaded)
    assert refused.status_code == 200  # saved by someone else meanwhile
    again = form_values(refused.content.decode())
    assert client.post(change_url(story), again).status_code == 302

    assert dict(story.translations.values_list("language", "status")) == {
        "en": READY,
        "zh-hans": READY,
    }
    assert story.translations.get(language="en").title == "Glaciers: the cost"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole database")
def test_marking_ready_holds_the_row_until_the_write_commits(editor):
    """From the check on, as the admin's form uses it (it saves the pane later in the same
    transaction), a second writer of the translation waits for the first: the rights were
    checked against the readiness that is written over."""
    story = make_article(zh={"status": DRAFT})
    zh = story.translations.get(language="zh-hans")
    locked, release = threading.Event(), threading.Event()

    def first_editor():
        try:
            with transaction.atomic():
                translation_move(translation=zh, user=editor, status=READY, save=False)
                locked.set()
                release.wait(10)
                zh.save()
        finally:
            connection.close()

    thread = threading.Thread(target=first_editor)
    thread.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError), transaction.atomic():
            Translation.objects.select_for_update(nowait=True).get(pk=zh.pk)
    finally:
        release.set()
        thread.join()
    assert Translation.objects.get(pk=zh.pk).status == READY
