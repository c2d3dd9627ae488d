"""Lists come in pages: `page` from 1, `page_size` from 1 to 200, as the schema says.

DRF quietly reads a page size it cannot use (0, 1000, "abc") as the default one; here such a value is a 400
that names the parameter, so that a client learns it was not given what it asked for.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

# The largest number a page can have (PostgreSQL's bigint), so that any number the schema allows is read.
LAST_PAGE = 2**63 - 1


def whole_number(request: Request, name: str, highest: int) -> int | None:
    """The query parameter `name` as a number from 1 to `highest`, None when it is not given."""
    if name not in request.query_params:
        return None
    values = request.query_params.getlist(name)
    text = values[0] if len(values) == 1 else ""
    if text.isascii() and text.isdigit() and len(text) <= len(str(highest)) and 1 <= int(text) <= highest:
        return int(text)
    raise ValidationError(
        {name: [gettext("Give a whole number from 1 to %(highest)d, once.") % {"highest": highest}]}
    )


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # a page is a number, as the schema says

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        whole_number(request, self.page_query_param, LAST_PAGE)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        return whole_number(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["schema"]["maximum"] = LAST_PAGE
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = f"Number of results to return per page (default {self.page_size})."
        return parameters
