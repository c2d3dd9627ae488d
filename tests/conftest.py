import pytest

from config.celery import app as celery_app
from tests.factories import UserFactory
from tests.support.workers import forget_connections


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def restore_celery_configuration():
    """Tests point the Celery app at brokers of their own; put it back as the settings made it."""
    saved = {
        key: celery_app.conf.get(key)
        for key in ("broker_url", "broker_read_url", "broker_write_url", "task_always_eager")
    }
    yield
    if any(celery_app.conf.get(key) != value for key, value in saved.items()):
        celery_app.conf.update(saved)
        forget_connections(celery_app)
