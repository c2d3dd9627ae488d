"""Personal feeds and pages. Tokens are URL-safe base64 (notifications.models.new_token)."""

from django.urls import re_path

from notifications import views

app_name = "notifications"

KEY = r"(?P<token>[A-Za-z0-9_-]{1,64})"

urlpatterns = [
    re_path(rf"^feeds/visit/{KEY}\.ics$", views.visit_feed_view, name="visit_feed"),
    re_path(rf"^feeds/{KEY}\.ics$", views.person_feed_view, name="person_feed"),
    re_path(rf"^p/{KEY}/$", views.programme_view, name="programme"),
    re_path(rf"^p/{KEY}/programme\.ics$", views.programme_ics_view, name="programme_ics"),
]
