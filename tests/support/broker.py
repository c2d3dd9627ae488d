"""Redis for Celery in tests: the configured one, or a throw-away server of the test's own."""

import os
import subprocess
import time
from pathlib import Path

import redis

from tests.support.smtp import free_port


class RedisServer:
    """A private redis-server on its own port; it can be stopped and started again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.pidfile = workdir / f"redis-{self.port}.pid"
        self.workdir = workdir

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--dir",
                str(self.workdir),
            ],
            check=True,
            capture_output=True,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer")

    def stop(self) -> None:
        if not self.pidfile.exists():
            return
        pid = int(self.pidfile.read_text().strip())
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
