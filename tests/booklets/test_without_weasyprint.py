"""A machine without WeasyPrint's libraries still serves: the booklet's link says what to install, never a
500. The missing library is made so for the test by hiding the module (its import then fails as it does
where Pango is missing)."""

import sys

import pytest
from django.urls import reverse

from scheduling.models import ProgrammeVersion
from tests.factories import DelegationMemberFactory, PersonalTokenFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_weasyprint(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError


def test_the_person_page_and_the_booklet_say_what_to_install(no_weasyprint, client, coordinator):
    session = SessionFactory()
    session.visit.coordinators.add(coordinator)
    member = DelegationMemberFactory(delegation=session.visit.delegation)
    ProgrammeVersion.objects.create(visit=session.visit, number=1, snapshot={})
    token = PersonalTokenFactory(person=member.person).token

    page = client.get(reverse("notifications:programme", args=[token]))
    assert page.status_code == 200
    assert "Install the Python package weasyprint" in page.content.decode()

    booklet = client.get(reverse("booklet_pages:booklet", args=[token]))
    assert booklet.status_code == 503
    assert "fonts-noto-core" in booklet.content.decode()

    client.force_login(coordinator)
    index = client.get(reverse("booklets:index", args=[session.visit.pk]))
    assert index.status_code == 200 and "Install the Python package weasyprint" in index.content.decode()
    refused = client.get(reverse("booklets:delegation", args=[session.visit.pk]))
    assert refused.status_code == 503 and "libpango-1.0-0" in refused.content.decode()
