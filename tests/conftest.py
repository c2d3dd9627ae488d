import pytest

from config.celery import app as celery_app
from tests.factories import UserFactory


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def restore_celery_configuration():
    """Tests point the Celery app at brokers of their own; put it back as the settings made it."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    yield
    if any(celery_app.conf[key] != value for key, value in saved.items()):
        celery_app.conf.update(saved)
        celery_app.pool.force_close_all()
        setattr(celery_app, "_pool", None)  # noqa: B010 - Celery has no public way to forget its pool
