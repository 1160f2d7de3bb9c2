"""What editors type, as field values: a body sent back as it was is no change, whatever the
browser and the editor did to its line breaks and markup; a real edit is one; and a save that
changes nothing leaves no trace (no revision, history entry, updated_at or outdated flag)."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from articles import desk
from articles.editing import BodyField, PlainTextField
from articles.models import Article, Translation
from articles.sanitize import canonical_html, editor_html
from articles.text import WordCount, html_word_count, word_count
from tests.admin_forms import form_values, pane_field
from tests.factories import make_article, make_image

STORED = "<p>Negotiators met in Bonn.</p>\n<p>They agreed on <b>nothing</b> yet.</p>"


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


# -- The comparison --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent_back",
    [
        crlf(STORED),  # a textarea's line breaks, as every browser sends them
        STORED + "\r\n\r\n  ",  # trailing whitespace
        # the editor's own serialisation of the same story
        "<p>Negotiators met in Bonn.</p><p>They agreed on <strong>nothing</strong> yet.</p>",
        "<p>Negotiators met\r\n in  Bonn.</p><p></p><p>They agreed on <strong>nothing</strong> "
        "yet. </p>",
    ],
)
def test_the_same_body_sent_back_is_no_change(sent_back):
    assert not BodyField().has_changed(STORED, sent_back)


@pytest.mark.parametrize(
    "edited",
    [
        STORED.replace("Bonn", "Berlin"),
        STORED.replace("<b>nothing</b>", "nothing"),  # bold taken away
        STORED.replace("</p>\n<p>", " "),  # two paragraphs made one
        STORED + "<p>More.</p>",
    ],
)
def test_a_real_edit_is_a_change(edited):
    assert BodyField().has_changed(STORED, edited)


def test_lists_and_quotations_compare_with_or_without_the_editors_paragraphs():
    imported = (
        "<ul>\n<li>Finance</li>\n<li>Adaptation</li>\n</ul>\n<blockquote>We agreed.</blockquote>"
    )
    edited = (
        "<ul><li><p>Finance</p></li><li><p>Adaptation</p></li></ul>"
        "<blockquote><p>We agreed.</p></blockquote>"
    )
    assert canonical_html(imported) == canonical_html(edited)
    assert canonical_html(imported) != canonical_html(edited.replace("Adaptation", "Mitigation"))


def test_links_compare_whatever_the_order_of_their_attributes():
    assert canonical_html('<p><a title="FT" href="https://ft.com/x">FT</a></p>') == canonical_html(
        '<p><a href="https://ft.com/x" rel="noopener" title="FT">FT</a></p>'
    )


def test_preformatted_text_keeps_its_whitespace_significant():
    assert canonical_html("<pre>a  b</pre>") != canonical_html("<pre>a b</pre>")


def test_a_headline_with_other_line_endings_or_spaces_is_no_change():
    assert not PlainTextField().has_changed("Envoys meet", "  Envoys meet \r\n")
    assert not PlainTextField().has_changed("Talks\nresume.", "Talks\r\nresume.")
    assert PlainTextField().has_changed("Envoys meet", "Envoys met")


# -- Typed text ------------------------------------------------------------------------------


def test_typed_text_with_blank_lines_becomes_paragraphs_and_angle_brackets_stay_text():
    typed = "The talks go on <for now>.\r\n\r\nA second paragraph,\r\nwith a line break."

    assert editor_html(typed) == (
        "<p>The talks go on &lt;for now&gt;.</p><p>A second paragraph,<br>with a line break.</p>"
    )


def test_html_stays_html():
    assert editor_html("<p>Talks</p>") == "<p>Talks</p>"
    assert editor_html("<div><script>x()</script>Talks</div>").startswith("<div>")


# -- Word counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "characters"),
    [
        ("Envoys don't agree on the 1.5C goal", 7, 0),
        ("气候融资谈判", 0, 6),
        ("COP30 气候大会在贝伦举行。", 1, 9),
        ("well-known U.S. envoy", 3, 0),
        ("", 0, 0),
    ],
)
def test_word_count_counts_english_words_and_chinese_characters(text, words, characters):
    assert word_count(text) == WordCount(words=words, characters=characters)


def test_word_count_of_html_parts_words_at_blocks_not_at_inline_elements():
    assert html_word_count("<p>Bonn</p><p>talks</p>") == WordCount(words=2, characters=0)
    assert html_word_count("<p>让<b>中国</b>的承诺</p>") == WordCount(words=0, characters=6)
    assert html_word_count("<p>Bon<b>n</b></p>") == WordCount(words=1, characters=0)


# -- The admin -------------------------------------------------------------------------------


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def shown_form(client, article) -> dict:
    """The change form's values as a browser sends them: textareas with CRLF line breaks."""
    data = form_values(client.get(change_url(article)).content.decode())
    return {name: crlf(value) if isinstance(value, str) else value for name, value in data.items()}


def story_in_the_past(**translations) -> Article:
    article = make_article(status=Article.Status.DRAFT, **translations)
    earlier = timezone.now() - timedelta(days=3)
    Translation.objects.filter(article=article).update(updated_at=earlier)
    Article.objects.filter(pk=article.pk).update(updated_at=earlier)
    return Article.objects.get(pk=article.pk)


def test_saving_the_form_unchanged_leaves_no_trace(client, editor, db):
    article = story_in_the_past(
        en={"body": STORED, "summary": "Talks resume.\nIn Bonn."},
        zh={"body": "<p>谈判代表在波恩会面。</p>\n<p>第二段。</p>"},
        tags=["cop30", "climate finance"],
    )
    make_image(article, caption="Delegates\nin Bonn")
    before = {t.language: (t.updated_at, t.body) for t in article.translations.all()}
    client.force_login(editor)
    revisions, entries = Revision.objects.count(), LogEntry.objects.count()

    response = client.post(change_url(article), shown_form(client, article), follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing was changed, so nothing was saved."
    ]
    after = {t.language: (t.updated_at, t.body) for t in article.translations.all()}
    assert after == before
    assert Article.objects.get(pk=article.pk).updated_at == article.updated_at
    assert Revision.objects.count() == revisions
    assert LogEntry.objects.count() == entries


def test_saving_the_chinese_form_unchanged_keeps_the_times_to_the_second(client, editor, db):
    """Chinese formats show a time as "23:40": sent back so, the seconds of an imported or
    published story's time were an edit (history entry, updated_at, the time rewritten)."""
    article = story_in_the_past()
    at = timezone.now().replace(microsecond=0)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        published_at=at.replace(second=17) - timedelta(hours=2),
        unpublish_at=at.replace(second=43) + timedelta(days=2),
    )
    article = Article.objects.get(pk=article.pk)
    client.force_login(editor)
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    revisions = Revision.objects.count()

    data = form_values(client.get(change_url(article), **chinese).content.decode())
    response = client.post(change_url(article), data, follow=True, **chinese)

    assert [str(m) for m in response.context["messages"]] == ["没有任何改动，因此未保存。"]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.published_at, stored.unpublish_at, stored.updated_at) == (
        article.published_at,
        article.unpublish_at,
        article.updated_at,
    )
    assert Revision.objects.count() == revisions


def test_a_body_the_editor_wrote_anew_but_the_same_is_not_saved(client, editor, db):
    article = story_in_the_past(en={"body": STORED})
    client.force_login(editor)
    data = shown_form(client, article)
    data[pane_field(data, "en", "body")] = (
        "<p>Negotiators met in Bonn.</p><p>They agreed on <strong>nothing</strong> yet.</p>"
    )

    client.post(change_url(article), data)

    english = article.translations.get(language="en")
    assert english.body == STORED  # as stored, not as the editor wrote it
    assert english.updated_at < timezone.now() - timedelta(days=1)


def test_an_edit_to_one_translation_moves_only_its_time_and_leaves_one_history_entry(
    client, editor, db
):
    article = story_in_the_past(en={"body": STORED})
    client.force_login(editor)
    data = shown_form(client, article)
    data[pane_field(data, "en", "body")] = STORED.replace("Bonn", "Berlin")
    revisions = Revision.objects.count()

    client.post(change_url(article), data)

    english = article.translations.get(language="en")
    chinese = article.translations.get(language="zh-hans")
    assert "Berlin" in english.body
    assert english.updated_at > timezone.now() - timedelta(minutes=1)
    assert chinese.updated_at < timezone.now() - timedelta(days=1)
    assert Article.objects.get(pk=article.pk).updated_at > article.updated_at
    assert Revision.objects.count() == revisions + 1
    entry = LogEntry.objects.latest("action_time")
    assert "Body" in entry.get_change_message() and "Headline" not in entry.get_change_message()


def test_the_desk_finds_the_translation_older_than_the_other_languages_real_change(
    client, editor, db
):
    article = story_in_the_past()
    client.force_login(editor)
    client.post(change_url(article), shown_form(client, article))  # an unchanged save

    article = Article.objects.prefetch_related("translations").get(pk=article.pk)
    assert set(desk.language_states(article).values()) == {desk.OK}

    data = shown_form(client, article)
    data[pane_field(data, "en", "body")] = "<p>Negotiators met in Berlin.</p>"
    client.post(change_url(article), data)

    article = Article.objects.prefetch_related("translations").get(pk=article.pk)
    assert desk.language_states(article) == {"en": desk.OK, "zh-hans": desk.OUTDATED}
    assert Article.objects.filter(desk.outdated_q("zh-hans")).get() == article
    assert not Article.objects.filter(desk.outdated_q("en")).exists()


def test_marking_a_translation_ready_leaves_the_other_language_up_to_date(client, editor, db):
    article = story_in_the_past()
    article.translations.update(status="draft")
    client.force_login(editor)
    data = shown_form(client, article)
    data[pane_field(data, "zh-hans", "status")] = "ready"
    client.post(change_url(article), data)

    article = Article.objects.prefetch_related("translations").get(pk=article.pk)
    chinese = article.translations.get(language="zh-hans")
    assert chinese.status == "ready"
    assert chinese.updated_at < timezone.now() - timedelta(days=1)
    assert desk.OUTDATED not in desk.language_states(article).values()
    assert not Article.objects.filter(desk.outdated_q("en")).exists()


def test_typed_text_is_stored_as_paragraphs_with_its_angle_brackets(client, editor, db):
    article = story_in_the_past()
    client.force_login(editor)
    data = shown_form(client, article)
    data[pane_field(data, "en", "body")] = "Talks go on <for now>.\r\n\r\nMore tomorrow."

    client.post(change_url(article), data)

    assert article.translations.get(language="en").body == (
        "<p>Talks go on &lt;for now&gt;.</p><p>More tomorrow.</p>"
    )


def test_the_form_shows_word_counts_and_no_html_help(client, editor, db):
    article = make_article(en={"body": "<p>Envoys met in Bonn.</p><p>Talks resume.</p>"})
    client.force_login(editor)

    html = client.get(change_url(article)).content.decode()

    assert "Sanitised HTML" not in html
    assert 'data-count="words">6</b>' in html
    assert 'data-desk-editor="' in html and "admin_desk/body_editor.js" in html


# -- The import ------------------------------------------------------------------------------


def editor_serialised(html: str) -> str:
    """`html` as the rich-text editor writes it back: no line breaks between blocks, <strong>
    for <b>, list items and quotations with their paragraph."""
    html = html.replace("\n", "").replace("<b>", "<strong>").replace("</b>", "</strong>")
    for element in ("li", "blockquote"):
        html = html.replace(f"<{element}>", f"<{element}><p>").replace(
            f"</{element}>", f"</p></{element}>"
        )
    return html


def test_a_body_the_editor_only_wrote_anew_still_takes_the_files_next_version(tmp_path, db):
    from tests.helpers import fixture_text
    from tests.test_import_articles import run_import, write

    path = write(tmp_path / "story.txt", fixture_text("digest_bilingual.txt"))
    run_import(path)
    english = Translation.objects.get(language="en")
    Translation.objects.filter(pk=english.pk).update(body=editor_serialised(english.body))
    write(path, path.read_text().replace("next month", "in April"))

    out, _err, ok = run_import(path)

    assert ok and "1 updated" in out and "0 conflict" in out
    assert "in April" in Translation.objects.get(language="en").body
