"""The writes of the import: one parsed file merged into its story, in one transaction."""

import hashlib
import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from .. import languages
from ..archive import archive_recount
from ..cache import page_generation_bump
from ..image_fetch import fetch_images
from ..images import CleanImage, make_renditions
from ..messages import message_text, stored_error, stored_message
from ..models import Article, Image, ImportRecord, ImportRun, Source, Translation, slugs_taken
from ..outlets import outlet_for, source_domain
from ..revisions import StoryRevision, save_story_revision, save_story_revisions
from ..rows import new_row_fields, objects_create, rows_insert, template_rows
from ..search import search_index_update
from .apply import apply_values, current_values, new_translation_status
from .fieldkeys import (
    IMAGE_LABEL_FIELDS,
    PUBLISHED_AT,
    TRANSLATION,
    FieldKey,
    parsed_values,
)
from .merge import plan_merge
from .parsers.base import ParsedArticle, ParsedImage
from .parsers.language import label_of
from .parsers.urls import domain_of
from .pipeline import StoryFile

logger = logging.getLogger(__name__)
Outcome = ImportRecord.Outcome
# Each download may take the whole image deadline and hold an image in memory until the file's
# transaction: a bound on both per file, and on the images held for one write of new stories.
MAX_DOWNLOADS_PER_FILE = 20
MAX_DOWNLOADS_PER_WRITE = MAX_DOWNLOADS_PER_FILE


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
        self.given_slugs: set[str] = set()  # given to a story of the batch, maybe not yet saved

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
        self.free_slugs = slugs - slugs_taken(slug__in=slugs)
        self.given_slugs = set()

    def forget(self):
        self.sources.clear()
        self.tags.clear()
        self.new_urls.clear()
        self.free_slugs.clear()
        self.given_slugs.clear()


class UnchangedFiles:
    """Files imported before byte for byte are unchanged: one query a batch finds them, and
    their records wait to be written a few thousand at a time, one statement and one commit
    for them all (a commit rewrites every index page the records touched since the last)."""

    WRITE_EVERY = 5000  # records; a few hundred KB held, a few tens of ms a write

    def __init__(self, run: ImportRun):
        self.run = run
        self.rows: list[tuple[str, str, int]] = []  # path, sha256, article

    def sort_out(self, files: list[StoryFile]) -> tuple[list[StoryFile], list[FileResult]]:
        """The files still to import, and the results of the unchanged others."""
        imported = dict(
            ImportRecord.objects.applied()
            .filter(sha256__in={f.sha256 for f in files if f.sha256}, article__isnull=False)
            .order_by()  # any record will do: read from the index alone, not sorted by time
            .values_list("sha256", "article_id")
        )
        todo, results = [], []
        for story_file in files:
            article = imported.get(story_file.sha256)
            if article is None:
                todo.append(story_file)
                continue
            story_file.data = b""  # nothing more to do with its bytes
            self.rows.append((story_file.name, story_file.sha256, article))
            results.append(
                FileResult(path=story_file.name, outcome=Outcome.UNCHANGED, article_id=article)
            )
        if len(self.rows) >= self.WRITE_EVERY:
            self.write()
        return todo, results

    def write(self) -> None:
        """The records waiting, as `bulk_create` would write them, in one `executemany`: what
        they share (the run, the outcome, the empty fields, the time) is made a database value
        once, not once a file."""
        if not self.rows:
            return
        fields = new_row_fields(ImportRecord)
        template = ImportRecord(run=self.run, outcome=Outcome.UNCHANGED)
        shared = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
        names = [field.name for field in fields]
        path, sha256, article = (names.index(name) for name in ("path", "sha256", "article"))
        rows = []
        for row in self.rows:
            values = shared.copy()
            values[path], values[sha256], values[article] = row
            rows.append(values)
        rows_insert(ImportRecord, fields, rows)
        self.rows = []


def story_files_import(
    *, run: ImportRun, story_files: list[StoryFile], options: ImportOptions, known: RunCache
) -> list[FileResult]:
    """A batch of parsed files, results in the files' order.

    The files that bring a new story (its URL unknown when the batch began, first in the batch)
    are written together: one transaction, a few statements per table for all of them. Every
    other file is merged one by one (`story_file_import`), after them. Should the write of the
    new stories fail, for any one of them or because another writer created one meanwhile,
    it leaves nothing behind and each of its files is imported again on its own, so that a
    bad file fails alone and the rest import.
    """
    new, others = [], []
    for story_file in story_files:
        parsed = story_file.parsed
        if parsed and parsed.original_url in known.new_urls:
            known.new_urls.discard(parsed.original_url)  # a later file of the story merges
            new.append(story_file)
        else:
            others.append(story_file)
    results: dict[int, FileResult] = {}
    for group in _download_groups(new, options):
        stories = [f.parsed for f in group]
        downloads = _download_images(stories, stored=set()) if _fetches_images(options) else {}
        try:
            with transaction.atomic():
                created = _stories_create(
                    run=run, story_files=group, downloads=downloads, options=options, known=known
                )
            results.update(zip(map(id, group), created, strict=True))
        except Exception:  # noqa: BLE001  each file again on its own, which reports the error
            logger.debug("Writing %d new stories together failed", len(group), exc_info=True)
            known.forget()
            for story_file in group:
                results[id(story_file)] = story_file_import(
                    run=run,
                    story_file=story_file,
                    options=options,
                    known=known,
                    downloads=downloads,
                )
    for story_file in others:
        results[id(story_file)] = story_file_import(
            run=run, story_file=story_file, options=options, known=known
        )
    return [results[id(story_file)] for story_file in story_files]


def _download_groups(new: list[StoryFile], options: ImportOptions) -> Iterator[list[StoryFile]]:
    """The new stories in groups written together: all at once without downloads, else
    groups whose images, held in memory until their write, are MAX_DOWNLOADS_PER_WRITE at most."""
    if not _fetches_images(options):
        if new:
            yield new
        return
    group, images = [], 0
    for story_file in new:
        count = min(len(story_file.parsed.images), MAX_DOWNLOADS_PER_FILE)
        if group and images + count > MAX_DOWNLOADS_PER_WRITE:
            yield group
            group, images = [], 0
        group.append(story_file)
        images += count
    if group:
        yield group


def _stories_create(
    *, run, story_files: list[StoryFile], downloads, options: ImportOptions, known: RunCache
) -> list[FileResult]:
    """New stories, each with its translations, images, tags, import record and revision:
    every table written once for all of them."""
    stories = [f.parsed for f in story_files]
    articles, children = _articles_create(
        stories=stories,
        publish=options.publish,
        known=known,
        documents=[f.search_document for f in story_files],
    )
    if downloads:
        _attach_downloads(
            images=[c for c in itertools.chain(*children.values()) if isinstance(c, Image)],
            downloads=downloads,
        )
    _created_records_insert(run, story_files, articles)
    save_story_revisions(
        [
            StoryRevision(
                article=article,
                comment=f"Import of {Path(f.name).name}: {Outcome.CREATED}",
                title=f.parsed.translations[0].title,
                children=children[article.pk],
            )
            for article, f in zip(articles, story_files, strict=True)
        ]
    )
    return [
        FileResult(
            path=f.name,
            outcome=Outcome.CREATED,
            article_id=article.pk,
            title=f.parsed.translations[0].title,
            warnings=[message_text(warning) for warning in f.parsed.warnings],
        )
        for f, article in zip(story_files, articles, strict=True)
    ]


def _created_records_insert(run, story_files: list[StoryFile], articles: list[Article]) -> None:
    """The import records of new stories, the values `_record` gives them, written as rows:
    what the records share (the run, the outcome, the time, the empty fields) is made a
    database value once, and each JSON value is prepared as `bulk_create` prepares it."""
    parsed, removed, warnings = (
        ImportRecord._meta.get_field(name).get_db_prep_save
        for name in ("parsed", "sanitizer_removed", "warnings")
    )
    rows_insert(
        ImportRecord,
        *template_rows(
            ImportRecord(run=run, outcome=Outcome.CREATED),
            RECORD_FILE_FIELDS,
            (
                (
                    f.name,
                    f.sha256,
                    f.text,
                    f.encoding,
                    article.pk,
                    parsed(f.parsed.to_json(), connection),
                    removed(f.parsed.sanitizer_removed, connection),
                    warnings(list(f.parsed.warnings), connection),
                )
                for f, article in zip(story_files, articles, strict=True)
            ),
        ),
    )


# What each file gives its import record (`_record`), in `_created_records_insert`'s order.
RECORD_FILE_FIELDS = (
    "path",
    "sha256",
    "raw_text",
    "encoding",
    "article",
    "parsed",
    "sanitizer_removed",
    "warnings",
)


def _record(*, run, story_file: StoryFile, article=None, outcome="") -> ImportRecord:
    parsed = story_file.parsed
    return ImportRecord(
        run=run,
        path=story_file.name,
        sha256=story_file.sha256,
        raw_text=story_file.text,
        encoding=story_file.encoding,
        article=article,
        outcome=outcome,
        parsed=parsed.to_json() if parsed else None,
        sanitizer_removed=parsed.sanitizer_removed if parsed else [],
        warnings=list(parsed.warnings) if parsed else [],
    )


def _file_result(record: ImportRecord, parsed: ParsedArticle, conflicts=()) -> FileResult:
    return FileResult(
        path=record.path,
        outcome=record.outcome,
        message=message_text(record.message),
        article_id=record.article_id,
        title=parsed.translations[0].title,
        warnings=[message_text(warning) for warning in record.warnings],
        conflicts=list(conflicts),
    )


def story_file_import(
    *,
    run: ImportRun,
    story_file: StoryFile,
    options: ImportOptions,
    known: RunCache,
    downloads: dict | None = None,
) -> FileResult:
    """Merge one parsed file into its story, all or nothing; a failure fails this file only.

    `downloads` are its images when they were fetched already."""
    if story_file.parsed is None:
        return _failed(_record(run=run, story_file=story_file), story_file.error)
    parsed = story_file.parsed
    # Downloads happen before the transaction: no database lock is held while waiting on a server.
    if downloads is None and _fetches_images(options):
        downloads = _download_images([parsed], stored=_stored_images(parsed))
    record = _record(run=run, story_file=story_file)  # with the warnings of the downloads
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
                return _failed(
                    record,
                    stored_message(
                        gettext_lazy("could not be saved: another writer held the story")
                    ),
                )
        except Exception as error:  # noqa: BLE001  one bad file must never stop the run
            logger.debug("Import of %s failed", record.path, exc_info=True)
            known.forget()
            return _failed(
                record,
                stored_message(gettext_lazy("could not be saved: %(error)s"), error=str(error)),
            )
    raise AssertionError("unreachable")


def _file_write(
    *, record, parsed, downloads, options: ImportOptions, known: RunCache, comment: str
) -> FileResult:
    with transaction.atomic():
        result, children = _merge_into_article(
            record=record, parsed=parsed, options=options, known=known
        )
        if downloads:
            images = Image.objects.filter(article_id=result.article_id)
            _attach_downloads(images=images, downloads=downloads)
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
    return FileResult(path=record.path, outcome=Outcome.FAILED, message=message_text(message))


def _merge_into_article(
    *, record: ImportRecord, parsed: ParsedArticle, options: ImportOptions, known: RunCache
) -> tuple[FileResult, list | None]:
    """Merge into the article of the file's URL; with a new article, also its new children."""
    record.warnings = list(parsed.warnings)  # afresh on a second attempt
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
        had = {translation.language for translation in article.translations.all()}
        written = apply_values(article=article, values=plan.apply, create_missing=True)
        record.warnings += _new_drafts_warnings(article, written, had=had)
        if PUBLISHED_AT in plan.apply and PUBLISHED_AT not in written:
            record.warnings.append(
                stored_message(
                    gettext_lazy(
                        "the file has no publication time: the published story keeps its own"
                    )
                )
            )
        record.article, record.conflicts, conflicts = article, plan.conflicts, plan.conflicts
        if conflicts:
            record.outcome = Outcome.CONFLICT
            record.message = stored_message(
                gettext_lazy(
                    "kept what an editor changed (%(fields)s); the file's values wait in the "
                    "import record"
                ),
                fields=list(conflicts),
            )
        else:
            record.outcome = Outcome.UPDATED if written else Outcome.UNCHANGED
    return _file_result(record, parsed, conflicts), children


def _new_drafts_warnings(article: Article, written: dict, *, had: set[str]) -> list[str]:
    """What the record says of the translations the file added as drafts
    (`new_translation_status`): an editor has to mark them ready."""
    if new_translation_status(article) != Translation.Status.DRAFT:
        return []
    added = {FieldKey.parse(key) for key in written}
    added = {key.ident for key in added if key.kind == TRANSLATION} - had
    return [
        stored_message(
            gettext_lazy(
                "the %(language)s translation is new to a published story: it waits as a "
                "draft until an editor marks it ready"
            ),
            language=language,
        )
        for language in sorted(added)
    ]


def _article_create(
    *, parsed: ParsedArticle, publish: bool, known: RunCache
) -> tuple[Article, list]:
    """A new article with everything the file holds, and its translations and images."""
    [article], children = _articles_create(stories=[parsed], publish=publish, known=known)
    return article, children[article.pk]


def _articles_create(
    *, stories: list[ParsedArticle], publish: bool, known: RunCache, documents=None
) -> tuple[list[Article], dict[int, list]]:
    """New articles with everything their files hold, every table written once for them all;
    the articles, and the translations and images of each (by its id). `documents`, one for
    each story (or None), are their search documents made while parsing."""
    now = timezone.now()
    articles = objects_create(
        Article,
        (
            Article(
                source=known.source(url=parsed.original_url, code=parsed.source_code),
                original_url=parsed.original_url,
                slug=_unique_slug(parsed, known),
                published_at=parsed.published_at or (now if publish else None),
                status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
                original_language=parsed.original_language,
            )
            for parsed in stories
        ),
    )
    pairs = list(zip(articles, stories, strict=True))
    translations = objects_create(
        Translation,
        (
            Translation(article=article, status=Translation.Status.READY, **vars(t))
            for article, parsed in pairs
            for t in parsed.translations
        ),
    )
    images = objects_create(
        Image, (image_from(article, i) for article, parsed in pairs for i in parsed.images)
    )
    article_type = ContentType.objects.get_for_model(Article).pk
    rows_insert(
        Article.tags.through,
        *template_rows(
            Article.tags.through(content_type_id=article_type),
            ("tag", "object_id"),
            ((known.tag(name).pk, article.pk) for article, parsed in pairs for name in parsed.tags),
        ),
    )
    # These writes send no post_save: the index, the archive's counts and the page cache are
    # told here.
    search_index_update(
        [article.pk for article in articles],
        translations=translations,
        documents={
            article.pk: document
            for article, document in zip(articles, documents or [], strict=False)
            if document
        },
    )
    archive_recount(article.pk for article in articles)
    page_generation_bump()
    children: dict[int, list] = {article.pk: [] for article in articles}
    for child in [*translations, *images]:
        children[child.article_id].append(child)
    return articles, children


def image_from(article: Article, parsed: ParsedImage) -> Image:
    """A new image of the file: its texts under the language they are written for."""
    language = parsed.language or article.original_language or languages.CHINESE
    return Image(
        article=article,
        original_url=parsed.original_url,
        position=parsed.position,
        **{name: {language: getattr(parsed, name)} for name in IMAGE_LABEL_FIELDS},
    )


def _fetches_images(options: ImportOptions) -> bool:
    return options.fetch_images and not options.dry_run


def _stored_images(parsed: ParsedArticle) -> set[str]:
    """The images of the file's story that hold a file already: not downloaded again."""
    return set(
        Image.objects.filter(article__original_url=parsed.original_url)
        .exclude(file="")
        .values_list("original_url", flat=True)
    )


def _download_images(stories: list[ParsedArticle], *, stored: set[str]) -> dict[str, CleanImage]:
    """The images of these stories not yet stored, fetched at the same time within the bounds
    of `fetch_images`; a failed one is a warning of its story, and its URL is kept."""
    wanted: dict[str, ParsedArticle] = {}
    for parsed in stories:
        urls = [image.original_url for image in parsed.images]
        for n, url in enumerate(url for url in dict.fromkeys(urls) if url not in stored):
            if n < MAX_DOWNLOADS_PER_FILE:
                wanted.setdefault(url, parsed)
            else:
                parsed.warnings.append(
                    stored_message(
                        gettext_lazy(
                            "image %(url)s not downloaded: a file may bring %(limit)s images "
                            "at most"
                        ),
                        url=url,
                        limit=MAX_DOWNLOADS_PER_FILE,
                    )
                )
    downloads = {}
    with translation.override(None):  # reasons stored in English, said in the reader's
        fetched_all = fetch_images(wanted)
    for url, fetched in fetched_all.items():
        if isinstance(fetched, ValueError):
            wanted[url].warnings.append(
                stored_message(
                    gettext_lazy("image %(url)s not downloaded: %(reason)s"),
                    url=url,
                    reason=stored_error(fetched),
                )
            )
        else:
            downloads[url] = fetched
    return downloads


def _attach_downloads(*, images, downloads: dict[str, CleanImage]) -> None:
    for image in images:
        clean = downloads.get(image.original_url)
        if clean is None or image.file:
            continue
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
        taken = slugs_taken(slug__gte=base, slug__lt=f"{base}~") | known.given_slugs
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
    known.free_slugs.discard(slug)
    known.given_slugs.add(slug)
    return slug
