"""The image pipeline: every photo an editor uploads (body photos, article covers) passes here.

An upload is checked by content (``uploads.validate_image``), turned upright by its EXIF
orientation, stripped of every metadata (GPS position, camera serial…) by re-encoding only
the pixels, stored under a generated name, and accompanied by renditions of several widths
in its own format and in WebP. The stored name carries the master's size, e.g.
``photos/2026/11/3f2a…_1600x1067.jpg``, so that pages can write ``srcset``, ``width`` and
``height`` without a database query.
"""

import io
import re
import posixpath
from html import unescape
from urllib.parse import unquote
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from PIL import Image, ImageOps

from .uploads import IMAGE_STORED_MAX_WIDTH, validate_image

# The master is never wider than this; renditions come in these widths (those narrower
# than the master). 480 fills a phone, 960 a phone at 2x, 1440 a desktop at 2x.
MASTER_MAX_WIDTH = IMAGE_STORED_MAX_WIDTH
RENDITION_WIDTHS = (480, 960, 1440)
JPEG_QUALITY = 82
WEBP_QUALITY = 78
# The article column is 48rem wide at most; on a phone the photo fills the screen.
DEFAULT_SIZES = "(max-width: 48rem) 100vw, 48rem"

_NAME = re.compile(r"^(?P<stem>.+_(?P<w>\d+)x(?P<h>\d+))\.(?P<ext>jpg|png)$")


@dataclass(frozen=True)
class StoredImage:
    name: str
    width: int
    height: int

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


def _resize(image: Image.Image, width: int) -> Image.Image:
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def store_image(upload, *, folder: str) -> StoredImage:
    """Check, clean and store ``upload`` with its renditions. Raises ValidationError
    (with a Chinese message) before anything is written when the upload is not a photo."""
    validate_image(upload)
    upload.seek(0)
    with Image.open(upload) as original:
        # The first frame of an animation: pages have no auto-playing motion (DESIGN.md).
        original.seek(0)
        image = ImageOps.exif_transpose(original)
        has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
            image.mode == "P" and "transparency" in image.info
        )
        image = image.convert("RGBA" if has_alpha else "RGB")
    # A fresh image holds pixels only: no EXIF, GPS, XMP, ICC or comments survive.
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.width > MASTER_MAX_WIDTH:
        image = _resize(image, MASTER_MAX_WIDTH)
    fmt, ext = ("PNG", "png") if has_alpha else ("JPEG", "jpg")
    today = timezone.localdate()
    stem = f"{folder}/{today:%Y/%m}/{secrets.token_hex(8)}_{image.width}x{image.height}"

    files = {f"{stem}.{ext}": _encode(image, fmt), f"{stem}.webp": _encode(image, "WEBP")}
    for width in rendition_widths(image.width):
        smaller = _resize(image, width)
        files[f"{stem}-{width}.{ext}"] = _encode(smaller, fmt)
        files[f"{stem}-{width}.webp"] = _encode(smaller, "WEBP")
    for name, data in files.items():
        saved = default_storage.save(name, ContentFile(data))
        # The page derives rendition names from the master's; a renamed file would break them.
        assert saved == name, f"storage renamed {name} to {saved}"
    upload.seek(0)
    return StoredImage(name=f"{stem}.{ext}", width=image.width, height=image.height)


def rendition_widths(width: int) -> list[int]:
    return [w for w in RENDITION_WIDTHS if w < width]


def parse_name(name: str) -> tuple[str, int, int, str] | None:
    """(stem, width, height, extension) of a pipeline-stored name, or None."""
    match = _NAME.match(name)
    if not match:
        return None
    return match["stem"], int(match["w"]), int(match["h"]), match["ext"]


def picture(name: str, *, alt: str, sizes: str = DEFAULT_SIZES, extra: str = "") -> SafeString:
    """A ``<picture>`` with WebP and a JPEG/PNG fallback in several widths, lazy loaded."""
    parsed = parse_name(name)
    if parsed is None:
        return format_html('<img src="{}" alt="{}" loading="lazy" decoding="async">',
                           default_storage.url(name), alt)
    stem, width, height, ext = parsed
    url = default_storage.url

    def srcset(extension: str) -> str:
        items = [f"{url(f'{stem}-{w}.{extension}')} {w}w" for w in rendition_widths(width)]
        items.append(f"{url(f'{stem}.{extension}')} {width}w")
        return ", ".join(items)

    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'loading="lazy" decoding="async"{}></picture>',
        srcset("webp"),
        sizes,
        url(f"{stem}.{ext}"),
        srcset(ext),
        sizes,
        width,
        height,
        alt,
        mark_safe(extra),
    )


_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def media_name(src: str) -> str | None:
    """The storage name of one of our own photos, from its address in a body (HTML entities
    already decoded): under MEDIA_URL, or under the object storage's own address, which is what
    the photo picker gives the editor when MEDIA_S3_BUCKET is set. None for any other address,
    and for a name that is not plainly a file of the public media (".", "..", "//", a folder,
    an attachment or a publication PDF, which only the publication rule hands out)."""
    from .protected_media import is_protected

    prefix = next((p for p in _own_media_prefixes() if src.startswith(p)), None)
    if prefix is None:
        return None
    name = unquote(src[len(prefix):].split("?", 1)[0].split("#", 1)[0])
    if not name or "\\" in name or posixpath.normpath(name) != name or name.startswith(("/", "../")) or is_protected(name):
        return None
    return name


def is_own_media_address(src: str) -> bool:
    """Under one of our own media addresses, whether or not it names a usable photo."""
    return any(src.startswith(p) for p in _own_media_prefixes())


_prefixes_cache: tuple = (None, None, [])


def _own_media_prefixes() -> list[str]:
    """MEDIA_URL and the storage's address for a name (built locally, no request; a signed
    address's query dropped), worked out once per storage."""
    global _prefixes_cache
    storage = storages["default"]
    cached_storage, cached_media_url, prefixes = _prefixes_cache
    if cached_storage is not storage or cached_media_url != settings.MEDIA_URL:
        probe = storage.url("probe").split("?", 1)[0]
        storage_prefix = probe.removesuffix("probe") if probe.endswith("/probe") else settings.MEDIA_URL
        prefixes = list(dict.fromkeys([settings.MEDIA_URL, storage_prefix]))
        _prefixes_cache = (storage, settings.MEDIA_URL, prefixes)
    return prefixes


def responsive_body(html: str) -> SafeString:
    """Turn each of our own ``<img>`` in sanitised body HTML into a responsive ``<picture>``."""

    def replace(match: re.Match) -> str:
        attrs = dict(_ATTR.findall(match[1]))
        name = media_name(unescape(attrs.get("src", "")))
        if name is None or parse_name(name) is None:
            return match[0]
        return picture(name, alt=unescape(attrs.get("alt", "")))

    return mark_safe(_IMG.sub(replace, html or ""))



SHARE_IMAGE_MAX_WIDTH = 1200


def share_image_url(name: str) -> str:
    """The absolute address of a JPEG/PNG rendition for sharing cards (og:image).

    WeChat and most chat apps do not show WebP, and a card needs no more than about 1200 px.
    """
    from django.conf import settings

    parsed = parse_name(name)
    if parsed is None:
        url = default_storage.url(name)
    else:
        stem, width, _height, ext = parsed
        widths = [w for w in rendition_widths(width) if w <= SHARE_IMAGE_MAX_WIDTH]
        url = default_storage.url(f"{stem}-{max(widths)}.{ext}" if widths else f"{stem}.{ext}")
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url
