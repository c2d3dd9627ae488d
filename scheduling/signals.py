"""What scheduling tells the apps downstream of it, without importing them."""

from django.dispatch import Signal

# Sent once per version, after the version and its change set are committed and the visit's lock released, in
# a transaction that holds the version's row (scheduling.publishing.write_pending_messages), with
# `version=ProgrammeVersion` and `changes`: the version's ProgrammeChange rows each with its ChangeRecipient
# rows as the publisher just wrote them, or None (then read them back). A receiver's writes commit with the
# version's mark that its messages are written, or roll back with it, to be written again by the outbox
# sweep: they must be idempotent.
programme_published = Signal()
