from django.urls import path

from intake import triage_views

app_name = "intake_triage"

urlpatterns = [
    path("", triage_views.index, name="index"),
    path("<int:request_id>/", triage_views.detail, name="detail"),
]
