"""The editorial workflow: every change of an article's state goes through these functions.

The admin's buttons, its bulk actions and the tests all call them, so a rule cannot be
bypassed by choosing another door. Each function checks who acts and from which state,
changes the article inside a transaction and writes an ``ArticleEvent``.
"""

import difflib
import re
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .models import Article, ArticleEvent, Attachment

Status = Article.Status
Action = ArticleEvent.Action

PUBLISH_PERMISSION = "news.publish_article"

# Which states each transition starts from.
ALLOWED_FROM = {
    Action.SUBMIT: {Status.DRAFT, Status.WITHDRAWN},
    Action.PUBLISH: {Status.DRAFT, Status.REVIEW},
    Action.SCHEDULE: {Status.DRAFT, Status.REVIEW},
    Action.SEND_BACK: {Status.REVIEW},
    Action.WITHDRAW: {Status.PUBLISHED},
    Action.REPUBLISH: {Status.WITHDRAWN},
}
NEEDS_PUBLISHER = {
    Action.PUBLISH,
    Action.SCHEDULE,
    Action.SEND_BACK,
    Action.WITHDRAW,
    Action.REPUBLISH,
}


class TransitionError(ValidationError):
    """An illegal transition; its message is shown to the staff member as is."""


# The code of a TransitionError about the 发布时间 that was entered (shown beside that field).
TIME_ERROR = "published_at"


def can_publish(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def allowed_actions(*, article: Article, user) -> list[str]:
    """The transitions ``user`` may apply to ``article`` now, in the order of the buttons."""
    if not (user.is_active and user.has_perm("news.change_article")):
        return []
    actions = []
    for action, states in ALLOWED_FROM.items():
        if article.status not in states:
            continue
        if action in NEEDS_PUBLISHER and not can_publish(user):
            continue
        actions.append(action)
    return actions


def _record(
    *, article: Article, action: str, by, from_status: str, comment: str = "", publish_time=None
) -> ArticleEvent:
    return ArticleEvent.objects.create(
        article=article,
        action=action,
        from_status=from_status,
        to_status=article.status,
        comment=comment,
        publish_time=publish_time,
        actor=by if by and by.pk else None,
        actor_name=(by.get_full_name() or by.get_username()) if by else "",
    )


def _locked(article: Article, action: str, by) -> tuple[Article, str]:
    """Re-read the row under a lock and check the rule; return it with its current state."""
    if not (by and by.is_active and by.has_perm("news.change_article")):
        raise PermissionDenied(_("您没有修改文章的权限。"))
    if action in NEEDS_PUBLISHER and not can_publish(by):
        raise PermissionDenied(
            _("只有审核发布人员可以执行“%(action)s”。") % {"action": Action(action).label}
        )
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.status not in ALLOWED_FROM[action]:
        raise TransitionError(
            _("文章当前状态为“%(status)s”,不能执行“%(action)s”。")
            % {"status": current.get_status_display_full(), "action": Action(action).label}
        )
    return current, current.status


def _has_been_public(article: Article) -> bool:
    # Only publish() and schedule() write published_at, so a time that has come means the
    # article has been before the public (whatever its state now).
    return article.published_at is not None and article.published_at <= timezone.now()


def _save(current: Article, article: Article, fields: list[str]) -> None:
    current.save(update_fields=fields)
    # The caller's instance follows, so that a page rendered afterwards shows the new state.
    for field in fields:
        setattr(article, field, getattr(current, field))


@transaction.atomic
def submit_for_review(*, article: Article, by, comment: str = "") -> Article:
    current, before = _locked(article, Action.SUBMIT, by)
    current.status = Status.REVIEW
    current.review_comment = ""
    current.updated_by = by
    _save(current, article, ["status", "review_comment", "updated_by", "updated_at"])
    _record(article=current, action=Action.SUBMIT, by=by, from_status=before, comment=comment)
    return article


@transaction.atomic
def publish(
    *,
    article: Article,
    by,
    at: datetime | None = None,
    import_old: bool = False,
    comment: str = "",
) -> Article:
    """Publish now, or at ``at``.

    A past ``at`` is allowed only with ``import_old`` (bringing over an old article from the
    previous site) and is written into the audit record. Once an article has been public
    its first publication time is never rewritten.
    """
    current, before = _locked(article, Action.PUBLISH, by)
    now = timezone.now()
    if at is not None and at < now - timezone.timedelta(minutes=1) and not import_old:
        raise TransitionError(
            _("发布时间不能早于现在。导入旧文章时请勾选“导入旧文章”,并填写原发布时间。"), code=TIME_ERROR
        )
    if import_old and at is None:
        raise TransitionError(_("导入旧文章时必须填写原发布时间。"), code=TIME_ERROR)
    if current.published_at is None or not _has_been_public(current):
        current.published_at = at or now
    current.status = Status.PUBLISHED
    current.published_by = by
    current.updated_by = by
    _save(current, article, ["status", "published_at", "published_by", "updated_by", "updated_at"])
    if import_old:
        comment = (_("导入旧文章,原发布时间 %(time)s。") % {
            "time": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
        } + " " + comment).strip()
    _record(
        article=current,
        action=Action.PUBLISH,
        by=by,
        from_status=before,
        comment=comment,
        publish_time=current.published_at,
    )
    return article


@transaction.atomic
def schedule(*, article: Article, by, at: datetime, comment: str = "") -> Article:
    """Publish at a future time; the public rule shows it from then on, without a cron job."""
    current, before = _locked(article, Action.SCHEDULE, by)
    if at is None or at <= timezone.now():
        raise TransitionError(_("定时发布的时间必须晚于现在。"), code=TIME_ERROR)
    current.status = Status.PUBLISHED
    current.published_at = at
    current.published_by = by
    current.updated_by = by
    _save(current, article, ["status", "published_at", "published_by", "updated_by", "updated_at"])
    _record(
        article=current,
        action=Action.SCHEDULE,
        by=by,
        from_status=before,
        comment=comment,
        publish_time=at,
    )
    return article


@transaction.atomic
def send_back(*, article: Article, by, comment: str) -> Article:
    current, before = _locked(article, Action.SEND_BACK, by)
    if not comment.strip():
        raise TransitionError(_("退回修改时请填写审核意见,告诉编辑要改什么。"))
    current.status = Status.DRAFT
    current.review_comment = comment.strip()
    current.updated_by = by
    _save(current, article, ["status", "review_comment", "updated_by", "updated_at"])
    _record(article=current, action=Action.SEND_BACK, by=by, from_status=before, comment=comment)
    return article


@transaction.atomic
def withdraw(*, article: Article, by, comment: str = "") -> Article:
    current, before = _locked(article, Action.WITHDRAW, by)
    current.status = Status.WITHDRAWN
    current.updated_by = by
    _save(current, article, ["status", "updated_by", "updated_at"])
    _record(article=current, action=Action.WITHDRAW, by=by, from_status=before, comment=comment)
    return article


@transaction.atomic
def republish(*, article: Article, by, comment: str = "") -> Article:
    """Put a withdrawn article back; its first publication time stays what it was."""
    current, before = _locked(article, Action.REPUBLISH, by)
    if current.published_at is None:
        current.published_at = timezone.now()
    current.status = Status.PUBLISHED
    current.updated_by = by
    _save(current, article, ["status", "published_at", "updated_by", "updated_at"])
    _record(
        article=current,
        action=Action.REPUBLISH,
        by=by,
        from_status=before,
        comment=comment,
        publish_time=current.published_at,
    )
    return article


TRANSITIONS = {
    Action.SUBMIT: submit_for_review,
    Action.PUBLISH: publish,
    Action.SCHEDULE: schedule,
    Action.SEND_BACK: send_back,
    Action.WITHDRAW: withdraw,
    Action.REPUBLISH: republish,
}


# --- Editing, deleting and recovering ---------------------------------------------------


def can_edit(*, article: Article, user) -> bool:
    """Editors may not change what the public sees (published or scheduled): a publisher
    withdraws it first, or edits it directly. See docs/editorial.md."""
    if not user.has_perm("news.change_article"):
        return False
    if article.pk and article.status == Status.PUBLISHED:
        return can_publish(user)
    return True


def record_edit(*, article: Article, by, created: bool) -> None:
    """Called after an admin save: the audit line and, after publication, 更新时间."""
    if created:
        _record(article=article, action=Action.CREATE, by=by, from_status="")
    elif article.status == Status.PUBLISHED:
        if article.is_published:
            Article.objects.filter(pk=article.pk).update(content_updated_at=timezone.now())
        _record(article=article, action=Action.EDIT_PUBLISHED, by=by, from_status=article.status)


def can_delete(*, article: Article | None, user) -> bool:
    if not user.has_perm("news.delete_article"):
        return False
    return article is None or article.status != Status.PUBLISHED


@transaction.atomic
def delete_article(*, article: Article, by) -> None:
    if not by.has_perm("news.delete_article"):
        raise PermissionDenied(_("只有管理员可以删除文章。"))
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.status == Status.PUBLISHED:
        raise TransitionError(_("已发布的文章不能直接删除,请先撤回。"))
    _record(article=current, action=Action.DELETE, by=by, from_status=current.status)
    current.delete()


def deleted_articles():
    """The recycle bin: the last historical record of every article that no longer exists."""
    HistoricalArticle = Article.history.model
    return (
        HistoricalArticle.objects.filter(history_type="-")
        .exclude(id__in=Article.objects.values("id"))
        .select_related("history_user", "channel")
        .order_by("-history_date")
    )


@transaction.atomic
def recover_article(*, history_id: int, by) -> Article:
    """Bring a deleted article back from the recycle bin, as a draft, with its attachments."""
    if not by.has_perm("news.delete_article"):
        raise PermissionDenied(_("只有管理员可以从回收站恢复文章。"))
    record = deleted_articles().filter(history_id=history_id).first()
    if record is None:
        raise TransitionError(_("回收站中没有这篇文章,可能已经恢复。"))
    article = record.instance
    before = article.status
    if article.status == Status.PUBLISHED:
        article.status = Status.WITHDRAWN
    article.updated_by = by
    article.save()
    HistoricalAttachment = Attachment.history.model
    deleted_attachments = HistoricalAttachment.objects.filter(
        article_id=article.pk, history_type="-"
    ).exclude(id__in=Attachment.objects.values("id"))
    for attachment_record in deleted_attachments:
        attachment_record.instance.save()
    _record(article=article, action=Action.RECOVER, by=by, from_status=before)
    return article


@transaction.atomic
def restore_version(*, article: Article, history_id: int, by) -> Article:
    """Make an older version the current text again, as a new version (nothing is lost)."""
    if not can_edit(article=article, user=by):
        raise PermissionDenied(_("您不能修改这篇文章。"))
    record = article.history.filter(history_id=history_id).first()
    if record is None:
        raise TransitionError(_("找不到这个历史版本。"))
    current = Article.objects.select_for_update().get(pk=article.pk)
    for field in ["title", "summary", "body", "channel_id", "author", "source",
                  "responsible_editor", "cover", "cover_alt"]:
        setattr(current, field, getattr(record, field))
    current.version += 1
    current.updated_by = by
    current._change_reason = _("恢复 %(date)s 的版本") % {
        "date": timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M:%S")
    }
    if current.is_published:
        current.content_updated_at = timezone.now()
    current.save()
    _record(
        article=current,
        action=Action.RESTORE_VERSION,
        by=by,
        from_status=current.status,
        comment=current._change_reason,
    )
    return current


# --- Comparing versions ------------------------------------------------------------------

_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|figcaption|blockquote|tr)>|<br\s*/?>|<img\b[^>]*>", re.I)
_IMG_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]*)"[^>]*>', re.I)


def _text_lines(value) -> list[str]:
    """Body HTML as the lines a person reads (an image as [图片 name])."""
    html = str(value or "")
    html = _IMG_SRC.sub(lambda m: f"[图片 {m[1].rsplit('/', 1)[-1]}]</p>", html)
    return [line.strip() for line in (strip_tags(part) for part in _BLOCK_END.split(html)) if line.strip()]


DIFF_FIELDS = [
    ("title", _("标题")), ("channel", _("栏目")), ("summary", _("摘要")), ("body", _("正文")),
    ("author", _("作者")), ("source", _("来源")), ("responsible_editor", _("责任编辑")),
    ("cover", _("封面图片")), ("cover_alt", _("封面图片说明")),
]


def version_diff(old, new) -> list[dict]:
    """Per changed field, the lines with their kind: "-" removed, "+" added, " " kept."""
    changed = []
    for name, label in DIFF_FIELDS:
        before = _text_lines(getattr(old, name)) if name == "body" else [str(getattr(old, name) or "")]
        after = _text_lines(getattr(new, name)) if name == "body" else [str(getattr(new, name) or "")]
        if before == after:
            continue
        lines = [
            (line[0], line[2:])
            for line in difflib.ndiff(before, after)
            if line[0] in "+- "
        ]
        changed.append({"label": label, "lines": lines})
    return changed
