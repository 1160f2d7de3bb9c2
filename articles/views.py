"""The reader's site: only published stories, in the page's language or the other one."""

import json
from functools import lru_cache

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.encoding import iri_to_uri
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, MonthArchiveView, TemplateView
from taggit.models import Tag

from . import languages
from .archive import archive_months
from .bilingual import paired_blocks
from .cache import cached_with_content
from .cards import story_cards
from .images import image_url
from .models import LEAD_PLACE, Article, SlugRedirect, Source, reader_stories
from .pagination import CappedCountPaginator, SearchPaginator
from .search import MAX_TERMS, article_search, ranked_matches, words_left_out
from .tags import tag_name
from .text import spaced_format

PAGE_SIZE = 20
RELATED_STORIES = 4
TOPICS_ON_HOME = 12
FAVICON_REDIRECT_SECONDS = 24 * 3600
PARAMETER_LENGTH = 200


@require_safe
def language_root(request):
    """`/`: the home page in the browser's preferred language."""
    with translation.override(translation.get_language_from_request(request)):
        response = redirect("home")
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@require_safe
def favicon(request):
    """`/favicon.ico`, which browsers and feed readers ask for on their own: the site's icon,
    the SVG every page names (by its hashed static name, so never cached for ever here)."""
    response = redirect(static("img/favicon.svg"))
    patch_cache_control(response, public=True, max_age=FAVICON_REDIRECT_SECONDS)
    return response


def reader_parameter(value: str) -> str:
    """A query-string value as a page uses it: without NUL (PostgreSQL refuses one; no reader
    types one), trimmed, and no longer than a reader's query can be (the page's links and its
    canonical address repeat it)."""
    return value.replace("\x00", "").strip()[:PARAMETER_LENGTH]


class ReaderPageMixin:
    """Head links every public page carries: canonical URL and the page in each language."""

    # Query parameters that make a different page; any others (tracking, typos) do not.
    page_parameters = ("q", "page")

    def page_languages(self):
        return list(languages.CODES)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parameters = {
            k: reader_parameter(v) for k, v in self.request.GET.items() if k in self.page_parameters
        }
        if parameters.get("page") == "last" and context.get("page_obj"):
            parameters["page"] = str(context["page_obj"].number)  # the page it is, to link to
        query = f"?{urlencode(parameters)}" if parameters else ""
        site = self.request.build_absolute_uri("/").removesuffix("/")
        alternates = [
            {"code": code, "url": site + iri_to_uri(self.path_in(code)) + query}
            for code in self.page_languages()
        ]
        here = next((a for a in alternates if a["code"] == get_language()), alternates[0])
        context.update(alternates=alternates, canonical_url=here["url"])
        return context

    def path_in(self, language):
        """This page's path in `language`, from the URL already resolved for the request."""
        match = self.request.resolver_match
        kwargs = tuple(match.kwargs.items())
        return translated_path(match.view_name, kwargs, language, get_urlconf())

    def published(self, *, bodies=False, tags=False):
        return reader_stories(get_language(), bodies=bodies, tags=tags)

    def readable(self):
        """Cards of any stories: for reads that apply the published rule themselves."""
        return Article.objects.for_reader(get_language(), bodies=False)


class StoryCardsMixin:
    """A list page of story cards (articles/article_list.html): `cards`, prepared once."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = story_cards(context["object_list"], eager_first=True)
        return context


@lru_cache(maxsize=8192)
def translated_path(view_name, kwargs, language, urlconf):
    """reverse() in `language`, remembered: every page reverses its own URL in each language."""
    with translation.override(language):
        return reverse(view_name, kwargs=dict(kwargs), urlconf=urlconf)


class PagedListMixin:
    """Pages counted only as far as the page asked needs (pagination.CappedCountPaginator);
    `?page=last` is the last page a reader can reach."""

    paginate_by = PAGE_SIZE
    paginator_class = CappedCountPaginator

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if (self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)) == "last":
            paginator.count_up_to("last")
        return paginator


class ArticleListView(PagedListMixin, ReaderPageMixin, ListView):
    template_name = "articles/article_list.html"
    heading = ""

    def get_queryset(self):
        return self.published()

    def get_heading(self):
        return self.heading

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.get_heading(), **kwargs)


class HomeView(StoryCardsMixin, ArticleListView):
    """The featured stories first (the lead, then the pinned), then the others by date."""

    heading = _("Latest stories")

    def get_queryset(self):
        # Kept until content changes; a feature's start or end is a change (articles/cache.py).
        self.parts = cached_with_content(
            f"home:{TOPICS_ON_HOME}:{get_language()}",
            lambda: {
                "topics": list(Article.objects.published().tag_counts()[:TOPICS_ON_HOME]),
                "featured": list(self.published().featured().select_related("feature")),
            },
        )
        featured = [article.pk for article in self.parts["featured"]]
        stories = super().get_queryset()
        return stories.exclude(pk__in=featured) if featured else stories

    def get_paginator(self, *args, **kwargs):
        # Kept until content changes like the parts above, in place of a query of its own.
        return super().get_paginator(*args, count_key="home", **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(topics=self.parts["topics"], is_home=True, **kwargs)
        if context["page_obj"].number == 1:
            featured = self.parts["featured"]
            lead = featured[:1] if featured and featured[0].feature.position == LEAD_PLACE else []
            context["cards"] = [
                *story_cards(lead, css_class="card-lead", eager_first=True),
                *story_cards(featured[len(lead) :], css_class="card-pinned"),
                *context["cards"],
            ]
        return context


class TagArticleListView(StoryCardsMixin, ArticleListView):
    allow_empty = False  # a tag that only drafts carry is not public

    def get_queryset(self):
        self.tag = get_object_or_404(Tag.objects.select_related("label"), slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_heading(self):
        return spaced_format(_("Topic: %(tag)s"), tag=tag_name(self.tag))


class SourceArticleListView(StoryCardsMixin, ArticleListView):
    allow_empty = False

    def get_queryset(self):
        self.source = get_object_or_404(Source, domain=self.kwargs["domain"])
        return super().get_queryset().filter(source=self.source)

    def get_heading(self):
        return spaced_format(_("Stories from %(source)s"), source=self.source.display_name())


class ArticleMonthArchiveView(StoryCardsMixin, PagedListMixin, ReaderPageMixin, MonthArchiveView):
    date_field = "published_at"
    month_format = "%m"
    allow_empty = False

    def get_queryset(self):
        return self.published()

    def get_dated_queryset(self, **month):
        """The month's stories; a month without any is a 404 by its empty first page.

        Publication times compared with the month's end when that has passed, which is the
        same stories: the walk along the index then starts at the month's end, where
        "published until now" makes SQLite start it at now and step through every later month
        (10 ms at 100,000). Whether a story has ended is still as of now."""
        until = min(timezone.now(), month["published_at__lt"])
        stories = Article.objects.published(published_by=until).filter(**month)
        return stories.for_reader(get_language(), bodies=False)

    def get_next_month(self, date):
        return min((month for month in self.months() if month > date), default=None)

    def get_previous_month(self, date):
        return max((month for month in self.months() if month < date), default=None)

    def months(self):
        # The archive's month counts, kept until content changes, in place of Django's two
        # queries, whose "before this month" walks every later story on SQLite.
        return [row["month"].date() for row in month_counts()]

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The page lists no days; Django's list would truncate every story's date of the
        # month (in Python, on SQLite). An empty month is still a 404: its first page is.
        return []


class ArchiveView(ReaderPageMixin, TemplateView):
    template_name = "articles/article_archive.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(months=month_counts(), **kwargs)


def month_counts() -> list[dict]:
    """Every month with public stories and how many (kept on write, `archive.py`), kept in
    the cache until content changes."""
    return cached_with_content("months", archive_months)


class SearchView(ArticleListView):
    template_name = "articles/article_search.html"
    paginator_class = SearchPaginator

    def get_queryset(self):
        self.query = reader_parameter(self.request.GET.get("q", ""))
        return article_search(self.query, language=get_language())

    def get_context_data(self, **kwargs):
        page_query = urlencode({"q": self.query}) + "&"
        ranked = number_format(ranked_matches(), force_grouping=True)
        return super().get_context_data(
            query=self.query,
            page_query=page_query,
            ranked_matches=ranked,
            words_used=MAX_TERMS if words_left_out(self.query) else None,
            **kwargs,
        )


class ArticleDetailView(ReaderPageMixin, DetailView):
    bilingual = False

    def get_queryset(self):
        return self.published(bodies=True, tags=True)

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not article.reader_translations:
            raise Http404("A story without any translation has nothing to show.")
        return article

    def page_languages(self):
        return [t.language for t in self.object.reader_translations]

    def get_context_data(self, **kwargs):
        article = self.object
        translation, *others = article.reader_translations
        other = others[0] if others else None
        lead_image, *more_images = article.reader_images or [None]
        context = super().get_context_data(
            translation=translation,
            page_title=translation.page_title(),
            description=translation.page_description(),
            other_translation=other,
            lead_image=lead_image,
            lead_image_url=lead_image and self.request.build_absolute_uri(image_url(lead_image)),
            more_images=more_images,
            tags=article.reader_tags,
            related=cached_with_content(
                f"related:{article.pk}:{get_language()}",
                lambda: list(
                    self.readable().related_to(article, tags=article.reader_tags)[:RELATED_STORIES]
                ),
            ),
            bilingual=self.bilingual,
            **kwargs,
        )
        if self.bilingual:
            context["paired_blocks"] = paired_blocks(translation.body, other.body)
        context["structured_data"] = structured_data(context)
        return context

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            moved = self.moved_to(kwargs["slug"])
            if moved and moved != kwargs["slug"]:
                return redirect(request.resolver_match.url_name, slug=moved, permanent=True)
            raise
        if self.bilingual and len(self.object.reader_translations) < 2:
            return redirect("article_detail", slug=self.object.slug)
        return self.render_to_response(self.get_context_data(object=self.object))

    @staticmethod
    def moved_to(slug: str) -> str | None:
        """The slug of the public story that had this one before (a changed slug, a merged
        duplicate), if any: its page in the same language is where the old address leads."""
        return (
            SlugRedirect.objects.filter(slug=slug, article__in=Article.objects.published())
            .values_list("article__slug", flat=True)
            .first()
        )


def structured_data(context) -> SafeString:
    """JSON-LD NewsArticle for a story page, naming its original and its translation."""
    article, translation = context["article"], context["translation"]
    alternates = {a["code"]: a["url"] for a in context["alternates"]}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": translation.title,
        "description": context["description"],
        "inLanguage": languages.bcp47(translation.language),
        "url": context["canonical_url"],
        "mainEntityOfPage": context["canonical_url"],
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "publisher": {"@type": "Organization", "name": str(_("Newsdesk"))},
        "keywords": [tag_name(tag) for tag in context["tags"]],
    }
    if translation.byline:
        data["author"] = {"@type": "Person", "name": translation.byline}
    if article.original_url:
        data["isBasedOn"] = article.original_url
    if article.source:
        data["sourceOrganization"] = {
            "@type": "Organization",
            "name": article.source.display_name(),
        }
    if context["lead_image_url"]:
        data["image"] = [context["lead_image_url"]]
    other = context["other_translation"]
    if other:
        relation = (
            "translationOfWork"
            if other.language == article.original_language
            else "workTranslation"
        )
        data[relation] = {
            "@type": "NewsArticle",
            "headline": other.title,
            "inLanguage": languages.bcp47(other.language),
            "url": alternates.get(other.language),
        }
    json_text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Inside <script>, "<", ">" and "&" must not appear raw; JSON's escapes keep the meaning.
    return mark_safe(json_text.translate(JSON_SCRIPT_ESCAPES))


JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class ArticleBilingualView(ArticleDetailView):
    bilingual = True


# Staff only (others are sent to the login), and of the staff those who may see stories.
@method_decorator(
    [staff_member_required, permission_required("articles.view_article", raise_exception=True)],
    name="dispatch",
)
class ArticlePreviewView(ArticleDetailView):
    """A story in any status, shown to staff exactly as readers will see it."""

    def get_queryset(self):
        return Article.objects.for_reader(get_language(), bodies=True, drafts=True, tags=True)

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        search_paths = []
        for code in languages.CODES:
            with translation.override(code):
                search_paths.append(reverse("search"))
        return super().get_context_data(
            search_paths=search_paths,
            sitemap_url=self.request.build_absolute_uri(reverse("sitemap")),
            **kwargs,
        )
