"""The project's URLs plus a bare view: the floor every page is compared with."""

from django.shortcuts import render
from django.urls import path

from leanedu.urls import urlpatterns as project_urlpatterns


def floor(request):
    # A template through the full middleware stack, no queries of its own.
    return render(request, "leanedu/under_construction.html", {"title": "floor"})


urlpatterns = [path("bench-floor/", floor), *project_urlpatterns]
