import pytest

from tests.factories import VisitFactory


@pytest.fixture
def visit(coordinator):
    """A study visit 22–26 March 2027 in Stockholm, coordinated by `coordinator`."""
    visit = VisitFactory(title="Riga police visit")
    visit.coordinators.add(coordinator)
    return visit


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client
