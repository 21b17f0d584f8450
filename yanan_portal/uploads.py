"""Checks for every uploaded file: judged by its content, never by its name alone."""

import io
import secrets
import zipfile
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, UnidentifiedImageError

IMAGE_MAX_BYTES = 20 * 1024 * 1024
# About 40 megapixels: a large camera photo passes, a decompression bomb does not.
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Every photo is stored at most this wide (images.store_image scales it down), with a WebP
# copy, and WebP holds at most 16,383 pixels a side: a long picture narrower than that
# width keeps its height, so it must fit.
IMAGE_STORED_MAX_WIDTH = 2000
IMAGE_STORED_MAX_HEIGHT = 16_383

ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"
# For each allowed extension: the signature it must start with, and for the Office
# Open XML formats the folder their ZIP must contain.
ATTACHMENT_KINDS = {
    "pdf": (b"%PDF-", None),
    "doc": (_OLE_SIGNATURE, None),
    "xls": (_OLE_SIGNATURE, None),
    "ppt": (_OLE_SIGNATURE, None),
    "docx": (_ZIP_SIGNATURE, "word/"),
    "xlsx": (_ZIP_SIGNATURE, "xl/"),
    "pptx": (_ZIP_SIGNATURE, "ppt/"),
    "zip": (_ZIP_SIGNATURE, ""),
}


def _read_head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


IMAGE_HELP_TEXT = gettext_lazy("JPEG、PNG、WebP 或 GIF,不超过 20 MB。")


@deconstructible
class UnguessableName:
    """``upload_to``: ``<folder>/<year>/<random>.<ext>``. A photo of a record that is hidden (a
    programme not yet shown, a former council unit) must not be found by guessing its address,
    and the name a file had on someone's computer often says what it shows."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = PurePosixPath(filename).suffix.lower()
        if not extension[1:].isalnum() or len(extension) > 6:
            extension = ""
        return f"{self.folder}/{timezone.localdate():%Y}/{secrets.token_hex(12)}{extension}"

    def __eq__(self, other):
        return isinstance(other, UnguessableName) and other.folder == self.folder


def image_field(verbose_name, *, upload_to, help_text=IMAGE_HELP_TEXT) -> models.ImageField:
    """An optional picture on a record (cover, photo, logo), checked by ``validate_image``."""
    return models.ImageField(verbose_name, upload_to=upload_to, blank=True, validators=[validate_image], help_text=help_text)


def size_and_limit(size: int, limit: int) -> dict[str, str]:
    """An upload's size and the limit it exceeds, as people read them, never the same text:
    filesizeformat showed a 21,021,051-byte photo as "20.0 MB" over a limit of "20.0 MB"."""
    shown, cap = filesizeformat(size), filesizeformat(limit)
    if shown == cap:
        shown, cap = f"{size / 1048576:.2f} MB", f"{limit / 1048576:.2f} MB"
    if shown == cap:
        shown, cap = f"{size:,} 字节", f"{limit:,} 字节"
    return {"size": shown, "limit": cap}


def stored_height(width: int, height: int) -> int:
    """The height of a photo of this size once scaled down to IMAGE_STORED_MAX_WIDTH."""
    if width <= IMAGE_STORED_MAX_WIDTH:
        return height
    return max(1, round(height * IMAGE_STORED_MAX_WIDTH / width))


def validate_image(upload) -> None:
    """Accept only a real JPEG, PNG, WebP or GIF of sensible size."""
    if not upload:
        return
    if upload.size == 0:
        raise ValidationError(_("文件是空的,请重新选择图片。"), code="empty")
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("图片太大(%(size)s),请不要超过 %(limit)s。")
            % size_and_limit(upload.size, IMAGE_MAX_BYTES),
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError(
                    _("只能上传 JPEG、PNG、WebP 或 GIF 图片。"), code="format"
                )
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("图片像素太多(%(w)s×%(h)s),请缩小后再上传。") % {"w": width, "h": height},
                    code="too_many_pixels",
                )
            image.verify()
        # verify() does not decode the pixels; a full load catches truncated files.
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            # After the load: a PNG's EXIF may follow its pixels.
            if image.getexif().get(ExifTags.Base.Orientation) in {5, 6, 7, 8}:
                # Stored turned upright (ImageOps.exif_transpose): a quarter turn.
                width, height = height, width
        if stored_height(width, height) > IMAGE_STORED_MAX_HEIGHT:
            raise ValidationError(
                _("图片太长(%(w)s×%(h)s),网站保存不了。长图请裁成几张,分别上传。")
                % {"w": width, "h": height},
                code="too_long",
            )
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("无法识别的图片文件,或文件已损坏。请上传 JPEG、PNG、WebP 或 GIF 图片。"),
            code="invalid",
        )
    finally:
        upload.seek(0)


def attachment_kind(upload) -> str:
    """The attachment's kind (its checked extension), or a ValidationError."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(ext.upper() for ext in ATTACHMENT_KINDS)
    if extension not in ATTACHMENT_KINDS:
        raise ValidationError(
            _("不支持此类文件。可以上传:%(allowed)s。") % {"allowed": allowed}, code="extension"
        )
    if upload.size == 0:
        raise ValidationError(_("文件是空的,请重新选择。"), code="empty")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("文件太大(%(size)s),请不要超过 %(limit)s。")
            % size_and_limit(upload.size, ATTACHMENT_MAX_BYTES),
            code="too_large",
        )
    signature, folder = ATTACHMENT_KINDS[extension]
    mismatch = ValidationError(
        _("文件内容与扩展名 .%(ext)s 不符,可能已损坏或被改名,已拒绝。") % {"ext": extension},
        code="signature",
    )
    if not _read_head(upload, len(signature)) == signature:
        raise mismatch
    if folder is not None:
        upload.seek(0)
        try:
            data = upload.read()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise mismatch
        finally:
            upload.seek(0)
        if folder and not any(n.startswith(folder) for n in names):
            raise mismatch
    return extension


def validate_attachment(upload) -> None:
    if upload:
        attachment_kind(upload)
