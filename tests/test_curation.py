"""The home page's front: a lead story and pinned ones, chosen by editors, with start and end."""

from datetime import timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import PINNED_PLACES, Article, Feature
from tests.admin_forms import form_values
from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db

LEAD, PINNED = Feature.Placement.LEAD, Feature.Placement.PINNED


def feature(article, user, placement=PINNED, **times):
    return publishing.article_feature(article=article, user=user, placement=placement, **times)


def home_headlines(client, language="en", page=None):
    response = client.get(f"/{language}/" + (f"?page={page}" if page else ""))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text(strip=True) for h in soup.select(".story-list .card-title")]


def titled(title, **fields):
    fields.setdefault("published_at", timezone.now() - timedelta(minutes=1))
    return make_article(en={"title": title}, zh={"title": f"中文：{title}"}, **fields)


# -- Who may feature, and the places ------------------------------------------------------------


def test_a_contributor_may_not_feature_or_unfeature(contributor, editor):
    story = make_article()
    with pytest.raises(PermissionDenied):
        feature(story, contributor, LEAD)
    feature(story, editor, LEAD)
    with pytest.raises(PermissionDenied):
        publishing.article_unfeature(article=story, user=contributor)
    assert Feature.objects.get().article == story


def test_the_database_refuses_a_second_lead():
    first, second = make_article(), make_article()
    Feature.objects.create(article=first, position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feature.objects.create(article=second, position=0)


def test_the_database_refuses_a_place_beyond_the_pinned():
    with pytest.raises(IntegrityError), transaction.atomic():
        Feature.objects.create(article=make_article(), position=PINNED_PLACES + 1)


def test_a_new_lead_takes_the_place_of_the_one_before(editor):
    before, after = make_article(), make_article()
    feature(before, editor, LEAD)
    feature(after, editor, LEAD)
    assert list(Feature.objects.values_list("article", "position")) == [(after.pk, 0)]


def test_a_pinned_place_taken_between_read_and_write_is_refused_not_doubled(editor):
    """Another editor pins a story after this one found the place free: the constraint
    refuses ours, nothing of it is written, and the editor is told to try again."""
    ours, theirs = make_article(), make_article()
    real_place = publishing.feature_place

    def place_then_another_writer(**kwargs):
        place = real_place(**kwargs)
        Feature.objects.create(article=theirs, position=place)
        return place

    with (
        mock.patch.object(publishing, "feature_place", place_then_another_writer),
        pytest.raises(publishing.FeatureRefused),
    ):
        feature(ours, editor, PINNED)
    assert not Feature.objects.filter(article=ours).exists()


def test_pinned_stories_take_the_free_places_up_to_the_limit(editor):
    stories = [make_article() for _ in range(PINNED_PLACES + 1)]
    for story in stories[:PINNED_PLACES]:
        feature(story, editor)
    with pytest.raises(publishing.FeatureRefused):
        feature(stories[-1], editor)
    assert sorted(Feature.objects.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_an_ended_feature_frees_its_place(editor):
    now = timezone.now()
    stories = [make_article() for _ in range(PINNED_PLACES + 1)]
    feature(stories[0], editor, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    for story in stories[1:PINNED_PLACES]:
        feature(story, editor)
    feature(stories[-1], editor)
    assert set(Feature.objects.values_list("article", flat=True)) == {s.pk for s in stories[1:]}


def test_a_feature_must_end_after_it_starts(editor):
    now = timezone.now()
    with pytest.raises(publishing.FeatureRefused):
        feature(make_article(), editor, starts_at=now, ends_at=now - timedelta(hours=1))


def test_moving_a_pinned_story_up_swaps_it_with_the_one_above(editor):
    first, second = make_article(), make_article()
    feature(first, editor)
    feature(second, editor)
    publishing.feature_move(article=second, user=editor, offset=-1)
    assert list(Feature.objects.order_by("position").values_list("article", flat=True)) == [
        second.pk,
        first.pk,
    ]


# -- The home page ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_home_page_shows_the_lead_then_the_pinned_then_the_rest_by_date_once(
    client, editor, language
):
    newest = titled("Newest")
    old_pinned = titled("Pinned old", published_at=timezone.now() - timedelta(days=30))
    older_lead = titled("Lead older", published_at=timezone.now() - timedelta(days=10))
    middle = titled("Middle", published_at=timezone.now() - timedelta(days=3))
    feature(old_pinned, editor, PINNED)
    feature(older_lead, editor, LEAD)

    headlines = home_headlines(client, language)

    prefix = "" if language == "en" else "中文："
    assert headlines == [prefix + t for t in ("Lead older", "Pinned old", "Newest", "Middle")]
    html = client.get(f"/{language}/").content.decode()
    lead_card = BeautifulSoup(html, "html.parser").select_one(".card-lead .card-title")
    assert lead_card.get_text(strip=True) == prefix + "Lead older"
    assert newest and middle


def test_home_page_never_shows_a_featured_draft_or_scheduled_story(client, editor):
    draft = titled("Draft lead", status=Article.Status.DRAFT)
    scheduled = titled("Scheduled pin", published_at=timezone.now() + timedelta(hours=1))
    titled("Public story")
    feature(draft, editor, LEAD)
    feature(scheduled, editor, PINNED)
    assert home_headlines(client) == ["Public story"]


def test_later_pages_do_not_repeat_the_featured_stories(client, editor, settings):
    for n in range(25):
        titled(f"Story {n:02d}")
    old = titled("Old lead", published_at=timezone.now() - timedelta(days=400))
    feature(old, editor, LEAD)
    first, second = home_headlines(client), home_headlines(client, page=2)
    assert first[0] == "Old lead" and "Old lead" not in second
    assert len(first) + len(second) == 26
    assert not set(first) & set(second)


def test_a_feature_ends_at_its_time_without_a_save_even_from_the_page_cache(client, editor):
    titled("Ordinary")
    lead = titled("Lead for an hour", published_at=timezone.now() - timedelta(days=5))
    feature(lead, editor, LEAD, ends_at=timezone.now() + timedelta(hours=1))
    assert home_headlines(client)[0] == "Lead for an hour"
    assert home_headlines(client)[0] == "Lead for an hour"  # now served from the page cache

    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert home_headlines(client) == ["Ordinary", "Lead for an hour"]


def test_a_feature_starts_at_its_time_without_a_save_even_from_the_page_cache(client, editor):
    titled("Ordinary")
    lead = titled("Lead from tonight", published_at=timezone.now() - timedelta(days=5))
    feature(lead, editor, LEAD, starts_at=timezone.now() + timedelta(hours=1))
    assert home_headlines(client)[0] == "Ordinary"
    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert home_headlines(client)[0] == "Lead from tonight"


def test_featuring_empties_the_page_cache(client, editor):
    titled("Ordinary")
    old = titled("Featured later", published_at=timezone.now() - timedelta(days=5))
    assert home_headlines(client)[0] == "Ordinary"
    feature(old, editor, LEAD)
    assert home_headlines(client)[0] == "Featured later"
    publishing.article_unfeature(article=old, user=editor)
    assert home_headlines(client)[0] == "Ordinary"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_featured_stories_cost_no_query_once_kept_and_the_count_stays_flat(
    client, editor, settings, language
):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    source = make_source()

    def queries():
        client.get(f"/{language}/")  # fills the parts kept until content changes
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/{language}/")
        return len(captured)

    for _ in range(10):
        make_article(source=source)
    without = queries()
    stories = list(Article.objects.all()[:3])
    feature(stories[0], editor, LEAD)
    feature(stories[1], editor)
    feature(stories[2], editor)
    with_features = queries()
    for _ in range(100):
        make_article(source=source)
    assert without == with_features == queries()


# -- The admin ----------------------------------------------------------------------------------


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_editor_makes_a_story_the_lead_from_its_form(client, editor):
    story = make_article(en={"title": "From the form"})
    client.force_login(editor)
    data = form_values(client.get(change_url(story)).content.decode())
    data["home_placement"] = "lead"
    response = client.post(change_url(story), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Feature.objects.get().article == story and Feature.objects.get().position == 0
    assert Feature.objects.get().featured_by == editor

    data = form_values(client.get(change_url(story)).content.decode())
    assert data["home_placement"] == "lead"
    data["home_placement"] = ""
    client.post(change_url(story), data)
    assert not Feature.objects.exists()


def test_the_form_refuses_a_fifth_pinned_story_with_a_form_error(client, editor):
    for _ in range(PINNED_PLACES):
        feature(make_article(), editor)
    story = make_article()
    client.force_login(editor)
    data = form_values(client.get(change_url(story)).content.decode())
    data["home_placement"] = "pinned"
    response = client.post(change_url(story), data)
    assert response.status_code == 200
    assert "home_placement" in response.context["adminform"].form.errors
    assert not Feature.objects.filter(article=story).exists()


def test_a_contributor_sees_the_home_page_fields_disabled_and_cannot_post_them(client, contributor):
    story = make_article(status=Article.Status.DRAFT)
    client.force_login(contributor)
    html = client.get(change_url(story)).content.decode()
    field = BeautifulSoup(html, "html.parser").find("select", attrs={"name": "home_placement"})
    assert field.has_attr("disabled")
    data = form_values(html)
    data["home_placement"] = "lead"
    client.post(change_url(story), data)
    assert not Feature.objects.exists()


def test_list_actions_feature_and_the_list_marks_featured_stories(client, editor):
    lead, pinned = make_article(), make_article()
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")
    client.post(changelist, {"action": "make_lead", "_selected_action": [lead.pk]})
    client.post(changelist, {"action": "pin", "_selected_action": [pinned.pk]})
    assert dict(Feature.objects.values_list("article", "position")) == {lead.pk: 0, pinned.pk: 1}
    html = client.get(changelist).content.decode()
    assert html.count("desk-badge-feature") == 2
    client.post(changelist, {"action": "unfeature", "_selected_action": [lead.pk, pinned.pk]})
    assert not Feature.objects.exists()


def test_contributors_have_no_feature_actions(client, contributor):
    client.force_login(contributor)
    response = client.get(reverse("admin:articles_article_changelist"))
    actions = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert "make_lead" not in actions and "pin" not in actions


def test_home_page_view_lists_what_readers_see_first_and_reorders(client, editor):
    lead = titled("The lead")
    first, second = titled("First pin"), titled("Second pin")
    hidden = titled("Draft pin", status=Article.Status.DRAFT)
    feature(lead, editor, LEAD)
    for story in (first, second, hidden):
        feature(story, editor)
    client.force_login(editor)
    url = reverse("admin:articles_article_home_page")
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.select("th, td")]
        for tr in soup.select(".desk-feature")
    ]
    assert [row[1].split(" Featured by")[0] for row in rows] == [
        "The lead",
        "First pin",
        "Second pin",
        "Draft pin",
    ]
    assert [row[3] for row in rows] == ["Yes", "Yes", "Yes", "No"]

    client.post(url, {"article": second.pk, "change": "up"})
    order = list(Feature.objects.order_by("position").values_list("article", flat=True))
    assert order == [lead.pk, second.pk, first.pk, hidden.pk]
    client.post(url, {"article": lead.pk, "change": "remove"})
    assert not Feature.objects.filter(article=lead).exists()


def test_home_page_view_changes_are_for_editors_only(client, contributor, editor):
    story = make_article()
    feature(story, editor, LEAD)
    client.force_login(contributor)
    url = reverse("admin:articles_article_home_page")
    assert client.get(url).status_code == 200
    response = client.post(url, {"article": story.pk, "change": "remove"})
    assert response.status_code == 403
    assert Feature.objects.filter(article=story).exists()
    assert client.post(url, {"article": "x", "change": "remove"}).status_code == 404


def test_featuring_from_the_form_changes_only_the_home_page(client, editor):
    """The story itself is not saved again: no revision, no new updated_at, and the editor
    is not told that nothing was saved."""
    from reversion.models import Version

    story = make_article()
    client.force_login(editor)
    before = Article.objects.get(pk=story.pk).updated_at
    revisions = Version.objects.get_for_object(story).count()
    data = form_values(client.get(change_url(story)).content.decode())
    data["home_placement"] = "pinned"
    response = client.post(change_url(story), data, follow=True)
    assert Feature.objects.get().article == story
    assert Article.objects.get(pk=story.pk).updated_at == before
    assert Version.objects.get_for_object(story).count() == revisions
    assert "Nothing was changed" not in response.content.decode()
