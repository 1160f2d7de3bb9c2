"""The article list, the side-by-side change form, history and the translation desk."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import reversion
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ImportRecord, Translation
from tests.admin_forms import form_values, pane_field
from tests.factories import make_article, make_image, make_import_record, make_source

pytestmark = pytest.mark.django_db


CHANGELIST = "admin:articles_article_changelist"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def listed(client, **params):
    """The stories the article list shows for these query parameters."""
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def make_conflict(article, conflicts):
    return make_import_record(article, conflicts=conflicts)


def age_translation(article, language, minutes):
    Translation.objects.filter(article=article, language=language).update(
        updated_at=timezone.now() - timedelta(minutes=minutes)
    )


# -- The list ---------------------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_the_number_of_stories(client, editor):
    client.force_login(editor)

    def list_queries(stories):
        for n in range(stories - Article.objects.count()):
            article = make_article(tags=["cop30", f"tag{n % 7}"])
            rendition = {"width": 480, "format": "webp", "name": f"renditions/{n}/x-480.webp"}
            make_image(article, caption="Delegates", renditions=[rendition])
            if n % 3 == 0:
                make_conflict(article, {"translation:en:title": {"current": "a", "incoming": "b"}})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(CHANGELIST), {"all": ""})
        assert len(response.context["cl"].result_list) == stories
        return len(queries)

    assert list_queries(10) == list_queries(200)


def test_list_shows_the_headline_in_the_editors_language_with_the_other_as_fallback(client, editor):
    make_article(en={"title": "Envoys meet"}, zh={"title": "特使会面"})
    make_article(en=False, zh={"title": "只有中文"})
    client.force_login(editor)

    def headlines(language):
        response = client.get(reverse(CHANGELIST), HTTP_ACCEPT_LANGUAGE=language)
        cells = BeautifulSoup(response.content, "html.parser").select("td.field-headline")
        return sorted(cell.get_text(strip=True) for cell in cells)

    assert headlines("en") == ["Envoys meet", "只有中文"]
    assert headlines("zh-hans") == ["只有中文", "特使会面"]


def test_list_marks_a_story_published_for_later_as_scheduled(client, editor):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    live = make_article()
    client.force_login(editor)

    assert listed(client, status="scheduled") == [scheduled]
    assert listed(client, status="published") == [live]
    assert "desk-status-scheduled" in client.get(reverse(CHANGELIST)).content.decode()


def test_change_form_says_when_a_scheduled_story_goes_live(client, editor):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)

    html = client.get(change_url(scheduled)).content.decode()

    assert "Goes live by itself at" in html


def test_scheduled_story_goes_live_at_its_time_by_itself():
    at = timezone.now() + timedelta(hours=2)
    article = make_article(published_at=at)

    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=at + timedelta(seconds=1)).filter(pk=article.pk).exists()


def test_list_filters_by_missing_language(client, editor):
    no_english = make_article(en=False)
    make_article()
    client.force_login(editor)

    assert listed(client, missing="en") == [no_english]
    assert listed(client, missing="zh-hans") == []


def test_list_filters_by_outdated_translation(client, editor):
    english_edited_later = make_article()
    age_translation(english_edited_later, "zh-hans", minutes=30)
    make_article()
    client.force_login(editor)

    assert listed(client, outdated="zh-hans") == [english_edited_later]
    assert listed(client, outdated="en") == []


def test_list_filters_by_image_tag_source_and_open_conflict(client, editor):
    source = make_source(name="Carbon Brief")
    with_image = make_article(tags=["finance"])
    make_image(with_image)
    with_conflict = make_article(source=source)
    record = make_conflict(with_conflict, {"article:tags": {"current": [], "incoming": ["x"]}})
    client.force_login(editor)

    assert listed(client, has_image="yes") == [with_image]
    assert listed(client, tags__id__exact=with_image.tags.get().pk) == [with_image]
    assert listed(client, source__id__exact=source.pk) == [with_conflict]
    assert listed(client, conflict="yes") == [with_conflict]
    record.resolved_at = timezone.now()
    record.save()
    assert listed(client, conflict="yes") == []


@pytest.mark.parametrize(
    "query", ["波恩", "bonn", "特使会谈", "climate finance", "谈判重启"], ids=repr
)
def test_search_finds_titles_and_bodies_in_both_languages_once(client, editor, query):
    article = make_article()
    make_article(
        en={"title": "Unrelated", "summary": "", "body": "<p>Nothing here</p>"},
        zh={"title": "无关", "summary": "", "body": "<p>无</p>"},
    )
    client.force_login(editor)

    assert listed(client, q=query) == [article]


def test_search_uses_the_index_in_every_state_and_finds_a_slug_or_url_exactly(client, editor):
    draft = make_article(status=Article.Status.DRAFT, en={"title": "Envoys deliberated"})
    by_slug = make_article(slug="cop30-opens", en={"title": "Opening"})
    by_url = make_article(original_url="https://example.org/a?id=7", en={"title": "Elsewhere"})
    client.force_login(editor)

    assert listed(client, q="deliberations") == [draft]
    assert listed(client, q="cop30-opens") == [by_slug]
    assert listed(client, q="https://example.org/a?id=7") == [by_url]
    assert listed(client, q="!!!") == []


# -- The change form ----------------------------------------------------------------------------


def test_change_form_shows_both_translations_side_by_side(client, editor):
    article = make_article(en={"title": "Envoys meet"}, zh={"title": "特使会面"})
    client.force_login(editor)

    html = client.get(change_url(article)).content.decode()

    assert html.count('class="inline-related desk-pane') == 2
    assert 'lang="zh-hans"' in html and 'lang="en"' in html
    assert html.index("desk-translations") < html.index('id="images-group"')


def test_editor_edits_the_english_headline(client, editor):
    article = make_article(en={"title": "Envoys meet"})
    client.force_login(editor)
    data = form_values(client.get(change_url(article)).content.decode())
    data[pane_field(data, "en", "title")] = "Envoys agree on finance"

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assert article.translations.get(language="en").title == "Envoys agree on finance"


def test_missing_language_gets_an_empty_pane_that_saves_when_filled(client, editor):
    article = make_article(en=False)
    client.force_login(editor)
    data = form_values(client.get(change_url(article)).content.decode())

    unchanged = client.post(change_url(article), data)
    assert unchanged.status_code == 302 and not article.translations.filter(language="en")

    data = form_values(client.get(change_url(article)).content.decode())  # as saved just now
    data[pane_field(data, "en", "title")] = "Envoys meet in Bonn"
    client.post(change_url(article), data)
    assert article.translations.get(language="en").title == "Envoys meet in Bonn"


def test_change_form_shows_the_import_history_with_a_link_to_the_original(client, editor):
    article = make_article(original_url="https://www.ft.com/content/abc")
    make_import_record(
        article,
        path="samples/ft-cop.md",
        sha256="ab" * 32,
        outcome=ImportRecord.Outcome.CREATED,
        sanitizer_removed=["<script>"],
    )
    client.force_login(editor)

    html = client.get(change_url(article)).content.decode()

    assert "samples/ft-cop.md" in html and "ab" * 32 in html
    assert "&lt;script&gt;" in html
    assert 'href="https://www.ft.com/content/abc"' in html


# -- History ----------------------------------------------------------------------------------


def test_admin_save_keeps_a_revision_with_translations_and_images(client, editor):
    article = make_article(en={"title": "Envoys meet"})
    make_image(article, caption="Delegates")
    client.force_login(editor)
    data = form_values(client.get(change_url(article)).content.decode())
    data[pane_field(data, "en", "title")] = "Envoys agree"

    client.post(change_url(article), data)

    revision = Version.objects.get_for_object(article).get().revision
    saved = {version.content_type.model for version in revision.version_set.all()}
    assert saved == {"article", "translation", "image"}
    assert revision.user == editor


def test_editor_restores_an_earlier_version(client, editor):
    article = make_article(en={"title": "Original headline"})
    with reversion.create_revision():
        article.save()
    english = article.translations.get(language="en")
    english.title = "A worse headline"
    english.save()
    version = Version.objects.get_for_object(article).get()
    client.force_login(editor)
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])

    page = client.get(url)
    client.post(url, form_values(page.content.decode()))

    changes = page.context["revision_changes"]
    assert [(c["then"], c["now"]) for c in changes] == [("Original headline", "A worse headline")]
    assert article.translations.get(language="en").title == "Original headline"


def test_restore_page_lists_a_translation_added_since_as_removed(client, editor):
    article = make_article(en=False)
    with reversion.create_revision():
        article.save()
    Translation.objects.create(article=article, language="en", title="Added later")
    version = Version.objects.get_for_object(article).get()
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_revision", args=[article.pk, version.pk]))

    assert [(c["then"], c["now"]) for c in page.context["revision_changes"]] == [
        (None, "Added later")
    ]


def test_history_page_lists_revisions(client, editor):
    article = make_article()
    with reversion.create_revision():
        reversion.set_comment("Imported samples/ft.md")
        article.save()
    client.force_login(editor)

    html = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    assert "Imported samples/ft.md" in html.decode()


# -- Import conflicts ---------------------------------------------------------------------------


def settle(client, article, record, key, choice):
    url = reverse("admin:articles_article_conflict", args=[article.pk, record.pk])
    return client.post(url, {"key": key, "choice": choice})


def test_change_form_shows_incoming_value_next_to_current(client, editor):
    article = make_article(en={"title": "Editor's headline"})
    make_conflict(
        article,
        {"translation:en:title": {"current": "Editor's headline", "incoming": "Wire headline"}},
    )
    client.force_login(editor)

    html = client.get(change_url(article)).content.decode()

    assert "Wire headline" in html and "Editor&#x27;s headline" in html
    assert "English headline" in html
    assert 'value="take"' in html and 'value="keep"' in html


def test_taking_the_incoming_value_writes_it_and_settles_the_conflict(client, editor):
    article = make_article(en={"title": "Editor's headline"}, tags=["mine"])
    make_image(article, original_url="https://img.example.com/a:b.jpg", caption="Old", position=2)
    record = make_conflict(
        article,
        {
            "translation:en:title": {"current": "Editor's headline", "incoming": "Wire headline"},
            "article:tags": {"current": ["mine"], "incoming": ["cop30", "finance"]},
            "image:https://img.example.com/a:b.jpg:caption:en": {
                "current": "Old",
                "incoming": "New",
            },
            "image:https://img.example.com/a:b.jpg:position": {"current": 2, "incoming": 0},
        },
    )
    client.force_login(editor)

    for key in record.conflicts:
        assert settle(client, article, record, key, "take").status_code == 302

    record.refresh_from_db()
    assert article.translations.get(language="en").title == "Wire headline"
    assert sorted(article.tags.names()) == ["cop30", "finance"]
    assert (article.images.get().caption, article.images.get().position) == ({"en": "New"}, 0)
    assert record.resolved_at is not None
    assert {r["choice"] for r in record.resolutions.values()} == {"taken"}


def test_keeping_the_editors_value_leaves_the_field_and_settles_it(client, editor):
    article = make_article(en={"title": "Editor's headline"})
    record = make_conflict(
        article,
        {
            "translation:en:title": {"current": "Editor's headline", "incoming": "Wire"},
            "article:published_at": {"current": None, "incoming": "2026-01-02T03:04:05+00:00"},
        },
    )
    client.force_login(editor)

    settle(client, article, record, "translation:en:title", "keep")
    record.refresh_from_db()
    assert article.translations.get(language="en").title == "Editor's headline"
    assert record.resolutions["translation:en:title"]["choice"] == "kept"
    assert record.resolved_at is None  # published_at is still open

    settle(client, article, record, "article:published_at", "take")
    record.refresh_from_db()
    article.refresh_from_db()
    assert article.published_at.isoformat() == "2026-01-02T03:04:05+00:00"
    assert record.resolved_at is not None


def test_contributor_cannot_settle_a_conflict_on_a_published_story(client, contributor):
    article = make_article(en={"title": "Editor's headline"})
    record = make_conflict(
        article, {"translation:en:title": {"current": "Editor's headline", "incoming": "Wire"}}
    )
    client.force_login(contributor)

    response = settle(client, article, record, "translation:en:title", "take")

    assert response.status_code == 403
    assert article.translations.get(language="en").title == "Editor's headline"


# -- Translation desk ---------------------------------------------------------------------------


def test_translation_desk_counts_missing_and_outdated_translations_per_status(client, editor):
    make_article(status=Article.Status.DRAFT, en=False)
    make_article(status=Article.Status.PUBLISHED, en=False)
    make_article(status=Article.Status.PUBLISHED, en=False)
    outdated = make_article(status=Article.Status.REVIEW)
    age_translation(outdated, "zh-hans", minutes=90)
    client.force_login(editor)

    response = client.get(reverse("admin:articles_article_translation_desk"))

    rows = {
        (str(row["language"]), row["problem"]): [cell["count"] for cell in row["cells"]]
        for row in response.context["rows"]
    }
    # draft, review, scheduled, published, ended
    assert rows[("English", "missing")] == [1, 0, 0, 2, 0]
    assert rows[("Simplified Chinese", "outdated")] == [0, 1, 0, 0, 0]
    assert rows[("Simplified Chinese", "missing")] == [0, 0, 0, 0, 0]


def test_translation_desk_numbers_link_to_the_filtered_list(client, editor):
    missing = make_article(status=Article.Status.PUBLISHED, en=False)
    client.force_login(editor)

    rows = client.get(reverse("admin:articles_article_translation_desk")).context["rows"]
    url = next(
        cell["url"]
        for row in rows
        if str(row["language"]) == "English" and row["problem"] == "missing"
        for cell in row["cells"]
        if cell["count"]
    )

    assert list(client.get(url).context["cl"].result_list) == [missing]


# -- Language -----------------------------------------------------------------------------------


def test_admin_switches_language_with_the_set_language_view(client, editor):
    client.force_login(editor)

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/admin/"})
    response = client.get(reverse(CHANGELIST))

    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"
    assert 'id="desk-language-select"' in response.content.decode()


# -- Preview ----------------------------------------------------------------------------------


def test_change_form_links_to_the_staff_preview_in_each_language(client, editor):
    draft = make_article(status=Article.Status.DRAFT, en={"title": "Draft headline"})
    client.force_login(editor)

    links = client.get(change_url(draft)).context["preview_links"]
    urls = {link["language"]: link["url"] for link in links}

    assert urls == {"zh-hans": f"/zh-hans/preview/{draft.pk}/", "en": f"/en/preview/{draft.pk}/"}
    assert "Draft headline" in client.get(urls["en"]).content.decode()


def test_admin_home_has_shortcuts_to_the_desk(client, contributor):
    client.force_login(contributor)

    html = client.get(reverse("admin:index")).content.decode()

    assert "?status=review" in html and "?conflict=yes" in html
    assert reverse("admin:articles_article_translation_desk") in html


def test_editor_is_told_what_the_sanitiser_removed_from_a_body(client, editor):
    from tests.test_roles import post_change_form

    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    body = "<p>Talks go on</p><script>alert(1)</script>"

    response = post_change_form(client, article, panes={("en", "body"): body})

    assert response.status_code == 302
    assert article.translations.get(language="en").body == "<p>Talks go on</p>"
    shown = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "English body" in shown and "<script> with its content: alert(1)" in shown


# -- Optimistic concurrency -----------------------------------------------------------------------


def test_a_save_from_a_form_opened_before_an_import_is_refused_and_loses_nothing(
    client, editor, tmp_path
):
    """The editor opened the story; an import then changed it; the editor saves."""
    from tests.helpers import fixture_text
    from tests.test_import_articles import run_import, write

    story = write(tmp_path / "story.txt", fixture_text("digest_english_only.txt"))
    run_import(story)
    article = Article.objects.get()
    client.force_login(editor)
    opened = form_values(client.get(change_url(article)).content.decode())
    changed = fixture_text("digest_english_only.txt").replace("standing.", "standing, it says.")
    write(story, changed)
    run_import(story)

    opened[pane_field(opened, "en", "summary")] = "The editor's new dek"
    response = client.post(change_url(article), opened)

    assert response.status_code == 200  # the form again
    page = response.content.decode()
    assert "saved by someone else after you opened it" in page
    assert "Imported from story.txt" in page and "it says." in page
    assert "The editor&#x27;s new dek" in page  # the editor's work is still in the form
    body = article.translations.get(language="en").body
    assert "it says." in body  # the import's change stands
    assert article.translations.get(language="en").summary == ""

    # Saving again, now from the story as it is, goes through and keeps the import's change.
    again = form_values(page)
    assert client.post(change_url(article), again).status_code == 302
    translation = article.translations.get(language="en")
    assert translation.summary == "The editor's new dek" and "it says." in translation.body


def test_the_later_of_two_editors_cannot_wipe_the_earlier_ones_paragraph(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    with reversion.create_revision():
        article.save()  # history holds the story as both editors open it
    client.force_login(editor)
    first = form_values(client.get(change_url(article)).content.decode())
    second = dict(first)
    first[pane_field(first, "en", "body")] = "<p>Negotiators met in Bonn.</p><p>Added by one.</p>"
    assert client.post(change_url(article), first).status_code == 302

    second[pane_field(second, "en", "title")] = "A headline by two"
    response = client.post(change_url(article), second)

    assert response.status_code == 200
    assert "Added by one." in response.content.decode()  # shown as changed meanwhile
    translation = article.translations.get(language="en")
    assert "Added by one." in translation.body and translation.title != "A headline by two"
    # The form shown again holds both: their paragraph, this editor's headline.
    assert (
        client.post(change_url(article), form_values(response.content.decode())).status_code == 302
    )
    translation.refresh_from_db()
    assert "Added by one." in translation.body and translation.title == "A headline by two"


def test_a_body_nested_beyond_the_import_limits_is_a_form_error(client, editor):
    from tests.test_roles import post_change_form

    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    body = "<div>" * 5000 + "Talks" + "</div>" * 5000

    response = post_change_form(client, article, panes={("en", "body"): body})

    assert response.status_code == 200
    assert "nested 5,000 deep" in response.content.decode().replace("&nbsp;", " ")
    assert article.translations.get(language="en").body == "<p>Negotiators met in Bonn.</p>"


def test_a_nul_in_the_admin_search_is_no_error(client, editor):
    make_article(en={"title": "Ocean talks"})
    client.force_login(editor)
    response = client.get(reverse(CHANGELIST), {"q": "Oce\x00an"})
    assert response.status_code == 200


def test_an_address_typed_in_the_admin_is_the_one_an_import_finds(client, editor, tmp_path):
    from tests.helpers import fixture_text
    from tests.test_import_articles import run_import, write

    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    from tests.test_roles import post_change_form

    typed = "http://www.reuters.com/world/brazil-cop-forests-2026-05-01/?utm_source=x"
    assert post_change_form(client, article, original_url=typed).status_code == 302

    article.refresh_from_db()
    assert article.original_url == "https://reuters.com/world/brazil-cop-forests-2026-05-01/"
    run_import(write(tmp_path / "story.txt", fixture_text("digest_english_only.txt")))
    assert Article.objects.count() == 1


def test_list_filters_by_publication_year_and_month_in_the_site_time_zone(client, editor, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    client.force_login(editor)
    shanghai = ZoneInfo("Asia/Shanghai")
    march = make_article(published_at=datetime(2025, 3, 31, 23, 30, tzinfo=shanghai))
    april = make_article(published_at=datetime(2025, 4, 1, 0, 30, tzinfo=shanghai))
    older = make_article(published_at=datetime(2023, 6, 1, tzinfo=shanghai))
    assert listed(client, published="2025-03") == [march]
    assert listed(client, published="2025-04") == [april]
    assert set(listed(client, published="2025")) == {march, april}
    assert listed(client, published="2023") == [older]
    assert len(listed(client, published="not-a-month")) == 3
    years = client.get(reverse(CHANGELIST), {"published": "2025"}).content.decode()
    assert "?published=2024" in years and "?published=2025-04" in years
    assert "?published=2025-05" not in years


def _opened_twice(client, article):
    """The change form as two editors loaded it, from a story history already holds."""
    with reversion.create_revision():
        article.save()
    page = client.get(change_url(article)).content.decode()
    return form_values(page), form_values(page)


def test_a_stale_save_keeps_the_other_editors_tags_and_time(client, editor):
    article = make_article(status=Article.Status.DRAFT, tags=["old"])
    client.force_login(editor)
    first, second = _opened_twice(client, article)
    first.update(tags="old, newtag", published_at_0="2020-01-01", published_at_1="10:00:00")
    assert client.post(change_url(article), first).status_code == 302

    second[pane_field(second, "en", "title")] = "A headline by two"
    refused = client.post(change_url(article), second)
    assert refused.status_code == 200
    assert (
        client.post(change_url(article), form_values(refused.content.decode())).status_code == 302
    )

    article.refresh_from_db()
    assert sorted(article.tags.names()) == ["newtag", "old"]
    assert article.published_at.year == 2020
    assert article.translations.get(language="en").title == "A headline by two"


def test_two_editors_adding_the_same_missing_translation_lose_neither(client, editor):
    article = make_article(status=Article.Status.DRAFT, zh=False)
    client.force_login(editor)
    first, second = _opened_twice(client, article)
    first[pane_field(first, "zh-hans", "title")] = "第一位编辑的标题"
    assert client.post(change_url(article), first).status_code == 302

    second[pane_field(second, "zh-hans", "body")] = "<p>第二位编辑的正文。</p>"
    refused = client.post(change_url(article), second)
    assert refused.status_code == 200
    again = form_values(refused.content.decode())
    assert client.post(change_url(article), again).status_code == 302

    chinese = article.translations.get(language="zh-hans")
    assert chinese.title == "第一位编辑的标题" and chinese.body == "<p>第二位编辑的正文。</p>"


def test_a_translation_deleted_meanwhile_leaves_a_form_that_saves(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    first, second = _opened_twice(client, article)
    index = pane_field(first, "zh-hans", "title").split("-")[1]
    first[f"translations-{index}-DELETE"] = "on"
    assert client.post(change_url(article), first).status_code == 302
    assert not article.translations.filter(language="zh-hans").exists()

    second[pane_field(second, "en", "title")] = "A headline by two"
    refused = client.post(change_url(article), second)
    assert refused.status_code == 200
    assert (
        client.post(change_url(article), form_values(refused.content.decode())).status_code == 302
    )

    assert article.translations.get(language="en").title == "A headline by two"
    assert not article.translations.filter(language="zh-hans").exists()


@pytest.mark.parametrize(
    "tampered",
    [{"loaded_version": "2024-02-30T10:00:00"}, {"translations-TOTAL_FORMS": "abc"}],
)
def test_a_tampered_stale_form_is_refused_not_a_server_error(client, editor, tampered):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    first, second = _opened_twice(client, article)
    assert client.post(change_url(article), first).status_code == 302
    second.update(tampered)
    assert client.post(change_url(article), second).status_code == 200


def test_the_chinese_admin_index_reads_its_hidden_column_headings_in_chinese(client, editor):
    """Django's app list has headings for screen readers only, which Django's own Chinese
    catalogue leaves in English."""
    client.force_login(editor)
    page = BeautifulSoup(
        client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content, "html.parser"
    )
    headings = [th.get_text() for th in page.select("thead.visually-hidden th")]
    assert headings and set(headings) == {"模型名称", "添加链接", "修改或查看列表链接"}


def test_a_publication_year_no_newsroom_means_is_refused(client, editor):
    article = make_article(slug="bonn")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_values(client.get(url).content.decode())
    data.update(published_at_0="9999-12-31", published_at_1="20:00:00")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "not between the years 1900 and 2200" in response.content.decode()
    assert Article.objects.get(pk=article.pk).published_at.year < 2200
