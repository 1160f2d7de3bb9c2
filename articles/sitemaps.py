"""sitemap.xml: every public page in each language it exists in, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Source


class MultilingualSitemap(Sitemap):
    i18n = True
    alternates = True


class ArticleSitemap(MultilingualSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().prefetch_related("translations")

    def get_languages_for_item(self, item):
        return [translation.language for translation in item.translations.all()]

    def location(self, item):
        return reverse("article_detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


class TopicSitemap(MultilingualSitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return [row["tag_slug"] for row in Article.objects.published().tag_counts()]

    def location(self, slug):
        return reverse("tag", kwargs={"slug": slug})


class SourceSitemap(MultilingualSitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        published = Article.objects.published()
        return Source.objects.filter(articles__in=published).distinct().order_by("domain")

    def location(self, source):
        return reverse("source", kwargs={"domain": source.domain})


class MonthSitemap(MultilingualSitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return [row["month"] for row in Article.objects.published().month_counts()]

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
