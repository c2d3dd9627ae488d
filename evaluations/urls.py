"""A participant's survey link, reached by its token alone (no account)."""

from django.urls import re_path

from evaluations import views
from notifications.urls import KEY

app_name = "survey"

urlpatterns = [
    re_path(rf"^s/{KEY}/$", views.survey, name="survey"),
]
