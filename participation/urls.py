"""A participant's answers, posted from their programme page (notifications:programme) behind its token."""

from django.urls import re_path

from notifications.urls import KEY
from participation import views

app_name = "participation"

urlpatterns = [
    re_path(rf"^p/{KEY}/answer/$", views.programme_answer_view, name="programme_answer"),
    re_path(rf"^p/{KEY}/needs/$", views.programme_needs_view, name="programme_needs"),
]
