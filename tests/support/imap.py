"""A real IMAP server for tests: Debian's Dovecot, as an instance of its own in a temporary directory, on a
free loopback port, with one user and a Maildir. It never touches a system service."""

import getpass
import grp
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.support.smtp import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class DovecotServer:
    user = "replies"
    password = "secret-for-tests"

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def start(self) -> "DovecotServer":
        for folder in ("run", "state", "mail", "home"):
            (self.base / folder).mkdir(parents=True, exist_ok=True)
        uid, gid = os.getuid(), os.getgid()
        if uid == 0:
            # As root (CI), Dovecot drops to the unprivileged users its package creates; the mail is
            # written as the dovecot user, who owns the directory (made outside any private temp folder).
            login_user, internal_user = "dovenull", "dovecot"
            internal_group = "dovecot"
            uid, gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
            for path in (self.base / "mail", self.base / "home", self.base):
                os.chown(path, uid, gid)
        else:
            login_user = internal_user = getpass.getuser()
            internal_group = grp.getgrgid(gid).gr_name
        (self.base / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        config = self.base / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                base=self.base,
                port=self.port,
                uid=uid,
                gid=gid,
                login_user=login_user,
                internal_user=internal_user,
                internal_group=internal_group,
            )
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.base / "stderr.log").open("wb"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.client().logout()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("Dovecot did not start: " + self.log())

    def log(self) -> str:
        found = [p.read_text(errors="replace") for p in self.base.glob("*.log") if p.exists()]
        return "\n".join(found)[-3000:]

    def client(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(self.user, self.password)
        return connection

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        connection = self.client()
        try:
            reply = connection.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert reply[0] == "OK", reply
        finally:
            connection.logout()

    def unseen(self, folder: str = "INBOX") -> int:
        connection = self.client()
        try:
            connection.select(folder)
            _, data = connection.uid("SEARCH", "UNSEEN")
            return len((data[0] or b"").split())
        finally:
            connection.logout()

    def count(self, folder: str = "INBOX", criteria: str = "ALL") -> int:
        """Messages in the folder matching the criteria; a folder written with "/" is found under the server's
        own hierarchy delimiter."""
        connection = self.client()
        try:
            _, listed = connection.list('""', "INBOX")
            line = listed[0] if isinstance(listed[0], bytes) else b'() "/" INBOX'
            delimiter = line.split(b'"')[1].decode()
            status, _ = connection.select('"' + folder.replace("/", delimiter) + '"')
            if status != "OK":
                return 0
            _, data = connection.uid("SEARCH", criteria)
            return len((data[0] or b"").split())
        finally:
            connection.logout()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
