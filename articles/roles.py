"""Who may do what: the two newsroom roles (groups made by migration 0003) and their rules."""

from django.utils.translation import gettext_lazy as _

from .models import Article

CONTRIBUTOR = "Contributor"
EDITOR = "Editor"
ROLE_LABELS = {CONTRIBUTOR: _("Contributor"), EDITOR: _("Editor")}

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user) -> bool:
    """Publishing and unpublishing: editors and superusers."""
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, article: Article | None = None) -> bool:
    """Contributors edit drafts and stories in review; published stories are the editors'."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or article.status != Article.Status.PUBLISHED:
        return True
    return can_publish(user)
