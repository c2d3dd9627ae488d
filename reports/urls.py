from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("report/", views.report_page, name="report"),
    path("report/report.xlsx", views.report_export, name="export"),
]
