"""The coordinators' pages of a visit's booklets, exports and host sheets (under /plan/visits/<id>/)."""

from django.urls import path

from booklets import export_views, views

app_name = "booklets"

urlpatterns = [
    path("visits/<int:visit_id>/booklets/", views.index, name="index"),
    path("visits/<int:visit_id>/booklets/delegation.pdf", views.delegation_pdf, name="delegation"),
    path("visits/<int:visit_id>/booklets/people/<int:person_id>.pdf", views.person_pdf, name="person"),
    path("visits/<int:visit_id>/interpreters.pdf", export_views.interpreters_pdf, name="interpreters"),
    path("visits/<int:visit_id>/host-sheets/", export_views.host_sheets, name="host_sheets"),
    path("visits/<int:visit_id>/exports/programme.xlsx", export_views.programme_xlsx_view, name="xlsx"),
    path("visits/<int:visit_id>/exports/programme.csv", export_views.programme_csv_view, name="csv"),
    path("visits/<int:visit_id>/exports/catering.xlsx", export_views.catering_xlsx_view, name="catering"),
]
