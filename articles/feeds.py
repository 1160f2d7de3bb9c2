"""RSS and Atom feeds of the latest published stories, one pair per language.

The language is the URL's (/en/feed/rss/, /zh-hans/feed/rss/): a feed lists only the stories
readable in it, each in that language, and says so per feed and per item, because readers
and aggregators file items by language.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import languages
from .models import Article
from .tags import tag_name

FEED_LENGTH = 30
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class RssWithItemLanguage(Rss201rev2Feed):
    """RSS 2.0 has a language per channel only; Dublin Core's dc:language gives one per item."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("dc:language", item["language"])


class AtomWithItemLanguage(Atom1Feed):
    def item_attributes(self, item):
        return {**super().item_attributes(item), "xml:lang": item["language"]}


class LatestStoriesFeed(Feed):
    feed_type = RssWithItemLanguage
    title = _("Newsdesk: climate diplomacy")

    def description(self):
        return gettext("The latest climate-diplomacy stories in %(language)s.") % {
            "language": languages.name(get_language())
        }

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The syndication framework takes the language as a fixed attribute; this one is the URL's.
        feed.feed["language"] = languages.bcp47(get_language())
        return feed

    def link(self):
        return reverse("home")

    def items(self):
        language = get_language()
        stories = Article.objects.published().readable_in(language)
        return stories.for_reader(language, tags=True)[:FEED_LENGTH]

    def item_title(self, item):
        return item.reader_translations[0].title

    def item_description(self, item):
        # Readers take an RSS description and an Atom summary (type="html") as HTML; this is
        # text, and "<script>" in it is words about a script.
        return escape(item.reader_translations[0].description())

    def item_extra_kwargs(self, item):
        return {"language": languages.bcp47(item.reader_translations[0].language)}

    def item_link(self, item):
        return reverse("article_detail", kwargs={"slug": item.slug})

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        """The byline of the item's translation, else the outlet it comes from."""
        byline = item.reader_translations[0].byline
        return byline or (item.source.display_name() if item.source else None)

    def item_categories(self, item):
        return [tag_name(tag) for tag in item.reader_tags]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = AtomWithItemLanguage

    def subtitle(self):
        return self.description()
