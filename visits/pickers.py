"""Searchable pickers: a select marked here is turned into a box to type in by static/visits/pickers.js
(Tom Select, vendored). The select stays the form's field, so without script it works as before and the
server checks what is sent as it always did."""

from django import forms
from django.utils.translation import gettext_lazy as _


def searchable(*fields: forms.Field, search_url: str = "") -> None:
    """Mark the fields' selects as pickers; with `search_url`, the picker also asks the server (JSON)."""
    for field in fields:
        attrs = field.widget.attrs
        attrs["data-picker"] = ""
        attrs["data-picker-no-results"] = _("Nothing matches.")
        if search_url:
            attrs["data-search-url"] = search_url
