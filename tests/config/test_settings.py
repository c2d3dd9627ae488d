"""Production settings refuse unsafe configuration; the embedded default needs none."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)


def load_settings(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_the_default_secret_key():
    result = load_settings("config.production")
    assert result.returncode != 0
    assert "SECRET_KEY is the development default" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = load_settings("config.production", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug_on():
    result = load_settings("config.production", SECRET_KEY=STRONG_KEY, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG is on" in result.stderr


def test_production_starts_with_a_strong_key_and_debug_off():
    result = load_settings("config.production", SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_settings_start_with_nothing_set():
    result = load_settings("config.settings")
    assert result.returncode == 0, result.stderr


def test_every_setting_read_from_the_environment_is_documented_in_env_example():
    import re

    names = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (BASE_DIR / "config" / "settings.py").read_text()))
    names |= set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (BASE_DIR / "config" / "production.py").read_text()))
    example = (BASE_DIR / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.MULTILINE))
    assert names - documented == set()
    readme = (BASE_DIR / "README.md").read_text()
    assert [name for name in sorted(names) if f"`{name}`" not in readme] == []


def test_the_demo_login_coordinates_the_demo_visits_and_may_open_every_coordinator_page(db, client):
    from django.core.management import call_command
    from django.urls import reverse

    from visits.models import Visit

    call_command("demo_login", "--quiet")
    call_command("seed_demo", "--coordinator", "coordinator")
    visits = Visit.objects.all()
    assert visits and all(v.coordinators.filter(username="coordinator").exists() for v in visits)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="coordinator"))
    for name in [
        "admin:visits_visit_changelist",
        "admin:scheduling_programme_changelist",
        "admin:notifications_outboxmessage_changelist",
        "admin:scheduling_programmeversion_changelist",
    ]:
        assert client.get(reverse(name)).status_code == 200, name
    programme = reverse("admin:scheduling_programme_change", args=[visits[0].pk])
    assert client.get(programme).status_code == 200
