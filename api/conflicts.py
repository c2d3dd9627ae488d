"""Conflicts as JSON: what the checker found, in the words the coordinator reads on the board."""

from typing import Any

from django.conf import settings
from django.utils import translation

from scheduling.checks import ConflictReport
from scheduling.conflicts import Conflict


def conflict_json(conflict: Conflict, report: ConflictReport | None = None) -> dict[str, Any]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "key": conflict.key,
        "kind": str(conflict.kind),
        "severity": str(conflict.severity),
        "message": conflict.message(language),
        "sessions": list(conflict.sessions),
        "acknowledged": bool(report is not None and conflict.key in report.acknowledged),
    }


def report_json(report: ConflictReport) -> dict[str, Any]:
    return {
        "fatal": [conflict_json(c, report) for c in report.fatal],
        "warnings": [conflict_json(c, report) for c in report.warnings],
        "open_warnings": len(report.open_warnings),
    }
