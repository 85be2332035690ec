"""The project's URLs plus a bare view: the floor every page is compared with."""

from django.shortcuts import render
from django.urls import path

from leanedu.urls import urlpatterns as project_urlpatterns


def floor(request):
    # A static page (base.html and text) through the full middleware stack, no queries.
    return render(request, "leanedu/privacy.html")


urlpatterns = [path("bench-floor/", floor), *project_urlpatterns]
