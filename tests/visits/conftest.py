import pytest
from django.test import Client

from tests.visits.scope_world import world  # noqa: F401 (the two coordinators of the scope tests)


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client
