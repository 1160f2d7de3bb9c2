from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.decorators.http import require_safe

from articles.cache import cache_for_anonymous
from articles.sitemaps import SITEMAPS
from articles.views import RobotsView, favicon, language_root

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", language_root, name="root"),
    # Django's sitemap views answer any method; a section is paged with ?p=.
    path(
        "sitemap.xml",
        require_safe(cache_for_anonymous(sitemaps.index, page_parameters=())),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(cache_for_anonymous(sitemaps.sitemap, page_parameters=("p",))),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("favicon.ico", favicon, name="favicon"),
]
# The reader's site: /en/... and /zh-hans/...
urlpatterns += i18n_patterns(path("", include("articles.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
