"""The import: story files in, stories merged, one transaction per file.

    paths -> pipeline.find_story_files -> pipeline.read (bytes, sha256)
          -> write.record_unchanged (files imported before, byte for byte)
          -> pipeline.ParsingPool (parsers/: decode, detect, digest or feed; pure)
          -> write.story_files_import (new stories written together; the others merged one
             by one: merge.plan_merge, apply.apply_values, one transaction each)

`import_run` is the one entry: the management command and the tests call it.
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..models import ImportRecord, ImportRun
from .pipeline import PARALLEL_FROM, ParsingPool, batches, find_story_files, read
from .write import FileResult, ImportOptions, RunCache, record_unchanged, story_files_import

__all__ = ["FileResult", "ImportOptions", "import_run"]


def import_run(
    *,
    paths: Iterable[Path],
    options: ImportOptions,
    on_start: Callable[[int], None] = lambda total: None,
    on_result: Callable[[FileResult], None] = lambda result: None,
) -> dict[str, int]:
    """Import every story file under `paths`; return how many files had each outcome."""
    files = find_story_files(paths)
    on_start(len(files))
    counts = dict.fromkeys(ImportRecord.Outcome.values, 0)

    def report(result: FileResult) -> None:
        counts[result.outcome] += 1
        on_result(result)

    # A real run commits file by file; a dry run wraps them all in one transaction to undo.
    with (
        _fewer_collections(),
        transaction.atomic() if options.dry_run else nullcontext(),
        ParsingPool(parallel=len(files) >= PARALLEL_FROM) as pool,
    ):
        run = ImportRun.objects.create(
            options={"publish": options.publish, "fetch_images": options.fetch_images}
        )
        known = RunCache()
        # While this process writes one batch, the workers already parse the next.
        started = (_begin(run, batch, pool) for batch in batches(files))
        batch = next(started, None)
        while batch is not None:
            unchanged, parsing = batch
            batch = next(started, None)
            parsed = list(parsing)
            known.look_up([f.parsed for f in parsed if f.parsed])
            for result in unchanged:
                report(result)
            for result in story_files_import(
                run=run, story_files=parsed, options=options, known=known
            ):
                report(result)
        run.finished_at = timezone.now()
        run.counts = counts
        run.save(update_fields=["finished_at", "counts"])
        if options.dry_run:
            transaction.set_rollback(True)
    return counts


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The import makes many objects that live until their batch is written (parsed files,
    rows, model instances) and few reference cycles: Python's collector, run every 700
    allocations, would walk them over and over, a tenth of the writer's time. Every 100,000
    here, in this process and the parsing workers it starts; cycles are still collected."""
    previous = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _begin(run: ImportRun, files, pool: ParsingPool):
    todo, unchanged = record_unchanged(run=run, files=[read(f) for f in files])
    return unchanged, pool.submit(todo)
