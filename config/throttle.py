"""How many times one address may post a public form (intake's requests for a visit, registration's seminar
forms): a fixed-window counter in the "throttle" cache, Redis where THROTTLE_CACHE_URL is set (shared by every
process), memory in each process otherwise. The one rate limit of the public pages; sign-ins are django-axes'.

Why not a kept library: django-axes (config/signin.py) counts failed sign-ins only, and REST framework's
throttles work on its APIViews and keep a list of timestamps per key that they read, change and write back,
so two posts at once can both pass. A counter in the cache (`add` then `incr`, atomic in Redis and in the
local-memory cache) is a few lines, and the window is short enough that its edge does not matter.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from config.signin import client_address


def _key(scope: str, address: str, window: int) -> str:
    # The address is hashed: the cache is no place to keep who came from where.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"throttle:{scope}:{window}:{digest}"


def hit(scope: str, address: str, *, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one post from `address`; whether it is within `limit` posts in the present window."""
    window = int((now if now is not None else time.time()) // window_seconds)
    cache = caches["throttle"]
    key = _key(scope, address, window)
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this post starts the count
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def over_limit(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count this request against its client address (config.signin.client_address) in `scope`; whether it
    is past `limit` requests in the present window."""
    return not hit(scope, client_address(request), limit=limit, window_seconds=window_seconds)
