"""History: the import writes its revisions itself (for speed) in django-reversion's shape, and
restoring one brings the story back exactly as the import left it."""

from datetime import UTC, datetime

import pytest
import reversion
from django.core import serializers
from reversion.models import Version

from articles.models import Article, Image, Translation
from articles.revisions import save_story_revision, version_json
from tests.helpers import fixture_text
from tests.test_import_articles import run_import, write

pytestmark = pytest.mark.django_db


def snapshot(article: Article) -> dict:
    """Every stored field of the story, its translations and images, but the save times."""

    def fields(obj):
        data = serializers.serialize("python", [obj])[0]["fields"]
        return {name: _ms(value) for name, value in data.items() if name != "updated_at"}

    return {
        "article": fields(Article.objects.get(pk=article.pk)),
        "translations": [fields(t) for t in Translation.objects.filter(article=article)],
        "images": [fields(i) for i in Image.objects.filter(article=article)],
    }


def _ms(value):
    # Revisions are JSON, which keeps times to the millisecond (django-reversion's own too).
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def test_restoring_the_import_revision_brings_the_story_back_exactly(tmp_path):
    run_import(write(tmp_path / "feed.txt", fixture_text("feed_no_date_two_images.txt")))
    article = Article.objects.get()
    imported = snapshot(article)
    [version] = Version.objects.get_for_object(article)

    # Editors change nearly everything, and delete an image.
    Article.objects.filter(pk=article.pk).update(status="review", original_language="en")
    Translation.objects.filter(article=article).update(title="Rewritten", body="<p>New</p>")
    first, second = Image.objects.filter(article=article)
    Image.objects.filter(pk=first.pk).update(caption="Changed", credit="", position=7)
    second.delete()

    version.revision.revert(delete=True)

    assert snapshot(article) == imported


def test_import_revisions_are_what_django_reversion_itself_writes(tmp_path):
    run_import(write(tmp_path / "feed.txt", fixture_text("feed_no_date_two_images.txt")))
    article = Article.objects.get()
    ours = save_story_revision(article=article, comment="ours")
    with reversion.create_revision():
        reversion.add_to_revision(article)
    theirs = Version.objects.get_for_object(article).first().revision

    def versions(revision):
        return sorted(
            (v.content_type_id, v.object_id, v.format, v.serialized_data, v.db)
            for v in revision.version_set.all()
        )

    assert versions(ours) == versions(theirs)


def test_import_versions_hold_the_json_djangos_serialiser_writes(tmp_path):
    """The import serialises versions itself; django-reversion stores what Django's JSON
    serialiser writes: the same text, byte for byte, for every kind of value stored."""
    for name in ("feed_no_date_two_images.txt", "digest_bilingual.txt", "xss_vectors.txt"):
        run_import(write(tmp_path / name, fixture_text(name)))
    article = Article.objects.first()
    image = article.images.first() or Image.objects.first()
    image.width, image.height, image.renditions = 640, 480, {"w320": "a.webp"}
    image.file.name = "images/a.jpg"
    article.published_at = datetime(2024, 5, 8, 1, 24, 38, 123456, tzinfo=UTC)
    article.unpublish_at = None
    objects = [
        *Article.objects.all(),
        *Translation.objects.all(),
        *Image.objects.all(),
        article,
        image,
    ]
    assert len({type(obj) for obj in objects}) == 3
    for obj in objects:
        assert version_json(obj) == serializers.serialize("json", [obj])
