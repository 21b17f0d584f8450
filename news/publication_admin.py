"""Admin of the publications library; imported by news/admin.py."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from yanan_portal.admin_mixins import DateHierarchyMixin, EditConflictMixin, PhotoPipelineMixin, ReadableDeletionMixin

from .publications import Publication, PublicationStat, TableOfContentsEntry


class TableOfContentsInline(admin.TabularInline):
    model = TableOfContentsEntry
    extra = 3
    fields = ["order", "title", "author", "page", "article"]
    autocomplete_fields = ["article"]


@admin.register(Publication)
class PublicationAdmin(ReadableDeletionMixin, DateHierarchyMixin, EditConflictMixin, PhotoPipelineMixin, admin.ModelAdmin):
    photo_folders = {"cover": "publications/covers"}
    list_display = ["title", "kind", "number", "year", "month", "rating", "status_label", "published_at", "has_pdf"]
    list_filter = ["kind", "status", "year", "is_sample", "counties", "programmes"]
    search_fields = ["title", "summary", "toc_entries__title", "toc_entries__author"]
    date_hierarchy = "published_at"
    filter_horizontal = ["counties", "programmes"]
    autocomplete_fields = ["related_articles"]
    readonly_fields = ["pdf_size_display", "created_at", "updated_at"]
    inlines = [TableOfContentsInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "number", ("year", "month"), "publisher", "summary", "rating"]}),
        (_("封面与 PDF"), {"fields": ["cover", "cover_alt", "pdf", "pdf_size_display"]}),
        (_("发布"), {"fields": ["status", "published_at"]}),
        (_("分类标签与相关文章"), {"fields": ["counties", "programmes", "related_articles"]}),
        (_("记录"), {"classes": ["collapse"], "fields": ["is_sample", "created_at", "updated_at"]}),
    ]
    actions = ["publish_now", "withdraw"]

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, obj):
        if obj.status == Publication.Status.PUBLISHED and not obj.is_published:
            return _("定时发布")
        return obj.get_status_display()

    @admin.display(description=_("PDF"), boolean=True)
    def has_pdf(self, obj):
        return bool(obj.pdf)

    @admin.display(description=_("PDF 大小"))
    def pdf_size_display(self, obj):
        return filesizeformat(obj.pdf_size) if obj.pdf else "—"

    @admin.action(description=_("立即发布所选出版物"), permissions=["change"])
    def publish_now(self, request, queryset):
        from .publication_services import publish_publications

        count = publish_publications(queryset=queryset)
        self.message_user(request, _("已发布 %(n)d 种出版物。") % {"n": count})

    @admin.action(description=_("撤回所选出版物"), permissions=["change"])
    def withdraw(self, request, queryset):
        from .publication_services import withdraw_publications

        count = withdraw_publications(queryset=queryset)
        self.message_user(request, _("已撤回 %(n)d 种出版物。") % {"n": count})


@admin.register(PublicationStat)
class PublicationStatAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "unit", "kind", "order"]
    list_editable = ["value", "unit", "order"]
    list_filter = ["kind"]
    search_fields = ["label", "key"]
