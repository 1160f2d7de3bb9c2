from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, on a site whose every list's search is bounded (articles/admin_site.py)."""

    default_site = "articles.admin_site.AdminSite"
