"""A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE sent to the API is refused with 413 before it is read.

Django raises RequestDataTooBig only when `request.body` is read, and the API's parsers read the stream
instead, so the limit is checked here, from Content-Length, for every request under /api/.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

API_PREFIX = "/api/"


def too_large_message() -> str:
    return gettext("The request body is too large: send at most %(limit)d bytes.") % {
        "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }


class RefuseOversizedApiBodies:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if limit is not None and length > limit:
                return JsonResponse({"detail": too_large_message()}, status=413)
        return self.get_response(request)
