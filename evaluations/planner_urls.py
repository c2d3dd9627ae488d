"""The coordinators' page of a visit's survey results (under /plan/)."""

from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("visits/<int:visit_id>/evaluation/", views.results, name="results"),
]
