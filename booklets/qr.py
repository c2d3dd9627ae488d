"""QR codes for printed pages: segno (pure Python), as SVG data URIs that WeasyPrint draws as vectors."""

import segno


def qr_data_uri(text: str, *, scale: int = 3) -> str:
    """The QR code of `text` as a data: URI of an SVG image; error correction M, enough for print."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=2)
