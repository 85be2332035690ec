from django.urls import path

from indicators import views

app_name = "reports"
urlpatterns = [
    path("", views.reports_index, name="index"),
    path("official.xlsx", views.report_official_xlsx, name="official_xlsx"),
    path("official.pdf", views.report_official_pdf, name="official_pdf"),
    path("values.xlsx", views.report_values_xlsx, name="values_xlsx"),
    path("values.csv", views.report_values_csv, name="values_csv"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/", views.import_upload, name="import_upload"),
    path("approve/", views.approve_period, name="approve_period"),
    path("on-time/", views.on_time, name="on_time"),
    path("import/apply/", views.import_apply, name="import_apply"),
]
