"""The participant's booklet attached to their programme e-mail, when the visit's settings say so."""

import logging

from booklets.content import NotPublished
from booklets.documents import booklet_filename, person_booklet
from booklets.models import BookletSettings
from booklets.pdf import BookletUnavailable
from notifications.hooks import Attachment
from notifications.models import MessageKind, OutboxMessage
from scheduling.models import ProgrammeVersion

log = logging.getLogger(__name__)


def booklet_attachment(message: OutboxMessage) -> list[Attachment]:
    """The booklet of the version the programme e-mail is for. Without WeasyPrint the e-mail goes without
    it (logged): the programme in the e-mail and its calendar matter more than the PDF."""
    if (
        message.kind != MessageKind.PROGRAMME
        or message.person is None
        or message.version_number is None
        or message.visit is None
        or message.visit_id is None
    ):
        return []
    if not BookletSettings.objects.filter(visit_id=message.visit_id, attach_to_programme_email=True).exists():
        return []
    version = ProgrammeVersion.objects.filter(
        visit_id=message.visit_id, number=message.version_number
    ).first()
    try:
        rendered = person_booklet(message.visit, message.person, version=version)
    except (NotPublished, BookletUnavailable) as error:
        log.warning("Programme e-mail %s goes without its booklet: %s", message.pk, error)
        return []
    return [(booklet_filename(message.visit, message.person.name), rendered.pdf, "application/pdf")]
