"""A work-around, applied when a worker starts, for a Celery/kombu bug that stops the worker's main process.

When the broker goes away, the worker's consumer closes its connection (and, with
`worker_cancel_long_running_tasks_on_connection_loss`, cancels the late-acknowledged tasks it was running).
A task that finishes after that is acknowledged, or rejected, through the channel of the closed connection.
kombu's Redis transport then builds a new client for that channel from the connection's parameters, which
are gone: `AttributeError: 'NoneType' object has no attribute 'hostname'` (or `'client'`) from
`Channel._connparams`, raised inside the event loop: "Unrecoverable error", and the worker exits with rows
still queued and nobody to send them. Upstream: celery/celery#9250 (and #7185), open at celery 5.7.0 / kombu
5.7.0; #10382 only guards the cancel.

The work-around makes a channel whose connection is closed raise the transport's own connection error
instead. kombu's `Message.ack_log_error` and `reject_log_error`, which the worker calls, log a connection
error and carry on; the message, restored to the queue when the connection closed (or after the visibility
timeout), is delivered again, and `deliver_outbox` skips every row that is no longer queued. Remove this
once kombu raises a connection error there itself (tests/notifications/test_broker_drills.py shows when it
does).
"""

from typing import Any

import redis
from kombu.transport import redis as kombu_redis

_MARK = "_visitplan_closed_channel_guard"


class ClosedChannelError(redis.exceptions.ConnectionError):
    """A channel of a broker connection that has been closed was used (to acknowledge a message)."""


def guard_closed_redis_channels() -> None:
    """Patch kombu's Redis channel once (idempotent)."""
    channel: Any = kombu_redis.Channel
    if getattr(channel, _MARK, False):
        return
    original = channel._connparams

    def _connparams(self: Any, asynchronous: bool = False) -> dict[str, Any]:
        transport = self.connection
        if transport is None or transport.client is None:
            raise ClosedChannelError("the broker connection of this channel is closed (celery#9250)")
        return original(self, asynchronous=asynchronous)

    channel._unguarded_connparams = original  # for the test that tells when upstream has fixed it
    channel._connparams = _connparams
    setattr(channel, _MARK, True)
