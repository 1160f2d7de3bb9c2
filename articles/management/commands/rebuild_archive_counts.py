from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.archive import archive_differences, archive_rebuild


class Command(BaseCommand):
    help = _(
        "Count the archive's stories by month again. Saves, imports and deletes keep the "
        "counts in step; this is for stories changed by other means (SQL, a database loaded by "
        "hand) or a new time zone. --check compares them with a count afresh and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Only compare; exit with status 1 if any month differs."),
        )

    def handle(self, *args, check, verbosity, **options):
        if check:
            differences = archive_differences()
            for month, (kept, counted) in differences.items():
                self.stdout.write(
                    _("%(month)s: kept %(kept)d, counted %(counted)d")
                    % {"month": f"{month:%Y-%m}", "kept": kept, "counted": counted}
                )
            if differences:
                raise SystemExit(1)
            if verbosity:
                self.stdout.write(self.style.SUCCESS(_("The archive's counts are right.")))
            return
        stories, months = archive_rebuild()
        if verbosity:
            message = ngettext(
                "Counted %(stories)d story in %(months)d months.",
                "Counted %(stories)d stories in %(months)d months.",
                stories,
            ) % {"stories": stories, "months": months}
            self.stdout.write(self.style.SUCCESS(message))
