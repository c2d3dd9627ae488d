"""What apps that read received mail register, in their AppConfig.ready(), so that inbound never imports them:

    from inbound.handlers import register_received_handler
    register_received_handler(calendar_replies.handle)

A handler is called with the parsed message and its envelope recipients and returns a short outcome label
("answered", "stale", "counter", ...) when the message was its to handle, or None when it was not. Handlers
run in the order registered; the first label wins. A message no handler takes is checked for a delivery
report about our outbox, and otherwise forwarded to ORGANIZER_EMAIL.
"""

import importlib
import logging
from collections.abc import Callable
from email.message import EmailMessage

log = logging.getLogger(__name__)

ReceivedHandler = Callable[[EmailMessage, list[str]], str | None]

_handlers: list[ReceivedHandler] = []

# Read calendar replies even when the app that owns them has not registered its handler (yet): the handler
# is looked up here by name, lazily, and a missing module is no error.
_DEFAULT_HANDLERS = ("responses.calendar_replies.handle",)


def register_received_handler(handler: ReceivedHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def unregister_received_handler(handler: ReceivedHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def received_handlers() -> list[ReceivedHandler]:
    found = list(_handlers)
    for dotted in _DEFAULT_HANDLERS:
        module_name, _, name = dotted.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name is not None and module_name.startswith(error.name):
                continue  # not installed here: nothing to call
            raise
        handler = getattr(module, name, None)
        if callable(handler) and handler not in found:
            found.append(handler)
    return found
