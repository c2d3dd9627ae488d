"""What apps that read received mail register, in their AppConfig.ready(), so that inbound never imports them:

    from inbound.handlers import register_received_handler
    register_received_handler(calendar_replies.handle)

(responses registers its calendar replies so, in ResponsesConfig.ready().)

A handler is called with the parsed message and its envelope recipients and returns a short outcome label
("answered", "stale", "counter", ...) when the message was its to handle, or None when it was not. Handlers
run in the order registered; the first label wins. A message no handler takes is checked for a delivery
report about our outbox, and otherwise forwarded to ORGANIZER_EMAIL.
"""

from collections.abc import Callable
from email.message import EmailMessage

ReceivedHandler = Callable[[EmailMessage, list[str]], str | None]

_handlers: list[ReceivedHandler] = []


def register_received_handler(handler: ReceivedHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def unregister_received_handler(handler: ReceivedHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def received_handlers() -> list[ReceivedHandler]:
    return list(_handlers)
