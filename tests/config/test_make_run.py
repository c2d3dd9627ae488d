"""`make run` starts a working site: the real process, fetched over HTTP, stopped like Ctrl-C stops it."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_marked(marker: str) -> list[int]:
    """Pids of live processes whose environment carries the marker: everything `make run` started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                status = (entry / "status").read_text()
                if "State:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_until(predicate, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} did not happen within {timeout} s. Output:\n{log.read_text()[-4000:]}")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode()
    except OSError:
        return 0, ""


def start_make_run(
    tmp_path: Path, port: int, marker: str, **env: str
) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / "make-run.log"
    # As a person runs it: no outer make (CI runs us under `make test`), no database or broker configured.
    dropped = {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_SETTINGS_MODULE",
        "MAKEFLAGS",
        "MAKELEVEL",
        "MFLAGS",
    }
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=BASE_DIR,
        env={**base, "SQLITE_PATH": str(tmp_path / "run.sqlite3"), "VISITPLAN_TEST_MARKER": marker, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group, like a terminal's foreground job
    )
    return process, log


def stop_like_ctrl_c(process: subprocess.Popen[bytes], marker: str, log: Path) -> None:
    os.killpg(process.pid, signal.SIGINT)
    # Generous limits: on a shared machine under load the worker's warm shutdown alone can take seconds.
    process.wait(timeout=60)
    wait_until(lambda: not processes_marked(marker), 45, "every started process to stop", log)


def test_make_run_serves_the_login_page_on_the_embedded_default(tmp_path):
    port, marker = free_port(), uuid.uuid4().hex
    process, log = start_make_run(tmp_path, port, marker)
    try:
        wait_until(
            lambda: fetch(f"http://127.0.0.1:{port}/accounts/login/")[0] == 200, 150, "the login page", log
        )
        status, body = fetch(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        assert 'name="password"' in body
        output = log.read_text()
        assert output.splitlines()[0].startswith("Visitplan: embedded default: SQLite")
        assert "Demo login:" in output and "password:" in output
    finally:
        stop_like_ctrl_c(process, marker, log)
    assert fetch(f"http://127.0.0.1:{port}/accounts/login/")[0] == 0


def test_make_run_with_a_broker_starts_a_worker_and_beat_and_stops_them(tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
    port, marker = free_port(), uuid.uuid4().hex
    process, log = start_make_run(tmp_path, port, marker, CELERY_BROKER_URL=broker)
    try:
        wait_until(lambda: "ready." in log.read_text(), 150, "the Celery worker to be ready", log)
        wait_until(lambda: "beat: Starting" in log.read_text(), 90, "beat to start", log)
        wait_until(
            lambda: fetch(f"http://127.0.0.1:{port}/accounts/login/")[0] == 200, 60, "the login page", log
        )
        assert "Celery on" in log.read_text().splitlines()[0]
    finally:
        stop_like_ctrl_c(process, marker, log)


def test_links_follow_the_served_port_unless_site_url_is_set(tmp_path):
    from config.serve import served_site_url

    dotenv = tmp_path / ".env"
    assert served_site_url("127.0.0.1", "8101", {}, dotenv) == "http://127.0.0.1:8101"
    assert served_site_url("127.0.0.1", "8101", {"SITE_URL": "https://v.example.org"}, dotenv) is None
    dotenv.write_text("# SITE_URL=commented out\nDEBUG=true\n")
    assert served_site_url("localhost", "9000", {}, dotenv) == "http://localhost:9000"
    dotenv.write_text("export SITE_URL=https://v.example.org\n")
    assert served_site_url("127.0.0.1", "8101", {}, dotenv) is None


def test_with_a_reply_domain_the_lmtp_server_runs_beside_the_site(tmp_path):
    """What `make run` runs (config.serve, here without the demo data) starts receive_mail when REPLY_DOMAIN
    is set, on LMTP_PORT, and stops it with the rest."""
    import smtplib
    import sys

    port, lmtp_port, marker = free_port(), free_port(), uuid.uuid4().hex
    log = tmp_path / "serve.log"
    dropped = {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "config.serve", "--port", str(port), "--no-demo"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k not in dropped},
            "SQLITE_PATH": str(tmp_path / "run.sqlite3"),
            "VISITPLAN_TEST_MARKER": marker,
            "REPLY_DOMAIN": "replies.example.org",
            "LMTP_PORT": str(lmtp_port),
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(lambda: "LMTP: receiving" in log.read_text(), 120, "the LMTP server", log)
        client = smtplib.LMTP("127.0.0.1", lmtp_port)
        code, _ = client.docmd("LHLO", "mx.example.org")
        assert code == 250
        code, _ = client.docmd("MAIL FROM:<eva@example.se>")
        assert code == 250
        code, _ = client.docmd("RCPT TO:<someone@elsewhere.example.org>")
        assert code == 550
        client.quit()
    finally:
        stop_like_ctrl_c(process, marker, log)


def test_receive_mail_runs_for_a_reply_domain_and_fetches_the_mailbox_itself_without_a_broker():
    from types import SimpleNamespace

    from config.serve import receive_mail_options

    def options(**values: object) -> list[str]:
        base = {"REPLY_DOMAIN": "", "LMTP_PORT": 8025, "INBOUND_IMAP_URL": "", "EMBEDDED_BROKER": True}
        return receive_mail_options(SimpleNamespace(**{**base, **values}))

    assert options() == []
    assert options(REPLY_DOMAIN="r.example.org") == ["--lmtp", "127.0.0.1:8025"]
    imap = "imaps://u:p@mail.example.org/INBOX"
    both = options(REPLY_DOMAIN="r.example.org", INBOUND_IMAP_URL=imap)
    assert both == ["--lmtp", "127.0.0.1:8025", "--imap"]
    # With a broker, beat polls the mailbox.
    assert options(INBOUND_IMAP_URL=imap, EMBEDDED_BROKER=False) == []
