"""QR codes for printed pages: segno (pure Python), as SVG data URIs that WeasyPrint draws as vectors.

Kept per text: a venue's map link is drawn once for every session there and in every booklet of the visit."""

from functools import lru_cache

import segno


@lru_cache(maxsize=1024)
def qr_data_uri(text: str, *, scale: int = 3) -> str:
    """The QR code of `text` as a data: URI of an SVG image; error correction M, enough for print."""
    return str(segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=2))
