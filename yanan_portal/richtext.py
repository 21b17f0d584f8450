"""Rich text shared by every model with an editor-written body.

One configuration drives both the editor (what the toolbar offers) and the server-side
allowlist (what is stored), so that pasted fonts, colours, inline sizes, scripts, event
handlers and foreign images never reach a reader.
"""

import re
from functools import cache

import nh3
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

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
def _rich_text_fields(model) -> tuple:
    from django_prose_editor.fields import ProseEditorField

    return tuple(f for f in model._meta.concrete_fields if isinstance(f, ProseEditorField))


def sanitize_rich_text_fields(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: run every ProseEditorField of ``instance`` through the portal's allowlist.

    The one place rich text is cleaned on its way to the database, whatever door it came
    through (the fields also use ``sanitize_html`` for their forms).
    """
    for field in _rich_text_fields(sender):
        value = getattr(instance, field.attname)
        if value:
            setattr(instance, field.attname, sanitize_html(value))
