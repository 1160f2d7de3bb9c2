"""Labels in each language: image captions, credits and alt texts, source names, topic names;
bylines; in-house stories. The mechanism, the admin, the import and the reader's pages."""

import io
import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version
from taggit.models import Tag

from articles.importing.parsers.language import label_of
from articles.labels import LabelFormField, label_changes, label_in
from articles.messages import message_text
from articles.models import Article, Image, ImportRecord, Source, TagLabel, Translation
from articles.revisions import revision_changes, save_story_revision
from articles.tags import tag_name
from tests.admin_forms import form_values, pane_field
from tests.factories import make_article, make_image, make_source

pytestmark = pytest.mark.django_db

EN_CAPTION, ZH_CAPTION = "Delegates leave the plenary hall", "代表们离开全体会议大厅"


# -- The mechanism --------------------------------------------------------------------------------


def test_a_reader_gets_their_language_first_then_the_other():
    label = {"en": "Climate finance", "zh-hans": "气候融资"}
    assert label_in(label, "zh-hans") == "气候融资"
    assert label_in(label, "en") == "Climate finance"
    assert label_in({"en": "Climate finance"}, "zh-hans") == "Climate finance"
    assert label_in({"zh-hans": "气候融资"}, "en") == "气候融资"
    assert label_in({}, "en") == ""
    with translation.override("zh-hans"):
        assert label_in(label) == "气候融资"


def test_texts_go_under_the_language_they_are_written_in():
    assert label_of("Reuters", "路透社") == {"en": "Reuters", "zh-hans": "路透社"}
    assert label_of("", "  ") == {}
    assert label_of("123", default="zh-hans") == {"zh-hans": "123"}


def test_the_form_field_has_one_input_per_language_and_keeps_only_text():
    field = LabelFormField(max_length=10, required=False)
    html = field.widget.render("caption", {"en": "Hall", "zh-hans": "大厅"})
    assert 'name="caption_en"' in html and 'name="caption_zh-hans"' in html
    assert 'lang="zh-Hans"' in html and "大厅" in html
    assert field.clean(["  Hall ", ""]) == {"en": "Hall"}
    with pytest.raises(Exception):  # noqa: B017  each language's text is bounded
        field.clean(["x" * 11, ""])


def test_a_plain_text_saved_into_a_label_lands_in_its_language():
    image = make_image(make_article(), caption="代表们", credit="Reuters")
    image.refresh_from_db()
    assert image.caption == {"zh-hans": "代表们"} and image.credit == {"en": "Reuters"}


def test_label_changes_name_only_the_languages_that_differ():
    assert label_changes({"en": "a", "zh-hans": "甲"}, {"en": "b", "zh-hans": "甲"}) == ["en"]


def test_a_new_tag_gets_its_name_for_readers_in_its_language():
    tag = Tag.objects.create(name="气候融资")
    assert TagLabel.objects.get(tag=tag).name == {"zh-hans": "气候融资"}
    tag.label.name = {"en": "Climate finance", "zh-hans": "气候融资"}
    tag.label.save()
    assert tag_name(tag, "en") == "Climate finance"


# -- In-house stories -----------------------------------------------------------------------------


def test_in_house_stories_need_no_source_and_no_original_url_but_urls_stay_unique():
    first = make_article(original_url="https://example.com/a")
    Article.objects.filter(pk=first.pk).update(source=None, original_url="")
    second = make_article()
    Article.objects.filter(pk=second.pk).update(source=None, original_url="")  # two empty: fine
    assert Article.objects.filter(original_url="", source=None).count() == 2
    assert Article.objects.get(pk=first.pk).is_in_house
    make_article(original_url="https://example.com/b")
    with pytest.raises(IntegrityError):
        make_article(original_url="https://example.com/b")


def test_an_editor_adds_an_in_house_story_without_source_or_original_url(client, editor):
    client.force_login(editor)
    url = reverse("admin:articles_article_add")
    data = form_values(client.get(url).content.decode())
    data.update(
        {
            "slug": "our-own-analysis",
            "status": "published",
            "published_at_0": "2026-01-05",
            "published_at_1": "09:00:00",
            pane_field(data, "en", "title"): "Our own analysis of the talks",
            pane_field(data, "en", "byline"): "Li Wei",
            pane_field(data, "en", "body"): "<p>Written here.</p>",
            pane_field(data, "zh-hans", "title"): "我们对谈判的分析",
            pane_field(data, "zh-hans", "byline"): "李伟",
            pane_field(data, "zh-hans", "body"): "<p>本社撰写。</p>",
            # A translation added in the admin starts as a draft; the editor marks both ready.
            pane_field(data, "en", "status"): "ready",
            pane_field(data, "zh-hans", "status"): "ready",
        }
    )
    data.pop("source", None)
    data["original_url"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="our-own-analysis")
    assert article.source is None and article.original_url == ""

    for language, byline in (("en", "By Li Wei"), ("zh-hans", "作者：李伟")):
        with translation.override(language):
            page = client.get(reverse("article_detail", kwargs={"slug": article.slug}))
        html = page.content.decode()
        assert page.status_code == 200
        assert byline in html
        assert "Read the original article" not in html and "阅读原文" not in html
        assert "Source:" not in html and "reporting by" not in html
        data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S)[1])
        assert "isBasedOn" not in data and "sourceOrganization" not in data
        assert data["author"]["name"] == byline.split("：")[-1].removeprefix("By ")
    with translation.override("en"):
        home = client.get(reverse("home")).content.decode()
        rss = client.get(reverse("feed_rss")).content.decode()
    assert "Our own analysis of the talks" in home
    assert ">Li Wei</dc:creator>" in rss


# -- The admin ------------------------------------------------------------------------------------


def image_row(data: dict) -> str:
    return next(k for k in data if k.startswith("images-") and k.endswith("-id") and data[k])[:-2]


def test_editing_the_english_caption_leaves_the_chinese_one_and_history_says_so(client, editor):
    # To the second, as the form's time inputs send it back (else the time shows as changed).
    article = make_article(published_at=timezone.now().replace(microsecond=0))
    make_image(article, caption={"en": EN_CAPTION, "zh-hans": ZH_CAPTION}, credit={"en": "AP"})
    save_story_revision(article=article, comment="Import")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_values(client.get(url).content.decode())
    row = image_row(data)
    assert data[f"{row}caption_en"] == EN_CAPTION and data[f"{row}caption_zh-hans"] == ZH_CAPTION

    data[f"{row}caption_en"] = "Delegates leave the hall at dawn"
    assert client.post(url, data).status_code == 302

    image = Image.objects.get()
    assert image.caption == {"en": "Delegates leave the hall at dawn", "zh-hans": ZH_CAPTION}
    assert image.credit == {"en": "AP"}
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert entry.get_change_message() == (
        "Changed Caption (English) for image “Delegates leave the hall at dawn”."
    )
    with translation.override("zh-hans"):
        assert "图片说明（英文）" in entry.get_change_message()
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Caption (English)" in history.content.decode()
    revisions = Version.objects.get_for_object(article)
    changes = revision_changes(revisions[1].revision)  # what restoring the one before undoes
    assert [(str(c["field"]), c["then"], c["now"]) for c in changes] == [
        ("caption (English)", EN_CAPTION, "Delegates leave the hall at dawn")
    ]


def test_source_and_topic_names_are_edited_per_language_in_the_admin(client, editor):
    source = make_source(name="Reuters", domain="reuters.example")
    tag = Tag.objects.create(name="finance")
    client.force_login(editor)

    url = reverse("admin:articles_source_change", args=[source.pk])
    data = form_values(client.get(url).content.decode(), "source_form")
    data["name_zh-hans"] = "路透社"
    assert client.post(url, data).status_code == 302
    assert Source.objects.get().name == {"en": "Reuters", "zh-hans": "路透社"}

    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    data = form_values(client.get(url).content.decode(), "tag_form")
    assert data["label-0-name_en"] == "finance"
    data["label-0-name_en"] = "Climate finance"
    data["label-0-name_zh-hans"] = "气候融资"
    assert client.post(url, data).status_code == 302
    tag.refresh_from_db()
    assert tag.name == "finance"  # what the import matches by stays
    assert TagLabel.objects.get(tag=tag).name == {"en": "Climate finance", "zh-hans": "气候融资"}


# -- The import -----------------------------------------------------------------------------------

FEED = """<!--1767225600000-->
[{title}](https://www.voachinese.com/a/island-states-{n}.html)
------

<div><i>Thu, 01 Jan 2026 08:00:00 GMT</i></div>
<img src="https://images.weserv.nl?url=gdb.voanews.com/island{n}.jpg" width="100%" alt="{alt}">
<div><small style="color: #999;">{caption}（{credit}）</small></div>
<p>太平洋岛国代表在会上呼吁发达国家兑现承诺。<br /><br />他们说，海平面上升威胁家园。</p>
"""

DIGEST = """---
title: 岛国呼吁兑现气候融资承诺
date: 2026-01-02T08:00:00.000Z
description: Island states call for the promised climate finance.
tag:
- Tag finance
author: reuters
---

[原文链接](https://www.reuters.com/world/island-finance-{n})

# **岛国**呼吁兑现气候融资承诺

太平洋岛国代表在会上发言。

---

# **Island states** call for the promised climate finance

Pacific island delegates spoke at the meeting.

[Source Link](https://www.reuters.com/world/island-finance-{n})
"""


def import_files(*paths):
    out = io.StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, no_fetch_images=True)
    return out.getvalue()


def feed_file(tmp_path, *, n=1, caption="岛国代表在会场外", credit="美联社照片", alt="代表们"):
    path = tmp_path / f"00{n}_feed.txt"
    path.write_text(
        FEED.format(n=n, title="岛国代表呼吁兑现承诺", caption=caption, credit=credit, alt=alt),
        encoding="utf-8",
    )
    return path


def test_a_feed_items_caption_credit_and_alt_text_are_chinese(tmp_path):
    import_files(feed_file(tmp_path))
    image = Image.objects.get()
    assert image.caption == {"zh-hans": "岛国代表在会场外"}
    assert image.credit == {"zh-hans": "美联社照片"}
    assert image.alt_text == {"zh-hans": "代表们"}
    source = Article.objects.get().source
    assert source.name == {"en": "VOA Chinese", "zh-hans": "美国之音"}


def test_reimport_updates_the_chinese_caption_and_keeps_the_editors_english_one(tmp_path):
    import_files(feed_file(tmp_path))
    image = Image.objects.get()
    image.caption = {**image.caption, "en": "Island delegates outside the hall"}
    image.save()

    feed_file(tmp_path, caption="岛国代表在会场外发言")
    assert "updated" in import_files(tmp_path)

    image.refresh_from_db()
    assert image.caption == {
        "en": "Island delegates outside the hall",
        "zh-hans": "岛国代表在会场外发言",
    }
    assert ImportRecord.objects.open_conflicts().count() == 0


def test_an_editors_chinese_caption_is_kept_and_the_files_waits_as_a_conflict(tmp_path):
    import_files(feed_file(tmp_path))
    image = Image.objects.get()
    image.caption = {"zh-hans": "编辑改过的说明"}
    image.save()

    feed_file(tmp_path, caption="文件里的新说明")
    assert "conflict" in import_files(tmp_path)

    image.refresh_from_db()
    assert image.caption == {"zh-hans": "编辑改过的说明"}
    record = ImportRecord.objects.open_conflicts().get()
    key = f"image:{image.original_url}:caption:zh-hans"
    assert record.conflicts[key]["incoming"] == "文件里的新说明"
    assert "(Simplified Chinese)" in message_text(record.message)


def test_a_digest_names_its_source_in_both_languages_and_its_tag_stays_matched(tmp_path):
    tag = Tag.objects.create(name="finance")
    tag.label.name = {"en": "Climate finance", "zh-hans": "气候融资"}
    tag.label.save()
    (tmp_path / "001_digest.txt").write_text(DIGEST.format(n=1), encoding="utf-8")
    import_files(tmp_path)
    article = Article.objects.get()
    assert list(article.tags.all()) == [tag]
    assert article.source.name == {"en": "Reuters", "zh-hans": "路透社"}
    assert TagLabel.objects.get(tag=tag).name == {"en": "Climate finance", "zh-hans": "气候融资"}


def test_a_byline_an_editor_wrote_survives_a_reimport(tmp_path):
    (tmp_path / "001_digest.txt").write_text(DIGEST.format(n=1), encoding="utf-8")
    import_files(tmp_path)
    Translation.objects.filter(language="en").update(byline="Ana Ruiz")
    (tmp_path / "001_digest.txt").write_text(
        DIGEST.format(n=1).replace("spoke at the meeting", "spoke at length"), encoding="utf-8"
    )
    assert "updated" in import_files(tmp_path)
    assert Translation.objects.get(language="en").byline == "Ana Ruiz"


# -- The reader's pages ---------------------------------------------------------------------------


@pytest.fixture
def labelled_story():
    source = make_source(name={"en": "Reuters", "zh-hans": "路透社"}, domain="reuters.example")
    article = make_article(
        source=source,
        tags=["finance"],
        en={"title": "Island states ask for finance", "byline": "Ana Ruiz"},
        zh={"title": "岛国要求资金", "byline": "王芳"},
    )
    TagLabel.objects.filter(tag__name="finance").update(
        name={"en": "Climate finance", "zh-hans": "气候融资"}
    )
    make_image(
        article,
        caption={"en": EN_CAPTION, "zh-hans": ZH_CAPTION},
        credit={"en": "AP", "zh-hans": "美联社"},
        alt_text={"en": "Delegates walking", "zh-hans": "走路的代表们"},
    )
    return article


READER = {
    "en": {
        "caption": EN_CAPTION,
        "alt": 'alt="Delegates walking"',
        "credit": "Photo: AP",
        "topic": "Climate finance",
        "source": "Reuters",
        "byline": "By Ana Ruiz",
        "not": [ZH_CAPTION, "气候融资", "路透社", "王芳"],
    },
    "zh-hans": {
        "caption": ZH_CAPTION,
        "alt": 'alt="走路的代表们"',
        "credit": "美联社",
        "topic": "气候融资",
        "source": "路透社",
        "byline": "作者：王芳",
        "not": [EN_CAPTION, "Climate finance", ">Reuters<", "Ana Ruiz", ">finance<"],
    },
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_story_page_speaks_the_readers_language(client, labelled_story, language):
    expected = READER[language]
    with translation.override(language):
        html = client.get(
            reverse("article_detail", kwargs={"slug": labelled_story.slug})
        ).content.decode()
    for what in ("caption", "alt", "credit", "topic", "source", "byline"):
        assert expected[what] in html, what
    # In the page's language: no mark; set apart from the credit as the language does.
    space = "\u3000" if language == "zh-hans" else " "
    assert f"<figcaption>{expected['caption']}{space}<span" in html
    for text in expected["not"]:
        assert text not in html, text
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert data["keywords"] == [expected["topic"]]
    assert data["sourceOrganization"]["name"] == expected["source"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_topic_and_source_pages_and_feeds_use_the_readers_names(client, labelled_story, language):
    expected = READER[language]
    with translation.override(language):
        topic = client.get(reverse("tag", kwargs={"slug": "finance"})).content.decode()
        source = client.get(reverse("source", kwargs={"domain": "reuters.example"})).content
        home = client.get(reverse("home")).content.decode()
        rss = client.get(reverse("feed_rss")).content.decode()
    title = re.search(r"<title>(.*?)</title>", topic, re.S)[1]
    assert expected["topic"] in title and expected["topic"] in topic
    assert expected["source"] in re.search(r"<title>(.*?)</title>", source.decode(), re.S)[1]
    assert expected["topic"] in home  # the topics beside the latest stories
    assert f"<category>{expected['topic']}</category>" in rss
    author = expected["byline"].split("：")[-1].removeprefix("By ")
    assert f">{author}</dc:creator>" in rss


def test_a_caption_in_one_language_only_shows_on_both_pages(client):
    article = make_article()
    make_image(article, caption={"zh-hans": ZH_CAPTION})
    with translation.override("en"):
        html = client.get(reverse("article_detail", kwargs={"slug": article.slug})).content
    assert f'<span lang="zh-hans">{ZH_CAPTION}</span>' in html.decode()  # marked as Chinese


def test_a_tag_added_in_the_admin_gets_the_names_typed_for_it(client, editor):
    client.force_login(editor)
    url = reverse("admin:taggit_tag_add")
    data = form_values(client.get(url).content.decode(), "tag_form")
    data.update({"name": "adaptation", "slug": "adaptation", "label-0-name_zh-hans": "适应"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TagLabel.objects.get(tag__name="adaptation").name == {"zh-hans": "适应"}


@pytest.mark.parametrize(
    ("query", "found"),
    [("路透社", ["reuters.com"]), ("透社", ["reuters.com"]), ("Reuters", ["reuters.com"])]
    + [("新华", ["news.cn"]), ("xinhua", ["news.cn"]), ("hans", []), ("en", [])],
)
def test_the_admin_finds_a_source_by_its_name_in_either_language(client, editor, query, found):
    """Names are JSON per language: matched in each language's text, never in the JSON (on
    SQLite it holds Chinese escaped; on PostgreSQL it holds the language codes)."""
    make_source(name={"en": "Reuters", "zh-hans": "路透社"}, domain="reuters.com")
    make_source(name={"en": "Xinhua", "zh-hans": "新华社"}, domain="news.cn")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_source_changelist"), {"q": query})
    assert sorted(s.domain for s in response.context["cl"].result_list) == found


def test_the_admin_finds_a_topic_by_its_name_for_readers(client, editor):
    make_article(tags=["finance", "ice"])
    TagLabel.objects.update_or_create(
        tag=Tag.objects.get(name="finance"),
        defaults={"name": {"en": "Climate finance", "zh-hans": "气候融资"}},
    )
    client.force_login(editor)
    for query in ("融资", "climate fin", "finance"):
        response = client.get(reverse("admin:taggit_tag_changelist"), {"q": query})
        assert [t.name for t in response.context["cl"].result_list] == ["finance"], query
