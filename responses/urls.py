"""The experts' answer pages. Tokens are notifications.links tokens: base36 parts and a hex digest."""

from django.urls import re_path

from responses import interpreter_views, views

app_name = "responses"

KEY = r"(?P<token>[0-9a-z-]{1,80})"

urlpatterns = [
    re_path(rf"^a/{KEY}/$", views.answer_view, name="answer"),
    re_path(rf"^a/{KEY}/fresh/$", views.fresh_link_view, name="fresh_link"),
    # An interpreter's booking ("t" for tolk): notifications.links.interpreter_links tokens.
    re_path(rf"^t/{KEY}/$", interpreter_views.interpreter_answer_view, name="interpreter_answer"),
    re_path(
        rf"^t/{KEY}/fresh/$", interpreter_views.interpreter_fresh_link_view, name="interpreter_fresh_link"
    ),
]
