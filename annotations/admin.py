"""Highlights, replies and reading groups in the admin.

They are the readers' own: staff may look and delete, never write them. A superuser
sees everything; any other staff member sees only what `visible_to` gives them as a
reader (their own, what is shared with the library and with their groups), so the
admin is no way round sharing.
"""

from django.contrib import admin
from django.db.models import Q
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag, TaggedItem

from .models import Highlight, Membership, ReadingGroup, Reply, TaggedHighlight


class ReadersOwnAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Highlight)
class HighlightAdmin(ReadersOwnAdmin):
    list_display = ["__str__", "user", "document", "sharing", "state", "score", "created"]
    list_filter = ["state", "sharing", "created"]
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
        "sharing",
        "group",
        "state",
        "score",
        "version",
        "created",
        "updated",
    ]
    readonly_fields = fields
    raw_id_fields = ["user", "document", "revision", "group"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.visible_to(request.user)


@admin.register(Reply)
class ReplyAdmin(ReadersOwnAdmin):
    list_display = ["__str__", "user", "highlight", "created"]
    list_select_related = ["user", "highlight"]
    search_fields = ["body", "user__username"]
    fields = ["highlight", "user", "body", "created", "updated"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.visible_to(request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "joined"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReadingGroup)
class ReadingGroupAdmin(ReadersOwnAdmin):
    list_display = ["name", "owner", "created"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username"]
    fields = ["name", "owner", "created"]
    readonly_fields = fields
    inlines = [MembershipInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.of(request.user)


# taggit's own Tag admin lists every tag, and a highlight's tags are as private as its
# note: other staff see the tags of documents and of highlights visible to them.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        highlights = Highlight.objects.visible_to(request.user).values("pk")
        on_highlights = TaggedHighlight.objects.filter(content_object__in=highlights)
        return queryset.filter(
            Q(pk__in=on_highlights.values("tag_id")) | Q(pk__in=TaggedItem.objects.values("tag_id"))
        )
