from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Article, Attachment, Channel
from .search import reindex_article


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "channel", "status_label", "published_at", "is_headline", "is_pinned", "views"]
    list_filter = ["status", "channel", "is_headline", "is_pinned"]
    list_select_related = ["channel", "channel__parent"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    autocomplete_fields = []
    filter_horizontal = ["counties", "programmes"]
    readonly_fields = ["views", "created_at", "updated_at", "created_by", "updated_by", "published_by"]
    inlines = [AttachmentInline]
    fieldsets = [
        (None, {"fields": ["title", "channel", "summary", "body"]}),
        (_("封面"), {"fields": ["cover", "cover_alt"]}),
        (_("署名与来源"), {"fields": ["author", "source", "responsible_editor"]}),
        (_("发布"), {"fields": ["status", "published_at", "is_headline", "is_pinned"]}),
        (_("分类标签"), {"fields": ["counties", "programmes"]}),
        (_("记录"), {"classes": ["collapse"], "fields": ["views", "is_sample", "created_at", "updated_at", "created_by", "updated_by", "published_by"]}),
    ]

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, obj):
        return obj.get_status_display_full()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Counties and programmes are saved after the article; index their names too.
        reindex_article(form.instance)


# Publications library (issue 7): its admin lives in news/publication_admin.py.
from . import publication_admin  # noqa: E402, F401
