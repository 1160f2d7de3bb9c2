import pytest

from articles.messages import message_text
from articles.models import Translation
from articles.sanitize import sanitize_html
from tests.factories import make_article


def test_allowed_markup_is_kept():
    html = '<p>A <strong>bold</strong> <a href="https://unfccc.int/">link</a></p><h2>Sub</h2>'
    cleaned = sanitize_html(html)
    assert "<strong>bold</strong>" in cleaned.html and "<h2>Sub</h2>" in cleaned.html
    assert 'href="https://unfccc.int/"' in cleaned.html
    assert cleaned.removed == []


@pytest.mark.parametrize(
    ("html", "reported"),
    [
        ("<p>x<script>alert(1)</script></p>", "<script> with its content"),
        ('<p onmouseover="alert(1)">x</p>', 'onmouseover="alert(1)" on <p>'),
        ('<a href="javascript:alert(1)">x</a>', 'link to "javascript:alert(1)"'),
        ('<iframe src="https://evil.example/"></iframe>', "<iframe>"),
        ('<span style="color:red">x</span>', '<span style="color:red"> (its text kept)'),
        ("<p>x<!-- hidden --></p>", "comment"),
    ],
)
def test_dangerous_markup_is_removed_and_reported(html, reported):
    cleaned = sanitize_html(html)
    for dangerous in ("<script", "alert", "javascript:", "<iframe", "style=", "<!--"):
        assert dangerous not in cleaned.html
    assert any(reported in message_text(line) for line in cleaned.removed)


def test_text_an_unclosed_script_swallows_is_reported():
    cleaned = sanitize_html("<p>Envoys met.<script src=x.js>Talks resume on Friday.</p>")
    assert cleaned.html == "<p>Envoys met.</p>"
    assert any("Talks resume on Friday" in message_text(line) for line in cleaned.removed)


def test_sanitising_twice_changes_nothing():
    once = sanitize_html('<p>a<br>b <em>c</em> <a href="https://x.org">d</a></p>').html
    assert sanitize_html(once).html == once


@pytest.mark.django_db
def test_a_body_saved_any_way_is_sanitised():
    article = make_article()
    translation = article.translations.get(language="en")
    translation.body = '<p>Talks<img src=x onerror="alert(1)"><script>alert(2)</script></p>'
    translation.save()
    translation.refresh_from_db()
    assert translation.body == "<p>Talks</p>"
    assert Translation.objects.filter(body__contains="alert").count() == 0


HOSTILE_BODY = '<p>Talks<img src=x onerror="alert(1)"><script>alert(2)</script></p>'


@pytest.mark.django_db
def test_every_write_path_stores_the_same_sanitised_body():
    """save, bulk_create, QuerySet.update and bulk_update: one sanitiser, one result."""
    saved = make_article(en={"body": HOSTILE_BODY}, zh=False).translations.get()
    article = make_article(en=False, zh=False)
    (bulk,) = Translation.objects.bulk_create(
        [Translation(article=article, language="en", title="t", body=HOSTILE_BODY)]
    )
    updated = make_article(zh=False).translations.get()
    Translation.objects.filter(pk=updated.pk).update(body=HOSTILE_BODY)
    bulk_updated = make_article(zh=False).translations.get()
    bulk_updated.body = HOSTILE_BODY
    Translation.objects.bulk_update([bulk_updated], ["body"])

    stored = Translation.objects.filter(
        pk__in=[saved.pk, bulk.pk, updated.pk, bulk_updated.pk]
    ).values_list("body", flat=True)
    assert set(stored) == {"<p>Talks</p>"}


@pytest.mark.django_db
def test_a_restored_revision_cannot_bring_back_unsafe_html():
    """A revert saves raw, past save(); what it writes is sanitised all the same."""
    import reversion
    from reversion.models import Version

    article = make_article(zh=False)
    translation = article.translations.get()
    with reversion.create_revision():
        translation.save()
    version = Version.objects.get_for_object(translation).get()
    data = version.serialized_data.replace("Negotiators met in Bonn.", "Bonn<script>x()</script>")
    Version.objects.filter(pk=version.pk).update(serialized_data=data)

    Version.objects.get(pk=version.pk).revert()

    translation.refresh_from_db()
    assert translation.body == "<p>Bonn</p>"
