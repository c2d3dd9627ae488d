"""The OpenAPI schema names every answer an operation can give, errors included, with the one error shape."""

from typing import Any

from drf_spectacular.openapi import AutoSchema

from api.filters import BIGGEST_ID
from api.serializers.results import ErrorSerializer

WRITES = {"POST", "PUT", "PATCH"}


class ApiSchema(AutoSchema):
    def error_codes(self) -> set[int]:
        codes = {401, 403}
        if "{" in self.path:
            codes.add(404)
        if self.method == "GET" and self._is_list_view():
            codes |= {400, 404}  # a filter it cannot read; a page that does not exist
        if self.method in WRITES:
            codes |= {400, 409, 413, 415}
        if self.method == "DELETE":
            codes.add(409)  # kept as a record, or an If-Match that is not current
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in sorted(self.error_codes()):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ErrorSerializer, str(code), direction=direction
                )
        return responses


def positive_ids(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A row's id in a path is a number from 1 (ids are PostgreSQL bigints); the router's pattern alone would
    let a client think 0 could name a row."""
    for item in result["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": BIGGEST_ID}
    return result


# Text without the NUL character, which PostgreSQL cannot store and DRF and Django's forms refuse.
NO_NUL = r"^[^\x00]*$"


def no_nul_in_text(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Say that the text a request sends (body fields and query parameters) cannot hold NUL."""

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and not {"format", "enum", "pattern"} & set(node):
                node["pattern"] = NO_NUL
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            visit(component)
    for item in result["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    visit(parameter["schema"])
    return result


LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"


def local_times(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Times of day here are wall-clock times in a named zone (a venue's, an expert's), without the offset
    that OpenAPI's "time" format requires; say what they are instead."""

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "time":
                del node["format"]
                node["pattern"] = LOCAL_TIME
                node.setdefault("description", "A time of day, HH:MM[:SS], in the zone it belongs to.")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result
