"""History of articles with django-reversion: one revision holds an article, its translations
and its images, whether the admin, an editor's action or the import saved them."""

from contextlib import contextmanager

import reversion

from .models import Article, Image, Translation

# Following both ways means a save of any one of them records the whole story.
for model, follow in (
    (Article, ("translations", "images")),
    (Translation, ("article",)),
    (Image, ("article",)),
):
    if not reversion.is_registered(model):
        reversion.register(model, follow=follow)


@contextmanager
def article_revision(*, comment: str, user=None):
    """Saves inside the block become one revision with this comment (and author, if given).

    The importer wraps the saves of each file in `with article_revision(comment=...)`.
    """
    with reversion.create_revision():
        yield
        reversion.set_comment(str(comment))
        if user is not None and user.is_authenticated:
            reversion.set_user(user)


def import_revision(comment: str):
    """The importer's hook: `with import_revision(f"Imported {path}"): ...save the article...`."""
    return article_revision(comment=comment)
