"""The experts' answer pages. Tokens are notifications.links tokens: base36 parts and a hex digest."""

from django.urls import re_path

from responses import views

app_name = "responses"

KEY = r"(?P<token>[0-9a-z-]{1,80})"

urlpatterns = [
    re_path(rf"^a/{KEY}/$", views.answer_view, name="answer"),
    re_path(rf"^a/{KEY}/fresh/$", views.fresh_link_view, name="fresh_link"),
]
