from django.urls import path, re_path

from opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("list.csv", views.register, name="register"),
    path("<str:identifier>/meta.csv", views.meta, name="meta"),
    re_path(r"^(?P<identifier>[\w-]+)/structure-(?P<version>\d{8})\.csv$", views.structure, name="structure"),
    re_path(
        r"^(?P<identifier>[\w-]+)/data-(?P<version>\d{8})-structure-(?P<structure_version>\d{8})\.csv$",
        views.data,
        name="data",
    ),
]
