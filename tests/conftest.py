import pytest

from tests.factories import UserFactory


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)
