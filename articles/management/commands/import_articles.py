import gc
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from articles import languages
from articles.importing import FileResult, ImportOptions, import_run
from articles.models import ImportRecord

Outcome = ImportRecord.Outcome


class Command(BaseCommand):
    # The system checks load every URL, view and admin to check them: a tenth of the start-up
    # of a re-import that has nothing to do. `check`, `migrate`, the server and CI run them.
    requires_system_checks = []
    help = _(
        "Import story files (bilingual digests and feed items) into articles. Files and "
        "directories are accepted; re-running is safe: what editors changed is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help=_("Files or directories"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Report what would change and write nothing")
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("Publish the articles this run creates (default: draft)"),
        )
        parser.add_argument(
            "--no-fetch-images",
            action="store_true",
            help=_("Do not download images (their URLs are kept)"),
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help=_("Print one JSON report on stdout and nothing else"),
        )

    def handle(self, *args, **options):
        # What Django made at start-up lives as long as the run: out of the collector's way,
        # which otherwise walks all of it again and again as the files' small objects come
        # and go (a fifth of the CPU of an unchanged re-import). Given back at the end, for
        # a process that goes on (call_command).
        gc.freeze()
        try:
            with translation.override(language_of_environment()):
                self.import_paths(**options)
        finally:
            gc.unfreeze()

    def import_paths(self, *, paths, dry_run, publish, no_fetch_images, json, verbosity, **options):
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(_("No such file or directory: %s") % ", ".join(missing))
        self.as_json, self.verbosity, self.results = json, verbosity, []
        self.progress = Progress(self.stderr) if self._wants_progress() else None
        counts = import_run(
            paths=paths,
            options=ImportOptions(
                publish=publish, dry_run=dry_run, fetch_images=not no_fetch_images
            ),
            on_start=self.progress.start if self.progress else lambda total: None,
            on_result=self.report_file,
        )
        if self.progress:
            self.progress.finish()
        self.report_summary(counts, dry_run=dry_run)
        if counts[Outcome.FAILED]:
            raise CommandError(
                ngettext("%(n)d file failed.", "%(n)d files failed.", counts[Outcome.FAILED])
                % {"n": counts[Outcome.FAILED]},
                returncode=1,
            )

    def _wants_progress(self) -> bool:
        return not self.as_json and self.stdout.isatty() and self.verbosity >= 1

    def report_file(self, result: FileResult) -> None:
        if self.as_json:
            self.results.append(result)
            return
        if self.progress:
            self.progress.step()
        if self.verbosity == 0 or (result.outcome == Outcome.UNCHANGED and self.verbosity < 2):
            return
        style = {
            Outcome.CREATED: self.style.SUCCESS,
            Outcome.UPDATED: self.style.SUCCESS,
            Outcome.CONFLICT: self.style.WARNING,
            Outcome.FAILED: self.style.ERROR,
        }.get(result.outcome, str)
        label = Outcome(result.outcome).label
        detail = f": {result.message}" if result.message else ""
        title = f" ({result.title})" if result.title and not detail else ""
        line = f"{style(label.lower())} {result.path}{title}{detail}"
        (self.stderr if result.outcome == Outcome.FAILED else self.stdout).write(line)
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  {_('warning')}: {warning}"))

    def report_summary(self, counts: dict[str, int], *, dry_run: bool) -> None:
        if self.as_json:
            report = {
                "dry_run": dry_run,
                "summary": counts,
                "files": [vars(result) for result in self.results],
            }
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        if self.verbosity == 0:
            return
        # Punctuation and word order are the language's: "Done: 2 created." / "完成：已创建 2。"
        parts = pgettext("list separator", ", ").join(
            _("%(count)d %(outcome)s") % {"count": counts[o], "outcome": Outcome(o).label.lower()}
            for o in Outcome.values
        )
        prefix = _("Dry run, nothing written") if dry_run else _("Done")
        summary = _("%(prefix)s: %(parts)s.") % {"prefix": prefix, "parts": parts}
        self.stdout.write(self.style.SUCCESS(summary))


def language_of_environment() -> str:
    """Chinese for a shell whose locale is Chinese (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name, ""):
            return languages.from_locale_name(value)
    return languages.ENGLISH


class Progress:
    """A one-line progress bar on stderr for long runs in a terminal."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream, self.total, self.done = stream, 0, 0

    def start(self, total: int):
        self.total = total

    def step(self):
        self.done += 1
        if self.total >= 50 and (self.done % 25 == 0 or self.done == self.total):
            filled = self.WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}", ending="")
            self.stream.flush()

    def finish(self):
        if self.total >= 50:
            self.stream.write("")
