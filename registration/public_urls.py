"""The public pages: the registration form (by the seminar's public key) and the registrant's links."""

from django.urls import path

from registration import public_views

app_name = "registration_public"

urlpatterns = [
    path("register/<str:key>/", public_views.register_view, name="register"),
    path("register/<str:key>/sent/", public_views.sent_view, name="sent"),
    path("registration/cancel/<str:token>/", public_views.cancel_view, name="cancel"),
    path("registration/offer/<str:token>/", public_views.offer_view, name="offer"),
]
