"""Every tag a reader can see has a working URL, whatever its name and however it was made."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag

from articles.models import Article
from tests.admin_forms import form_values
from tests.factories import make_article
from tests.helpers import sitemap_pages

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "001_bonn_finance_talks.txt"
NAMES_WITHOUT_SLUG = ["!!!", "🌍", "！！"]


def topic_url(tag, language="en"):
    with translation.override(language):
        return reverse("tag", kwargs={"slug": tag.slug})


def assert_reader_pages_work(client, story, tag):
    """The story page links the topic, which lists the story; the sitemap and the home page
    (computed afresh, as after a restart) carry the topic too."""
    cache.clear()
    assert tag.slug
    for language in ("en", "zh-hans"):
        url = topic_url(tag, language)
        with translation.override(language):
            story_url = reverse("article_detail", kwargs={"slug": story.slug})
        story_page = client.get(story_url)
        assert story_page.status_code == 200
        assert f'href="{url}"' in story_page.content.decode()
        topic_page = client.get(url)
        assert topic_page.status_code == 200
        assert story_url in topic_page.content.decode()
        home = client.get(f"/{language}/")
        assert home.status_code == 200
        assert url in home.content.decode()
    sitemap = b"".join(page.content for page in sitemap_pages(client)).decode()
    assert f"http://testserver{topic_url(tag)}" in sitemap


@pytest.mark.parametrize("name", NAMES_WITHOUT_SLUG)
def test_a_tag_made_by_name_has_a_working_url(client, name):
    tag = Tag.objects.create(name=name)
    story = make_article()
    story.tags.add(tag)
    assert_reader_pages_work(client, story, tag)


@pytest.mark.parametrize("name", NAMES_WITHOUT_SLUG)
def test_a_tag_set_by_name_has_a_working_url(client, name):
    story = make_article(tags=[name])
    assert_reader_pages_work(client, story, story.tags.get())


def test_tags_whose_names_slugify_alike_get_distinct_urls(client):
    story = make_article(tags=["!!!", "???", "🌍", "🌏"])
    slugs = set(story.tags.values_list("slug", flat=True))
    assert len(slugs) == 4
    for tag in story.tags.all():
        assert client.get(topic_url(tag)).status_code == 200


def test_imported_tags_have_working_urls(client, tmp_path):
    tags = "".join(f"- Tag {name}\n" for name in NAMES_WITHOUT_SLUG)
    text = SAMPLE.read_text().replace("- Tag finance\n- Tag cop31\n", tags)
    (tmp_path / "story.txt").write_text(text)
    call_command("import_articles", str(tmp_path), "--publish", "--no-fetch-images", verbosity=0)
    story = Article.objects.get()
    assert sorted(story.tags.values_list("name", flat=True)) == sorted(NAMES_WITHOUT_SLUG)
    for tag in story.tags.all():
        assert_reader_pages_work(client, story, tag)


def test_tags_typed_in_the_admin_have_working_urls(client, editor):
    story = make_article()
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    client.force_login(editor)
    data = form_values(client.get(change_url).content.decode())
    data["tags"] = "!!!, 🌍, ！！"
    assert client.post(change_url, data).status_code == 302
    client.logout()
    assert story.tags.count() == 3
    for tag in story.tags.all():
        assert_reader_pages_work(client, story, tag)


def test_chinese_tags_keep_readable_slugs(client):
    story = make_article(tags=["气候"])
    tag = story.tags.get()
    assert tag.slug == "气候"
    assert_reader_pages_work(client, story, tag)


def test_chinese_tags_work_when_taggit_strips_unicode(client, settings):
    # Without the unidecode package, taggit's stripping leaves nothing of a Chinese name.
    settings.TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True
    story = make_article(tags=["气候"])
    tag = story.tags.get()
    assert re.fullmatch(r"[-\w]+", tag.slug)
    assert_reader_pages_work(client, story, tag)


def test_the_migration_mends_empty_slugs_saved_before(client):
    # Before the rule, the first such tag got "" and the next ones "_1", "_2"...
    story = make_article(tags=["!!!", "🌍", "finance", "cop31"])
    Tag.objects.filter(name="!!!").update(slug="")
    Tag.objects.filter(name="🌍").update(slug="_1")
    # ... and nothing stopped a script from saving a slug that is no slug.
    Tag.objects.filter(name="cop31").update(slug="cop 31")
    migration = import_module("articles.migrations.0006_tag_slugs_never_empty")
    migration.mend_tag_slugs(apps, None)
    assert Tag.objects.get(name="finance").slug == "finance"
    assert Tag.objects.get(name="🌍").slug == "_1"
    for tag in story.tags.all():
        assert_reader_pages_work(client, story, tag)


def test_a_topic_url_with_nul_is_not_found(client):
    make_article(tags=["finance"])
    assert client.get("/en/topics/%00/").status_code == 404
    assert client.get("/en/topics/finance%00/").status_code == 404
