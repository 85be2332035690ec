from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("entry/", views.entry, name="entry"),
    path("<str:code>/", views.detail, name="detail"),
]
