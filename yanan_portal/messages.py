"""Messages joined the way Chinese is written.

Django's admin builds some messages from two sentences with an English space between them
(``msg += " " + _("You may edit it again below.")`` after 保存并继续编辑 on a new record), which
reads as “成功添加了文章“…”。 您可以在下面再次编辑它。”. Chinese puts no space between
sentences, so the storage drops a space after 。！？ before a Chinese character, whichever code
added the message. Only there: a title quoted in a message (“通知： 2026年度”) keeps its spaces
elsewhere, and a title with “。 ” inside is rare enough to accept.
"""

import re

from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe

# A space between a Chinese sentence's end and the next Chinese sentence.
_SPACE_AFTER_CHINESE_PUNCTUATION = re.compile(r"(?<=[。！？])[ \u00a0]+(?=[\u3400-\u9fff“「《(])")


def join_chinese_sentences(message):
    """The message without spaces after Chinese sentence punctuation; safe stays safe."""
    if isinstance(message, Promise):
        message = str(message)
    if not isinstance(message, str):
        return message
    joined = _SPACE_AFTER_CHINESE_PUNCTUATION.sub("", message)
    # Removing spaces cannot open a tag or an entity: what was safe markup still is.
    return mark_safe(joined) if isinstance(message, SafeData) else joined


class ChineseSentenceStorage(FallbackStorage):
    """Django's default storage (cookie, then session), with Chinese sentences joined."""

    def add(self, level, message, extra_tags=""):
        super().add(level, join_chinese_sentences(message), extra_tags)
