"""The reader's site, under a language prefix (see newsdesk/urls.py)."""

from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from . import views
from .cache import cache_for_anonymous
from .converters import DomainConverter, TagSlugConverter
from .feeds import LatestStoriesAtomFeed, LatestStoriesFeed

register_converter(TagSlugConverter, "tag_slug")
register_converter(DomainConverter, "domain")


def reader_page(route: str, view, name: str):
    """A public page, served from the page cache to readers who are not logged in."""
    return path(route, cache_for_anonymous(view.as_view()), name=name)


urlpatterns = [
    reader_page("", views.HomeView, "home"),
    reader_page("stories/<slug:slug>/", views.ArticleDetailView, "article_detail"),
    reader_page("stories/<slug:slug>/bilingual/", views.ArticleBilingualView, "article_bilingual"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    reader_page("topics/<tag_slug:slug>/", views.TagArticleListView, "tag"),
    reader_page("sources/<domain:domain>/", views.SourceArticleListView, "source"),
    reader_page("archive/", views.ArchiveView, "archive"),
    reader_page("archive/<int:year>/<int:month>/", views.ArticleMonthArchiveView, "archive_month"),
    reader_page("search/", views.SearchView, "search"),
    # A Feed answers any method; the class-based pages above refuse what they do not serve.
    path("feed/rss/", require_safe(cache_for_anonymous(LatestStoriesFeed())), name="feed_rss"),
    path(
        "feed/atom/",
        require_safe(cache_for_anonymous(LatestStoriesAtomFeed())),
        name="feed_atom",
    ),
]
