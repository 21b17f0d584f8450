import functools

import segno
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def qr_svg(url: str):
    """An inline SVG QR code of ``url``, drawn on the server (no image request, no third party)."""
    return mark_safe(_qr_svg(url))


# Drawing a code takes longer than the rest of the article page (perf, issue 9); an
# article's address never changes, so each worker keeps the latest ones.
@functools.lru_cache(maxsize=2048)
def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", title="本文二维码", svgclass="qr")
    # segno escapes the title it writes; the URL is only encoded into the modules.
    return svg.replace("<svg ", '<svg role="img" aria-label="扫码在手机上打开本文" ', 1)
