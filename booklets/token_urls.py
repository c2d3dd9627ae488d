"""A person's booklet behind their personal token."""

from django.urls import re_path

from booklets import person_views
from notifications.urls import KEY

app_name = "booklet_pages"

urlpatterns = [
    re_path(rf"^p/{KEY}/booklet\.pdf$", person_views.person_booklet_view, name="booklet"),
]
