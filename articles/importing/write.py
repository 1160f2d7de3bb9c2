"""The writes of the import: one parsed file merged into its story, in one transaction."""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from .. import languages
from ..image_fetch import fetch_image
from ..images import CleanImage, make_renditions
from ..models import Article, Image, ImportRecord, ImportRun, Source, Translation
from ..outlets import outlet_for, source_domain
from ..revisions import save_story_revision
from ..search import search_index_update
from .apply import apply_values, current_values
from .fieldkeys import ARTICLE, IMAGE_LABEL_FIELDS, FieldKey, describe, parsed_values
from .merge import plan_merge
from .parsers.base import ParsedArticle, ParsedImage
from .parsers.language import label_of
from .parsers.urls import domain_of
from .pipeline import StoryFile

logger = logging.getLogger(__name__)
Outcome = ImportRecord.Outcome
PUBLISHED_AT = str(FieldKey(ARTICLE, "published_at"))
# Each download may take the whole image deadline and hold an image in memory until the file's
# transaction: a bound on both per file.
MAX_DOWNLOADS_PER_FILE = 20


@dataclass
class ImportOptions:
    publish: bool = False
    dry_run: bool = False
    fetch_images: bool = True


@dataclass
class FileResult:
    path: str
    outcome: str
    message: str = ""
    article_id: int | None = None
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


class RunCache:
    """Sources and tags met earlier in the run, so each costs one query per run, not per file.

    Forgotten whenever a file's transaction rolls back: what it created is gone too.
    """

    def __init__(self):
        self.sources: dict[tuple[str, str], Source] = {}
        self.tags: dict[str, Tag] = {}
        # Known free when the batch began, and not given to a story since.
        self.new_urls: set[str] = set()  # no article has this original URL
        self.free_slugs: set[str] = set()  # no article has this slug

    def source(self, *, url: str, code: str) -> Source:
        key = (domain_of(url), code)
        if key not in self.sources:
            self.sources[key] = source_for(url=url, code=code)
        return self.sources[key]

    def tag(self, name: str) -> Tag:
        if name not in self.tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            self.tags[name] = tag or Tag.objects.create(name=name)
        return self.tags[name]

    def look_up(self, parsed: list[ParsedArticle]) -> None:
        """Which URLs and slugs of a batch are free: two queries for the batch."""
        urls = {article.original_url for article in parsed}
        taken = Article.objects.filter(original_url__in=urls).values_list("original_url", flat=True)
        self.new_urls = urls - set(taken)
        slugs = {slug_base(article) for article in parsed}
        taken = Article.objects.filter(slug__in=slugs).values_list("slug", flat=True)
        self.free_slugs = slugs - set(taken)

    def forget(self):
        self.sources.clear()
        self.tags.clear()
        self.new_urls.clear()
        self.free_slugs.clear()


def record_unchanged(*, run: ImportRun, files: list[StoryFile]) -> tuple[list, list[FileResult]]:
    """Files imported before byte for byte are unchanged: one query and one insert for them
    all. Returns the files still to import and the results of the others."""
    imported = dict(
        ImportRecord.objects.applied()
        .filter(sha256__in={f.sha256 for f in files if f.sha256}, article__isnull=False)
        .values_list("sha256", "article_id")
    )
    unchanged = [f for f in files if f.sha256 in imported]
    for story_file in unchanged:
        story_file.data = b""  # nothing more to do with its bytes
    ImportRecord.objects.bulk_create(
        ImportRecord(
            run=run,
            path=f.name,
            sha256=f.sha256,
            article_id=imported[f.sha256],
            outcome=Outcome.UNCHANGED,
        )
        for f in unchanged
    )
    results = [
        FileResult(path=f.name, outcome=Outcome.UNCHANGED, article_id=imported[f.sha256])
        for f in unchanged
    ]
    return [f for f in files if f.sha256 not in imported], results


def story_file_import(
    *, run: ImportRun, story_file: StoryFile, options: ImportOptions, known: RunCache
) -> FileResult:
    """Merge one parsed file into its story, all or nothing; a failure fails this file only."""
    record = ImportRecord(
        run=run,
        path=story_file.name,
        sha256=story_file.sha256,
        raw_text=story_file.text,
        encoding=story_file.encoding,
    )
    if story_file.parsed is None:
        return _failed(record, story_file.error)
    parsed = story_file.parsed
    # Downloads happen before the transaction: no database lock is held while waiting on a server.
    downloads = _download_images(parsed) if options.fetch_images and not options.dry_run else {}
    for attempt in (1, 2):
        try:
            return _file_write(
                record=record,
                parsed=parsed,
                downloads=downloads,
                options=options,
                known=known,
                comment=f"Import of {Path(story_file.name).name}",
            )
        except IntegrityError:
            # Another import created the story meanwhile: merge into it instead.
            logger.debug("Import of %s met a concurrent write", record.path, exc_info=True)
            known.forget()
            record.pk, record._state.adding = None, True
            if attempt == 2:
                return _failed(record, _("could not be saved: another writer held the story"))
        except Exception as error:  # noqa: BLE001  one bad file must never stop the run
            logger.debug("Import of %s failed", record.path, exc_info=True)
            known.forget()
            return _failed(record, _("could not be saved: %(error)s") % {"error": error})
    raise AssertionError("unreachable")


def _file_write(
    *, record, parsed, downloads, options: ImportOptions, known: RunCache, comment: str
) -> FileResult:
    with transaction.atomic():
        result, children = _merge_into_article(
            record=record, parsed=parsed, options=options, known=known
        )
        if downloads:
            _attach_downloads(article_id=result.article_id, downloads=downloads)
            children = None  # the images changed: read them back
        record.save()
        if result.outcome != Outcome.UNCHANGED:
            save_story_revision(
                article=record.article,
                children=children,
                title=result.title,
                comment=f"{comment}: {result.outcome}",
            )
    return result


def _failed(record: ImportRecord, message: str) -> FileResult:
    record.article = None
    record.outcome = Outcome.FAILED
    record.message = message
    record.save()
    return FileResult(path=record.path, outcome=Outcome.FAILED, message=message)


def _merge_into_article(
    *, record: ImportRecord, parsed: ParsedArticle, options: ImportOptions, known: RunCache
) -> tuple[FileResult, list | None]:
    """Merge into the article of the file's URL; with a new article, also its new children."""
    record.parsed = parsed.to_json()
    record.sanitizer_removed = parsed.sanitizer_removed
    record.warnings = list(parsed.warnings)
    article = None
    if parsed.original_url in known.new_urls:
        known.new_urls.discard(parsed.original_url)  # a later file of the story must look
    else:
        # Locked to the end of the file's transaction, as the admin locks it to save: an
        # editor's save cannot land between this read and the merge's writes.
        article = (
            Article.objects.select_for_update()
            .filter(original_url=parsed.original_url)
            .prefetch_related("translations", "images", "tags")
            .first()
        )
    children, conflicts = None, {}
    if article is None:
        record.article, children = _article_create(
            parsed=parsed, publish=options.publish, known=known
        )
        record.outcome = Outcome.CREATED
    else:
        last = article.import_records.applied().order_by("-created_at", "-id").first()
        plan = plan_merge(
            base=parsed_values(last.parsed) if last else {},
            current=current_values(article),
            incoming=parsed_values(record.parsed),
        )
        written = apply_values(article=article, values=plan.apply, create_missing=True)
        if PUBLISHED_AT in plan.apply and PUBLISHED_AT not in written:
            record.warnings.append(
                _("the file has no publication time: the published story keeps its own")
            )
        record.article, record.conflicts, conflicts = article, plan.conflicts, plan.conflicts
        if conflicts:
            record.outcome = Outcome.CONFLICT
            record.message = _(
                "kept what an editor changed (%(fields)s); the file's values wait in the "
                "import record"
            ) % {"fields": ", ".join(describe(key) for key in conflicts)}
        else:
            record.outcome = Outcome.UPDATED if written else Outcome.UNCHANGED
    result = FileResult(
        path=record.path,
        outcome=record.outcome,
        message=record.message,
        article_id=record.article.pk,
        title=parsed.translations[0].title,
        warnings=record.warnings,
        conflicts=list(conflicts),
    )
    return result, children


def _article_create(
    *, parsed: ParsedArticle, publish: bool, known: RunCache
) -> tuple[Article, list]:
    """A new article with everything the file holds, in as few queries as it takes."""
    article = Article.objects.create(
        source=known.source(url=parsed.original_url, code=parsed.source_code),
        original_url=parsed.original_url,
        slug=_unique_slug(parsed, known),
        published_at=parsed.published_at or (timezone.now() if publish else None),
        status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        original_language=parsed.original_language,
    )
    translations = Translation.objects.bulk_create(
        Translation(article=article, status=Translation.Status.READY, **vars(translation))
        for translation in parsed.translations
    )
    search_index_update([article.pk])  # bulk_create sends no post_save
    images = Image.objects.bulk_create(image_from(article, image) for image in parsed.images)
    Article.tags.through.objects.bulk_create(
        Article.tags.through(content_object=article, tag=known.tag(name)) for name in parsed.tags
    )
    return article, [*translations, *images]


def image_from(article: Article, parsed: ParsedImage) -> Image:
    """A new image of the file: its texts under the language they are written for."""
    language = parsed.language or article.original_language or languages.CHINESE
    return Image(
        article=article,
        original_url=parsed.original_url,
        position=parsed.position,
        **{name: {language: getattr(parsed, name)} for name in IMAGE_LABEL_FIELDS},
    )


def _download_images(parsed: ParsedArticle) -> dict[str, CleanImage]:
    """Images not yet stored for this story; a failed one is a warning, its URL is kept."""
    stored = set(
        Image.objects.filter(article__original_url=parsed.original_url)
        .exclude(file="")
        .values_list("original_url", flat=True)
    )
    downloads = {}
    for image in parsed.images:
        if image.original_url in stored:
            continue
        if len(downloads) == MAX_DOWNLOADS_PER_FILE:
            parsed.warnings.append(
                _("image %(url)s not downloaded: a file may bring %(limit)d images at most")
                % {"url": image.original_url, "limit": MAX_DOWNLOADS_PER_FILE}
            )
            continue
        try:
            downloads[image.original_url] = fetch_image(image.original_url)
        except ValueError as error:
            parsed.warnings.append(
                _("image %(url)s not downloaded: %(reason)s")
                % {"url": image.original_url, "reason": error}
            )
    return downloads


def _attach_downloads(*, article_id: int, downloads: dict[str, CleanImage]) -> None:
    for image in Image.objects.filter(article_id=article_id, original_url__in=downloads, file=""):
        clean = downloads[image.original_url]
        name = f"{hashlib.sha256(clean.data).hexdigest()[:16]}.{clean.extension}"
        image.file.save(name, ContentFile(clean.data), save=False)
        # Django reads the size from the ContentFile storage has already read to its end.
        image.width, image.height = clean.width, clean.height
        image.save()
        make_renditions(image)


def source_for(*, url: str, code: str = "") -> Source:
    """The Source of an original URL, created on first sight with the outlet's known name.

    One Source per outlet whatever host the URL has (outlets.source_domain).
    """
    domain = source_domain(domain_of(url))
    outlet = outlet_for(domain, code)
    source, _created = Source.objects.get_or_create(
        domain=domain,
        defaults={
            # Known outlets are named "Reuters / 路透社": each half in its language.
            "name": label_of(*outlet.name.split(" / "), default=languages.ENGLISH)
            if outlet
            else {languages.ENGLISH: domain},
            "homepage_url": f"https://{'www.' if outlet else ''}{domain}/",
            "codes": list(outlet.codes) if outlet else [],
        },
    )
    if code and code not in source.codes:
        source.codes = [*source.codes, code]
        source.save(update_fields=["codes"])
    return source


def slug_base(parsed: ParsedArticle) -> str:
    """From the English headline, else from the words of the original URL's path."""
    english = parsed.translation(languages.ENGLISH)
    if english:
        words = english.title
    else:
        segments = re.split(r"[/.]", urlsplit(parsed.original_url).path)
        words = max(segments, key=lambda segment: len(re.findall(r"[a-z]", segment, re.I)))
    base = slugify(words)
    if len(base) > 80:
        base = base[:81].rsplit("-", 1)[0]
    return base.strip("-") or "story"


def _unique_slug(parsed: ParsedArticle, known: RunCache) -> str:
    base = slug_base(parsed)
    if base in known.free_slugs:
        slug = base
    else:
        # A range on the unique index: `startswith` would be a LIKE, a full scan on SQLite.
        taken = set(
            Article.objects.filter(slug__gte=base, slug__lt=f"{base}~").values_list(
                "slug", flat=True
            )
        )
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
    known.free_slugs.discard(slug)
    return slug
