from django.urls import path

from proposals import views

app_name = "proposals"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("new/thanks/", views.thanks, name="thanks"),
    path("status/<str:token>/", views.status, name="status"),
    path("answered/", views.answered, name="answered"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
