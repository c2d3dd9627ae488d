"""The API reads JSON bodies, and refuses with a 400 that says why where the standard parser fails hard.

Python's json module recurses once per level of nesting, so a body nested some thousands deep raises
RecursionError (a 500) instead of being refused; no field of the API takes more than a few levels.
"""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class NestingSafeJSONParser(JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                gettext(
                    "The JSON body is nested too deeply to be read: send objects and lists a few levels deep."
                )
            ) from None
