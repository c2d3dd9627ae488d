"""What an OPTIONS request answers: DRF's description of the fields a POST or PUT accepts.

To find out whether a PUT would be allowed, DRF fetches the object as a PUT would, and a change's queryset
locks its row (api.views.programme.SessionViewSet); a lock needs a transaction, which an OPTIONS request,
being safe, does not otherwise get (api.views.base.AtomicWrites). Nothing is written in it.
"""

from typing import TYPE_CHECKING, Any

from django.db import transaction
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module (its metadata class) as it loads
    from rest_framework.views import APIView


class Metadata(SimpleMetadata):
    def determine_actions(self, request: Request, view: "APIView") -> dict[str, Any]:
        with transaction.atomic():
            return super().determine_actions(request, view)
