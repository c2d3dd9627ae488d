"""The coordinators' pages of a visit's booklets, exports and host sheets (under /plan/visits/<id>/)."""

from django.urls import path

from booklets import views

app_name = "booklets"

urlpatterns = [
    path("visits/<int:visit_id>/booklets/", views.index, name="index"),
    path("visits/<int:visit_id>/booklets/delegation.pdf", views.delegation_pdf, name="delegation"),
    path("visits/<int:visit_id>/booklets/people/<int:person_id>.pdf", views.person_pdf, name="person"),
]
