from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.search import search_index_rebuild


class Command(BaseCommand):
    help = _(
        "Index every story again for search. Saves, imports and deletes keep the index in "
        "step; this is for an index filled by other means, such as a database loaded by hand."
    )

    def handle(self, *args, verbosity, **options):
        count = search_index_rebuild()
        if verbosity:
            message = ngettext(
                "Indexed %(count)d story for search.",
                "Indexed %(count)d stories for search.",
                count,
            ) % {"count": count}
            self.stdout.write(self.style.SUCCESS(message))
