from django.contrib import admin

from .models import CountyBranch


@admin.register(CountyBranch)
class CountyBranchAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name"]
    readonly_fields = ["name", "slug"]

    # The 13 counties are fixed by a data migration: editable, never added or removed.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
