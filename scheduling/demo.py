"""The demo's published programmes: a demo visit shown as published has been published, with a version and
the outbox it calls for, so that the board, the publish page and the delivery page agree.

visits.demo writes the visits (visits does not know of versions); this step publishes, after it and the
members' needs (manage.py seed_demo runs all three). Safe to run again: a visit with a version already is left
as it is, whatever a coordinator has changed in it since.
"""

from scheduling.publishing import programme_publish
from visits.demo import VISITS
from visits.models import Visit, VisitStatus


def publish_demo_programmes() -> int:
    """Publish, as the system, each demo visit shown as published that has no version yet; return how many
    versions were made."""
    titles = [data["title"] for data in VISITS if data["status"] == VisitStatus.PUBLISHED]
    made = 0
    for visit in Visit.objects.filter(title__in=titles, status=VisitStatus.PUBLISHED, versions__isnull=True):
        if programme_publish(visit=visit, actor=None) is not None:
            made += 1
    return made
