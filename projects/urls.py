from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("pilot-sites/", views.pilot_site_list, name="pilot_sites"),
    path("projects/", views.project_list, name="list"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("projects/<int:pk>/repeat/", views.project_repeat, name="replicate"),
    path("projects/<int:pk>/materials.zip", views.project_materials, name="materials"),
    path("cabinet/", views.cabinet, name="cabinet"),
    path("cabinet/projects/new/", views.cabinet_project_create, name="cabinet_create"),
    path("cabinet/projects/<int:pk>/", views.cabinet_project, name="cabinet_project"),
    path("cabinet/projects/<int:pk>/edit/", views.cabinet_project_edit, name="cabinet_edit"),
    path("cabinet/projects/<int:pk>/submit/", views.cabinet_project_submit, name="cabinet_submit"),
    path("cabinet/projects/<int:pk>/files/", views.cabinet_attachment_upload, name="cabinet_upload"),
    path(
        "cabinet/projects/<int:pk>/files/<int:attachment_id>/delete/",
        views.cabinet_attachment_delete,
        name="cabinet_attachment_delete",
    ),
]
