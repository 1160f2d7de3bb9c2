"""The writes of the import: files in, articles merged, one transaction per file."""

import ctypes
import hashlib
import logging
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from reversion.models import Revision, Version
from taggit.models import Tag

from .image_fetch import fetch_image
from .images import CleanImage, make_renditions
from .importers.base import ParsedArticle, ParseError
from .importers.decode import decode_bytes
from .importers.detect import parse_story
from .importers.urls import domain_of
from .merge import current_values, describe_field, flatten, plan_merge
from .models import Article, Image, ImportRecord, ImportRun, Source, Translation
from .outlets import outlet_for

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
BATCH_SIZE = 500
# Parsing is pure and takes most of the time of a first import: worker processes do it while
# this process writes. Small runs are not worth starting them.
PARALLEL_FROM = 64
PR_SET_PDEATHSIG = 1
Outcome = ImportRecord.Outcome


@dataclass
class FileResult:
    path: str
    outcome: str
    message: str = ""
    article_id: int | None = None
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


@dataclass
class ImportOptions:
    publish: bool = False
    dry_run: bool = False
    fetch_images: bool = True


@dataclass
class ReadFile:
    """One file read and parsed, before any database work: what the worker processes return."""

    path: Path
    sha256: str = ""
    text: str = ""
    encoding: str = ""
    parsed: ParsedArticle | None = None
    error: str = ""


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

    def look_up_urls(self, urls: set[str]) -> None:
        existing = Article.objects.filter(original_url__in=urls).values_list(
            "original_url", flat=True
        )
        self.new_urls = urls - set(existing)

    def look_up_slugs(self, slugs: set[str]) -> None:
        taken = Article.objects.filter(slug__in=slugs).values_list("slug", flat=True)
        self.free_slugs = slugs - set(taken)

    def forget(self):
        self.sources.clear()
        self.tags.clear()
        self.new_urls.clear()
        self.free_slugs.clear()


def story_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and every file under directories named, in a stable order; dotfiles skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in relative):
                    yield child
        else:
            yield path


def import_run(
    *,
    paths: Iterable[Path],
    options: ImportOptions,
    on_result: Callable[[FileResult], None] = lambda result: None,
) -> dict[str, int]:
    """Import every story file under `paths`; return how many files had each outcome."""
    counts = {outcome: 0 for outcome in Outcome.values}
    files = iter(story_files(paths))
    first_batch = list(islice(files, BATCH_SIZE))
    parallel = len(first_batch) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
    # A real run commits file by file; a dry run wraps them all in one transaction to undo.
    with (
        transaction.atomic() if options.dry_run else nullcontext(),
        ProcessPoolExecutor(os.cpu_count(), initializer=_die_with_parent)
        if parallel
        else nullcontext() as pool,
    ):
        run = ImportRun.objects.create(
            options={"publish": options.publish, "fetch_images": options.fetch_images}
        )
        known = RunCache()
        # While this process writes one batch, the workers already parse the next.
        batch = _begin_batch(run=run, paths=first_batch, pool=pool)
        while batch:
            upcoming = list(islice(files, BATCH_SIZE))
            following = _begin_batch(run=run, paths=upcoming, pool=pool) if upcoming else None
            for result in _finish_batch(run=run, batch=batch, options=options, known=known):
                counts[result.outcome] += 1
                on_result(result)
            batch = following
        run.finished_at = timezone.now()
        run.counts = counts
        run.save(update_fields=["finished_at", "counts"])
        if options.dry_run:
            transaction.set_rollback(True)
    return counts


@dataclass
class Batch:
    unchanged: list[FileResult]
    read_files: Iterable[ReadFile]  # parsed by the workers, as they finish


def _begin_batch(*, run: ImportRun, paths: list[Path], pool) -> Batch:
    """Files already imported byte for byte are unchanged (one query for the whole batch);
    the others are handed to the parsing workers."""
    contents = {path: _read(path) for path in paths}
    digests = {
        path: hashlib.sha256(data).hexdigest()
        for path, data in contents.items()
        if isinstance(data, bytes)
    }
    imported = dict(
        ImportRecord.objects.applied()
        .filter(sha256__in=set(digests.values()), article__isnull=False)
        .values_list("sha256", "article_id")
    )
    unchanged = ImportRecord.objects.bulk_create(
        ImportRecord(
            run=run,
            path=str(path),
            sha256=digest,
            article_id=imported[digest],
            outcome=Outcome.UNCHANGED,
        )
        for path, digest in digests.items()
        if digest in imported
    )
    todo = [(path, data) for path, data in contents.items() if digests.get(path) not in imported]
    read_files = (
        pool.map(read_file, [path for path, _ in todo], [data for _, data in todo], chunksize=8)
        if pool and todo
        else (read_file(path, data) for path, data in todo)
    )
    return Batch(
        unchanged=[
            FileResult(path=record.path, outcome=Outcome.UNCHANGED, article_id=record.article_id)
            for record in unchanged
        ],
        read_files=read_files,
    )


def _finish_batch(
    *, run: ImportRun, batch: Batch, options: ImportOptions, known: RunCache
) -> Iterator[FileResult]:
    yield from batch.unchanged
    read_files = list(batch.read_files)
    parsed = [read.parsed for read in read_files if read.parsed]
    known.look_up_urls({article.original_url for article in parsed})
    known.look_up_slugs({slug_base(article) for article in parsed})
    for read in read_files:
        yield article_import_file(run=run, read=read, options=options, known=known)


def _read(path: Path) -> bytes | OSError:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return OSError(
                _("the file is larger than %(limit)d MB")
                % {"limit": MAX_FILE_BYTES // 1024 // 1024}
            )
        return path.read_bytes()
    except OSError as error:
        return error


def _die_with_parent() -> None:
    """A parsing worker ends when the import does, even one killed with SIGKILL (Linux)."""
    with suppress(OSError, AttributeError):  # elsewhere than Linux, it may outlive a SIGKILL
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def read_file(path: Path, data: bytes | OSError) -> ReadFile:
    """Decode and parse one file: pure, so it can run in a worker process."""
    read = ReadFile(path=path)
    try:
        if isinstance(data, OSError):
            raise ParseError(
                _("cannot read the file: %(reason)s") % {"reason": data.strerror or data}
            )
        read.sha256 = hashlib.sha256(data).hexdigest()
        read.text, read.encoding = decode_bytes(data)
        read.parsed = parse_story(read.text)
    except ParseError as error:
        read.error = str(error)
    except Exception as error:  # noqa: BLE001  a parser bug fails this file, not the run
        logger.debug("Parsing %s failed", path, exc_info=True)
        read.error = _("could not be parsed: %(error)s") % {"error": error}
    return read


def article_import_file(
    *, run: ImportRun, read: ReadFile, options: ImportOptions, known: RunCache
) -> FileResult:
    """Merge one parsed file into its article, all or nothing."""
    record = ImportRecord(
        run=run,
        path=str(read.path),
        sha256=read.sha256,
        raw_text=read.text,
        encoding=read.encoding,
    )
    if read.parsed is None:
        return _failed(record, read.error)
    parsed = read.parsed
    # Downloads happen before the transaction: no database lock is held while waiting on a server.
    downloads = _download_images(parsed) if options.fetch_images and not options.dry_run else {}
    try:
        with transaction.atomic():
            result, created = _merge_into_article(
                record=record, parsed=parsed, options=options, known=known
            )
            if downloads:
                _attach_downloads(article_id=result.article_id, downloads=downloads)
                created = None  # the images changed: read them back
            record.save()
            if result.outcome != Outcome.UNCHANGED:
                _save_revision(
                    article=record.article,
                    children=created,
                    title=result.title,
                    comment=f"Import of {read.path.name}: {result.outcome}",
                )
    except Exception as error:  # noqa: BLE001  one bad file must never stop the run
        logger.debug("Import of %s failed", read.path, exc_info=True)
        known.forget()
        return _failed(record, _("could not be saved: %(error)s") % {"error": error})
    return result


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
        try:
            downloads[image.original_url] = fetch_image(image.original_url)
        except ValueError as error:
            parsed.warnings.append(
                _("image %(url)s not downloaded: %(reason)s")
                % {"url": image.original_url, "reason": error}
            )
    return downloads


def _attach_downloads(*, article_id: int, downloads: dict[str, CleanImage]) -> None:
    if not downloads:
        return
    for image in Image.objects.filter(article_id=article_id, original_url__in=downloads, file=""):
        clean = downloads[image.original_url]
        name = f"{hashlib.sha256(clean.data).hexdigest()[:16]}.{clean.extension}"
        image.file.save(name, ContentFile(clean.data), save=False)
        # Django reads the size from the ContentFile storage has already read to its end.
        image.width, image.height = clean.width, clean.height
        image.save()
        make_renditions(image)


def _save_revision(*, article: Article, children: list | None, title: str, comment: str) -> None:
    """The article with its translations and images as one django-reversion revision.

    Written as reversion writes it (a Revision, one Version per object), without its generic
    follow machinery, which costs the import more than all its other queries together.
    `children` are the translations and images when the caller has them at hand.
    """
    if children is None:
        children = [
            *Translation.objects.filter(article=article),
            *Image.objects.filter(article=article),
        ]
    objects = [article, *children]
    revision = Revision.objects.create(comment=comment, date_created=timezone.now())
    Version.objects.bulk_create(
        Version(
            revision=revision,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            db=DEFAULT_DB_ALIAS,
            format="json",
            serialized_data=serializers.serialize("json", [obj]),
            object_repr=title if obj is article else str(obj),
        )
        for obj in objects
    )


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
    record.warnings = parsed.warnings
    if parsed.original_url in known.new_urls:
        known.new_urls.discard(parsed.original_url)  # a later file of the story must look
        article = None
    else:
        article = (
            Article.objects.filter(original_url=parsed.original_url)
            .prefetch_related("translations", "images", "tags")
            .first()
        )
    created = None
    if article is None:
        record.article, created = _article_create(
            parsed=parsed, publish=options.publish, known=known
        )
        record.outcome = Outcome.CREATED
        conflicts = {}
    else:
        last = article.import_records.applied().order_by("-created_at", "-id").first()
        plan = plan_merge(
            base=flatten(last.parsed) if last else {},
            current=current_values(article),
            incoming=flatten(record.parsed),
        )
        _article_apply(article=article, values=plan.apply)
        record.article, record.conflicts, conflicts = article, plan.conflicts, plan.conflicts
        if conflicts:
            record.outcome = Outcome.CONFLICT
            record.message = _(
                "kept what an editor changed (%(fields)s); the file's values wait in the "
                "import record"
            ) % {"fields": ", ".join(describe_field(key) for key in conflicts)}
        else:
            record.outcome = Outcome.UPDATED if plan.apply else Outcome.UNCHANGED
    result = FileResult(
        path=record.path,
        outcome=record.outcome,
        message=record.message,
        article_id=record.article.pk,
        title=parsed.translations[0].title,
        warnings=parsed.warnings,
        conflicts=list(conflicts),
    )
    return result, created


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
        Translation(article=article, **vars(translation)) for translation in parsed.translations
    )
    images = Image.objects.bulk_create(
        Image(article=article, **vars(image)) for image in parsed.images
    )
    Article.tags.through.objects.bulk_create(
        Article.tags.through(content_object=article, tag=known.tag(name)) for name in parsed.tags
    )
    return article, [*translations, *images]


def _article_apply(*, article: Article, values: dict) -> None:
    """Write merged values: article fields, then translations and images (created if new)."""
    by_object: dict[tuple[str, str], dict] = {}
    for key, value in values.items():
        kind, rest = key.split(":", 1)
        ident, _, name = rest.rpartition(":")
        by_object.setdefault((kind, ident), {})[name] = value
    translations = {t.language: t for t in article.translations.all()}
    images = {i.original_url: i for i in article.images.all() if i.original_url}
    new_translations, new_images = [], []
    for (kind, ident), fields in by_object.items():
        if kind == "article":
            if "tags" in fields:
                article.tags.set(fields.pop("tags"))
            if "published_at" in fields:
                article.published_at = parse_datetime(fields.pop("published_at") or "")
        elif kind == "translation":
            if ident in translations:
                _update(translations[ident], fields)
            else:
                new_translations.append(Translation(article=article, language=ident, **fields))
        elif kind == "image":
            if ident in images:
                _update(images[ident], fields)
            else:
                new_images.append(Image(article=article, original_url=ident, **fields))
    Translation.objects.bulk_create(new_translations)
    Image.objects.bulk_create(new_images)
    if values:
        article.save()  # after its translations and images, so listeners see the whole story


def _update(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


def source_for(*, url: str, code: str = "") -> Source:
    """The Source of an original URL, created on first sight with the outlet's known name."""
    host = domain_of(url)
    outlet = outlet_for(host, code)
    domain = outlet.domain if outlet and host.endswith(outlet.domain) else host
    source, _created = Source.objects.get_or_create(
        domain=domain,
        defaults={
            "name": outlet.name if outlet else domain,
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
    english = parsed.translation("en")
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
