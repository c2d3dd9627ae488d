"""What visits tells the apps downstream of it, without importing them."""

from django.dispatch import Signal

# Sent when a coordinator changes an expert's row on an admin page (an answer given by phone, say), after
# the row is saved, with `expert=SessionExpert`, `changed=[field names]` and `by=the user`.
expert_row_edited = Signal()
