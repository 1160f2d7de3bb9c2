"""The site's URLs and /baseline/: the plain-Django page the benchmark compares against.

It reads its 20 rows with one query and renders them in one template, with the same kind of
markup as the home page's story cards, padded to the home page's size in bytes.
"""

from django.shortcuts import render
from django.urls import path

from articles.models import Translation
from newsdesk.urls import urlpatterns as site_urlpatterns


def baseline(request):
    rows = Translation.objects.filter(language="en").select_related("article__source")[:20]
    padding = "x" * int(request.GET.get("pad", "0"))
    return render(request, "baseline.html", {"rows": rows, "padding": padding})


urlpatterns = [path("baseline/", baseline), *site_urlpatterns]
