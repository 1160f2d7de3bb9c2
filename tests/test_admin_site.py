"""Every admin list's search uses a bounded number of words, and says so: a search of 1,000
words failed on SQLite ("Expression tree is too large") on every list with a search box."""

import time

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.search import MAX_TERMS, search_terms
from tests.factories import make_article, make_import_record, make_source

pytestmark = pytest.mark.django_db

MANY_WORDS = " ".join(f"word{n}" for n in range(1000))
WARNED = {
    "en": f"Only the first {MAX_TERMS} words of the search were used.",
    "zh-hans": f"只按前 {MAX_TERMS} 个词搜索。",
}


def searchable_lists():
    """Every changelist with a search box, Django's and other apps' included."""
    return sorted(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    )


def test_every_searchable_list_is_covered():
    assert len(searchable_lists()) >= 9  # articles, sources, tags, records, users, groups, axes


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root"))
    article = make_article(en={"title": "word1 word2 word3 word4 word5 word6 word7 word8 x"})
    make_import_record(article)
    make_source(name="word1 word2 word3 word4 word5 word6 word7 word8")
    return client


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("changelist", searchable_lists())
def test_a_search_of_a_thousand_words_uses_the_first_few_and_says_so(
    superuser_client, changelist, language
):
    superuser_client.cookies["django_language"] = language
    response = superuser_client.get(reverse(changelist), {"q": MANY_WORDS})
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)].count(WARNED[language]) == 1


@pytest.mark.parametrize("changelist", searchable_lists())
def test_a_search_of_a_few_words_is_not_warned_about(superuser_client, changelist):
    words = " ".join(f"word{n}" for n in range(1, MAX_TERMS + 1))
    response = superuser_client.get(reverse(changelist), {"q": words})
    assert response.status_code == 200
    assert not [m for m in get_messages(response.wsgi_request) if "first" in str(m)]


def test_an_autocomplete_of_a_thousand_words_answers_and_leaves_no_message(superuser_client):
    """The source box of a story's form: a message would show on the editor's next page."""
    words = MANY_WORDS.replace("word0 ", "")
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"term": words, "app_label": "articles", "model_name": "article", "field_name": "source"},
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
    assert not list(get_messages(response.wsgi_request))


def test_the_words_kept_still_find_what_they_match(superuser_client):
    words = MANY_WORDS.replace("word0 ", "")  # word1 ... word8 first
    sources = superuser_client.get(reverse("admin:articles_source_changelist"), {"q": words})
    assert sources.context["cl"].result_count == 1
    stories = superuser_client.get(reverse("admin:articles_article_changelist"), {"q": words})
    assert stories.context["cl"].result_count == 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("query", "left_out"),
    [
        (MANY_WORDS, True),
        ("气候" * 50_000, False),
        ("climate " * 12_500, False),  # one word, many times
        ("a" * 100_000, False),
        (" ".join(f"w{n}" for n in range(MAX_TERMS)), False),
    ],
)
def test_a_huge_reader_search_answers_at_once_and_says_what_it_used(
    client, language, query, left_out
):
    make_article()
    started = time.process_time()
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    assert time.process_time() - started < 2
    assert (WARNED[language] in response.content.decode()) is left_out


def test_search_terms_stop_at_the_words_used():
    """Distinct words were gathered from the whole query, each compared with every one kept:
    seconds of CPU for an admin search of 20,000 distinct words."""
    words = " ".join(f"w{n}" for n in range(20_000))
    started = time.process_time()
    assert search_terms(words) == [f"w{n}" for n in range(MAX_TERMS)]
    assert time.process_time() - started < 0.5


def test_each_list_counts_words_as_its_own_search_reads_them(superuser_client):
    """The story list reads distinct words between spaces (the readers' search); the other
    lists read a quoted phrase as one word (Django's search)."""

    def warned(changelist, q):
        response = superuser_client.get(reverse(changelist), {"q": q})
        assert response.status_code == 200
        return any("first" in str(m) for m in get_messages(response.wsgi_request))

    phrase = '"' + " ".join(f"word{n}" for n in range(MAX_TERMS + 1)) + '"'
    repeated = " ".join(["climate"] * (MAX_TERMS + 1))
    assert warned("admin:articles_article_changelist", phrase)
    assert not warned("admin:articles_article_changelist", repeated)
    assert not warned("admin:articles_source_changelist", phrase)
    assert warned("admin:articles_source_changelist", repeated)
