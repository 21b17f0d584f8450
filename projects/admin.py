from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yanan_portal.admin_mixins import DateHierarchyMixin, EditConflictMixin, PhotoPipelineMixin, ReadableDeletionMixin, RichTextAdminMixin

from .models import Award, Figure, KeyVillage, Milestone, Programme, ReadingRoom


class FigureInline(admin.StackedInline):
    model = Figure
    extra = 1
    # Stacked, a few fields a line: as a table of ten columns it was 1,700 px wide, and 来源说明
    # (required for real figures), 备注 and 删除 sat out of sight even on a desktop.
    fields = [
        ("measure", "unit", "year"),
        ("value", "at_least", "is_cumulative"),
        ("source_article", "source_text"),
        ("note", "is_sample"),
    ]
    # An article is picked by searching its title, not from a select of every article.
    autocomplete_fields = ["source_article"]
    ordering = ["measure", "year"]


class MilestoneInline(admin.StackedInline):
    model = Milestone
    extra = 0
    fields = [("year", "month", "day"), "title", "text", "article", "is_sample"]
    autocomplete_fields = ["article"]


@admin.register(Programme)
class ProgrammeAdmin(ReadableDeletionMixin, RichTextAdminMixin, EditConflictMixin, PhotoPipelineMixin, admin.ModelAdmin):
    photo_folders = {"hero_image": "programmes"}
    photo_descriptions = {"hero_image": "hero_alt"}
    list_display = ["name", "slug", "start_year", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {}
    inlines = [FigureInline, MilestoneInline]
    autocomplete_fields = ["partner_units"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "body", "start_year", "partners", "partner_units"]}),
        (_("题图"), {"fields": ["hero_image", "hero_alt"]}),
        (_("卡片与目标"), {"fields": ["headline_measure", "goal", "goal_label"]}),
        (_("显示"), {"fields": ["order", "is_active"]}),
    ]


@admin.register(Figure)
class FigureAdmin(EditConflictMixin, admin.ModelAdmin):
    """Every figure in one list, for updating a year's numbers across programmes."""

    list_display = ["programme", "measure", "year", "value", "unit", "at_least", "is_cumulative", "is_sample"]
    list_filter = ["programme", "year", "is_sample", "is_cumulative"]
    list_select_related = ["programme"]
    search_fields = ["measure", "programme__name"]
    autocomplete_fields = ["source_article"]


@admin.register(ReadingRoom)
class ReadingRoomAdmin(DateHierarchyMixin, EditConflictMixin, admin.ModelAdmin):
    list_display = ["name", "county", "kind", "place", "sponsor", "opened", "books", "status", "is_sample"]
    list_filter = ["county", "kind", "status", ("opened", admin.DateFieldListFilter), "is_sample"]
    list_select_related = ["county"]
    search_fields = ["name", "place", "sponsor"]
    date_hierarchy = "opened"


@admin.register(KeyVillage)
class KeyVillageAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ["name", "town", "county", "is_sample"]
    list_filter = ["county", "is_sample"]
    list_select_related = ["county"]
    search_fields = ["name", "town", "story"]


@admin.register(Award)
class AwardAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ["product", "title", "year", "event", "place", "county", "is_sample"]
    list_filter = ["year", "county", "title", "is_sample"]
    list_select_related = ["county"]
    search_fields = ["product", "title", "event"]
