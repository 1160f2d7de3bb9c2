"""The import: story files in, stories merged, one transaction per file.

    paths -> pipeline.find_story_files -> pipeline.read_batches (bytes, sha256; in threads)
          -> write.UnchangedFiles (files imported before, byte for byte)
          -> pipeline.ParsingPool (parsers/: decode, detect, digest or feed; pure)
          -> write.story_files_import (new stories written together; the others merged one
             by one: merge.plan_merge, apply.apply_values, one transaction each)

`import_run` is the one entry: the management command and the tests call it.
"""

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..models import ImportRecord, ImportRun
from .checkpoints import BackgroundCheckpoints
from .pipeline import PARALLEL_FROM, ParsingPool, find_story_files, read_batches
from .write import FileResult, ImportOptions, RunCache, UnchangedFiles, story_files_import

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

    # A real run commits file by file; a dry run wraps them all in one transaction to undo
    # (entered first: then nothing is committed, and no checkpoint thread is started).
    with (
        transaction.atomic() if options.dry_run else nullcontext(),
        BackgroundCheckpoints() as checkpoints,
        ParsingPool(parallel=len(files) >= PARALLEL_FROM) as pool,
    ):
        run = ImportRun.objects.create(
            options={"publish": options.publish, "fetch_images": options.fetch_images}
        )
        known, unchanged = RunCache(), UnchangedFiles(run)

        def begin(files):
            todo, results = unchanged.sort_out(files)
            return results, pool.submit(todo)

        # While this process writes one batch, the workers already parse the next.
        started = (begin(batch) for batch in read_batches(files))
        batch = next(started, None)
        while batch is not None:
            unchanged_results, parsing = batch
            batch = next(started, None)
            for result in unchanged_results:
                report(result)
            parsed = list(parsing)
            if not parsed:
                continue
            unchanged.write()  # the records waiting first: they keep near the order of the files
            known.look_up([f.parsed for f in parsed if f.parsed])
            for result in story_files_import(
                run=run, story_files=parsed, options=options, known=known
            ):
                report(result)
            checkpoints.committed()
        unchanged.write()
        run.finished_at = timezone.now()
        run.counts = counts
        run.save(update_fields=["finished_at", "counts"])
        if options.dry_run:
            transaction.set_rollback(True)
    return counts
