import functools

import segno
from django import template
from django.utils.safestring import mark_safe

from yanan_portal.templatetags.site_tags import iso_datetime

register = template.Library()


@register.simple_tag
def qr_image(url: str):
    """A QR code of ``url`` as a picture, drawn on the server (no image request, no third party).

    A picture, not inline SVG: WeChat's long press offers 识别图中二维码 on pictures only, and a
    reader on a phone cannot point its camera at its own screen."""
    return mark_safe(_qr_image(url))


CSS_PX_PER_MODULE = 4


# Drawing a code takes longer than the rest of the article page (perf, issue 9); an
# article's address never changes, so each worker keeps the latest ones.
@functools.lru_cache(maxsize=2048)
def _qr_image(url: str) -> str:
    qr = segno.make(url, error="m")
    width = qr.symbol_size(scale=CSS_PX_PER_MODULE, border=2)[0]
    # Drawn at twice the size it is shown, for phones' screens; the URL is only encoded into the modules.
    png = qr.png_data_uri(scale=CSS_PX_PER_MODULE * 2, border=2, dark="#000", light="#fff")
    return f'<img class="qr" src="{png}" width="{width}" height="{width}" alt="本文二维码:扫码或长按识别,在手机上打开本文">'


# JSON inside <script> must not be able to close the element or open a comment:
# the same escapes as Django's json_script.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_jsonld(context, article, canonical_url: str):
    """``NewsArticle`` structured data as a JSON-LD block.

    A data block is never executed, so it needs no CSP nonce; without one the article page
    stays the same for every reader and the page cache can keep it (yanan_portal/cache.py)."""
    import json

    from django.conf import settings
    from django.utils.html import format_html

    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary or article.title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "url": canonical_url,
        "datePublished": _local_iso(article.published_at),
        "dateModified": _local_iso(article.content_updated_at or article.published_at),
        "author": {"@type": "Organization" if not article.author else "Person", "name": article.author or article.source or "延安市老区建设促进会"},
        "publisher": {"@type": "Organization", "name": "延安市老区建设促进会", "url": settings.SITE_URL + "/"},
        "articleSection": article.channel.name,
        "inLanguage": "zh-CN",
    }
    if article.cover:
        from yanan_portal.images import share_image_url

        data["image"] = [share_image_url(article.cover.name)]
    payload = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(payload)
    )


def _local_iso(moment):
    # The same text as the page's <time datetime> and article:published_time (site_tags).
    return iso_datetime(moment) or None
