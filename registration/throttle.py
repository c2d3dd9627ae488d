"""A small counter of requests per client address in a fixed window, kept in the "throttle" cache (Redis
where THROTTLE_CACHE_URL is set, shared by every process; memory in each process otherwise).

Not a library: django-axes, which the project keeps, throttles sign-ins only, and no kept library throttles
a plain Django view. The counter is two cache calls (add, incr) per request.
"""

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from config.signin import client_address


def over_limit(request: HttpRequest, scope: str) -> bool:
    """Count this request against its address in `scope`; True once the address has made more than
    REGISTRATION_RATE_LIMIT of them in the last window of REGISTRATION_RATE_WINDOW_SECONDS."""
    cache = caches["throttle"]
    window = settings.REGISTRATION_RATE_WINDOW_SECONDS
    key = f"throttle:{scope}:{client_address(request)}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=window)
            count = 1
    return count > settings.REGISTRATION_RATE_LIMIT
