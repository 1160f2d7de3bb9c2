from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            # archive first: its receivers run before the page cache's, so that a write locks
            # the story, then its month's count, then the page generation, in every path
            # (two writers taking two of these in opposite orders deadlock on PostgreSQL).
            archive,  # noqa: F401  keeps the archive's month counts on every write
            cache,  # noqa: F401  empties the readers' page cache on every edit
            presence,  # noqa: F401  takes a user who logs out off the stories they had open
            revisions,  # noqa: F401  registers the models with django-reversion
            search,  # noqa: F401  keeps the search index in step with every translation
            tags,  # noqa: F401  gives every tag a slug its URL accepts
        )
