from typing import Any

from django.db import transaction
from django.http import HttpResponseBase
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request

from visits.access import actor_of
from visits.services.base import Writes


class AtomicWrites:
    """Each request that may write runs in one transaction: all of it is saved, or (on any error the
    exception handler answers) none of it."""

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in permissions.SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class GenericViewSet(AtomicWrites, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"


class ModelViewSet(AtomicWrites, viewsets.ModelViewSet):
    lookup_value_regex = "[0-9]+"


class ServiceWrites:
    """A model viewset whose writes go through its services: the serializer validates, the service saves."""

    writes: Writes
    request: Request

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self.writes.create(data=serializer.validated_data, actor=actor_of(self.request))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self.writes.update(
            **{self.writes.noun: serializer.instance},
            data=serializer.validated_data,
            actor=actor_of(self.request),
        )

    def perform_destroy(self, instance: Any) -> None:
        self.writes.destroy(**{self.writes.noun: instance}, actor=actor_of(self.request))
