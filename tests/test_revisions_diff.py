"""The history's highlighted diff: word by word in English, character by character in Chinese,
on the text of bodies (never their tags), escaped, and bounded in time for any input."""

import re
import time

import pytest
import reversion
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles.models import Article, Translation
from articles.revisions import diff_text, diff_tokens, highlighted_diff
from tests.factories import make_article

MARK = re.compile(r"<(del|ins)><span class=\"visually-hidden\">[^<]*</span>(.*?)</\1>", re.S)


def marked(html: str) -> list[str]:
    """The texts `html` marks as removed or added, in order."""
    return [text for _tag, text in MARK.findall(str(html))]


def test_english_is_compared_word_by_word():
    then, now = highlighted_diff(
        "Negotiators met in Bonn on Monday.", "Negotiators met in Berlin on Tuesday."
    )
    assert marked(then) == ["Bonn", "Monday"]
    assert marked(now) == ["Berlin", "Tuesday"]
    assert str(now).startswith("Negotiators met in <ins>")


def test_a_changed_word_is_marked_whole_not_its_letters():
    then, now = highlighted_diff("the finance goal", "the financing goal")
    assert marked(then) == ["finance"]
    assert marked(now) == ["financing"]


def test_chinese_is_compared_character_by_character():
    then, now = highlighted_diff("谈判代表在波恩会面。", "谈判代表周一在柏林会面。")
    assert marked(then) == ["波恩"]
    assert marked(now) == ["周一", "柏林"]


def test_mixed_text_splits_latin_words_and_chinese_characters():
    assert diff_tokens("COP30谈判在Bonn举行，talks resume") == [
        "COP30", "谈", "判", "在", "Bonn", "举", "行", "，", "talks", " ", "resume",
    ]  # fmt: skip
    then, now = highlighted_diff("COP30谈判在Bonn举行", "COP31谈判在Belém举行")
    assert marked(then) == ["COP30", "Bonn"]
    assert marked(now) == ["COP31", "Belém"]


def test_bodies_are_compared_by_their_text_not_their_tags():
    body = Translation._meta.get_field("body")
    then = diff_text("<p>Talks <b>resumed</b> in Bonn.</p><p>Second paragraph.</p>", body)
    now = diff_text("<p>Talks <i>resumed</i> in Bonn.</p><p>Second paragraph, longer.</p>", body)
    assert then == "Talks resumed in Bonn.\nSecond paragraph."
    old, new = highlighted_diff(then, now)
    assert marked(old) == []
    assert marked(new) == [", longer"]
    assert "<b>" not in str(old) and "<i>" not in str(new)


def test_text_that_looks_like_markup_is_escaped():
    then, now = highlighted_diff(
        "Talks & <script>alert(1)</script>", 'Talks & <script>alert("x")</script><img src=x>'
    )
    assert "<script>" not in str(then) + str(now)
    assert "<img" not in str(now)
    assert "&lt;script&gt;alert(" in str(then)
    assert "&amp;" in str(then)
    assert marked(then) == ["1"]
    assert marked(now)[0] == "&quot;x&quot;"
    assert "&lt;img src=x" in marked(now)[1]


def test_changes_are_named_for_screen_readers_in_the_admin_language():
    with translation.override("zh-hans"):
        then, now = highlighted_diff("a b", "a c")
    assert '<span class="visually-hidden">删除： </span>b' in str(then)
    assert '<span class="visually-hidden">新增： </span>c' in str(now)


def test_identical_texts_mark_nothing():
    then, now = highlighted_diff("同样的文字 same text", "同样的文字 same text")
    assert str(then) == str(now) == "同样的文字 same text"


@pytest.mark.parametrize(
    "then, now",
    [
        # One long paragraph changed all along: too large to compare word by word.
        (
            " ".join(f"w{i % 997}" for i in range(200_000)),
            " ".join(f"w{i % 991}" for i in range(200_000)),
        ),
        # Thousands of paragraphs, each changed a little.
        (
            "\n".join(f"Paragraph {i} says the same" for i in range(20_000)),
            "\n".join(f"Paragraph {i} says something else" for i in range(20_000)),
        ),
        # Chinese without paragraphs, changed throughout.
        ("谈判代表在波恩会面" * 20_000, "代表们在柏林会谈" * 20_000),
    ],
    ids=["one-long-paragraph", "many-paragraphs", "chinese-run"],
)
def test_long_texts_are_compared_in_bounded_time_and_lose_nothing(then, now):
    started = time.process_time()  # this process's CPU: other work on the machine does not count
    old, new = highlighted_diff(then, now)
    assert time.process_time() - started < 5
    # Nothing is dropped or invented: each side reads back as its text.
    assert _text_of(old) == then
    assert _text_of(new) == now


def test_long_body_with_one_change_still_marks_just_that_word():
    paragraphs = [f"Paragraph {i} of the negotiators' statement." for i in range(5_000)]
    changed = [*paragraphs]
    changed[2_500] = "Paragraph 2500 of the ministers' statement."
    old, new = highlighted_diff("\n".join(paragraphs), "\n".join(changed))
    assert marked(old) == ["negotiators"]
    assert marked(new) == ["ministers"]


def _text_of(html) -> str:
    import html as html_module

    without_labels = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", str(html))
    return html_module.unescape(re.sub(r"</?(del|ins)>", "", without_labels))


@pytest.mark.django_db
def test_restore_page_highlights_what_changed_in_the_body(client, editor):
    article = make_article(
        en={"body": "<p>Negotiators met in Bonn.</p>"},
        zh={"body": "<p>谈判代表在波恩会面。</p>"},
    )
    with reversion.create_revision():
        article.save()
    Translation.objects.filter(article=article, language="en").update(
        body="<p>Negotiators met in Berlin.</p>"
    )
    Translation.objects.filter(article=article, language="zh-hans").update(
        body="<p>谈判代表在柏林会面。</p>"
    )
    version = Version.objects.get_for_object(article).get()
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_revision", args=[article.pk, version.pk]))

    changes = page.content.decode().split('class="module desk-revision-changes"')[1]
    changes = changes.split("</section>")[0]
    assert sorted(marked(changes)) == sorted(["Bonn", "Berlin", "波恩", "柏林"])
    assert "&lt;p&gt;" not in changes  # the text of the body, not its markup


def save_revision(article, comment="Saved"):
    with reversion.create_revision():
        reversion.set_comment(comment)
        article.save()
        for translation_row in article.translations.all():
            translation_row.save()
    return Version.objects.get_for_object(article).first()


@pytest.mark.django_db
def test_what_a_save_changed_against_the_save_before_it(client, contributor):
    article = make_article(
        status=Article.Status.DRAFT,
        en={"title": "Envoys meet in Bonn", "body": "<p>Talks resumed on Monday.</p>"},
    )
    save_revision(article)
    Translation.objects.filter(article=article, language="en").update(
        body="<p>Talks resumed on Tuesday.</p>"
    )
    second = save_revision(article, "Corrected the day")
    Translation.objects.filter(article=article, language="en").update(title="Later, unsaved")
    client.force_login(contributor)

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    url = reverse("admin:articles_article_revision_changes", args=[article.pk, second.pk])
    assert url in history.content.decode()
    page = client.get(url)

    assert page.status_code == 200
    changes = page.context["revision_changes"]
    assert [(c["field"], c["then"], c["now"]) for c in changes] == [
        ("body", "<p>Talks resumed on Monday.</p>", "<p>Talks resumed on Tuesday.</p>")
    ]  # not the title changed after this save
    assert marked(page.content.decode()) == ["Monday", "Tuesday"]
    assert "Corrected the day" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "colon"), [("en", ": "), ("zh-hans", "：")])
def test_the_saver_and_the_comment_are_joined_as_the_language_does(client, editor, language, colon):
    article = make_article()
    save_revision(article)
    version = save_revision(article, "Corrected the day")
    version.revision.user = editor
    version.revision.save()
    client.force_login(editor)
    client.cookies["django_language"] = language
    url = reverse("admin:articles_article_revision_changes", args=[article.pk, version.pk])
    html = client.get(url).content.decode()
    assert f"</strong>{colon}" in html


@pytest.mark.django_db
def test_the_first_save_shows_everything_as_added_and_a_deleted_translation_as_gone(client, editor):
    article = make_article(zh={"title": "气候特使会谈"})
    first = save_revision(article)
    Translation.objects.filter(article=article, language="zh-hans").delete()
    second = save_revision(article)
    client.force_login(editor)

    def changes(version):
        url = reverse("admin:articles_article_revision_changes", args=[article.pk, version.pk])
        return client.get(url).context["revision_changes"]

    assert ("headline", None, "气候特使会谈") in [
        (c["field"], c["then"], c["now"]) for c in changes(first)
    ]
    assert ("headline", "气候特使会谈", None) in [
        (c["field"], c["then"], c["now"]) for c in changes(second)
    ]


@pytest.mark.django_db
def test_what_changed_is_for_those_who_may_see_the_story(client, django_user_model):
    article = make_article()
    version = save_revision(article)
    url = reverse("admin:articles_article_revision_changes", args=[article.pk, version.pk])
    assert client.get(url).status_code == 302  # to the login
    clerk = django_user_model.objects.create_user("clerk", password="pw-clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    other = make_article()
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root"))
    wrong = reverse("admin:articles_article_revision_changes", args=[other.pk, version.pk])
    assert client.get(wrong).status_code == 404  # a version of another story


def diff_cells(html: str) -> list[str]:
    """The text of each Before and After cell of a "what changed" page, marks and all."""
    cells = re.findall(r'<div class="desk-conflict-value desk-diff">(.*?)</div>', html, re.S)
    hidden = re.compile(r'<span class="visually-hidden">[^<]*</span>')
    return [re.sub(r"<[^>]+>", "", hidden.sub("", cell)) for cell in cells]


@pytest.mark.django_db
def test_what_changed_names_statuses_languages_and_sources_in_the_admin_language(client, editor):
    article = make_article(status=Article.Status.DRAFT, zh={"status": Translation.Status.DRAFT})
    first = save_revision(article)
    article.status = Article.Status.PUBLISHED
    Translation.objects.filter(article=article, language="zh-hans").update(
        status=Translation.Status.READY
    )
    second = save_revision(article, "Published")
    client.force_login(editor)

    def cells(version):
        url = reverse("admin:articles_article_revision_changes", args=[article.pk, version.pk])
        with translation.override("zh-hans"):
            return diff_cells(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())

    # The story's status and the Chinese translation's readiness, as the admin's forms name
    # them: a Chinese editor reads no codes ("draft", "ready", "published").
    assert sorted(cells(second)) == sorted(["草稿", "已定稿", "草稿", "已发布"])
    everything = cells(first)
    assert "简体中文" in everything  # the translation's language
    assert "Financial Times" in everything  # its source by name, not by its number
    assert not {"zh-hans", "en", "ready", "draft", str(article.source_id)} & set(everything)
