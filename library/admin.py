from django.contrib import admin
from django.utils.html import format_html, format_html_join

from .models import Document, Revision, Source


class ReadOnlyAdmin(admin.ModelAdmin):
    """Imported material is rebuilt by re-importing or re-cleaning, never hand-edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["filename", "size", "encoding", "encoding_confidence", "imported_at"]
    list_filter = ["encoding"]
    search_fields = ["filename", "origin", "sha256"]
    readonly_fields = ["raw_bytes", "preview"]
    fields = [
        "filename",
        "origin",
        "sha256",
        "size",
        "encoding",
        "encoding_confidence",
        "imported_at",
        "imported_by",
        "raw_bytes",
        "preview",
    ]

    @admin.display(description="Raw bytes")
    def raw_bytes(self, obj):
        return format_html('<a href="{}">Download ({} bytes)</a>', obj.get_absolute_url(), obj.size)

    @admin.display(description="Decoded preview")
    def preview(self, obj):
        text = bytes(obj.data[:4000]).decode(obj.encoding or "utf-8", errors="replace")
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "cleaner_version", "created_at", "source", "removals"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Removed pieces")
    def removals(self, obj):
        return len(obj.removed)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "source_site", "original_script", "published_at", "created_at"]
    list_filter = ["original_script", "language", "source_site"]
    search_fields = ["title", "origin", "source_site", "author"]
    readonly_fields = ["origin", "current_revision", "language", "original_script", "created_at"]
    fields = [
        "title",
        "origin",
        "source_site",
        "author",
        "published_at",
        "language",
        "original_script",
        "current_revision",
        "tags",
        "created_at",
    ]
    inlines = [RevisionInline]
    list_select_related = ["current_revision"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("current_revision__text")


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["document", "number", "cleaner_version", "created_at"]
    list_select_related = ["document"]
    fields = ["document", "number", "source", "cleaner_version", "created_at", "audit", "text"]
    readonly_fields = fields

    @admin.display(description="Removed by the cleaner")
    def audit(self, obj):
        if not obj.removed:
            return "Nothing was removed."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            ((item["rule"], item["start"], repr(item["text"])[:300]) for item in obj.removed),
        )
        return format_html(
            "<table><thead><tr><th>Rule</th><th>At</th><th>Text</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )
