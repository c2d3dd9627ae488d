"""The coordinators' pages. Every view needs a signed-in user, and finds its visit through visits.access."""

from django.conf import settings
from django.utils import translation


def language() -> str:
    """The active language, or the site's default when none is active."""
    return translation.get_language() or settings.LANGUAGE_CODE
