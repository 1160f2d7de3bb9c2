"""The editors' desk: curating, translating and publishing stories in the Django admin."""

from datetime import date, datetime, time
from functools import partial

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version
from taggit import admin as taggit_admin
from taggit.models import Tag, TaggedItem
from taggit.utils import edit_string_for_tags

from . import desk, languages, presence, publishing
from .archive import archive_recount
from .editing import BodyEditor, BodyField, PlainTextField, count_help
from .images import check_byte_size, make_renditions, rendition_url, validate_and_clean_image
from .importing.fieldkeys import describe
from .importing.parsers.base import ParseError, checked_publication_time
from .importing.parsers.markup import check_html_limits
from .importing.parsers.urls import canonical_url
from .labels import LabelWidget, changed_field_labels, label_in, label_search_fields
from .messages import message_text, stored_message
from .models import (
    PINNED_PLACES,
    SEO_DESCRIPTION_LENGTH,
    SEO_TITLE_LENGTH,
    ArchiveStory,
    Article,
    EditingPresence,
    Feature,
    Image,
    ImportRecord,
    ImportRun,
    SearchDocument,
    Source,
    State,
    TagLabel,
    Translation,
    slug_redirect,
    slugs_taken,
)
from .rebase import rebase_post
from .revisions import (
    comment_text,
    revision_changes,
    revision_compare,
    revisions_since,
)
from .roles import can_edit, can_feature, can_publish, can_see_features
from .sanitize import sanitize_html
from .search import article_search_match, ranked_matches, search_terms
from .tags import tag_merge, tag_name
from .text import clauses, listed, sentences, spaced_format

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}

admin.site.site_header = _("Newsdesk")
admin.site.site_title = _("Newsdesk")
admin.site.index_title = _("Editors' desk")


# -- List filters ------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """The workflow as editors see it: a published story with a future time is scheduled."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


class PublishedMonthFilter(admin.SimpleListFilter):
    """Years of publication, and the months of the year chosen, in the site's time zone.

    In place of date_hierarchy, which finds the years by truncating every story's date (0.35 s
    at 100,000 stories); here the first and last publication times are two index reads.
    """

    title = _("publication time")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        dated = Article.objects.filter(published_at__isnull=False).values_list(
            "published_at", flat=True
        )
        first = dated.order_by("published_at").first()
        last = dated.order_by("-published_at").first()
        if first is None:
            return []
        first, last = timezone.localtime(first), timezone.localtime(last)
        chosen = self.chosen_period()
        choices = []
        for year in range(last.year, first.year - 1, -1):
            choices.append((str(year), str(year)))
            if chosen and chosen[0] == year:
                choices += [
                    (
                        f"{year}-{month:02d}",
                        formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT"),
                    )
                    for month in range(12, 0, -1)
                    if (first.year, first.month) <= (year, month) <= (last.year, last.month)
                ]
        return choices

    def chosen_period(self) -> tuple[int, int | None] | None:
        """(year, month or None) from the value, or None when it is not one."""
        try:
            year, _dash, month = (self.value() or "").partition("-")
            year, month = int(year), int(month) if month else None
            date(year, month or 1, 1)
        except ValueError:
            return None
        return year, month

    def queryset(self, request, queryset):
        chosen = self.chosen_period()
        if chosen is None:
            return queryset
        year, month = chosen
        start = date(year, month or 1, 1)
        end = date(year + 1, 1, 1) if month in (None, 12) else date(year, month + 1, 1)
        return queryset.filter(
            published_at__gte=_local_midnight(start), published_at__lt=_local_midnight(end)
        )


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class TagFilter(admin.SimpleListFilter):
    """By one tag. Django's own filter for a many-to-many field makes the list DISTINCT, which
    sorts and counts every tagged story (0.1 s for a tag on 10,000 stories); one tag matches a
    story once, so there is nothing to make distinct."""

    title = _("tags")
    parameter_name = "tags__id__exact"

    def lookups(self, request, model_admin):
        tags = Tag.objects.order_by("name").select_related("label")
        return [(tag.pk, tag_name(tag)) for tag in tags]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(tags=self.value())
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    condition = None  # language -> Q

    def lookups(self, request, model_admin):
        return languages.CHOICES

    def queryset(self, request, queryset):
        if self.value() in languages.CODES:
            return queryset.filter(self.condition(self.value()))
        return queryset


class MissingLanguageFilter(LanguageFilter):
    title = _("missing language")
    parameter_name = "missing"
    condition = staticmethod(desk.missing_q)


class OutdatedLanguageFilter(LanguageFilter):
    title = _("outdated translation")
    parameter_name = "outdated"
    condition = staticmethod(desk.outdated_q)


class DraftLanguageFilter(LanguageFilter):
    title = _("translation waiting to be marked ready")
    parameter_name = "draft"
    condition = staticmethod(desk.draft_q)


class YesNoFilter(admin.SimpleListFilter):
    condition: Q

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition)
        if self.value() == "no":
            return queryset.exclude(self.condition)
        return queryset


class HasImageFilter(YesNoFilter):
    title = _("has an image")
    parameter_name = "has_image"
    condition = desk.has_image_q()


class OpenConflictFilter(YesNoFilter):
    title = _("open import conflict")
    parameter_name = "conflict"
    condition = desk.open_conflict_q()


# -- Inlines ------------------------------------------------------------------------------------


def length_guide(widget_class, length: int, **attrs):
    """A text widget that counts its characters (each Chinese one is one) against `length`,
    the guidance in its help text, as the editor types (static/admin_desk/counter.js)."""
    return widget_class(
        attrs={
            **attrs,
            "data-desk-counter": length,
            # The words, in the editor's language, for the script to fill in.
            "data-desk-counter-text": format_lazy(
                _("{count} of about {length} characters"), count="{count}", length=length
            ),
        }
    )


class TranslationForm(forms.ModelForm):
    class Meta:
        model = Translation
        fields = [
            *("language", "status", "title", "byline", "summary", "body"),
            *("seo_title", "seo_description"),
        ]
        field_classes = {
            "title": PlainTextField,
            "byline": PlainTextField,
            "summary": PlainTextField,
            "body": BodyField,
        }
        widgets = {
            "language": forms.HiddenInput,
            "title": forms.TextInput(attrs={"class": "vLargeTextField translation-title"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": BodyEditor,
            "seo_title": length_guide(
                forms.TextInput, SEO_TITLE_LENGTH, **{"class": "vLargeTextField"}
            ),
            "seo_description": length_guide(forms.Textarea, SEO_DESCRIPTION_LENGTH, rows=3),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "summary", "body"):
            help_text = count_help(self, name, html=name == "body")
            self.fields[name].help_text = self[name].help_text = help_text

    def clean_body(self):
        """Sanitised here, where the editor's HTML enters, so the editor hears what went.
        A body sent back as it was keeps its stored form, whatever the editor made of it."""
        if self.instance.pk and "body" not in self.changed_data:
            return self.instance.body
        try:  # the import's limits, before any parser spends time on a pathological body
            check_html_limits(self.cleaned_data["body"])
        except ParseError as error:
            raise ValidationError(str(error), code="too_complex") from None
        sanitized = sanitize_html(self.cleaned_data["body"])
        self.sanitizer_removed = sanitized.removed
        return sanitized.html

    def save(self, commit=True):
        if commit and self.instance.pk and self.changed_data == ["status"]:
            # Readiness alone: the text is no newer, so the other language is not outdated.
            self.instance.save(update_fields=["status"])
            return self.instance
        return super().save(commit)

    @property
    def pane_language(self) -> str:
        return self.instance.language or self.initial.get("language", "")

    @property
    def pane_label(self) -> str:
        language = self.pane_language
        return languages.name(language) if language in languages.CODES else ""

    @property
    def pane_readiness(self) -> dict:
        """The translation's readiness as stored, for the pane's heading."""
        status = self.instance.status if self.instance.pk else Translation.Status.DRAFT
        notes = {
            Translation.Status.READY: _("Readers see this translation once the story is public."),
            Translation.Status.DRAFT: _(
                "Readers do not see this translation until an editor marks it ready."
            ),
        }
        return {"status": status, "label": Translation.Status(status).label, "note": notes[status]}


class TranslationFormSet(forms.BaseInlineFormSet):
    """One pane per language: the ones that exist, then an empty one for each that is missing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        present = {translation.language for translation in self.get_queryset()}
        self.initial_extra = [
            {"language": language} for language in languages.CODES if language not in present
        ]


class TranslationInline(admin.StackedInline):
    model = Translation
    form = TranslationForm
    formset = TranslationFormSet
    max_num = len(languages.CODES)
    template = "admin/articles/article/translations_side_by_side.html"
    side_by_side = True  # the article's change form puts this inline first, in two columns

    def get_extra(self, request, obj=None, **kwargs):
        present = obj.translations.count() if obj else 0
        return len(languages.CODES) - present

    def get_readonly_fields(self, request, obj=None):
        # Marking ready is publishing a language: editors only (and translation_move checks).
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if can_publish(request.user) else [*readonly, "status"]


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "caption", "credit", "alt_text", "position"]
        widgets = {"caption": LabelWidget(forms.Textarea, attrs={"rows": 2, "cols": 24})}

    def clean_file(self):
        """Only Pillow-checked, metadata-free bytes reach the storage."""
        upload = self.cleaned_data.get("file")
        if not upload or "file" not in self.changed_data:
            return upload
        try:
            check_byte_size(upload.size)
            clean = validate_and_clean_image(upload.read())
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_image") from None
        stem = upload.name.rsplit(".", 1)[0]
        return SimpleUploadedFile(
            f"{stem}.{clean.extension}", clean.data, content_type=f"image/{clean.extension}"
        )


class ImageInline(admin.TabularInline):
    model = Image
    form = ImageForm
    extra = 1
    readonly_fields = ["thumbnail", "size"]
    fields = ["thumbnail", "file", "caption", "credit", "alt_text", "position", "size"]

    @admin.display(description=_("preview"))
    def thumbnail(self, image):
        return _thumbnail(image, height=80)

    @admin.display(description=_("pixels"))
    def size(self, image):
        return f"{image.width}×{image.height}" if image.width else "—"


class ImportRecordInline(admin.TabularInline):
    """What the import did to this story, read-only: the file, its digest, what was removed."""

    model = ImportRecord
    fk_name = "article"
    extra = 0
    can_delete = False
    verbose_name_plural = _("import history")
    fields = ["path", "sha256", "created_at", "outcome", "removed", "outcome_message"]
    readonly_fields = fields
    classes = ["collapse"]

    @admin.display(description=_("message"))
    def outcome_message(self, record):
        return comment_text(record.message) or "—"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("removed by the sanitiser"))
    def removed(self, record):
        return sanitizer_removed_html(record)


def sanitizer_removed_html(record: ImportRecord) -> str:
    removed = ((message_text(item),) for item in record.sanitizer_removed)
    return format_html_join("", "<div><code>{}</code></div>", removed) or "—"


class ArticleForm(forms.ModelForm):
    # The story as the editor loaded it: a save based on an older one is refused (optimistic
    # concurrency), so an import or a second editor meanwhile is never silently undone.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    loaded_tags = forms.CharField(widget=forms.HiddenInput, required=False)
    # The home page's front (a Feature), for those who may feature stories.
    home_placement = forms.ChoiceField(
        label=_("Placement"),
        choices=[("", _("Not featured")), *Feature.Placement.choices],
        required=False,
        help_text=_(
            "The lead story comes first on the home page, then the pinned ones, then the "
            "others by date. A new lead takes the place of the one before."
        ),
    )
    feature_starts_at = forms.SplitDateTimeField(
        label=_("Featured from"),
        widget=AdminSplitDateTime,
        required=False,
        help_text=_("Empty: at once"),
    )
    feature_ends_at = forms.SplitDateTimeField(
        label=_("Featured until"),
        widget=AdminSplitDateTime,
        required=False,
        help_text=_("Empty: until taken off the home page"),
    )
    FEATURE_FIELDS = ("home_placement", "feature_starts_at", "feature_ends_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.SplitDateTimeWidget):
                # To the second in every language: Chinese shows times as "23:40", and the
                # seconds a form sends back without them would be an edit of the time.
                field.widget.widgets[1].format = "%H:%M:%S"
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
            tags = self.instance.tags.all()
            self.fields["loaded_tags"].initial = edit_string_for_tags(list(tags))
            if feature := Feature.objects.filter(article=self.instance).first():
                self.fields["home_placement"].initial = feature.placement
                self.fields["feature_starts_at"].initial = feature.starts_at
                self.fields["feature_ends_at"].initial = feature.ends_at
        request = getattr(self, "request", None)
        if request is None or not can_feature(request.user):
            for name in self.FEATURE_FIELDS:
                self.fields[name].disabled = True

    def feature_changed(self) -> bool:
        return any(name in self.changed_data for name in self.FEATURE_FIELDS)

    def has_changed(self) -> bool:
        """Whether the story itself changed: the home page fields are a Feature's."""
        return any(name not in self.FEATURE_FIELDS for name in self.changed_data)

    def clean_feature_ends_at(self):
        starts = self.cleaned_data.get("feature_starts_at")
        ends = self.cleaned_data["feature_ends_at"]
        if starts and ends and ends <= starts:
            raise ValidationError(_("A feature must end after it starts."), code="ends_first")
        return ends

    def clean_home_placement(self):
        placement = self.cleaned_data["home_placement"]
        pinning = "home_placement" in self.changed_data and placement == Feature.Placement.PINNED
        if pinning and publishing.feature_place(article=self.instance, placement=placement) is None:
            raise ValidationError(
                _("%(count)d stories are pinned already: take one off the home page first.")
                % {"count": PINNED_PLACES},
                code="full",
            )
        return placement

    def clean_original_url(self):
        """The form the importer gives the story's address, so a later import finds it.
        Empty for a story written in the newsroom."""
        if not self.cleaned_data["original_url"]:
            return ""
        try:
            return canonical_url(self.cleaned_data["original_url"])
        except ParseError as error:
            raise ValidationError(str(error), code="invalid") from None

    def clean_published_at(self):
        try:
            return checked_publication_time(self.cleaned_data["published_at"])
        except ParseError as error:
            raise ValidationError(str(error), code="invalid") from None

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slugs_taken(slug=slug, other_than=self.instance.pk):
            raise forms.ValidationError(
                _(
                    "This address is or was another story's, and its links lead there. "
                    "Choose another."
                )
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_if_stale(cleaned.get("loaded_version") or "")
        # Before the model's checks, which require a published story to have a time.
        if "status" in cleaned and "published_at" in cleaned:
            cleaned["published_at"] = publishing.publication_time(
                cleaned["status"], cleaned["published_at"]
            )
        return cleaned

    def _refuse_if_stale(self, loaded_version: str) -> None:
        # Locked until the admin's transaction ends: nobody saves between this check and ours.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        try:
            loaded_at = parse_datetime(loaded_version)
        except ValueError:  # a tampered form: treated as one loaded at an unknown time
            loaded_at = None
        if current is None or loaded_at == current:
            return
        base, later = revisions_since(self.instance, loaded_at) if loaded_at else (None, [])
        # Shown again with the editor's work on top of the story as it is now.
        data, not_kept = (
            rebase_post(self.data, form=self, base_revision=base) if base else (None, [])
        )
        self.data = data or self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current.isoformat()
        # The inline panes are bound already, but build their forms only when validated next.
        for formset_data in getattr(self.request, "formset_data", []):
            formset_data.clear()
            for key in self.data:
                formset_data.setlist(key, self.data.getlist(key))
        changes = revision_changes(base) if base else []
        raise ValidationError(stale_message(changes, later, not_kept), code="stale")


def stale_message(changes: list[dict], revisions: list, not_kept: list[str]) -> str:
    saved_by = clauses(
        _("%(user)s (%(time)s)")
        % {
            "user": revision.user or comment_text(revision.comment),
            "time": _local_time(revision.date_created),
        }
        for revision in revisions
    )
    changed = clauses(
        _("%(object)s: %(field)s → %(value)s")
        % {"object": change["object"], "field": change["field"], "value": _short(change["now"])}
        for change in changes
    )
    message = _(
        "This story was saved by someone else after you opened it (%(saved_by)s). Nothing of "
        "yours was saved, and your changes are still in the form below. Changed meanwhile: "
        "%(changed)s. Check the form against these changes, then save again."
    ) % {"saved_by": saved_by or _("unknown"), "changed": changed or _("not known")}
    images = _(
        "Images were added or removed meanwhile, so the image rows show them as they are "
        "now; make these changes of yours again: %(changes)s."
    ) % {"changes": clauses(_short(value) for value in not_kept)}
    return sentences([message, images if not_kept else ""])


def _local_time(moment) -> str:
    return formats.localize(timezone.localtime(moment))


def _sentence(text: str) -> str:
    """A sentence that ends in a time whose format ends in a full stop ("8 a.m.") keeps one."""
    return text[:-1] if text.endswith("..") else text


def _short(value, limit=120) -> str:
    text = "—" if value in (None, "") else " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- Articles -------------------------------------------------------------------------------------


class ArticleChangeList(ChangeList):
    """The list fetches each column's data for all rows at once: as many queries for 200
    stories as for 10. (Only here: the change form must see fresh translations.)"""

    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .select_related("source", "feature")
            .prefetch_related(
                "translations",
                Prefetch("images", Image.objects.order_by("position", "id")),
                "tags__label",
            )
            .annotate(has_open_conflict=desk.open_conflict_exists())
        )


# Rows that follow a story but that no editor reads as part of it: its search index entry, its
# place in the archive's counts, its links to tags (the tags stay), someone's open page.
UNLISTED_ON_DELETE = (SearchDocument, ArchiveStory, TaggedItem, EditingPresence)


def _listed_without(nested: list, prefixes: tuple[str, ...]) -> list:
    """Django's nested list of rows to delete (a row, then the list of its own rows), without
    the rows whose text starts with one of `prefixes`, or theirs."""
    kept, skip_children = [], False
    for item in nested:
        if isinstance(item, list):
            if not skip_children and (children := _listed_without(item, prefixes)):
                kept.append(children)
        else:
            skip_children = str(item).startswith(prefixes)
            if not skip_children:
                kept.append(item)
    return kept


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleForm
    list_display = [
        "thumbnail",
        "headline",
        "source",
        "status_label",
        "published_at",
        "languages",
        "tag_list",
    ]
    list_display_links = ["thumbnail", "headline"]
    list_filter = [
        StatusFilter,
        PublishedMonthFilter,
        "source",
        MissingLanguageFilter,
        OutdatedLanguageFilter,
        DraftLanguageFilter,
        TagFilter,
        HasImageFilter,
        OpenConflictFilter,
    ]
    # Headlines, deks and bodies are searched through the search index (get_search_results).
    search_fields = ["slug", "original_url"]
    list_per_page = 50
    show_full_result_count = False  # a second count of every story, for "N total" in search
    actions = ["submit_for_review", "publish", "unpublish", "make_lead", "pin", "unfeature"]
    autocomplete_fields = ["source"]
    formfield_overrides = URL_FIELDS
    readonly_fields = ["workflow_state", "original_link", "created_at", "updated_at"]
    fieldsets = [
        (
            _("Publishing"),
            {
                "fields": [
                    ("status", "published_at", "unpublish_at"),
                    "workflow_state",
                    "tags",
                    ("loaded_version", "loaded_tags"),
                ]
            },
        ),
        (_("Home page"), {"fields": ["home_placement", ("feature_starts_at", "feature_ends_at")]}),
        (
            _("Origin"),
            {"fields": ["source", ("original_url", "original_link"), "original_language", "slug"]},
        ),
        (_("Record"), {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]
    inlines = [TranslationInline, ImageInline, ImportRecordInline]
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "reversion/articles/article/object_history.html"
    history_latest_first = True

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        return change_message_per_language(message, form, formsets)

    def search_words(self, search_term, limit):
        """As the readers' search reads them: distinct words between spaces."""
        return search_terms(search_term, limit)

    def get_search_results(self, request, queryset, search_term):
        """The readers' search, over stories in every state, plus a story whose slug or
        original URL is exactly the term."""
        term = search_term.strip()
        if not term:
            return queryset, False
        # Among the stories the filters keep: a filter narrows what a common word finds.
        matches = article_search_match(term, among=queryset)
        if matches.more:
            number = formats.number_format(ranked_matches(), force_grouping=True)
            messages.warning(
                request,
                _(
                    "More than %(number)s stories contain “%(term)s”: the %(number)s newest "
                    "are listed. Add a word or a filter to find older ones."
                )
                % {"number": number, "term": term},
            )
        return queryset.filter(matches.found | Q(slug=term) | Q(original_url=term)), False

    # Rights: enforced here, on the server, whatever the form or the request says.

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_feature_permission(self, request):
        return can_feature(request.user)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not can_publish(request.user):
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value != Article.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @transaction.atomic
    def get_deleted_objects(self, objs, request):
        """The "Are you sure?" page (one story, or the bulk action's) lists what an editor
        knows: the stories, their translations, images, former addresses and home page
        places. The rows kept for the machinery (`UNLISTED_ON_DELETE`) go with them unlisted."""
        nested, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Django lists a row of a model without an admin as "<Verbose name>: <row>".
        prefixes = tuple(f"{capfirst(m._meta.verbose_name)}: " for m in UNLISTED_ON_DELETE)
        unlisted = {str(m._meta.verbose_name_plural) for m in UNLISTED_ON_DELETE}
        counts = {name: n for name, n in counts.items() if str(name) not in unlisted}
        return _listed_without(nested, prefixes), counts, perms_needed, protected

    def delete_queryset(self, request, queryset):
        """The stories leave the archive's month counts in one recount, months in order, before
        the deletion (story by story, as each is deleted, two bulk deletes moving through the
        same months in different orders could deadlock on PostgreSQL)."""
        archive_recount(queryset.values_list("pk", flat=True), deleting=True)
        super().delete_queryset(request, queryset)

    def get_queryset(self, request):
        return super().get_queryset(request).with_state()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if can_publish(request.user) else [*readonly, "unpublish_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request  # a class made for this request: where a stale save leaves word
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "data" in kwargs:  # the panes' own copy of the POST, which a stale save rebases
            request.__dict__.setdefault("formset_data", []).append(kwargs["data"])
        return kwargs

    def save_model(self, request, obj, form, change):
        # The one road to publishing: the same service (and rights check) as the actions.
        publishing.article_move(
            article=obj,
            user=request.user,
            status=obj.status,
            published_at=obj.published_at,
            save=False,
        )
        if change and not form.has_changed() and not _restoring(request):
            return  # saved after its panes, and only if one of them changed (save_related)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if form.feature_changed():  # a Feature's, not the story's: saved apart
            self._save_feature(request, form.instance, form.cleaned_data)
        if not change or form.has_changed() or _restoring(request):
            return super().save_related(request, form, formsets, change)
        # Not the tags either: writing them again unchanged still records a revision.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if any(fs.new_objects or fs.changed_objects or fs.deleted_objects for fs in formsets):
            form.instance.save()  # the story changed: a new updated_at, and one revision of it
        elif not form.feature_changed():
            request.nothing_changed = True  # no save, no revision, no history entry

    def _save_feature(self, request, article, values):
        try:
            if values["home_placement"]:
                publishing.article_feature(
                    article=article,
                    user=request.user,
                    placement=values["home_placement"],
                    starts_at=values["feature_starts_at"],
                    ends_at=values["feature_ends_at"],
                )
            else:
                publishing.article_unfeature(article=article, user=request.user)
        except (publishing.FeatureRefused, PermissionDenied) as refused:
            self.message_user(request, str(refused), messages.WARNING)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "nothing_changed", False) and level == messages.SUCCESS:
            message, level = _("Nothing was changed, so nothing was saved."), messages.INFO
        super().message_user(request, message, level, *args, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is Translation:
            # The one road to readiness, whatever the form posted; a pane that left it alone
            # keeps what the database holds now.
            for pane in formset.forms:
                if pane.has_changed() and not pane.cleaned_data.get("DELETE"):
                    chosen = "status" in pane.changed_data
                    publishing.translation_move(
                        translation=pane.instance,
                        user=request.user,
                        status=pane.instance.status if chosen else None,
                        save=False,
                    )
        super().save_formset(request, form, formset, change)
        for pane in formset.forms:
            if removed := getattr(pane, "sanitizer_removed", None):
                self.message_user(
                    request,
                    _("%(language)s body: not kept, as pages cannot show it safely: %(removed)s")
                    % {
                        "language": pane.pane_label,
                        "removed": clauses(message_text(item) for item in removed),
                    },
                    messages.WARNING,
                )
        if formset.model is Image:
            for image_form in formset.forms:
                if image_form.instance.pk and "file" in image_form.changed_data:
                    make_renditions(image_form.instance)

    # List columns

    @admin.display(description=_("image"))
    def thumbnail(self, article):
        lead = next(iter(article.images.all()), None)
        return _thumbnail(lead, height=48) if lead else ""

    @admin.display(description=_("headline"))
    def headline(self, article):
        translation = article.translation_for(get_language())
        title = translation.title if translation else article.original_url
        badges = []
        if feature := _feature_of(article):
            badges.append(("desk-badge-feature", feature.placement_label()))
        if article.has_open_conflict:
            badges.append(("desk-badge-conflict", _("import conflict")))
        return format_html(
            "{} {}",
            title,
            format_html_join(" ", '<span class="desk-badge {}">{}</span>', badges),
        )

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, article):
        state = _state(article)
        return format_html(
            '<span class="desk-badge desk-status-{}">{}</span>', state, State(state).label
        )

    @admin.display(description=_("for readers"))
    def workflow_state(self, article):
        status = _state(article)
        if status == State.SCHEDULED:
            note = _sentence(
                _("Goes live by itself at %(time)s.") % {"time": _local_time(article.published_at)}
            )
        elif status == State.PUBLISHED:
            note = _("Readers see this story.")
        elif status == State.ENDED:
            note = _("Ended at %(time)s: readers no longer see this story.") % {
                "time": _local_time(article.unpublish_at)
            }
        else:
            note = _("Readers do not see this story until an editor publishes it.")
        if status in (State.SCHEDULED, State.PUBLISHED):
            if article.pk and not article.translations.ready().exists():
                waiting = _(
                    "No translation is ready: readers see the story once an editor marks one ready."
                )
                note = waiting if status == State.PUBLISHED else format_html("{} {}", note, waiting)
            if article.unpublish_at:
                ends = _("Ends by itself at %(time)s.") % {
                    "time": _local_time(article.unpublish_at)
                }
                note = format_html("{} {}", note, ends)
        return format_html(
            '<span class="desk-badge desk-status-{}">{}</span> {}',
            status,
            State(status).label,
            note,
        )

    @admin.display(description=_("languages"))
    def languages(self, article):
        states = desk.language_states(article)
        return format_html_join(
            " ",
            '<span class="desk-lang desk-lang-{}" title="{}">{}</span>',
            (
                (state, desk.LANGUAGE_STATE_LABELS[state], languages.SHORT_NAMES[language])
                for language, state in states.items()
            ),
        )

    @admin.display(description=_("tags"))
    def tag_list(self, article):
        return listed(tag_name(tag) for tag in article.tags.all())

    @admin.display(description=_("original article"))
    def original_link(self, article):
        if not article.original_url:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            article.original_url,
            _("Open the original"),
        )

    # Bulk actions, each through the service that checks the user's rights again.

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._run_action(
            request, queryset, publishing.article_submit_for_review, _("%(count)d submitted.")
        )

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request, queryset):
        self._run_action(request, queryset, publishing.article_publish, _("%(count)d published."))
        waiting = queryset.exclude(Article.objects.has_ready_translation()).count()
        if waiting:
            self.message_user(
                request,
                _(
                    "%(count)d of them have no translation ready: readers see them once an "
                    "editor marks one ready."
                )
                % {"count": waiting},
                messages.WARNING,
            )

    @admin.action(description=_("Unpublish"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run_action(
            request, queryset, publishing.article_unpublish, _("%(count)d unpublished.")
        )

    @admin.action(description=_("Make the lead story of the home page"), permissions=["feature"])
    def make_lead(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one story as the lead."), messages.WARNING)
            return
        feature = partial(publishing.article_feature, placement=Feature.Placement.LEAD)
        self._run_action(request, queryset, feature, _("%(count)d made the lead story."))

    @admin.action(description=_("Pin to the home page"), permissions=["feature"])
    def pin(self, request, queryset):
        feature = partial(publishing.article_feature, placement=Feature.Placement.PINNED)
        self._run_action(request, queryset, feature, _("%(count)d pinned."))

    @admin.action(description=_("Take off the home page"), permissions=["feature"])
    def unfeature(self, request, queryset):
        self._run_action(
            request,
            queryset,
            publishing.article_unfeature,
            _("%(count)d taken off the home page."),
        )

    def _run_action(self, request, queryset, service, done_message):
        done, refused = 0, 0
        for article in queryset:
            try:
                service(article=article, user=request.user)
                done += 1
            except PermissionDenied:
                refused += 1
            except publishing.FeatureRefused as error:
                self.message_user(request, f"{article}: {error}", messages.WARNING)
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("%(count)d stories were left as they were: you may not change them.")
                % {"count": refused},
                messages.WARNING,
            )

    # Pages of our own: the translation desk and the conflict buttons.

    def get_urls(self):
        return [
            path(
                "translation-desk/",
                self.admin_site.admin_view(self.translation_desk_view),
                name="articles_article_translation_desk",
            ),
            path(
                "home-page/",
                self.admin_site.admin_view(self.home_page_view),
                name="articles_article_home_page",
            ),
            path(
                "<path:object_id>/conflicts/<int:record_id>/",
                self.admin_site.admin_view(self.conflict_view),
                name="articles_article_conflict",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.revision_compare_view),
                name="articles_article_revision_changes",
            ),
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="articles_article_presence",
            ),
        ] + super().get_urls()

    def translation_desk_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:articles_article_changelist")
        rows = [
            {
                "language": label,
                "problem": problem_label,
                "cells": [
                    {
                        "count": counts[state],
                        "url": changelist + "?" + urlencode({problem: language, "status": state}),
                    }
                    for state in State.values
                ],
            }
            for language, label in languages.CHOICES
            for problem, problem_label, counts in desk.translation_gaps(language)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translation desk"),
            "statuses": State.labels,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/articles/translation_desk.html", context)

    def home_page_view(self, request):
        """What the home page shows first, in order, and whether readers see it now; editors
        move the pinned stories up and down, or take stories off."""
        if not can_see_features(request.user):
            raise PermissionDenied
        if request.method == "POST":
            return self._home_page_change(request)
        now = timezone.now()
        features = Feature.objects.select_related("featured_by").order_by("position")
        stories = Article.objects.filter(feature__in=features).prefetch_related("translations")
        stories = {article.pk: article for article in stories}
        # What readers see first now: the readers' rule and the features' rule, asked.
        shown = set(Article.objects.published(now).featured(now).values_list("pk", flat=True))
        rows = [
            {
                "feature": feature,
                "article": stories[feature.article_id],
                "shown": feature.article_id in shown,
                "when": _feature_when(feature, now),
                "change_url": reverse("admin:articles_article_change", args=[feature.article_id]),
            }
            for feature in features
        ]
        pinned = [row for row in rows if row["feature"].placement == Feature.Placement.PINNED]
        for index, row in enumerate(pinned):
            row["up"], row["down"] = index > 0, index < len(pinned) - 1
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Home page"),
            "rows": rows,
            "pinned_places": PINNED_PLACES,
            "may_change": can_feature(request.user),
        }
        return TemplateResponse(request, "admin/articles/home_page.html", context)

    def _home_page_change(self, request):
        pk = request.POST.get("article", "")
        article = get_object_or_404(Article, pk=pk if pk.isdigit() else None)
        change = {
            "up": partial(publishing.feature_move, offset=-1),
            "down": partial(publishing.feature_move, offset=1),
            "remove": publishing.article_unfeature,
        }.get(request.POST.get("change"))
        if change is None:
            raise PermissionDenied
        change(article=article, user=request.user)
        return HttpResponseRedirect(reverse("admin:articles_article_home_page"))

    def conflict_view(self, request, object_id, record_id):
        # Rights first: a staff member without them learns nothing, not even what exists.
        if not self.has_change_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=object_id)
        record = get_object_or_404(ImportRecord, pk=record_id, article=article)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        key = request.POST.get("key", "")
        settle = {"take": publishing.conflict_take, "keep": publishing.conflict_keep}.get(
            request.POST.get("choice")
        )
        if settle is None:
            raise PermissionDenied
        try:
            settle(record=record, key=key, user=request.user)
        except ValueError as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            self.message_user(
                request, _settled_message(settle, capfirst(describe(key))), messages.SUCCESS
            )
        return HttpResponseRedirect(change_url)

    def presence_view(self, request, object_id):
        """The change form's heartbeat (POST, CSRF-checked by admin_view): who else has the
        story open. `action=leave` when the page goes away."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        page = request.POST.get("page", "")[:32]
        if request.POST.get("action") == "leave":
            presence.presence_leave(article=article, user=request.user, page=page)
            return JsonResponse({"others": []})
        presence.presence_beat(article=article, user=request.user, page=page)
        return JsonResponse(
            {"others": presence.presence_others(article=article, user=request.user)}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is not None and self.has_change_permission(request, article):
            extra_context = {
                "presence": {
                    "url": reverse("admin:articles_article_presence", args=[article.pk]),
                    "heartbeat": presence.HEARTBEAT_SECONDS,
                    "others": presence.presence_others(article=article, user=request.user),
                },
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_compare_view(self, request, object_id, version_id):
        """What one save changed: this revision of the story against the one before it."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        version = get_object_or_404(versions, pk=version_id)
        earlier = versions.filter(pk__lt=version.pk).order_by("-pk").first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "object_id": article.pk,
            "title": _("Changes saved %(time)s")
            % {"time": _local_time(version.revision.date_created)},
            "revision": version.revision,
            "comment": comment_text(version.revision.comment),
            "revision_changes": revision_compare(
                version.revision, earlier.revision if earlier else None
            ),
            "restore_url": reverse(
                "admin:articles_article_revision", args=[article.pk, version.pk]
            ),
        }
        return TemplateResponse(request, "admin/articles/article/revision_changes.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Reversion's restore page, with what restoring would change listed on top."""
        _check_may_restore(request)
        request.restoring = True
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        context = {"revision_changes": revision_changes(version.revision), **(extra_context or {})}
        live = Article.objects.filter(pk=version.object_id).values_list("slug", flat=True)
        slug_before = live.first()
        response = super().revision_view(request, object_id, version_id, context)
        if request.method == "POST" and response.status_code == 302:
            # Reversion puts the old story back with a raw save: a slug it changes leaves
            # the address readers had as a redirect here, as an editor's change does.
            if slug_before and live.first() != slug_before:
                slug_redirect(slug_before, Article.objects.get(pk=version.object_id))
            # Reversion words the restore in the restorer's language; kept as our own comment,
            # it reads in the language of whoever looks at the history.
            restored = Version.objects.get_for_object_reference(Article, version.object_id)
            restored = restored.filter(revision__user=request.user).values("revision").first()
            if restored:
                when = version.revision.date_created.isoformat()
                Revision.objects.filter(pk=restored["revision"]).update(
                    comment=stored_message(_("Restored the version saved on %(time)s"), time=when)
                )
        return response

    # History: each entry kept in a form any language can show (articles/revisions.py).

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def log_change(self, request, obj, message):
        if getattr(request, "nothing_changed", False):
            return None
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        for action in response.context_data.get("action_list", []):
            action["comment"] = comment_text(action["revision"].comment)
        return response

    def recover_view(self, request, version_id, extra_context=None):
        _check_may_restore(request)
        return super().recover_view(request, version_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["open_conflicts"] = desk.open_conflicts(obj)
            context["preview_links"] = _preview_links(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def _restoring(request) -> bool:
    """A restore: reversion has put the old version in the database before the form is
    processed, so the form matches the database, yet the restore is a change to record."""
    return getattr(request, "restoring", False)


def _feature_of(article: Article) -> Feature | None:
    try:
        return article.feature
    except Feature.DoesNotExist:
        return None


def _feature_when(feature: Feature, now) -> str:
    """When a feature shows, in the editor's words."""
    if feature.ends_at and feature.ends_at <= now:
        return _sentence(_("Ended at %(time)s.") % {"time": _local_time(feature.ends_at)})
    parts = []
    if feature.starts_at and feature.starts_at > now:
        parts.append(_("From %(time)s.") % {"time": _local_time(feature.starts_at)})
    if feature.ends_at:
        parts.append(_("Until %(time)s.") % {"time": _local_time(feature.ends_at)})
    return " ".join(_sentence(part) for part in parts) or _("Until taken off.")


def _state(article: Article) -> str:
    """The story's state as the admin's queryset annotates it (a form for a new story has none)."""
    if hasattr(article, "state"):
        return article.state
    if article.pk:
        return Article.objects.with_state().values_list("state", flat=True).get(pk=article.pk)
    return article.status


def _check_may_restore(request):
    """Restoring a version can publish, unpublish or drop a translation: editors only.
    Anyone who may see the story may still look at its earlier versions."""
    if request.method == "POST" and not can_publish(request.user):
        raise PermissionDenied


def _settled_message(settle, field_label):
    if settle is publishing.conflict_take:
        return _("%(field)s: the imported value replaced yours.") % {"field": field_label}
    return _("%(field)s: your value stays.") % {"field": field_label}


def _preview_links(article):
    """Staff preview of the story as readers will see it, one link per language."""
    links = []
    for language, label in languages.CHOICES:
        with translation.override(language):
            try:
                url = reverse("article_preview", kwargs={"pk": article.pk})
            except NoReverseMatch:
                return []
        links.append({"label": label, "url": url, "language": language})
    return links


def _thumbnail(image, *, height):
    url = rendition_url(image, width=480) if image else ""
    if not url:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" class="desk-thumb" height="{}">',
        url,
        label_in(image.alt_text),
        height,
    )


# -- Sources, imports ---------------------------------------------------------------------------


def change_message_per_language(message: list, form, formsets) -> list:
    """Django's change `message`, with label fields named per language changed: an edit of
    the English caption is "Changed Caption (English)", and the Chinese one is not named."""
    changed = iter(
        next((f for f in formset.forms if f.instance is obj), None)
        for formset in formsets or []
        for obj, _fields in formset.changed_objects
    )
    with translation.override(None):
        for entry in message:
            if "changed" not in entry:
                continue
            changed_form = next(changed, None) if "name" in entry["changed"] else form
            if changed_form is not None:
                entry["changed"]["fields"] = changed_field_labels(changed_form)
    return message


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["source_name", "domain", "homepage_url", "story_count"]
    search_fields = ["domain", *label_search_fields("name")]
    ordering = ["domain"]  # the count's GROUP BY drops Meta.ordering
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("articles"))

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        return change_message_per_language(message, form, formsets)

    @admin.display(description=_("name"))
    def source_name(self, source):
        return source.display_name()

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, source):
        return source.story_count


class ReadOnlyAdmin(admin.ModelAdmin):
    """The import's own records: evidence, not something to edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "outcome_counts"]
    fields = ["started_at", "finished_at", "outcome_counts", "run_options", "records"]
    readonly_fields = fields

    @admin.display(description=_("files"))
    def outcome_counts(self, run):
        """How many files had each outcome, labelled, in the import's own order."""
        return format_html_join(
            " ",
            '<span class="desk-count-pair desk-outcome-{}">{} <b>{}</b></span>',
            (
                (outcome, label, run.counts.get(outcome, 0))
                for outcome, label in ImportRecord.Outcome.choices
            ),
        )

    @admin.display(description=_("options"))
    def run_options(self, run):
        labels = {"publish": _("Publish"), "fetch_images": _("Download images")}
        return format_html_join(
            " ",
            '<span class="desk-count-pair">{} <b>{}</b></span>',
            (
                (label, _("yes") if run.options.get(name) else _("no"))
                for name, label in labels.items()
                if name in run.options
            ),
        )

    @admin.display(description=_("import records"))
    def records(self, run):
        url = reverse("admin:articles_importrecord_changelist") + f"?run__id__exact={run.pk}"
        return format_html('<a href="{}">{}</a>', url, _("The files of this run"))


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = ["path", "outcome", "article", "created_at", "resolved_at"]
    list_filter = ["outcome"]
    search_fields = ["path", "sha256"]
    # What the import stored as JSON, read as labelled tables in the editor's language.
    fields = [
        "path",
        "run",
        "article",
        "outcome",
        "created_at",
        "outcome_message",
        "warning_list",
        "conflict_table",
        "resolved_at",
        "parsed_table",
        "removed",
        "sha256",
        "encoding",
        "raw_text",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("article__translations")

    @admin.display(description=_("message"))
    def outcome_message(self, record):
        return comment_text(record.message) or "—"

    @admin.display(description=_("warnings"))
    def warning_list(self, record):
        warnings = ((comment_text(warning),) for warning in record.warnings)
        return format_html_join("", "<div>{}</div>", warnings) or "—"

    @admin.display(description=_("conflicts"))
    def conflict_table(self, record):
        rows = desk.record_conflict_rows(record)
        if not rows:
            return "—"
        return render_to_string("admin/articles/importrecord/conflicts.html", {"rows": rows})

    @admin.display(description=_("what the file gave"))
    def parsed_table(self, record):
        rows = desk.record_parsed_rows(record)
        if not rows:
            return "—"
        return format_html(
            '<table class="desk-record-table"><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td><div class="desk-record-value">{}</div></td></tr>',
                rows,
            ),
        )

    @admin.display(description=_("removed by the sanitiser"))
    def removed(self, record):
        return sanitizer_removed_html(record)


# -- Topics ---------------------------------------------------------------------------------------


class TagLabelInline(admin.StackedInline):
    """The topic's name for readers of each language, on the tag's own page."""

    model = TagLabel
    can_delete = False
    min_num = max_num = 1
    verbose_name = verbose_name_plural = _("names for readers")


class TagMergeForm(forms.Form):
    name = forms.CharField(
        label=_("merged tag"),
        max_length=Tag._meta.get_field("name").max_length,
        help_text=_("A new name, or the name of an existing tag."),
    )


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(taggit_admin.TagAdmin):
    inlines = [TagLabelInline, *taggit_admin.TagAdmin.inlines]
    list_display = ["name", "reader_names", "slug", "story_count"]
    list_select_related = ["label"]
    search_fields = ["name", *label_search_fields("label__name")]
    # taggit's own merge asks in English and keeps the merged tags; this one asks in the
    # editor's language and merges through tags.tag_merge.
    actions = ["merge"]

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)  # without taggit's merge page

    @admin.display(description=_("names for readers"))
    def reader_names(self, tag):
        return " / ".join(tag_name(tag, code) for code in languages.CODES)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        return change_message_per_language(message, form, formsets)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("taggit_taggeditem_items"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, tag):
        return tag.story_count

    @admin.action(description=_("Merge the selected tags"), permissions=["change"])
    def merge(self, request, queryset):
        """A page that asks for the merged tag's name, then the merge (Django's pattern for an
        action that needs an answer: the chosen tags ride along in the form)."""
        form = TagMergeForm(request.POST if "merge" in request.POST else None)
        if form.is_valid():
            names = listed(tag.name for tag in queryset)
            target = tag_merge(tags=list(queryset), into=form.cleaned_data["name"])
            self.message_user(
                request,
                spaced_format(_("Merged %(names)s into %(tag)s."), names=names, tag=target.name),
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge tags"),
            "form": form,
            "tags": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)
