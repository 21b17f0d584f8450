"""Rich text shared by every model with an editor-written body.

One configuration drives both the editor (what the toolbar offers) and the server-side
allowlist (what is stored), so that pasted fonts, colours, inline sizes, scripts, event
handlers and foreign images never reach a reader.
"""

import html as html_lib
import logging
import re
from functools import cache

import nh3
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

logger = logging.getLogger(__name__)

RICH_TEXT_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
}

RICH_TEXT_CONFIG = {"extensions": RICH_TEXT_EXTENSIONS}

_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\u00a0|<br\s*/?>)*</p>")
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _keep_local_images(element: str, attribute: str, value: str) -> str | None:
    # No hot-linking: an image must have been uploaded to our own media folder or bucket. Kept
    # at the address it was given (the bucket's with object storage: every page and editor
    # shows it as it is), without a query, which could hold an expiring signature.
    if element == "img" and attribute == "src":
        from .images import media_name

        return None if media_name(value) is None else value.split("?", 1)[0].split("#", 1)[0]
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    allowlist = allowlist_from_extensions(expand_extensions(RICH_TEXT_EXTENSIONS))
    allowlist["link_rel"] = "noopener noreferrer"
    allowlist["attributes"]["a"].discard("rel")
    return nh3.Cleaner(**allowlist, attribute_filter=_keep_local_images)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allowed tags and attributes, without empty paragraphs."""
    if not html:
        return ""
    cleaned = _cleaner().clean(html)
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)
    return cleaned.strip()


@cache
def rich_text_fields(model) -> tuple:
    from django_prose_editor.fields import ProseEditorField

    return tuple(f for f in model._meta.concrete_fields if isinstance(f, ProseEditorField))


def sanitize_rich_text_fields(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: run every ProseEditorField of ``instance`` through the portal's allowlist.

    The one place rich text is cleaned on its way to the database, whatever door it came
    through (the fields also use ``sanitize_html`` for their forms).
    """
    for field in rich_text_fields(sender):
        value = getattr(instance, field.attname)
        if value:
            setattr(instance, field.attname, sanitize_html(value))


# --- In the admin: the editor's photo upload and the check of the photos in a text -------

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\ssrc\s*=\s*["\']?([^"\'\s>]*)', re.IGNORECASE)
_ALT = re.compile(r'\salt\s*=\s*"([^"]*)"', re.IGNORECASE)


def body_editor_config() -> dict:
    # The editor's 插入图片 dialog gets a 浏览… button that opens our photo upload page
    # (news.admin.ArticleAdmin.photo_picker_view, open to whoever may edit a rich text).
    extensions = dict(RICH_TEXT_CONFIG["extensions"])
    extensions["Figure"] = {"pickerUrl": reverse_lazy("admin:news_article_photo_picker")}
    return {"extensions": extensions}


def check_body_images(html: str) -> None:
    """Refuse what the sanitiser would silently drop, so that the editor knows."""
    from .images import is_own_media_address, media_name

    errors = []
    for tag in _IMG.findall(html or ""):
        src = html_lib.unescape((_SRC.search(tag) or [None, ""])[1])
        name = media_name(src)
        if src.startswith("data:"):
            errors.append(_(
                "正文中有直接粘贴进来的图片(常见于从 Word/WPS 复制),网站不能保存这种图片。"
                "请删除它,再用编辑器的“插入图片 → 浏览…”上传照片。"
            ))
        elif src.lower().startswith("file:"):
            # Word/WPS paste photos as files of the writer's own computer, which no reader can see.
            errors.append(_(
                "正文中有电脑本机上的图片(%(src)s,常见于从 Word/WPS 复制),读者看不到这种图片。"
                "请删除它,再用“插入图片 → 浏览…”从电脑上选择这张照片上传。"
            ) % {"src": src[:80]})
        elif not is_own_media_address(src):
            errors.append(_(
                "正文中有来自其他网站的图片(%(src)s),网站不引用外部图片。"
                "请先下载,再用“插入图片 → 浏览…”上传。"
            ) % {"src": src[:80]})
        elif name is None or not _is_uploaded_photo(name):
            # A copy of another page's image address, or a photo deleted since: readers
            # would see a broken image.
            errors.append(_(
                "正文中的图片 %(src)s 在网站上找不到(可能是从别处复制来的地址,或照片已被删除)。"
                "请删除它,再用“插入图片 → 浏览…”上传照片。"
            ) % {"src": src[:80]})
        else:
            alt = _ALT.search(tag)
            if not alt or not alt.group(1).strip():
                errors.append(_("每张图片都要填写“替代文字”(为看不见图片的读者描述图片内容)。"))
    if errors:
        raise ValidationError(list(dict.fromkeys(str(e) for e in errors)))


def _is_uploaded_photo(name: str) -> bool:
    """A photo of the public media (``images.media_name`` has refused anything else) that is in
    storage."""
    try:
        return default_storage.exists(name)
    except SuspiciousFileOperation:
        return False
    except Exception as error:
        if not _storage_unavailable(error):
            raise
        # Not the editor's fault: the save goes through rather than fail over a check.
        logger.warning("无法检查正文图片是否存在(%s):%s", error, name)
        return True


def _storage_unavailable(error: Exception) -> bool:
    """The storage could not be asked: the file system, or object storage (botocore's errors:
    unreachable, refused, no permission to look)."""
    return isinstance(error, OSError) or type(error).__module__.startswith("botocore")
