"""The service units in deploy/systemd/: systemd itself reads them without a complaint, every long-running
service restarts whatever stopped it, and each command they start is one this checkout has."""

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

BASE_DIR = Path(__file__).resolve().parents[2]
UNITS = BASE_DIR / "deploy" / "systemd"
VENV = Path(sys.executable).parent.parent
LONG_RUNNING = {
    "visitplan-web.service",
    "visitplan-worker@.service",
    "visitplan-beat.service",
    "visitplan-receive-mail.service",
}


def read(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(UNITS / name)
    return unit


def test_there_is_a_unit_for_each_process_of_the_recipe():
    names = {path.name for path in UNITS.iterdir()}
    assert names >= LONG_RUNNING | {"visitplan-health.service", "visitplan-health.timer"}


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_a_long_running_service_is_restarted_whatever_stopped_it(name):
    service = read(name)["Service"]
    assert service["Restart"] == "always"
    assert service["User"] == "visitplan"
    assert service["Environment"] == "DJANGO_SETTINGS_MODULE=config.production"


@pytest.mark.parametrize("name", sorted(LONG_RUNNING | {"visitplan-health.service"}))
def test_each_command_started_exists_here(name):
    argv = shlex.split(read(name)["Service"]["ExecStart"])
    program = Path(argv[0]).name
    assert argv[0].startswith("/srv/visitplan/.venv/bin/")
    assert (VENV / "bin" / program).exists(), program
    if program == "python":
        assert argv[1] == "manage.py"
        assert argv[2] in get_commands(), argv[2]
    elif program == "celery":
        assert argv[1:3] == ["-A", "config"]
        help_of = subprocess.run(
            [str(VENV / "bin" / "celery"), "-A", "config", argv[3], "--help"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert help_of.returncode == 0, help_of.stderr
        for option in (arg.split("=")[0] for arg in argv[4:] if arg.startswith("--")):
            assert option in help_of.stdout, option
    else:
        assert program == "gunicorn"
        assert argv[1] == "config.wsgi"
        assert (BASE_DIR / "config" / "wsgi.py").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_reads_every_unit_without_a_complaint(tmp_path):
    """`systemd-analyze verify` on copies that point at this checkout (it checks that each program exists).
    It exits 0 for a key it ignores, so its output must be empty too."""
    names = []
    for path in UNITS.iterdir():
        text = (
            path.read_text()
            .replace("/srv/visitplan/.venv", str(VENV))
            .replace("/srv/visitplan", str(BASE_DIR))
        )
        text = text.replace(f"EnvironmentFile={BASE_DIR}/.env", f"EnvironmentFile=-{BASE_DIR}/.env")
        name = path.name.replace("@.service", "@1.service")
        (tmp_path / name).write_text(text)
        names.append(name)
    verify = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(names)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stderr
    assert verify.stderr.strip() == "" and verify.stdout.strip() == "", verify.stderr + verify.stdout
