"""What `make run` runs: prepare the database and demo data, then serve until Ctrl-C.

On the embedded default only the web server runs (Celery is eager). With CELERY_BROKER_URL set, a Celery
worker and beat run beside it; with REPLY_DOMAIN set, the LMTP server for replies (receive_mail) too. With
no broker, receive_mail also fetches from INBOUND_IMAP_URL and sweeps received mail (there is no beat). Each
child gets its own process group so that stopping this process stops everything it started, including the
autoreloader's own child.
"""

import argparse
import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_GRACE_SECONDS = 10


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def start(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)


def stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def served_site_url(host: str, port: str, environ: Mapping[str, str], dotenv: Path) -> str | None:
    """The SITE_URL to give the processes started here: where this server answers, unless SITE_URL is set in
    the environment or in .env (None: leave it to the settings)."""
    if "SITE_URL" in environ:
        return None
    if dotenv.exists():
        names = {
            line.strip().removeprefix("export ").split("=", 1)[0].strip()
            for line in dotenv.read_text().splitlines()
            if "=" in line and not line.lstrip().startswith("#")
        }
        if "SITE_URL" in names:
            return None
    return f"http://{host}:{port}"


def receive_mail_options(settings: Any) -> list[str]:
    """How to start receive_mail beside the site, or [] when there is nothing to receive."""
    options = []
    if settings.REPLY_DOMAIN:
        # Calendar replies and other mail for the reply domain, delivered here by the mail server over LMTP.
        options += ["--lmtp", f"127.0.0.1:{settings.LMTP_PORT}"]
    if settings.INBOUND_IMAP_URL and settings.EMBEDDED_BROKER:
        options.append("--imap")  # with a broker, beat polls the mailbox
    return options


def main() -> int:
    parser = argparse.ArgumentParser(description="Run Visitplan for development or a demo.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--no-demo", action="store_true", help="skip the demo data and demo login")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Links in e-mails and feeds point where this server answers, unless SITE_URL is set (in the
    # environment or .env): `make run PORT=8101` mails links to port 8101.
    site_url = served_site_url(options.host, options.port, os.environ, BASE_DIR / ".env")
    if site_url is not None:
        os.environ["SITE_URL"] = site_url
    import django
    from django.conf import settings

    django.setup()
    # The settings object holds only UPPERCASE names, so ask the settings module itself.
    settings_module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    print(settings_module.describe_mode(), flush=True)

    manage("migrate", "--noinput", "-v", "0")
    if not options.no_demo:
        # The login first, so that the demo visits get it as their coordinator.
        manage("demo_login", "--quiet", "--site", f"http://{options.host}:{options.port}/")
        manage("seed_demo", "--coordinator", "coordinator")
        manage("demo_login", "--site", f"http://{options.host}:{options.port}/")

    children = [start([sys.executable, "manage.py", "runserver", f"{options.host}:{options.port}"])]
    if not settings.EMBEDDED_BROKER:
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        # As the production recipe runs it (README, Workers): threads, for sending is mostly waiting.
        worker = ["worker", "--loglevel", "INFO", "--pool", "threads", "--concurrency", "8"]
        children.append(start([*celery, *worker]))
        children.append(start([*celery, "beat", "--loglevel", "INFO"]))
    else:
        # No beat without a broker: this sweeps the outbox instead, so retries and late messages still go out.
        children.append(start([sys.executable, "manage.py", "outbox_sweep", "--every", "30"]))

    receiving = receive_mail_options(settings)
    if receiving:
        # Without a broker, receive_mail also sweeps received mail that is still waiting (there is no beat).
        children.append(start([sys.executable, "manage.py", "receive_mail", *receiving]))

    # Ctrl-C, and SIGTERM from a supervisor or a test, stop everything. SIGINT is set explicitly because a
    # process started in the background by a shell script inherits it as ignored.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda signum, frame: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while True:
            for child in children:
                if child.poll() is not None:
                    print(f"Visitplan: {child.args!r} exited with {child.returncode}; stopping.", flush=True)
                    stop_all(children)
                    return child.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nVisitplan: stopping.", flush=True)
        stop_all(children)
        return 0


if __name__ == "__main__":
    sys.exit(main())
