from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yanan_portal.admin_mixins import EditConflictMixin, PhotoPipelineMixin, ReadableDeletionMixin, RichTextAdminMixin
from yanan_portal.cache import invalidate_public_pages

from .models import (
    Body,
    Contact,
    CouncilUnit,
    CountyBranch,
    Honour,
    Milestone,
    Organisation,
    Position,
    Rule,
    ServicePlatform,
)


@admin.register(CountyBranch)
class CountyBranchAdmin(ReadableDeletionMixin, RichTextAdminMixin, EditConflictMixin, PhotoPipelineMixin, admin.ModelAdmin):
    photo_folders = {"photo": "branches"}
    photo_descriptions = {"photo": "photo_alt"}
    list_display = ["name", "association_name", "president", "phone", "has_establishment", "last_election_year", "order"]
    list_editable = ["order"]
    list_filter = ["has_establishment", "last_election_year", "is_sample"]
    search_fields = ["name", "association_name", "revitalisation_name", "president"]
    readonly_fields = ["name", "slug"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "order"]}),
        (_("机构"), {"fields": ["association_name", "revitalisation_name", "president", "staff_count", "has_establishment", "last_election_year"]}),
        (_("联系方式"), {"fields": ["address", "phone"]}),
        (_("介绍"), {"fields": ["intro", "photo", "photo_alt", "is_sample"]}),
    ]

    # The 13 counties are fixed by a data migration: editable, never added or removed.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CouncilUnit)
class CouncilUnitAdmin(ReadableDeletionMixin, EditConflictMixin, PhotoPipelineMixin, admin.ModelAdmin):
    photo_folders = {"logo": "council"}
    list_display = ["name", "category", "role", "joined_year", "is_active", "order", "is_sample"]
    list_editable = ["order"]
    list_filter = ["is_active", "role", "category", "is_sample"]
    search_fields = ["name", "description"]
    actions = ["deactivate", "activate"]
    fieldsets = [
        (None, {"fields": ["name", "category", "role", "joined_year", "order", "is_active"]}),
        (_("介绍"), {"fields": ["description", "website", "logo", "is_sample"]}),
    ]

    # A unit that leaves the council is deactivated: the record of who served stays.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("停用所选理事单位(不在网站上显示)"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = queryset.filter(is_active=True).update(is_active=False)
        if count:
            invalidate_public_pages()  # update() sends no post_save
        self.message_user(
            request, ngettext("已停用 %d 个理事单位。", "已停用 %d 个理事单位。", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("恢复所选理事单位(在网站上显示)"), permissions=["change"])
    def activate(self, request, queryset):
        count = queryset.filter(is_active=False).update(is_active=True)
        if count:
            invalidate_public_pages()
        self.message_user(
            request, ngettext("已恢复 %d 个理事单位。", "已恢复 %d 个理事单位。", count) % count, messages.SUCCESS
        )


@admin.register(Organisation)
class OrganisationAdmin(RichTextAdminMixin, EditConflictMixin, admin.ModelAdmin):
    list_display = ["name", "second_name", "founded_year", "staff_count", "member_count"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "second_name", "founded_year", "merged_year", "summary", "intro"]}),
        (_("数据"), {"fields": ["staff_count", "established_staff_count", "party_member_count", "member_count", "county_staff_count", "annual_budget"]}),
        (_("页面说明"), {"fields": ["structure_note", "leadership_note", "rules_note", "affiliations"]}),
    ]

    # One record: created once (by load_demo or here), then only edited.
    def has_add_permission(self, request):
        return not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class OrderedAdmin(EditConflictMixin, admin.ModelAdmin):
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]


@admin.register(Body)
class BodyAdmin(OrderedAdmin):
    list_display = ["name", "kind", "order", "is_active", "is_sample"]
    list_filter = ["kind", "is_active", "is_sample"]
    search_fields = ["name", "duties"]


@admin.register(Position)
class PositionAdmin(OrderedAdmin):
    list_display = ["title", "holder", "note", "order", "is_active"]
    search_fields = ["title", "holder"]


@admin.register(Rule)
class RuleAdmin(RichTextAdminMixin, OrderedAdmin):
    list_display = ["name", "summary", "order", "is_active"]
    search_fields = ["name", "summary"]


@admin.register(ServicePlatform)
class ServicePlatformAdmin(OrderedAdmin):
    list_display = ["name", "website", "order", "is_active"]
    search_fields = ["name"]


@admin.register(Honour)
class HonourAdmin(OrderedAdmin):
    list_display = ["title", "year", "end_year", "awarded_by", "order", "is_active"]
    list_filter = ["is_active", "year"]
    search_fields = ["title", "awarded_by"]


@admin.register(Milestone)
class MilestoneAdmin(OrderedAdmin):
    list_display = ["year", "title", "order", "is_active"]
    list_filter = ["is_active", "year"]
    search_fields = ["title", "description"]


@admin.register(Contact)
class ContactAdmin(OrderedAdmin):
    list_display = ["label", "kind", "value", "in_footer", "order", "is_active", "is_sample"]
    list_editable = ["order", "is_active", "in_footer"]
    list_filter = ["kind", "in_footer", "is_active"]
