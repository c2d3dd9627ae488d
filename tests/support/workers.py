"""A real Celery worker for tests: in a thread of the test process, or as a separate process."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from celery.contrib.testing.worker import start_worker
from django.db import connection

from config.celery import app

BASE_DIR = Path(__file__).resolve().parents[2]


def forget_connections(celery: Any) -> None:
    """Make Celery connect afresh to the broker now configured. It caches a connection pool and a producer
    pool built on it, and has no public way to drop them."""
    celery._pool = None
    celery.amqp._producer_pool = None


def use_broker(broker_url: str) -> None:
    """Point the Celery app at a real broker, out of eager mode, dropping pooled connections to the old."""
    # Celery reads a CELERY_BROKER_URL environment variable before its own broker_url setting; the read and
    # write URLs come before both.
    app.conf.update(
        broker_url=broker_url,
        broker_read_url=broker_url,
        broker_write_url=broker_url,
        task_always_eager=False,
        broker_connection_retry_on_startup=True,
    )
    forget_connections(app)


@contextmanager
def worker_thread(broker_url: str) -> Iterator[None]:
    use_broker(broker_url)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        yield


def database_env() -> dict[str, str]:
    """Environment that points a child process at the test database this test uses."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(settings_dict["NAME"]), "DATABASE_URL": ""}
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"}


class WorkerProcess:
    """`celery -A config worker` in a process group of its own, which a test may SIGKILL."""

    def __init__(self, env: dict[str, str], log: Path, concurrency: int = 1, pool: str = "prefork") -> None:
        self.env = {**os.environ, **env}
        self.log = log
        self.concurrency = concurrency
        self.pool = pool
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                self.pool,
                "--concurrency",
                str(self.concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b"ready." in self.log.read_bytes(), 60, "the worker to be ready")
        return self

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")
