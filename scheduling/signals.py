"""What scheduling tells the apps downstream of it, without importing them."""

from django.dispatch import Signal

# Sent inside the publishing transaction, after the version and its change set are stored, with
# `version=ProgrammeVersion`. A receiver's writes commit or roll back with the publication itself.
programme_published = Signal()
