"""The site's URLs and /baseline/: the plain-Django page the benchmark compares against.

It reads its 20 rows (headline, dek, source, date and lead image of the latest stories) in
one query and renders them into the home page's markup, written out as a single template
with no includes, translations or reversed URLs; padding evens out any difference in bytes.
"""

from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.urls import path

from articles.models import Article, Image, Translation
from newsdesk.urls import urlpatterns as site_urlpatterns


def baseline(request):
    english = Translation.objects.filter(article=OuterRef("pk"), language="en")
    lead_image = Image.objects.filter(article=OuterRef("pk")).order_by("position", "id")
    rows = (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .select_related("source")
        .annotate(
            title=Subquery(english.values("title")),
            summary=Subquery(english.values("summary")),
            image_url=Subquery(lead_image.values("original_url")[:1]),
        )
        .order_by("-published_at")[:20]
    )
    padding = "x" * int(request.GET.get("pad", "0"))
    return render(request, "baseline.html", {"rows": rows, "padding": padding})


urlpatterns = [path("baseline/", baseline), *site_urlpatterns]
