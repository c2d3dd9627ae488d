"""Each user's language is a setting of their own, kept across browsers."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Preferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-9"


def signed_in(user) -> Client:
    """A browser of its own, signed in through the sign-in page as a person does."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_language_chosen_in_one_browser_is_the_accounts_in_another():
    user = UserFactory(username="karin", is_staff=True, password=PASSWORD)
    first = signed_in(user)
    assert 'lang="en"' in first.get(reverse("planner:dashboard")).content.decode()
    first.post(reverse("set_language"), {"language": "sv", "next": "/plan/"})
    assert Preferences.objects.get(user=user).language == "sv"

    second = signed_in(user)  # another browser: no cookie of the first
    page = second.get(reverse("planner:dashboard"))
    assert 'lang="sv"' in page.content.decode()
    assert page.cookies["django_language"].value == "sv"  # and the page after signing out follows


def test_someone_not_signed_in_chooses_for_this_browser_only():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert response.status_code == 302
    assert not Preferences.objects.exists()
    assert client.cookies["django_language"].value == "sv"


def test_an_account_that_never_chose_follows_the_browser():
    user = UserFactory(username="olle", is_staff=True, password=PASSWORD)
    client = Client(headers={"accept-language": "sv"})
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert 'lang="sv"' in client.get(reverse("planner:dashboard")).content.decode()
    assert not Preferences.objects.exists()
