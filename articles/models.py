from functools import lru_cache

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from . import languages
from .labels import LabelField, label_in
from .sanitize import SanitizedHtmlField
from .text import first_paragraph


class Source(models.Model):
    name = LabelField(_("name"), max_length=200, help_text=_("The outlet's name in each language"))
    domain = models.CharField(
        _("domain"), max_length=253, unique=True, help_text=_("For example ft.com")
    )
    homepage_url = models.URLField(_("homepage URL"), max_length=500, blank=True)
    codes = models.JSONField(
        _("short codes"),
        default=list,
        blank=True,
        help_text=_('Codes the import files use for this outlet, for example ["ft"]'),
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        """For a reader of `language` (the active one by default), else its domain."""
        return label_in(self.name, language) or self.domain


class State(models.TextChoices):
    """Where a story stands for readers: its workflow status, and for a published story
    whether its publication time has come (a later time makes it scheduled) and whether its
    unpublish time has (it has then ended)."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    ENDED = "ended", _("Ended")


class MonthOf(TruncMonth):
    """TruncMonth, in SQLite's own functions when months are UTC months.

    SQLite has no time zones, so Django truncates there in a Python function called once per
    row: 0.4 s for 100,000 stories. SQLite stores a UTC time as "YYYY-MM-DD HH:MM:SS", whose
    first seven characters are its UTC month. Any other zone (and every other database) goes
    through TruncMonth.
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.get_tzname() not in ("UTC", None):
            return super().as_sqlite(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"(substr({sql}, 1, 7) || '-01 00:00:00')", params


class ReadingTime(models.Expression):
    """The time a query is run: `timezone.now()`, taken when the query is compiled, as a
    parameter (the same SQL as the time itself), not when it is built."""

    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection):
        return "%s", [connection.ops.adapt_datetimefield_value(timezone.now())]


class CompiledOnce:
    """A subquery (Subquery, Exists) whose SQL is compiled once per database and aliases, not
    on every read: every reader's page asks the same subqueries (for_reader's rows, published()'s
    readiness), and compiling them cost more than running them. The SQL is kept on the
    expression and shared with the copies that resolving makes; it differs only by the aliases
    it is compiled with, which are in the key."""

    def __init__(self, *args, **kwargs):
        self.compiled = {}
        super().__init__(*args, **kwargs)

    def _compiled(self, connection, wrap):
        """`wrap(subquery SQL)` and its parameters, compiled once per database and aliases."""
        outer = tuple(col.alias for col in self.query.get_external_cols())
        key = (connection.alias, self.query.alias_prefix, outer)
        if key not in self.compiled:
            rows, params = self.query.get_compiler(connection=connection).as_sql()
            self.compiled[key] = (wrap(f"({rows})"), tuple(params))
        return self.compiled[key]


class ReadyExists(CompiledOnce, models.Exists):
    """EXISTS (a subquery), compiled once (`ArticleQuerySet.has_ready_translation`)."""

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if template or extra_context or self.extra:
            return super().as_sql(compiler, connection, template, **extra_context)
        connection.ops.check_expression_support(self)
        return self._compiled(connection, lambda rows: f"EXISTS{rows}")


class JSONRows(CompiledOnce, models.Subquery):
    """The rows of a subquery as one JSON array of objects (`[]` for none), in a column of
    the outer query: a story's translations or images read in the story's own row, where a
    query of their own would cost a page more than reading them (for_reader).

    `fields` are attribute names of the subquery's model, or names it is annotated with; JSON
    fields stay JSON inside."""

    def __init__(self, queryset, fields):
        self.fields = fields
        super().__init__(queryset.values(*fields), output_field=models.JSONField())

    def _members(self, connection, wrap_json: str) -> str:
        """`'name', "column"` pairs for json_object() or jsonb_build_object()."""
        fields = {field.attname: field for field in self.query.model._meta.concrete_fields}
        pairs = []
        for name in self.fields:
            if name in fields:
                field, column = fields[name], connection.ops.quote_name(fields[name].column)
            else:  # an annotation, a column of the subquery by its name
                field = self.query.annotations[name].output_field
                column = connection.ops.quote_name(name)
            if isinstance(field, models.JSONField):
                column = wrap_json % column
            pairs.append(f"'{name}', {column}")
        return ", ".join(pairs)

    def as_sqlite(self, compiler, connection, **extra_context):
        members = self._members(connection, "json(%s)")  # stored as text: nest it as JSON
        return self._compiled(
            connection,
            lambda rows: f"(SELECT json_group_array(json_object({members})) FROM {rows})",
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        members = self._members(connection, "%s")
        aggregate = f"COALESCE(jsonb_agg(jsonb_build_object({members})), '[]')"
        return self._compiled(connection, lambda rows: f"(SELECT {aggregate} FROM {rows} AS rows)")

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"JSONRows on {connection.vendor}: only SQLite and PostgreSQL")


@lru_cache
def reader_rows(*, bodies: bool, drafts: bool) -> tuple[JSONRows, JSONRows]:
    """for_reader's subqueries of a story's translations and images, built once: they are
    the same for every reader, and building them cost a page more than compiling them."""
    translations = Translation.objects.all() if drafts else Translation.objects.ready()
    images = Image.objects.all()
    return (
        JSONRows(
            translations.filter(article=models.OuterRef("pk")),
            READER_TRANSLATION_FIELDS if bodies else CARD_TRANSLATION_FIELDS,
        ),
        JSONRows(
            images.filter(article=models.OuterRef("pk")).order_by(),  # sorted in Python
            READER_IMAGE_FIELDS if bodies else CARD_IMAGE_FIELDS,
        ),
    )


@lru_cache
def reader_tag_rows() -> JSONRows:
    """for_reader's subquery of a story's tags, each with its names for readers (TagLabel's
    `label_name`, null for a tag without one), built once."""
    tags = Tag.objects.filter(
        taggit_taggeditem_items__object_id=models.OuterRef("pk"),
        taggit_taggeditem_items__content_type__app_label=Article._meta.app_label,
        taggit_taggeditem_items__content_type__model=Article._meta.model_name,
    ).annotate(label_name=models.F("label__name"))
    return JSONRows(tags, ("id", "name", "slug", "label_name"))


@lru_cache
def ready_translation_exists(language: str | None) -> models.Exists:
    """has_ready_translation's condition, built and compiled once: published() asks it on
    every reader's page (resolving it into a query copies it, so one serves every query)."""
    ready = Translation.objects.ready().filter(article=models.OuterRef("pk"))
    return ReadyExists(ready.filter(language=language) if language else ready)


def reader_stories(language: str, *, bodies: bool, tags: bool = False) -> "ArticleQuerySet":
    """`Article.objects.published().for_reader(language, ...)`, what every reader's page
    starts from: built once per language and kind (building it cost about as much as
    running it), a copy of it each call. Its time is the time it runs (`ReadingTime`)."""
    return _reader_stories(language, bodies, tags).all()


@lru_cache
def _reader_stories(language, bodies, tags):
    return Article.objects.published().for_reader(language, bodies=bodies, tags=tags)


class ArticleQuerySet(models.QuerySet):
    @staticmethod
    def state_conditions(now=None, *, published_by=None) -> dict[str, models.Q]:
        """The one rule for each state. A published story always has a publication time
        (a database constraint), so each story is in exactly one state: ended once its
        unpublish time has passed, else scheduled or published by its publication time.

        `published_by` (default `now`) is the time publication times are compared with: a
        caller that asks only about stories published before an earlier time passes it, so
        that SQLite starts its walk along the index there (the month pages)."""
        now = now or timezone.now()
        published_by = published_by or now
        published = models.Q(status=Article.Status.PUBLISHED)
        running = models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=now)
        return {
            State.DRAFT: models.Q(status=Article.Status.DRAFT),
            State.REVIEW: models.Q(status=Article.Status.REVIEW),
            State.SCHEDULED: published & models.Q(published_at__gt=published_by) & running,
            State.PUBLISHED: published & models.Q(published_at__lte=published_by) & running,
            State.ENDED: published & models.Q(unpublish_at__lte=now),
        }

    def in_state(self, state: str, now=None, *, published_by=None):
        return self.filter(self.state_conditions(now, published_by=published_by)[state])

    def with_state(self, now=None):
        """Each story annotated with `state`, by the same rule as `in_state`."""
        whens = [
            models.When(q, then=models.Value(s)) for s, q in self.state_conditions(now).items()
        ]
        return self.annotate(state=models.Case(*whens, output_field=models.CharField()))

    def published(self, now=None, *, published_by=None):
        """What readers see: stories in the published state with a translation ready for
        readers. A story whose translations are all drafts is not public anywhere.

        Without `now`, the time the query runs (`ReadingTime`): so that the query can be
        built once and run on every request (`reader_stories`)."""
        return self.in_state(
            State.PUBLISHED, now or ReadingTime(), published_by=published_by
        ).filter(self.has_ready_translation())

    def scheduled(self, now=None):
        """Published by an editor, but public only from a later published_at."""
        return self.in_state(State.SCHEDULED, now)

    def next_change_by_the_clock(self, now=None):
        """When the next story changes state by itself, or None: a scheduled story going live
        or a published one ending (the page cache turns over then)."""
        now = now or timezone.now()
        scheduled = self.scheduled(now).order_by("published_at")
        going_live = scheduled.values_list("published_at", flat=True).first()
        # Along the partial index of unpublish times, the status read per row: with
        # `status = ...` in SQL, SQLite walks every published story by status instead.
        ending = (
            self.filter(unpublish_at__gt=now)
            .order_by("unpublish_at")
            .values_list("unpublish_at", "status")
        )
        next_end = next(
            (end for end, status in ending.iterator(100) if status == Article.Status.PUBLISHED),
            None,
        )
        return min((time for time in (going_live, next_end) if time), default=None)

    def latest_public_change(self, now=None):
        """When a published story last changed. The published rule, walked along the
        (status, updated_at) index newest first until a public story: one or two rows, where
        published().order_by("-updated_at") sorts every published story."""
        newest = (
            self.filter(status=Article.Status.PUBLISHED)
            .filter(self.has_ready_translation())
            .with_state(now)
            .order_by("-updated_at")
            .values_list("updated_at", "state")
        )
        return next(
            (updated for updated, state in newest.iterator(100) if state == State.PUBLISHED),
            None,
        )

    @staticmethod
    def has_ready_translation(language=None) -> models.Exists:
        """The condition on a story that it has a translation ready for readers (in
        `language`, or in any language)."""
        return ready_translation_exists(language)

    def readable_in(self, language):
        """Stories a reader of `language` can read in it: those with a ready translation in
        it. A draft translation is the newsroom's, whatever the story's state."""
        return self.filter(self.has_ready_translation(language))

    def for_reader(self, language, *, bodies=True, drafts=False, tags=False):
        """What a story card or page shows: `reader_translations`, `language` first, and
        `reader_images` in order. Cards (bodies=False) read only headline and dek, and of
        the images what a picture needs (CARD_IMAGE_FIELDS), not captions or credits. Only
        ready translations, unless `drafts` (the staff preview). With `tags`, also
        `reader_tags` (a story's page).

        Read in the stories' own query, as one JSON array of translations, one of images
        (and one of tags) per story (`JSONRows`): no query of their own, however the stories
        are read."""
        translation_rows, image_rows = reader_rows(bodies=bodies, drafts=drafts)
        stories = self.select_related("source").annotate(
            reader_language=models.Value(language),
            reader_translation_rows=translation_rows,
            reader_image_rows=image_rows,
        )
        return stories.annotate(reader_tag_rows=reader_tag_rows()) if tags else stories

    def featured(self, now=None):
        """Stories on the home page's front now: the lead first, then the pinned in their
        order. Chain after `published()`: featuring never makes a story public."""
        return self.filter(feature__in=Feature.objects.live(now)).order_by("feature__position")

    def tagged(self, tag):
        return self.filter(tags=tag)

    def related_to(self, article, *, tags=None, per_tag=200):
        """Published stories sharing tags with `article`, the most shared tags first, from
        the `per_tag` stories that were given each of its tags last.

        The candidates are bounded so that the cost stays the same however long the archive:
        the newest taggings of a tag are the end of the tag's index (ordered by row id), where
        "newest by publication time" would sort all of the tag's stories. Then the candidates
        are read by primary key. The published rule goes in as `with_state`, not `published()`:
        without statistics SQLite takes `status = ...` for selective and walks every published
        story through the (status, published_at) index instead. `tags`: the article's tags
        when they were read with it (`reader_tags`), else they are read here.
        """
        tag_pks = [tag.pk for tag in (article.tags.all() if tags is None else tags)]
        tagged_items = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article)
        ).order_by("-pk")
        candidates = {
            story_pk
            for pk in tag_pks
            for story_pk in tagged_items.filter(tag_id=pk).values_list("object_id", flat=True)[
                :per_tag
            ]
        }
        candidates.discard(article.pk)
        return (
            self.filter(pk__in=candidates)
            .with_state()
            .filter(models.Q(state=State.PUBLISHED) & self.has_ready_translation())
            .annotate(shared_tags=models.Count("tags", filter=models.Q(tags__in=tag_pks)))
            .order_by("-shared_tags", "-published_at", "-id")
        )

    def tag_counts(self):
        """One row per tag in use: tag_name, tag_label (its names for readers, labels.py),
        tag_slug and how many of these stories carry it."""
        return (
            self.filter(tags__isnull=False)
            .values(
                tag_name=models.F("tags__name"),
                tag_label=models.F("tags__label__name"),
                tag_slug=models.F("tags__slug"),
            )
            .annotate(count=models.Count("pk", distinct=True))
            .order_by("-count", "tag_name")
        )

    def archive_counted(self):
        """The stories the archive's month counts hold (`archive.py`): published by an
        editor, readable (a ready translation) and with no unpublish time. No clock in it, so
        that it changes only on a write; the archive adds what the clock changed when it
        reads the counts."""
        return self.filter(status=Article.Status.PUBLISHED, unpublish_at__isnull=True).filter(
            self.has_ready_translation()
        )

    def month_counts(self):
        """One row per month with stories, the latest first: month and count. Counted afresh,
        every row read: what the archive's kept counts (`archive.archive_months`) must equal,
        for the check that compares them."""
        return (
            self.annotate(month=MonthOf("published_at"))
            .values("month")
            .annotate(count=models.Count("pk"))
            .order_by("-month")
        )


UNPUBLISH_BEFORE_PUBLICATION = _("The unpublish time must be after the publication time.")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    # Both empty for a story written in the newsroom.
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("source"),
        null=True,
        blank=True,
        help_text=_("Empty for a story written in the newsroom"),
    )
    # Indexed in full as well: SQLite uses the partial unique index only for lookups whose
    # condition implies it, and `original_url = %s` does not imply `<> ''` to it.
    original_url = models.URLField(
        _("original URL"),
        max_length=1000,
        blank=True,
        db_index=True,
        help_text=_("Empty for a story written in the newsroom"),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    unpublish_at = models.DateTimeField(
        _("unpublish time"),
        null=True,
        blank=True,
        help_text=_("Optional: from this time on readers no longer see the story"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    original_language = models.CharField(
        _("original language"), max_length=10, choices=languages.CHOICES, blank=True
    )
    tags = TaggableManager(_("tags"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            # What readers see, newest first (Meta.ordering); read backwards, oldest first
            # (the sitemap).
            models.Index(fields=["status", "-published_at", "-id"], name="article_published_idx"),
            # The admin's list, newest first, whatever the status (and Meta.ordering).
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            # A source's page: its published stories newest first, and its count.
            models.Index(fields=["source", "status", "-published_at"], name="article_source_idx"),
            # The admin's list of one source, newest first whatever the status: read in order
            # along this index, where the source's index alone sorts all its stories.
            models.Index(
                fields=["source", "-published_at", "-id"], name="article_source_newest_idx"
            ),
            # The sitemap's lastmod: the latest update of a published story.
            models.Index(fields=["status", "-updated_at"], name="article_status_updated_idx"),
            # The next story to end (the page cache's clock): the few with an unpublish time.
            models.Index(
                fields=["unpublish_at"],
                condition=models.Q(unpublish_at__isnull=False),
                name="article_unpublish_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="published_has_time",
                violation_error_message=_("A published story needs a publication time."),
            ),
            # The import's identity of a story; in-house stories have none.
            models.UniqueConstraint(
                fields=["original_url"],
                condition=~models.Q(original_url=""),
                name="article_original_url_unique",
                violation_error_message=_("Another story has this original URL."),
            ),
            models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("published_at")),
                name="unpublished_after_published",
                violation_error_message=UNPUBLISH_BEFORE_PUBLICATION,
            ),
        ]
        permissions = [("publish_article", _("Can publish and unpublish articles"))]

    def __str__(self):
        translation = self.translation_for(get_language())
        return translation.title if translation else self.original_url or self.slug

    def save(self, *args, **kwargs):
        """As Model.save; a slug changed since the story was read leaves its old address
        to readers as a redirect to the new one (`SlugRedirect`)."""
        super().save(*args, **kwargs)
        former = getattr(self, "_loaded_slug", None)
        update_fields = kwargs.get("update_fields")
        if former and former != self.slug and (update_fields is None or "slug" in update_fields):
            slug_redirect(former, self)
        self._loaded_slug = self.slug

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        if "slug" in field_names:
            article._loaded_slug = article.slug  # to tell a changed slug at save
        return article

    @property
    def is_in_house(self) -> bool:
        """Written in the newsroom: no outside source to credit or link to."""
        return self.source_id is None

    def clean(self):
        # The constraint's rule, said on the field the editor sets.
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            raise ValidationError({"unpublish_at": UNPUBLISH_BEFORE_PUBLICATION})

    @cached_property
    def reader_translations(self) -> list["Translation"]:
        """The translations for_reader read, the reader's language first."""
        translations = rows_to_instances(Translation, self.reader_translation_rows, self._state.db)
        language = self.reader_language
        return sorted(translations, key=lambda t: (t.language != language, t.language))

    @cached_property
    def reader_images(self) -> list["Image"]:
        """The images for_reader read, in their order (Image.Meta.ordering)."""
        images = rows_to_instances(Image, self.reader_image_rows, self._state.db)
        return sorted(images, key=lambda image: (image.position, image.pk))

    @cached_property
    def reader_tags(self) -> list[Tag]:
        """The tags for_reader(tags=True) read, in the order they were made, each with its
        names for readers (`tag.label`, as `prefetch_related("tags__label")` would give)."""
        tags = rows_to_instances(Tag, self.reader_tag_rows, self._state.db)
        label = Tag._meta.get_field("label")
        for tag, row in zip(tags, self.reader_tag_rows, strict=True):
            names = row["label_name"]
            label.set_cached_value(
                tag,
                None
                if names is None
                else TagLabel.from_db(self._state.db, ["tag_id", "name"], [tag.pk, names]),
            )
        return sorted(tags, key=lambda tag: tag.pk)

    def translation_for(self, language):
        """The translation in `language`, else any other; reads prefetched translations."""
        translations = list(self.translations.all())
        preferred = [t for t in translations if t.language == language]
        return next(iter(preferred or translations), None)


def rows_to_instances(model, rows: list[dict], db: str) -> list:
    """Model instances from JSONRows' objects, as the database would make them: the fields
    not read are deferred (loaded when asked for), never silently empty."""
    if not rows:
        return []
    names = [field.attname for field in model._meta.concrete_fields]
    read = [name for name in names if name in rows[0]]
    # A value for every field, DEFERRED for those not read: from_db takes them as they are.
    return [
        model.from_db(db, read, [row.get(name, models.DEFERRED) for name in names]) for row in rows
    ]


# What search engines show of a title and a description, in characters (a Chinese character
# is one): guidance for editors, not a limit.
SEO_TITLE_LENGTH = 60
SEO_DESCRIPTION_LENGTH = 160


class SlugRedirect(models.Model):
    """An address a story had: its slug before an editor changed it, or the slug of a
    duplicate merged into it. A reader (or a search engine) following it is sent on, with a
    permanent redirect, to the story's own address in the same language."""

    slug = models.SlugField(_("former slug"), max_length=120, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="former_slugs", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")

    def __str__(self):
        return self.slug


def slug_redirect(slug: str, article: Article) -> None:
    """`slug` now leads to `article` (the newest story to leave a slug has it)."""
    SlugRedirect.objects.update_or_create(slug=slug, defaults={"article": article})


def slugs_taken(*, other_than: int | None = None, **lookup) -> set[str]:
    """The slugs matching `lookup` (`slug=`, `slug__in=`, a range) that a story has, or had:
    a former address still leads to its story, so no other story may take it (the import
    gives a new story none of them, the admin refuses them). The story `other_than` (an id)
    may take its own back."""
    stories = Article.objects.filter(**lookup)
    former = SlugRedirect.objects.filter(**lookup)
    if other_than is not None:
        stories, former = stories.exclude(pk=other_than), former.exclude(article=other_than)
    return set(stories.values_list("slug", flat=True)) | set(former.values_list("slug", flat=True))


class TranslationQuerySet(models.QuerySet):
    def ready(self):
        """Translations an editor has marked ready for readers (`Translation.READY_FOR_READERS`,
        asked of the database)."""
        return self.filter(**Translation.READY_FOR_READERS)

    def drafts(self):
        return self.filter(status=Translation.Status.DRAFT)


class Translation(models.Model):
    class Status(models.TextChoices):
        """Per language: readers see a published story only in its ready translations."""

        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready")

    # Ready for readers: the one rule, asked of the database (`Translation.objects.ready()`) and
    # of translations in memory (`is_ready`).
    READY_FOR_READERS = {"status": Status.READY}

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="translations", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=10, choices=languages.CHOICES)
    title = models.CharField(_("headline"), max_length=500)
    summary = models.TextField(_("summary"), blank=True, help_text=_("The dek under the headline"))
    body = SanitizedHtmlField(_("body"), blank=True)
    seo_title = models.CharField(
        _("search engine title"),
        max_length=200,
        blank=True,
        help_text=format_lazy(
            _(
                "The title in search results and link previews, about {length} characters; "
                "empty: the headline."
            ),
            length=SEO_TITLE_LENGTH,
        ),
    )
    seo_description = models.TextField(
        _("search engine description"),
        max_length=500,
        blank=True,
        help_text=format_lazy(
            _(
                "The text under the title in search results and link previews, about {length} "
                "characters; empty: the dek, else the first paragraph."
            ),
            length=SEO_DESCRIPTION_LENGTH,
        ),
    )
    byline = models.CharField(
        _("byline"),
        max_length=200,
        blank=True,
        help_text=_("Who wrote this version, as its readers see the name"),
    )
    status = models.CharField(
        _("readiness"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Readers see only ready translations; editors mark them ready"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="one_translation_per_language"
            )
        ]
        indexes = [
            # "Has a ready translation", asked of each story along a published list: read from
            # the index alone.
            models.Index(fields=["article", "status"], name="translation_readiness_idx"),
            # The admin's search finds drafts, which the search index leaves out, by headline.
            models.Index(
                fields=["article"],
                condition=models.Q(status="draft"),
                name="translation_draft_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        """Whether readers may see this translation (`READY_FOR_READERS`, asked of this one)."""
        return all(getattr(self, name) == value for name, value in self.READY_FOR_READERS.items())

    def description(self) -> str:
        """What feeds, search engines and link previews show under the headline: the dek, else
        the first paragraph of the body, else the headline itself, so that it is never empty."""
        return self.summary.strip() or first_paragraph(self.body) or self.title

    def page_title(self) -> str:
        """The story's title for search engines and link previews."""
        return self.seo_title.strip() or self.title

    def page_description(self) -> str:
        return self.seo_description.strip() or self.description()


# The home page's front: place 0 is the lead story, places 1 to PINNED_PLACES the pinned.
LEAD_PLACE = 0

# What for_reader reads of translations and images: for a story page (and feeds, search),
# and for a card, whose picture reads only what templatetags/reader.py `picture` needs.
READER_TRANSLATION_FIELDS = (
    "id",
    "article_id",
    "language",
    "title",
    "summary",
    "body",
    "seo_title",
    "seo_description",
    "byline",
    "status",
)
CARD_TRANSLATION_FIELDS = ("id", "article_id", "language", "title", "summary")
READER_IMAGE_FIELDS = (
    "id",
    "article_id",
    "original_url",
    "file",
    "caption",
    "credit",
    "alt_text",
    "width",
    "height",
    "position",
    "renditions",
)
CARD_IMAGE_FIELDS = (
    "id",
    "article_id",
    "original_url",
    "file",
    "alt_text",
    "width",
    "height",
    "position",
    "renditions",
)
PINNED_PLACES = 4


class FeatureQuerySet(models.QuerySet):
    def live(self, now=None):
        """Features whose time has come and not yet gone: the one rule for both ends."""
        now = now or timezone.now()
        started = models.Q(starts_at__isnull=True) | models.Q(starts_at__lte=now)
        not_ended = models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        return self.filter(started & not_ended)

    def ended(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now())

    def next_change(self, now=None):
        """The next start or end still to come: when the home page changes by itself."""
        now = now or timezone.now()
        times = [
            self.filter(**{f"{field}__gt": now}).order_by(field).values_list(field, flat=True)
            for field in ("starts_at", "ends_at")
        ]
        return min((time for time in (t.first() for t in times) if time), default=None)


class Feature(models.Model):
    """A story on the front of the home page: the lead or one of the pinned, by its place.
    A place holds one story (a unique constraint), so two editors at the same moment cannot
    make two leads or one pinned story too many."""

    class Placement(models.TextChoices):
        LEAD = "lead", _("Lead story")
        PINNED = "pinned", _("Pinned")

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="feature", verbose_name=_("article")
    )
    position = models.PositiveSmallIntegerField(_("place"), unique=True)
    starts_at = models.DateTimeField(
        _("featured from"), null=True, blank=True, help_text=_("Empty: at once")
    )
    ends_at = models.DateTimeField(
        _("featured until"), null=True, blank=True, help_text=_("Empty: until removed")
    )
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("featured by"),
    )

    objects = FeatureQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("home page feature")
        verbose_name_plural = _("home page features")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__lte=PINNED_PLACES), name="feature_place_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="feature_ends_after_start",
                violation_error_message=_("A feature must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.placement_label()}: {self.article}"

    @property
    def placement(self) -> str:
        return self.Placement.LEAD if self.position == LEAD_PLACE else self.Placement.PINNED

    def placement_label(self) -> str:
        return self.Placement(self.placement).label


class Image(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images", verbose_name=_("article")
    )
    original_url = models.URLField(
        _("original URL"),
        max_length=1000,
        blank=True,
        help_text=_("Where the import found the image; empty for an editor's upload"),
    )
    file = models.ImageField(
        _("file"),
        upload_to="images/%Y/%m/",
        blank=True,
        width_field="width",
        height_field="height",
    )
    caption = LabelField(_("caption"), max_length=2000)
    credit = LabelField(_("credit"), max_length=200)
    alt_text = LabelField(_("alt text"), max_length=500)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    renditions = models.JSONField(
        _("renditions"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Web renditions made from the file: width, format and storage name of each"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return label_in(self.caption)[:60] or self.original_url


class TagLabel(models.Model):
    """A topic's name in each language. The taggit name stays what the import matches tags
    by; readers see this."""

    tag = models.OneToOneField(
        Tag,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="label",
        verbose_name=_("tag"),
    )
    name = LabelField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("topic name")
        verbose_name_plural = _("topic names")

    def __str__(self):
        return label_in(self.name)


class ImportRun(models.Model):
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M:%S}"


class ImportRecordQuerySet(models.QuerySet):
    def applied(self):
        """Records whose parsed values reached the article: the base of the next merge."""
        return self.filter(outcome__in=ImportRecord.APPLIED_OUTCOMES)

    def open_conflicts(self):
        """Conflicts an editor has not yet settled field by field (take or keep)."""
        return self.filter(outcome=ImportRecord.Outcome.CONFLICT, resolved_at__isnull=True)


class ImportRecord(models.Model):
    """One file in one run: the original as received, what the parser made of it, the outcome."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        UNCHANGED = "unchanged", _("Unchanged")
        CONFLICT = "conflict", _("Conflict")
        FAILED = "failed", _("Failed")

    APPLIED_OUTCOMES = [Outcome.CREATED, Outcome.UPDATED, Outcome.CONFLICT]

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="records", verbose_name=_("run")
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_records",
        verbose_name=_("article"),
    )
    path = models.CharField(_("file"), max_length=1000)
    sha256 = models.CharField(_("SHA-256"), max_length=64)  # indexed below, with the outcome
    raw_text = models.TextField(
        _("raw text"),
        blank=True,
        help_text=_("The file as received (decoded). Empty when an earlier record holds it."),
    )
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    parsed = models.JSONField(_("parsed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    message = models.TextField(_("message"), blank=True)
    conflicts = models.JSONField(
        _("conflicts"),
        default=dict,
        blank=True,
        help_text=_("Fields an editor changed: the editor's value and the incoming one"),
    )
    sanitizer_removed = models.JSONField(_("removed by the sanitiser"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("imported"), default=timezone.now, db_index=True)
    resolutions = models.JSONField(
        _("resolutions"),
        default=dict,
        blank=True,
        help_text=_(
            "Per conflicting field: whether an editor took the incoming value or kept theirs"
        ),
    )
    resolved_at = models.DateTimeField(
        _("resolved"),
        null=True,
        blank=True,
        help_text=_("When the last conflicting field was taken or kept"),
    )

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        indexes = [
            # Which files were imported before, byte for byte (write.UnchangedFiles), read
            # from the index alone: in the row the outcome sits after the file's text.
            models.Index(fields=["sha256", "outcome", "article"], name="importrecord_sha256_seen"),
        ]

    def __str__(self):
        return f"{self.path} ({self.get_outcome_display()})"


class PageGenerationQuerySet(models.QuerySet):
    def number(self) -> int:
        """The current generation: one read of one row by primary key. Every public page
        makes it, so in plain SQL: building it through the ORM cost more than reading it."""
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        column = connection.ops.quote_name(self.model._meta.get_field("number").column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [PageGeneration.ROW])
            row = cursor.fetchone()
        return row[0] if row else 0


class PageGeneration(models.Model):
    """How many times what readers see has changed: one row, the page cache's clock.

    In the database, not in the cache, so that every process reads the same clock: with the
    default local-memory cache, the import command and each server process cache apart.
    """

    ROW = 1

    number = models.PositiveBigIntegerField(_("number"), default=0)

    objects = PageGenerationQuerySet.as_manager()

    class Meta:
        verbose_name = _("page generation")
        verbose_name_plural = _("page generations")

    def __str__(self):
        return str(self.number)


class SearchDocument(models.Model):
    """One story as the search index reads it: the tokens of its translations' headlines, deks
    and bodies (`search.document_fields`), written only by `search.search_index_update`.

    The engine's own index follows this table: on SQLite an FTS5 table fed by triggers, on
    PostgreSQL a generated tsvector column with a GIN index (`search_backends.py`). SQLite
    rebuilds a table to alter it, which drops its triggers: a migration that alters this model
    must install them again (`search_backends.database_index_install`; `rebuild_search_index`
    also does).
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("article"),
    )
    title = models.TextField(_("headline tokens"), blank=True)
    summary = models.TextField(_("summary tokens"), blank=True)
    body = models.TextField(_("body tokens"), blank=True)
    # The story's place in the engine's own order, newest first (`search_backends.order_key`):
    # a search stops after the newest matches it needs.
    order_key = models.BigIntegerField(_("order"), default=0, db_index=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return self.title[:60]


class EditingPresence(models.Model):
    """Who has a story open in the admin, kept alive by the page's heartbeat and gone a minute
    after the last one (`presence.py`). In the database, not the cache: with the default
    local-memory cache each server process would only see the editors it serves itself."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    since = models.DateTimeField(_("open since"))
    seen_at = models.DateTimeField(_("last heartbeat"), db_index=True)
    # Set by a goodbye: the page that left, whose heartbeats still on their way are ignored.
    left_page = models.CharField(_("page that left"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("editing presence")
        verbose_name_plural = _("editing presences")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="presence_one_per_editor")
        ]

    def __str__(self):
        return f"{self.user} @ {self.article_id}"


class ArchiveMonth(models.Model):
    """How many stories of `ArticleQuerySet.archive_counted` each month (in the site's time
    zone) holds, moved by `archive.archive_recount` in the transaction of every write that
    changes them. The archive corrects them for the clock when it reads them."""

    month = models.DateField(_("month"), primary_key=True)
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("archive month")
        verbose_name_plural = _("archive months")

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.count}"


class ArchiveStory(models.Model):
    """The month a story of `ArticleQuerySet.archive_counted` counts in: what a write compares
    the story with, to know which month's count to move. Only counted stories have one."""

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("article"),
    )
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("story counted in the archive")
        verbose_name_plural = _("stories counted in the archive")

    def __str__(self):
        return f"{self.article_id} @ {self.month:%Y-%m}"
