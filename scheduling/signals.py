"""What scheduling tells the apps downstream of it, without importing them."""

from django.dispatch import Signal

# Sent inside the publishing transaction, after the version and its change set are stored, with
# `version=ProgrammeVersion` and `changes`, the version's ProgrammeChange rows each with its ChangeRecipient
# rows, as just written (a receiver need not read them back while the visit is locked). A receiver's writes
# commit or roll back with the publication itself.
programme_published = Signal()
