"""Two-factor sign-in: the code step after the password, and a person's own pages for their second factor."""

from django.urls import path

from accounts import views

app_name = "two_factor"

urlpatterns = [
    path("code/", views.verify, name="verify"),
    path("", views.manage, name="manage"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
    path("remove/", views.remove, name="remove"),
]
