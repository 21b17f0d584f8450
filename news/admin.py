import dataclasses
import datetime
import html
from urllib.parse import quote

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from yanan_portal import images
from yanan_portal.admin_mixins import (
    DateHierarchyMixin,
    PhotoPipelineMixin,
    ReadableDeletionMixin,
    RichTextAdminMixin,
    may_edit_rich_text,
    show_conflict_on_top,
)

from . import services
from .forms import ArticleAdminForm, PhotoUploadForm, TransitionForm
from .models import Article, ArticleEvent, Attachment, Channel
from .search import reindex_article

Action = ArticleEvent.Action


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "order", "show_in_nav"]
    list_editable = ["order", "show_in_nav"]
    list_filter = ["parent", "show_in_nav"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 1
    fields = ["file", "name", "order"]

    def _article_editable(self, request, obj):
        return obj is None or services.can_edit(article=obj, user=request.user)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


class StatusFilter(admin.SimpleListFilter):
    """States as the staff see them, including 定时发布 (published with a future time)."""

    title = _("状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("草稿")),
            ("review", _("待审核")),
            ("scheduled", _("定时发布")),
            ("published", _("已发布")),
            ("withdrawn", _("已撤回")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        if value == "published":
            return queryset.published()
        if value in {"draft", "review", "withdrawn"}:
            return queryset.filter(status=value)
        return queryset


class WaitingForMeFilter(admin.SimpleListFilter):
    """待我处理: for a publisher the articles in review; for an editor their sent-back drafts."""

    title = _("待我处理")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("待我处理"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        if services.can_publish(request.user):
            return queryset.filter(status=Article.Status.REVIEW)
        return queryset.filter(
            Q(created_by=request.user) | Q(updated_by=request.user),
            status=Article.Status.DRAFT,
        ).exclude(review_comment="")


def _bulk(action: str, label):
    def run(modeladmin, request, queryset):
        done, refused = 0, []
        for article in queryset:
            try:
                services.TRANSITIONS[action](article=article, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"《{article.title}》:{_message(error)}")
        if done:
            modeladmin.message_user(request, _("已对 %(n)d 篇文章执行“%(a)s”。") % {"n": done, "a": label})
        for line in refused:
            modeladmin.message_user(request, line, messages.ERROR)

    run.__name__ = f"bulk_{action}"
    permissions = ("publish",) if action in services.NEEDS_PUBLISHER else ("change",)
    return admin.action(description=label, permissions=permissions)(run)


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("您没有执行此操作的权限。"))


class ReadableChanges(HistoricalRecordContextHelper):
    """A version's changes as an editor reads them: a state by its Chinese name, times in
    the site's time zone to the second, yes or no, "—" for nothing and "已删除的用户" for a
    deleted account (not "None", UTC with microseconds, "draft" or "Deleted 用户 (pk=7)")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or (field.many_to_one and getattr(value, "pk", None) is None):
            return "—"
        if isinstance(value, DeletedObject):
            return _("已删除的%(name)s") % {"name": value.model._meta.verbose_name}
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "Y-m-d H:i:s")
        if change.field == "body":
            # The text an editor wrote, not its HTML ("<p>手工[222 chars]。</p> → <p>…<figure…");
            # 与当前版本比较 shows the whole difference.
            text = " ".join(html.unescape(strip_tags(value)).split()) or _("(空)")
            return text if len(text) <= 40 else _("%(start)s…(共 %(count)d 字)") % {"start": text[:40], "count": len(text)}
        return super().prepare_delta_change_value(change, value)


@admin.register(Article)
class ArticleAdmin(ReadableDeletionMixin, RichTextAdminMixin, DateHierarchyMixin, PhotoPipelineMixin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    photo_folders = {"cover": "covers"}
    change_form_template = "admin/news/article/change_form.html"
    object_history_form_template = "admin/news/article/object_history_form.html"
    list_display = ["title", "channel", "status_label", "published_at", "updated_at", "is_headline", "is_pinned", "views"]
    list_filter = [WaitingForMeFilter, StatusFilter, "channel", "is_headline", "is_pinned"]
    list_select_related = ["channel", "channel__parent"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    # Work in progress (no 发布时间 yet) first, then the newest: what PostgreSQL does for a
    # descending column anyway (so its index still serves), and SQLite now does too.
    ordering = [F("published_at").desc(nulls_first=True), "-id"]
    autocomplete_fields = []
    filter_horizontal = ["counties", "programmes"]
    readonly_fields = [
        "status_label", "published_at", "content_updated_at", "review_comment", "published_by",
        "views", "created_at", "updated_at", "created_by", "updated_by", "event_log",
        # Shown instead of 正文 when the page is read-only (RichTextAdminMixin); listed here so
        # that every form built from those fieldsets, a version page's too, knows it is no form field.
        "body_as_read",
    ]
    inlines = [AttachmentInline]
    fieldsets = [
        (None, {"fields": ["title", "channel", "summary", "body", "lock_version"]}),
        (_("封面"), {"fields": ["cover", "cover_alt"]}),
        (_("署名与来源"), {"fields": ["author", "source", "responsible_editor"]}),
        (_("发布"), {"fields": ["status_label", "review_comment", "published_at", "content_updated_at", "is_headline", "is_pinned"]}),
        (_("分类标签"), {"fields": ["counties", "programmes"]}),
        (_("审核记录"), {"fields": ["event_log"]}),
        (_("记录"), {"classes": ["collapse"], "fields": ["views", "is_sample", "created_at", "updated_at", "created_by", "published_by", "updated_by"]}),
    ]
    actions = [
        _bulk(Action.SUBMIT, _("提交审核")),
        _bulk(Action.PUBLISH, _("发布")),
        _bulk(Action.WITHDRAW, _("撤回")),
        _bulk(Action.REPUBLISH, _("重新发布")),
    ]
    history_list_display = ["compare"]

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            # Versions saved without a reason showed "None" in the 修改原因 column.
            record.history_change_reason = record.history_change_reason or ""

    class Media:
        css = {"all": ["css/editorial-admin.css"]}
        js = ["js/inline-labels.js"]

    def view_on_site(self, obj):
        # 在站点上查看 would be a 404 for anything the public cannot see yet; 预览 covers that.
        return obj.get_absolute_url() if obj.is_published else None

    # --- permissions --------------------------------------------------------------------

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if "delete_selected" in actions:
            action = actions["delete_selected"]
            delete_selected = action.func

            def guarded_delete(modeladmin, request, queryset):
                if queryset.filter(status=Article.Status.PUBLISHED).exists():
                    modeladmin.message_user(
                        request, _("选中的文章中有已发布的,请先撤回再删除。"), messages.ERROR
                    )
                    return None
                return delete_selected(modeladmin, request, queryset)

            actions["delete_selected"] = dataclasses.replace(action, func=guarded_delete)
        return actions

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.can_edit(article=obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and services.can_delete(
            article=obj, user=request.user
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # A new article is a draft; its workflow fields mean nothing yet.
            return [fs for fs in self.fieldsets if fs[0] not in {_("审核记录"), _("记录")}]
        # Read only (an editor and a published article): RichTextAdminMixin shows the body as
        # readers see it, not its HTML source.
        return super().get_fieldsets(request, obj)

    # --- display ------------------------------------------------------------------------

    def compare(self, record):
        """A column of the 历史 list: the version against the current text."""
        url = reverse("admin:news_article_compare", args=[record.id, record.history_id])
        return format_html('<a href="{}">与当前版本比较</a>', url)

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, obj):
        return obj.get_status_display_full() if obj.pk else Article.Status.DRAFT.label

    @admin.display(description=_("审核记录"))
    def event_log(self, obj):
        if not obj.pk:
            return "-"
        comment_label = _("意见")
        rows = [
            format_html(
                '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td data-label="{}">{}</td></tr>',
                timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_name,
                event.get_action_display(),
                " → ".join(
                    str(Article.Status(s).label) for s in [event.from_status, event.to_status] if s
                ),
                comment_label,  # shown before the comment on a phone, where the table is one column
                event.comment,
            )
            for event in obj.events.all()[:50]
        ]
        if not rows:
            return _("暂无记录")
        return format_html(
            '<table class="event-log"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("时间"),
            _("操作人"),
            _("操作"),
            _("状态"),
            comment_label,
            mark_safe("".join(rows)),  # each row was built with format_html
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["transition_buttons"] = [
                (action, Action(action).label, reverse("admin:news_article_transition", args=[obj.pk, action]))
                for action in services.allowed_actions(article=obj, user=request.user)
            ]
            context["preview_url"] = reverse("news:article-preview", args=[obj.pk])
        show_conflict_on_top(request, context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            # Workflow fields are written by services only: whatever instance the form
            # started from (a version being restored, say), they stay as they are now.
            current = Article.objects.get(pk=obj.pk)
            for field in ("status", "published_at", "published_by_id", "review_comment",
                          "content_updated_at", "views", "created_by_id", "is_sample"):
                setattr(obj, field, getattr(current, field))
            obj.version = current.version + 1
        else:
            obj.created_by = request.user
            obj.status = Article.Status.DRAFT
        obj.updated_by = request.user
        if getattr(request, "_restoring_version", None):
            obj._change_reason = _("恢复历史版本")
        super().save_model(request, obj, form, change)
        content_changed = bool(
            set(form.changed_data) & {"title", "summary", "body", "channel", "cover", "cover_alt"}
        )
        if not change or content_changed or getattr(request, "_restoring_version", None):
            services.record_edit(article=obj, by=request.user, created=not change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Counties and programmes are saved after the article; index their names too.
        reindex_article(form.instance)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            self.message_user(request, _("已发布的文章不能直接删除,请先撤回。"), messages.ERROR)
            return redirect("admin:news_article_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.delete_article(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        published = queryset.filter(status=Article.Status.PUBLISHED)
        if published.exists():
            raise PermissionDenied(_("选中的文章中有已发布的,请先撤回再删除。"))
        for article in queryset:
            services.delete_article(article=article, by=request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = get_object_or_404(Article, pk=object_id)
        if request.method == "POST":
            if not self.has_change_permission(request, current):
                raise PermissionDenied
            request._restoring_version = True
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if obj is not None and obj.pk:
            current = Article.objects.filter(pk=obj.pk).first()
            if current is None or not self.has_change_permission(request, current):
                return True
        return super().revert_disabled(request, obj)

    # --- extra views --------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("photo-picker/", view(self.photo_picker_view), name="news_article_photo_picker"),
            path("keepalive/", view(self.keepalive_view), name="news_article_keepalive"),
            path("recycle-bin/", view(self.recycle_bin_view), name="news_article_recycle_bin"),
            path(
                "<int:object_id>/history/<int:history_id>/compare/",
                view(self.compare_view),
                name="news_article_compare",
            ),
            path(
                "<int:object_id>/transition/<str:action>/",
                view(self.transition_view),
                name="news_article_transition",
            ),
        ] + super().get_urls()

    def keepalive_view(self, request):
        """Asked by draft-protection.js while someone writes in any admin's rich-text form (one
        address for all, as the photo picker's): the request renews the login
        (SESSION_SAVE_EVERY_REQUEST); an ended login answers with the login page's redirect.
        It carries the login's CSRF token: after logging in again in another tab (a login
        changes the token) the open form takes it, so its 保存 is not refused."""
        response = HttpResponse(status=204)  # admin_view adds never_cache
        response["X-CSRFToken"] = get_token(request)
        # Whose login (percent-encoded: a header carries no Chinese): the token is taken only by
        # a page the same person opened.
        response["X-Username"] = quote(request.user.get_username())
        return response

    def transition_view(self, request, object_id, action):
        if action not in services.TRANSITIONS:
            raise Http404
        article = get_object_or_404(Article.objects.select_related("channel"), pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        if action in services.NEEDS_PUBLISHER and not services.can_publish(request.user):
            raise PermissionDenied
        change_url = reverse("admin:news_article_change", args=[article.pk])
        form = TransitionForm(request.POST or None, action=action)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            kwargs = {"article": article, "by": request.user, "comment": data.get("comment", "")}
            if action == Action.SCHEDULE:
                kwargs["at"] = data["at"]
            elif action == Action.PUBLISH:
                kwargs["at"] = data.get("at")
                kwargs["import_old"] = data.get("import_old", False)
            try:
                services.TRANSITIONS[action](**kwargs)
            except ValidationError as error:
                # Shown on this page, beside what was entered (a time already past, say): a
                # redirect to the article lost the time and the comment.
                if "at" in form.fields and getattr(error, "code", None) == services.TIME_ERROR:
                    form.add_error("at", _message(error))
                    return self._transition_page(request, article, action, form, change_url, status=400)
                if not data.get("comment"):
                    self.message_user(request, _message(error), messages.ERROR)  # a state refusal: back to the article
                    return HttpResponseRedirect(change_url)
                # A colleague acted first: the page again, with the comment that was typed
                # (a redirect lost it) and no button to try once more.
                form.add_error(None, _(
                    "%(error)s可能是同事刚刚处理了这篇文章。您填写的意见保留在下方,"
                    "请复制后回到文章,按文章现在的状态再操作。"
                ) % {"error": _message(error)})
                return self._transition_page(request, article, action, form, change_url, status=409, refused=True)
            self.message_user(
                request,
                _("《%(title)s》已%(action)s,当前状态:%(status)s。")
                % {"title": article.title, "action": Action(action).label,
                   "status": article.get_status_display_full()},
            )
            return HttpResponseRedirect(change_url)
        if action not in services.allowed_actions(article=article, user=request.user):
            self.message_user(
                request,
                _("文章当前状态为“%(status)s”,不能执行“%(action)s”。")
                % {"status": article.get_status_display_full(), "action": Action(action).label},
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        return self._transition_page(request, article, action, form, change_url)

    def _transition_page(self, request, article, action, form, change_url, status=200, refused=False):
        context = {
            "refused": refused,
            **self.admin_site.each_context(request),
            "title": _("%(action)s:%(title)s") % {"action": Action(action).label, "title": article.title},
            "opts": self.opts,
            "original": article,
            "form": form,
            "action_label": Action(action).label,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/news/article/transition.html", context, status=status)

    def photo_picker_view(self, request):
        """The 浏览… window of the editor's 插入图片 dialog: upload one photo, hand it back."""
        # Every rich-text editor offers it (programmes, counties, the association's pages …).
        if not may_edit_rich_text(request.user):
            raise PermissionDenied
        form = PhotoUploadForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("上传照片"),
            "opts": self.opts,
            "form": form,
            "is_popup": True,
            "func_num": request.GET.get("CKEditorFuncNum", ""),
        }
        if request.method == "POST" and form.is_valid():
            try:
                stored = images.store_image(form.cleaned_data["image"], folder="photos")
            except ValidationError as error:
                form.add_error("image", error)
            else:
                context.update(stored=stored, alt=form.cleaned_data["alt"], caption=form.cleaned_data["caption"])
                return TemplateResponse(request, "admin/news/article/photo_picked.html", context)
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/news/article/photo_picker.html", context, status=status)

    def compare_view(self, request, object_id, history_id):
        """A readable diff between a version and the current text (or another version)."""
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        old = get_object_or_404(article.history.select_related("channel"), history_id=history_id)
        against = request.GET.get("against", "")
        if against.isascii() and against.isdigit():  # not "²", which isdigit() accepts
            new = get_object_or_404(article.history.select_related("channel"), history_id=int(against))
            new_label = timezone.localtime(new.history_date).strftime("%Y-%m-%d %H:%M:%S")
        else:
            new, new_label = article, _("当前版本")
        context = {
            **self.admin_site.each_context(request),
            "title": _("版本比较:%(title)s") % {"title": article.title},
            "opts": self.opts,
            "original": article,
            "old_label": timezone.localtime(old.history_date).strftime("%Y-%m-%d %H:%M:%S"),
            "old_user": old.history_user,
            "new_label": new_label,
            "fields": services.version_diff(old, new),
            "restore_url": reverse("admin:news_article_simple_history", args=[article.pk, old.history_id]),
        }
        return TemplateResponse(request, "admin/news/article/compare.html", context)

    def recycle_bin_view(self, request):
        if not request.user.has_perm("news.delete_article"):
            raise PermissionDenied
        if request.method == "POST":
            try:
                history_id = int(request.POST.get("history_id", ""))
            except ValueError:
                self.message_user(request, _("请选择要恢复的文章。"), messages.ERROR)
                return redirect("admin:news_article_recycle_bin")
            try:
                article = services.recover_article(history_id=history_id, by=request.user)
            except ValidationError as error:
                self.message_user(request, _message(error), messages.ERROR)
                return redirect("admin:news_article_recycle_bin")
            self.message_user(
                request, _("《%(title)s》已恢复,状态为%(status)s。") % {
                    "title": article.title, "status": article.get_status_display_full()}
            )
            return redirect("admin:news_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("回收站:已删除的文章"),
            "opts": self.opts,
            "records": services.deleted_articles()[:200],
        }
        return TemplateResponse(request, "admin/news/article/recycle_bin.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["show_recycle_bin"] = request.user.has_perm("news.delete_article")
        return super().changelist_view(request, extra_context)


@admin.register(ArticleEvent)
class ArticleEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only for everyone."""

    list_display = ["created_at", "article", "action", "from_status", "to_status", "actor_name", "comment"]
    list_filter = ["action"]
    list_select_related = ["article"]
    search_fields = ["article__title", "actor_name", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Publications library (issue 7): its admin lives in news/publication_admin.py.
from . import publication_admin  # noqa: E402, F401
