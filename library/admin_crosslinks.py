"""Admin for themes and entities (registered by library/admin.py).

Mentions, document themes and suggested passages are derived from these: after editing,
the "Index every document again" action (or `manage.py index_documents --all`) applies
the change to the library.
"""

from django.contrib import admin, messages

from .entities import Alias, Entity, Theme
from .indexing import rebuild


@admin.action(description="Index every document again (mentions, themes, related)")
def index_library(modeladmin, request, queryset):
    count = rebuild()
    modeladmin.message_user(request, f"{count} documents indexed again.", messages.SUCCESS)


class ReindexHint:
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            "Saved. Documents pick the change up when indexed again: use the action "
            "“Index every document again” or `manage.py index_documents --all`.",
            messages.INFO,
        )


@admin.register(Theme)
class ThemeAdmin(ReindexHint, admin.ModelAdmin):
    list_display = ["name", "label", "position", "keyword_count"]
    list_editable = ["position"]
    search_fields = ["name", "label", "keywords"]
    actions = [index_library]

    @admin.display(description="keywords")
    def keyword_count(self, theme: Theme) -> int:
        return len(theme.keyword_list)


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 2


@admin.register(Entity)
class EntityAdmin(ReindexHint, admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "alias_list"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__text"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]
    actions = [index_library]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_list(self, entity: Entity) -> str:
        return " · ".join(alias.text for alias in entity.aliases.all())
