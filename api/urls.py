from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from api.views import directory, intake, outbox, programme, proposals, stays

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", directory.OrganisationViewSet, basename="organisation")
router.register("people", directory.PersonViewSet, basename="person")
router.register("venues", directory.VenueViewSet, basename="venue")
router.register("opening-hours", directory.OpeningHoursViewSet, basename="opening-hours")
router.register("expert-hours", directory.ExpertHoursViewSet, basename="expert-hours")
router.register(
    "availability-exceptions", directory.AvailabilityExceptionViewSet, basename="availability-exception"
)
router.register("travel-times", directory.TravelTimeViewSet, basename="travel-time")
router.register("delegations", directory.DelegationViewSet, basename="delegation")
router.register("delegation-members", directory.DelegationMemberViewSet, basename="delegation-member")
router.register("visits", programme.VisitViewSet, basename="visit")
router.register("sessions", programme.SessionViewSet, basename="session")
router.register("outbox", outbox.OutboxMessageViewSet, basename="outbox-message")
router.register("proposals", proposals.ProposalViewSet, basename="proposal")
router.register("visit-requests", intake.VisitRequestViewSet, basename="visit-request")
router.register("stays", stays.ParticipantStayViewSet, basename="stay")

# The schema and its documentation say nothing about anyone's data, so they are open to read.
docs = {"permission_classes": [AllowAny], "authentication_classes": []}
# Swagger UI's start script is served as a file of its own (the split view), so no inline script runs; Swagger
# UI and ReDoc (templates/drf_spectacular/redoc.html) style their pages inline, and ReDoc searches in a worker
# and shows its maker's logo from its maker's site.
REDOC_LOGO = "https://cdn.redoc.ly"
docs_policy = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})
redoc_policy = csp_update(
    {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"], "img-src": [REDOC_LOGO]}
)


@csrf_exempt  # answers every method with a 404, and changes nothing
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Any other address under /api/ is a 404 in JSON too, not the site's HTML page."""
    return JsonResponse({"detail": gettext("There is nothing at this address of the API.")}, status=404)


urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/schema/", SpectacularAPIView.as_view(**docs), name="schema"),
    path(
        "v1/docs/",
        docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema", **docs)),
        name="docs",
    ),
    path(
        "v1/redoc/", redoc_policy(SpectacularRedocView.as_view(url_name="api:schema", **docs)), name="redoc"
    ),
    re_path(r"", not_found),
]
