"""RSS and Atom feeds of the latest published stories, one pair per language."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Article

FEED_LENGTH = 30


class LatestStoriesFeed(Feed):
    title = _("Newsdesk: climate diplomacy")
    description = _("The latest climate-diplomacy stories, in Chinese and English.")

    def link(self):
        return reverse("home")

    def items(self):
        stories = Article.objects.published().for_reader(get_language(), bodies=False)
        return stories.prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, item):
        return item.reader_translations[0].title

    def item_description(self, item):
        return item.reader_translations[0].summary

    def item_link(self, item):
        return reverse("article_detail", kwargs={"slug": item.slug})

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.source.name

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description
