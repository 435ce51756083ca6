from django.contrib import admin

from .models import Highlight


@admin.register(Highlight)
class HighlightAdmin(admin.ModelAdmin):
    """Highlights are the readers' own: staff may look and delete, never write them."""

    list_display = ["__str__", "user", "document", "state", "score", "created"]
    list_filter = ["state", "created"]
    list_select_related = ["user", "document"]
    search_fields = ["exact", "note", "user__username", "document__title"]
    fields = [
        "user",
        "document",
        "revision",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "note",
        "state",
        "score",
        "version",
        "created",
        "updated",
    ]
    readonly_fields = fields
    raw_id_fields = ["user", "document", "revision"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
