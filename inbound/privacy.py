"""What received mail holds about a person, for erasure: the messages they sent, or that name them.

The raw message of every row is emptied INBOUND_KEEP_DAYS after it was received (inbound.tasks.erase_old_raw);
erasing a person does it at once for the rows that carry their address.
"""

from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbound.models import ReceivedMessage
from privacy.registry import register_redactor


def _addresses(values: Sequence[str]) -> list[str]:
    return [value.strip().lower() for value in values if "@" in value and value.strip()]


def _rows(values: Sequence[str]) -> list[int]:
    addresses = _addresses(values)
    if not addresses:
        return []
    by_sender = Q()
    for address in addresses:
        by_sender |= Q(mail_from__iexact=address)
    found = set(ReceivedMessage.objects.filter(by_sender).values_list("pk", flat=True))
    needles = [address.encode() for address in addresses]
    # The raw messages still kept (at most INBOUND_KEEP_DAYS of mail), read a few at a time.
    kept = ReceivedMessage.objects.filter(raw_erased_at__isnull=True).exclude(pk__in=found)
    for pk, raw in kept.values_list("pk", "raw").iterator(chunk_size=100):
        lowered = bytes(raw).lower()
        if any(needle in lowered for needle in needles):
            found.add(pk)
    return sorted(found)


def redact(person_id: int, values: Sequence[str]) -> int:
    pks = _rows(values)
    if not pks:
        return 0
    return ReceivedMessage.objects.filter(pk__in=pks).update(
        raw=b"", raw_erased_at=timezone.now(), mail_from="", recipients=[], updated_at=timezone.now()
    )


def register() -> None:
    register_redactor("received_mail", _("Messages received from them or naming them (emptied)"), redact)
