"""The periodic sweep of offers of a freed place that were not taken up in time."""

from celery import shared_task

from registration.services import offers_expire


@shared_task(name="registration.tasks.expire_offers", acks_late=True)
def expire_offers() -> int:
    """Let lapsed offers go, offering their places to the next waiting; returns how many lapsed."""
    return offers_expire()
