"""The reader's site, under a language prefix (see newsdesk/urls.py)."""

from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from . import views
from .cache import cache_for_anonymous
from .converters import DomainConverter, TagSlugConverter
from .feeds import LatestStoriesAtomFeed, LatestStoriesFeed

register_converter(TagSlugConverter, "tag_slug")
register_converter(DomainConverter, "domain")

urlpatterns = [
    path("", cache_for_anonymous(views.HomeView.as_view()), name="home"),
    path(
        "stories/<slug:slug>/",
        cache_for_anonymous(views.ArticleDetailView.as_view()),
        name="article_detail",
    ),
    path(
        "stories/<slug:slug>/bilingual/",
        cache_for_anonymous(views.ArticleBilingualView.as_view()),
        name="article_bilingual",
    ),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path(
        "topics/<tag_slug:slug>/",
        cache_for_anonymous(views.TagArticleListView.as_view()),
        name="tag",
    ),
    path(
        "sources/<domain:domain>/",
        cache_for_anonymous(views.SourceArticleListView.as_view()),
        name="source",
    ),
    path("archive/", cache_for_anonymous(views.ArchiveView.as_view()), name="archive"),
    path(
        "archive/<int:year>/<int:month>/",
        cache_for_anonymous(views.ArticleMonthArchiveView.as_view()),
        name="archive_month",
    ),
    path("search/", cache_for_anonymous(views.SearchView.as_view()), name="search"),
    # A Feed answers any method; the class-based pages above refuse what they do not serve.
    path("feed/rss/", require_safe(cache_for_anonymous(LatestStoriesFeed())), name="feed_rss"),
    path(
        "feed/atom/",
        require_safe(cache_for_anonymous(LatestStoriesAtomFeed())),
        name="feed_atom",
    ),
]
