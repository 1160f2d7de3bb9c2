"""Django's and django-reversion's own admin strings read as Chinese on our admin pages: no
space between a Chinese word and the Chinese model name set into it ("选择要修改的文章", not
"选择 文章 来修改"), CJK punctuation (locale/zh_Hans overrides them, at the catalogue's end)."""

import re

import pytest
import reversion
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, ImportRecord
from tests.factories import make_article, make_import_record, make_source

pytestmark = pytest.mark.django_db

HAN = "\u4e00-\u9fff"
# Two Chinese characters (or a Chinese character and CJK punctuation) with a space between.
STRAY_SPACE = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef] +[{HAN}\u3000-\u303f\uff00-\uffef]")


def visible_lines(html):
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return [line.strip() for line in re.sub(r"<[^>]+>", "\n", html).splitlines() if line.strip()]


@pytest.fixture
def desk(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="pw-root")
    with reversion.create_revision():
        article = make_article(tags=["cop30"], zh={"title": "波恩气候谈判"})
    with reversion.create_revision():
        article.status = Article.Status.DRAFT
        article.save()
    make_import_record(article)
    client.force_login(superuser)
    client.cookies["django_language"] = "zh-hans"
    return {"article": article, "source": make_source(name="Reuters"), "tag": Tag.objects.get()}


def admin_pages(desk):
    article, source, tag = desk["article"], desk["source"], desk["tag"]
    return [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_delete", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_article_recoverlist"),
        reverse("admin:articles_source_changelist"),
        reverse("admin:articles_source_change", args=[source.pk]),
        reverse("admin:articles_source_delete", args=[source.pk]),
        reverse("admin:taggit_tag_changelist"),
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        reverse("admin:articles_importrecord_changelist"),
        reverse("admin:articles_importrecord_change", args=[ImportRecord.objects.get().pk]),
        reverse("admin:articles_importrun_changelist"),
    ]


def test_no_stray_space_inside_chinese_on_the_admin_pages(client, desk):
    stray = []
    for url in admin_pages(desk):
        response = client.get(url)
        assert response.status_code == 200, url
        stray += [(url, line) for line in visible_lines(response.content.decode())
                  if STRAY_SPACE.search(line) and not line.startswith("搜索文档:")]  # fmt: skip
    bulk_delete = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [desk["article"].pk]},
    )
    stray += [("bulk delete", line) for line in visible_lines(bulk_delete.content.decode())
              if STRAY_SPACE.search(line) and not line.startswith("搜索文档:")]  # fmt: skip

    assert stray == []


def test_the_admin_says_it_in_chinese_word_order(client, desk):
    article = desk["article"]
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    delete = client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))

    assert "选择要修改的文章" in changelist and "按状态" in changelist
    assert "增加文章" in changelist and "删除所选的文章" in changelist
    assert "恢复已删除的文章" in changelist
    assert "修改文章" in change.content.decode()
    assert "你确定要删除文章“波恩气候谈判”吗？" in delete.content.decode()
    assert "变更历史：波恩气候谈判" in history.content.decode()


def test_a_save_says_so_in_chinese(client, desk):
    source = desk["source"]
    url = reverse("admin:articles_source_change", args=[source.pk])
    response = client.post(
        url, {"name_en": "Reuters", "name_zh-hans": "路透社", "domain": source.domain}, follow=True
    )

    messages = [str(message) for message in response.context["messages"]]
    assert any(message.startswith("成功修改了来源“") for message in messages), messages


@pytest.mark.parametrize(
    ("language", "joined"), [("en", "碳市场, methane"), ("zh-hans", "碳市场、methane")]
)
def test_the_article_lists_tags_are_joined_as_the_language_lists(
    client, django_user_model, language, joined
):
    make_article(tags=["碳市场", "methane"])
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root"))
    client.cookies["django_language"] = language
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'<td class="field-tag_list">{joined}</td>' in html
