"""Every error the API gives is JSON a program and a person can act on; none is a bare 500.

The body is `{"detail": "..."}`, with `"errors": {field: [messages]}` for a 400, `"current_version"` for an
edit from a stale copy and `"conflicts"` for a programme that cannot be published yet.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.conflicts import conflict_json
from api.middleware import too_large_message
from scheduling.publishing import PublishBlocked
from visits.models import StaleEdit
from visits.services import Refused


class StaleCopy(exceptions.APIException):
    """An If-Match header or a `version` field that is not the session's current revision."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"

    def __init__(self, detail: str, current_revision: int) -> None:
        super().__init__(detail)
        self.current_revision = current_revision


def field_errors(detail: Any) -> dict[str, Any]:
    """DRF's error detail as {field: [messages]}; errors that belong to no field under "non_field_errors"."""
    if isinstance(detail, dict):
        return {str(key): value for key, value in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def bad_request(errors: dict[str, Any]) -> Response:
    return Response(
        {
            "detail": gettext("The request was not accepted; see the message for each field."),
            "errors": errors,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def django_errors(error: DjangoValidationError) -> dict[str, Any]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if key == "__all__" else key): messages
            for key, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    response = _response_for(error, context)
    request = context.get("request")
    if response is not None and request is not None and request.method not in SAFE_METHODS:
        # The request's writes are undone (api.views.base.AtomicWrites), and the connection stays usable.
        transaction.set_rollback(True)
    return response


def _response_for(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, StaleCopy):
        return Response(
            {"detail": str(error.detail), "current_version": error.current_revision},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(error, StaleEdit):
        session = error.session
        current = type(session).objects.filter(pk=session.pk).values_list("revision", flat=True).first()
        return Response({"detail": str(error), "current_version": current}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, PublishBlocked):
        return Response(
            {
                "detail": gettext("Not published: these fatal conflicts must be resolved first."),
                "conflicts": [conflict_json(conflict) for conflict in error.conflicts],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(error, (ProtectedError, RestrictedError, Refused)):
        return Response({"detail": str(error.args[0])}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, DjangoValidationError):
        return bad_request(django_errors(error))
    if isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) in RETRY_STATES:
        return Response({"detail": simultaneous_message()}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, IntegrityError):
        # Validation catches what it can name first; this is a rule only the database knew.
        return bad_request({"non_field_errors": [_integrity_message(error)]})
    if isinstance(error, RequestDataTooBig):
        return Response({"detail": too_large_message()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(error, exceptions.ValidationError):
        return bad_request(field_errors(error.detail))
    response = drf_exception_handler(error, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": str(response.data)}
    return response


# PostgreSQL's deadlock_detected and serialization_failure: two requests changed the same rows at the same
# moment and one was stopped; sent again, it goes through.
RETRY_STATES = {"40P01", "40001"}


def simultaneous_message() -> str:
    return gettext(
        "Another change to the same records was being saved at the same moment, so nothing was saved: "
        "send the request again."
    )


def _integrity_message(error: IntegrityError) -> str:
    reason = str(error).splitlines()[0] if str(error) else ""
    return gettext("The database refused this change: %(reason)s") % {"reason": reason}
