"""Through which door a change comes in, without every service being told: a context variable, set for a
request by DoorMiddleware from the URL's namespace, and for a Celery task by its task_prerun signal (reset by
task_postrun, so an eager task inside a request hands the request's door back). Anything else (a management
command, the shell) is the command line.

Services know their actor; the door is a fact about the entry point, so the entry points set it, once each.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from django.http import HttpRequest, HttpResponse

from audit.models import Door

_door: ContextVar[Door | None] = ContextVar("audit_door", default=None)

# URL namespaces and their doors; the token pages are the personal links.
NAMESPACE_DOORS = {
    "planner": Door.PLANNER,
    "directory": Door.PLANNER,
    "api": Door.API,
    "admin": Door.ADMIN,
    "notifications": Door.LINK,
    "participation": Door.LINK,
    "responses": Door.LINK,
    "registration": Door.PLANNER,
    "registration_public": Door.LINK,
    # The public request page and the requester's link; the coordinators' inbox is part of the planner.
    "intake": Door.LINK,
    "intake_triage": Door.PLANNER,
}


def current_door() -> Door:
    return _door.get() or Door.COMMAND


@contextmanager
def through(door: Door) -> Iterator[None]:
    """Changes made inside come through `door`."""
    token = _door.set(door)
    try:
        yield
    finally:
        _door.reset(token)


class DoorMiddleware:
    """Sets the door of a request once its view is known (process_view), and forgets it after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _door.set(None)
        try:
            return self.get_response(request)
        finally:
            _door.reset(token)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        match = request.resolver_match
        namespace = match.namespaces[0] if match is not None and match.namespaces else ""
        door = NAMESPACE_DOORS.get(namespace)
        if door is not None:
            _door.set(door)


_task_tokens: dict[str, list[Token[Door | None]]] = {}


def _task_started(task_id: str | None = None, **kwargs: Any) -> None:
    _task_tokens.setdefault(str(task_id), []).append(_door.set(Door.TASK))


def _task_ended(task_id: str | None = None, **kwargs: Any) -> None:
    tokens = _task_tokens.get(str(task_id))
    if tokens:
        _door.reset(tokens.pop())
        if not tokens:
            del _task_tokens[str(task_id)]


def connect_task_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, dispatch_uid="audit.task_started", weak=False)
    task_postrun.connect(_task_ended, dispatch_uid="audit.task_ended", weak=False)
