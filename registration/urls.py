"""The coordinators' pages of a seminar's registration, under /plan/visits/<id>/registration/."""

from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("visits/<int:seminar_id>/registration/", views.settings_view, name="settings"),
    path("visits/<int:seminar_id>/registration/check-in/", views.check_in_view, name="check_in"),
    path(
        "visits/<int:seminar_id>/registration/check-in/<int:registration_id>/",
        views.check_in_tick,
        name="check_in_tick",
    ),
    path(
        "visits/<int:seminar_id>/registration/<int:registration_id>/cancel/",
        views.registration_cancel_view,
        name="cancel",
    ),
]
