"""The admin's smaller parts: import runs, tags, the favicon, times at the end of a sentence,
and every string of the pages editors use in Chinese."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag, TaggedItem

from articles.models import Article, ImportRecord, ImportRun
from tests.factories import make_article, make_import_record

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find(id="content").get_text(" ", strip=True)


# -- Import runs ------------------------------------------------------------------------------


def test_import_runs_show_each_outcome_as_a_labelled_number(client, editor):
    ImportRun.objects.create(
        counts={"created": 7, "updated": 2, "unchanged": 30, "conflict": 1, "failed": 3},
        options={"publish": True, "fetch_images": False},
    )
    client.force_login(editor)
    text = text_of(client.get(reverse("admin:articles_importrun_changelist")))
    assert "Created 7 Updated 2 Unchanged 30 Conflict 1 Failed 3" in text
    assert "{" not in text and '"created"' not in text


def test_an_import_run_page_lists_outcomes_options_and_links_its_files(client, editor):
    run = ImportRun.objects.create(
        counts={"created": 1, "updated": 0, "unchanged": 0, "conflict": 0, "failed": 0},
        options={"publish": True, "fetch_images": False},
    )
    article = make_article()
    ImportRecord.objects.create(run=run, article=article, outcome="created", path="a.md")
    make_import_record(article, path="other-run.md")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_importrun_change", args=[run.pk]))
    text = text_of(response)
    assert "Created 1" in text and "Publish yes" in text and "Download images no" in text
    link = BeautifulSoup(response.content, "html.parser").find("a", string="The files of this run")
    records = client.get(link["href"])
    assert [r.path for r in records.context["cl"].result_list] == ["a.md"]


def test_import_runs_read_in_chinese(client, editor):
    ImportRun.objects.create(
        counts={"created": 7, "updated": 2, "unchanged": 30, "conflict": 1, "failed": 3},
        options={"publish": True, "fetch_images": False},
    )
    client.force_login(editor)
    client.cookies["django_language"] = "zh-hans"
    text = text_of(client.get(reverse("admin:articles_importrun_changelist")))
    assert "已创建 7" in text and "失败 3" in text
    run = ImportRun.objects.get()
    text = text_of(client.get(reverse("admin:articles_importrun_change", args=[run.pk])))
    assert "Created" not in text and "Publish" not in text and "files of this run" not in text


# -- Tags ---------------------------------------------------------------------------------------


def merge(client, tags, name, language="en"):
    url = reverse("admin:taggit_tag_changelist")
    if language != "en":
        client.cookies["django_language"] = language
    selected = [tag.pk for tag in tags]
    page = client.post(url, {"action": "merge", "_selected_action": selected})
    assert page.status_code == 200
    done = client.post(url, {"action": "merge", "_selected_action": selected, "merge": "1",
                             "name": name})  # fmt: skip
    assert done.status_code == 302
    return page


def test_merging_tags_moves_every_story_once_and_deletes_the_merged_tags(client, editor):
    both = make_article(tags=["climate finance", "finance"])
    one = make_article(tags=["finance"])
    target_already = make_article(tags=["Climate-Finance", "finance"])
    client.force_login(editor)
    tags = Tag.objects.filter(name__in=["climate finance", "finance"])

    merge(client, tags, "Climate-Finance")

    assert list(Tag.objects.values_list("name", flat=True)) == ["Climate-Finance"]
    for story in (both, one, target_already):
        assert [t.name for t in Article.objects.get(pk=story.pk).tags.all()] == ["Climate-Finance"]
    assert TaggedItem.objects.count() == 3


def test_the_merge_page_is_in_chinese(client, editor):
    make_article(tags=["finance", "funding"])
    client.force_login(editor)
    page = merge(client, Tag.objects.all(), "融资", language="zh-hans")
    text = text_of(page)
    assert "Merge" not in text and "tag" not in text.lower().replace("taggit", "")
    assert "合并" in text
    assert list(Tag.objects.values_list("name", flat=True)) == ["融资"]


def test_the_merge_action_is_named_in_chinese(client, editor):
    client.force_login(editor)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("admin:taggit_tag_changelist"))
    labels = dict(response.context["action_form"].fields["action"].choices)
    assert labels["merge"] == "合并所选标签"


# -- The favicon and times at a sentence's end ---------------------------------------------------


def test_favicon_ico_leads_to_the_site_icon_and_admin_pages_name_it(client, editor):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html


def test_a_time_that_ends_in_a_full_stop_ends_the_sentence_once(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    at = datetime(2030, 3, 4, 8, 0, tzinfo=ZoneInfo("UTC"))
    story = make_article(published_at=at)
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "8 a.m." in html and "a.m.." not in html


# -- Chinese admin, page by page ------------------------------------------------------------------

ENGLISH_LEFT_OVERS = [
    "Merge selected tags",
    "Home page",
    "Lead story",
    "Pinned",
    "featured",
    "search engine",
    "characters",
    "Import of",
    "Took the imported",
    "Moved to draft",
    "Initial version",
    "Changed ",
    "Created",
    "Failed",
    "Published",
]


@pytest.mark.parametrize(
    "page",
    [
        "admin:index",
        "admin:articles_article_changelist",
        "admin:articles_article_add",
        "change",
        "history",
        "admin:articles_article_translation_desk",
        "admin:articles_article_home_page",
        "admin:articles_importrun_changelist",
        "admin:articles_importrecord_changelist",
        "admin:taggit_tag_changelist",
        "admin:articles_source_changelist",
        "admin:auth_user_changelist",
    ],
)
def test_admin_pages_in_chinese_have_none_of_these_english_words(client, editor, admin_user, page):
    from articles import publishing

    story = make_article(tags=["finance"], published_at=timezone.now() + timedelta(days=1))
    publishing.article_feature(article=story, user=editor, placement="lead")
    publishing.article_move(article=story, user=editor, status=Article.Status.DRAFT)
    make_import_record(story)
    ImportRun.objects.create(counts={"created": 1, "failed": 0})
    client.force_login(admin_user if page == "admin:auth_user_changelist" else editor)
    client.cookies["django_language"] = "zh-hans"
    if page == "change":
        url = reverse("admin:articles_article_change", args=[story.pk])
    elif page == "history":
        url = reverse("admin:articles_article_history", args=[story.pk])
    else:
        url = reverse(page)
    text = text_of(client.get(url))
    with translation.override("en"):
        found = [word for word in ENGLISH_LEFT_OVERS if word in text]
    assert found == []


# -- History in the reader's language ------------------------------------------------------------


def history_comments(client, article, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    soup = BeautifulSoup(response.content, "html.parser")
    rows = soup.select("#change-history tbody tr")  # newest first
    return [row.select("td")[1].get_text(" ", strip=True) for row in reversed(rows)]


def test_history_entries_read_in_the_language_of_whoever_looks(client, editor):
    import reversion

    from articles import publishing
    from tests.admin_forms import form_values, pane_field

    story = make_article(en={"title": "Envoys meet"})
    with reversion.create_revision():
        story.save()
        reversion.set_comment("Import of 001_bonn.txt: created")
    client.force_login(editor)
    client.cookies["django_language"] = "zh-hans"  # saved by an editor working in Chinese
    url = reverse("admin:articles_article_change", args=[story.pk])
    data = form_values(client.get(url).content.decode())
    data[pane_field(data, "en", "title")] = "Envoys meet again"
    assert client.post(url, data).status_code == 302
    publishing.article_unpublish(article=story, user=editor)
    record = make_import_record(story, conflicts={"translation:en:title": {"incoming": "New"}})
    publishing.conflict_take(record=record, key="translation:en:title", user=editor)

    english = history_comments(client, story, "en")
    chinese = history_comments(client, story, "zh-hans")

    assert english[0] == "Imported from 001_bonn.txt: Created"
    assert "Changed Headline for translation" in english[1]
    assert english[2] == "Moved to draft"
    assert english[3] == "Took the imported value of English headline"
    assert chinese[0] == "从 001_bonn.txt 导入：已创建"
    english_words = ("Changed", "Headline", "translation", "Moved", "Took", "Imported", "English")
    assert [word for entry in chinese for word in english_words if word in entry] == []
    assert "English headline" not in chinese[3]


def test_a_restore_is_recorded_in_the_language_of_whoever_looks(client, editor, settings):
    import reversion
    from reversion.models import Version

    from tests.admin_forms import form_values

    settings.TIME_ZONE = "UTC"
    story = make_article(en={"title": "Original headline"})
    with reversion.create_revision():
        story.save()
    version = Version.objects.get_for_object(story).get()
    # A later change, so that restoring the first version changes something (a restore that
    # changes nothing saves nothing).
    translation = story.translations.get(language="en")
    translation.title = "Later headline"
    with reversion.create_revision():
        translation.save()
        story.save()
    client.force_login(editor)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("admin:articles_article_revision", args=[story.pk, version.pk])
    response = client.post(url, form_values(client.get(url).content.decode()))
    assert response.status_code == 302
    assert story.translations.get(language="en").title == "Original headline"

    assert history_comments(client, story, "en")[-1].startswith("Restored the version saved on")
    assert history_comments(client, story, "zh-hans")[-1].startswith("恢复了")


DELETE_PAGE = {
    # language: (listed, not listed)
    "en": (
        ["Translation: Melting glaciers", "Translation: 冰川融化", "Image: Glacier front"],
        ["Search document", "Story counted in the archive", "Tagged item", "Editing presence"],
    ),
    "zh-hans": (
        ["译文: Melting glaciers", "译文: 冰川融化", "图片: Glacier front"],  # Django's colon
        ["搜索文档", "归档中计数的报道", "Tagged item", "编辑状态"],
    ),
}


def story_with_internal_rows(editor):
    """A story with everything that follows it: a search document and an archive row (it is
    published), a tag link, an image, someone's open page."""
    from articles.models import EditingPresence, Image

    story = make_article(tags=["ice"], en={"title": "Melting glaciers"}, zh={"title": "冰川融化"})
    Image.objects.create(article=story, caption={"en": "Glacier front"})
    now = timezone.now()
    EditingPresence.objects.create(article=story, user=editor, since=now, seen_at=now)
    return story


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("bulk", [False, True])
def test_the_delete_confirmation_lists_what_an_editor_knows(client, editor, language, bulk):
    story = story_with_internal_rows(editor)
    client.force_login(editor)
    client.cookies["django_language"] = language
    if bulk:
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "delete_selected", "_selected_action": [story.pk]},
        )
    else:
        response = client.get(reverse("admin:articles_article_delete", args=[story.pk]))
    html = response.content.decode()
    listed, unlisted = DELETE_PAGE[language]
    for text in listed:
        assert text in html
    for text in unlisted:
        assert text not in html
    assert "Melting glaciers" in html


def test_deleting_a_story_still_removes_the_rows_it_does_not_list(client, editor):
    from articles.models import ArchiveStory, EditingPresence, Image, SearchDocument

    story = story_with_internal_rows(editor)
    assert SearchDocument.objects.filter(article=story).exists()
    assert ArchiveStory.objects.filter(article=story).exists()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_delete", args=[story.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    for model in (SearchDocument, ArchiveStory, EditingPresence, Image, TaggedItem):
        assert not model.objects.exists(), model
