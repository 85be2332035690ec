from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("entry/", views.entry, name="entry"),
    path("due/", views.due, name="due"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/numerator/", views.basis, {"part": "numerator"}, name="numerator"),
    path("<str:code>/denominator/", views.basis, {"part": "denominator"}, name="denominator"),
]
