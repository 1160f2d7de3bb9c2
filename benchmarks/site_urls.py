"""The site's URLs and the plain-Django pages the benchmark compares against.

/baseline/ reads its 20 rows (headline, dek, source, date and lead image of the latest
stories) in one query and renders them into the home page's markup, with the topics beside
them kept in the cache as the site keeps them; /baseline/stories/<slug>/
reads one story (both headlines, dek, body, source, lead image, topics) in one query and
renders the story page's markup, with its four related stories kept in the cache as the
site keeps them. Each is a single template with no includes, translations or reversed URLs;
padding evens out any difference in bytes.
"""

import json

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, OuterRef, Subquery, TextField
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Image, Translation
from newsdesk.urls import urlpatterns as site_urlpatterns


def baseline(request):
    english = Translation.objects.filter(article=OuterRef("pk"), language="en")
    lead_image = Image.objects.filter(article=OuterRef("pk")).order_by("position", "id")[:1]
    rows = list(
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .select_related("source")
        .annotate(
            title=Subquery(english.values("title")),
            summary=Subquery(english.values("summary")),
            image_url=Subquery(lead_image.values("original_url")),
            image_alt=Subquery(lead_image.values("alt_text")),
            image_width=Subquery(lead_image.values("width")),
            image_height=Subquery(lead_image.values("height")),
        )
        .order_by("-published_at")[:21]  # the 21st only says there is a next page
    )
    # The topics beside the stories, kept in the cache as the site keeps them.
    topics = cache.get("baseline:topics")
    if topics is None:
        topics = list(
            Tag.objects.filter(article__status=Article.Status.PUBLISHED)
            .annotate(count=Count("article"))
            .order_by("-count", "name")
            .values("slug", "name", "count")[:12]
        )
        cache.set("baseline:topics", topics, 3600)
    context = {
        "rows": rows[:20],
        "has_next": len(rows) > 20,
        "topics": topics,
        "padding": "x" * int(request.GET.get("pad", "0")),
    }
    return render(request, "baseline.html", context)


class TagNames(Subquery):
    """The story's topics as one "slug|name" list, separated by newlines (SQLite)."""

    template = "(SELECT group_concat(slug || '|' || name, char(10)) FROM (%(subquery)s))"
    output_field = TextField()


def baseline_story(request, slug):
    english = Translation.objects.filter(article=OuterRef("pk"), language="en")
    chinese = Translation.objects.filter(article=OuterRef("pk"), language="zh-hans")
    lead_image = Image.objects.filter(article=OuterRef("pk")).order_by("position", "id")[:1]
    tags = Tag.objects.filter(taggit_taggeditem_items__object_id=OuterRef("pk")).order_by("name")
    story = get_object_or_404(
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())
        .select_related("source")
        .annotate(
            title=Subquery(english.values("title")),
            summary=Subquery(english.values("summary")),
            body=Subquery(english.values("body")),
            other_title=Subquery(chinese.values("title")),
            image_url=Subquery(lead_image.values("original_url")),
            image_caption=Subquery(lead_image.values("caption")),
            image_credit=Subquery(lead_image.values("credit")),
            image_alt=Subquery(lead_image.values("alt_text")),
            image_width=Subquery(lead_image.values("width")),
            image_height=Subquery(lead_image.values("height")),
            tag_list=TagNames(tags.values("slug", "name")),
        ),
        slug=slug,
    )
    story.tags = [line.split("|", 1) for line in (story.tag_list or "").splitlines()]
    related = cache.get(f"baseline:related:{story.pk}")
    if related is None:
        related = list(
            Article.objects.filter(status=Article.Status.PUBLISHED)
            .exclude(pk=story.pk)
            .select_related("source")
            .annotate(title=Subquery(english.values("title")))
            .order_by("-published_at")[:4]
        )
        cache.set(f"baseline:related:{story.pk}", related, 3600)
    url = f"http://127.0.0.1/en/stories/{story.slug}/"
    structured_data = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "description": story.summary,
            "inLanguage": "en",
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": story.published_at,
            "dateModified": story.updated_at,
            "isBasedOn": story.original_url,
            "sourceOrganization": {"@type": "Organization", "name": story.source.name["en"]},
            "publisher": {"@type": "Organization", "name": "Newsdesk"},
            "keywords": [name for _slug, name in story.tags],
            "image": [story.image_url],
            "workTranslation": {
                "@type": "NewsArticle",
                "headline": story.other_title,
                "inLanguage": "zh-Hans",
                "url": f"http://127.0.0.1/zh-hans/stories/{story.slug}/",
            },
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    context = {
        "story": story,
        "url": url,
        "related": related,
        "structured_data": structured_data,
        "padding": "x" * int(request.GET.get("pad", "0")),
    }
    return render(request, "baseline_story.html", context)


urlpatterns = [
    path("baseline/", baseline),
    path("baseline/stories/<slug:slug>/", baseline_story),
    *site_urlpatterns,
]
