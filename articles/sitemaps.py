"""The sitemap: an index (/sitemap.xml) of sections, each paged with ?p=, listing every public
page in each language it exists in, with hreflang alternates.

Each page reads only what it lists: stories in order of publication along the index on
(status, published_at) (new stories land on the last page, so earlier pages stay as they
were), their slug, update time and which languages they have, never their bodies; no query
per item.
"""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.functional import cached_property
from taggit.models import Tag

from . import languages
from .models import Article, Source
from .views import month_counts

# The annotation saying whether a story has a translation ready for readers in each language.
HAS_LANGUAGE = {code: f"has_language_{n}" for n, code in enumerate(languages.CODES)}


class MultilingualSitemap(Sitemap):
    i18n = True
    alternates = True


class StoryPaginator(Paginator):
    """Pages of stories, each page given as (story, language) pairs, one per URL.

    Django's i18n sitemap makes those pairs for every story before it pages them; here a
    page reads its stories only, and pairs them.
    """

    def __init__(self, stories, per_page, *, languages_for):
        super().__init__(stories, per_page)
        self.languages_for = languages_for

    @cached_property
    def count(self):
        """How many public stories there are: the archive's month counts, kept on write,
        added up, where counting the stories walks every one of them (the sitemap index asks
        it on every request)."""
        return sum(row["count"] for row in month_counts())

    def _get_page(self, stories, number, paginator):
        pairs = [(story, code) for story in stories for code in self.languages_for(story)]
        return super()._get_page(pairs, number, paginator)


class ArticleSitemap(MultilingualSitemap):
    changefreq = "weekly"
    priority = 0.8
    # URLs a page: each story in both languages, 1,000 stories, a page as heavy as the whole
    # sitemap of a 1,000-story site was (Google takes up to 50,000).
    limit = 2000

    def items(self):
        has_language = {
            flag: Article.objects.has_ready_translation(code) for code, flag in HAS_LANGUAGE.items()
        }
        return (
            Article.objects.published()
            .only("slug", "updated_at")
            .annotate(**has_language)
            .order_by("published_at", "pk")
        )

    @property
    def paginator(self):
        per_page = max(self.limit // len(languages.CODES), 1)
        return StoryPaginator(self.items(), per_page, languages_for=self.get_languages_for_item)

    def get_languages_for_item(self, story):
        return [code for code, flag in HAS_LANGUAGE.items() if getattr(story, flag)]

    def location(self, story):
        return reverse("article_detail", kwargs={"slug": story.slug})

    def lastmod(self, story):
        return story.updated_at

    def get_latest_lastmod(self):
        return Article.objects.latest_public_change()


class TopicSitemap(MultilingualSitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        public = Article.objects.published().filter(tags=OuterRef("pk"))
        return Tag.objects.filter(Exists(public)).order_by("slug").values_list("slug", flat=True)

    def location(self, slug):
        return reverse("tag", kwargs={"slug": slug})


class SourceSitemap(MultilingualSitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        public = Article.objects.published().filter(source=OuterRef("pk"))
        return Source.objects.filter(Exists(public)).order_by("domain").only("domain")

    def location(self, source):
        return reverse("source", kwargs={"domain": source.domain})


class MonthSitemap(MultilingualSitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return [row["month"] for row in month_counts()]

    def location(self, month):
        return reverse("archive_month", kwargs={"year": month.year, "month": month.month})


class PageSitemap(MultilingualSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["home", "archive"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "stories": ArticleSitemap,
    "topics": TopicSitemap,
    "sources": SourceSitemap,
    "months": MonthSitemap,
}
