"""The Swedish catalogue: it compiles, every message is translated (none fuzzy), and the committed .mo is
what the .po compiles to, so that what a reviewer reads in the .po is what Swedish users see."""

import gettext
import shutil
import subprocess
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "sv" / "LC_MESSAGES"
MSGFMT = shutil.which("msgfmt")  # GNU gettext, which .ci/run installs where it is missing


def compile_po(tmp_path: Path) -> tuple[Path, str]:
    assert MSGFMT is not None, "msgfmt is missing: install GNU gettext (Debian: apt-get install gettext)"
    out = tmp_path / "django.mo"
    result = subprocess.run(
        [str(MSGFMT), "--check", "--statistics", "-o", str(out), str(LOCALE / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_every_message_is_translated_and_none_is_fuzzy(tmp_path):
    _out, statistics = compile_po(tmp_path)
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_the_committed_catalogue_is_the_compiled_po(tmp_path):
    out, _statistics = compile_po(tmp_path)
    with out.open("rb") as fresh, (LOCALE / "django.mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "locale/sv/LC_MESSAGES/django.mo is out of date: run `manage.py compilemessages -l sv`"
        )
