"""The site's URLs and /baseline/: twenty rows in one query, rendered with no other work."""

from django.shortcuts import render
from django.urls import path

from articles.models import Translation
from newsdesk.urls import urlpatterns as site_urlpatterns


def baseline(request):
    rows = list(Translation.objects.values("title", "summary")[:20])
    # Padding makes the page as many bytes as the page it is compared with.
    padding = "x" * int(request.GET.get("pad", "0"))
    return render(request, "baseline.html", {"rows": rows, "padding": padding})


urlpatterns = [path("baseline/", baseline), *site_urlpatterns]
