"""The Celery app. Its settings live in config/settings.py under the CELERY_ prefix."""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

from config.broker_fixes import guard_closed_redis_channels

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("visitplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _guard_acks_after_connection_loss(**kwargs: Any) -> None:
    guard_closed_redis_channels()  # celery#9250: see config/broker_fixes.py
