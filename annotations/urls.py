from django.urls import path

from . import browse, groups, interop, views

app_name = "annotations"

urlpatterns = [
    path("api/highlights/", views.highlights, name="highlight-list"),
    path("api/highlights/<int:pk>/", views.highlight, name="highlight-detail"),
    # Sharing: replies to a highlight and reading groups (groups.py).
    path("api/highlights/<int:pk>/replies/", views.replies, name="reply-list"),
    path("api/replies/<int:pk>/", views.reply, name="reply-detail"),
    path("groups/", groups.group_list, name="group-list"),
    path("groups/<int:pk>/", groups.group_detail, name="group-detail"),
    path("groups/<int:pk>/members/", groups.add_member, name="group-add-member"),
    path(
        "groups/<int:pk>/members/<int:user_pk>/remove/",
        groups.remove_member,
        name="group-remove-member",
    ),
    path("groups/<int:pk>/leave/", groups.leave_group, name="group-leave"),
    path("groups/<int:pk>/delete/", groups.delete_group, name="group-delete"),
    path("highlights/<int:pk>/replies/", groups.post_reply, name="reply-create"),
    path("highlights/<int:pk>/sharing/", groups.change_sharing, name="highlight-sharing"),
    path("api/progress/<int:document_pk>/", views.progress, name="progress"),
    path("reading/preferences/", views.preferences, name="preferences"),
    path("highlights/", views.my_highlights, name="my-highlights"),
    # Search, themes, entities, suggested highlights and note links (browse.py).
    path("search/", browse.search, name="search"),
    path("themes/", browse.theme_list, name="theme-list"),
    path("themes/<str:name>/", browse.theme_detail, name="theme-detail"),
    path("entities/", browse.entity_list, name="entity-list"),
    path("entities/<str:slug>/", browse.entity_detail, name="entity-detail"),
    path(
        "documents/<int:document_pk>/suggestions/<int:pk>/accept/",
        browse.accept_suggestion,
        name="suggestion-accept",
    ),
    path(
        "documents/<int:document_pk>/suggestions/<int:pk>/dismiss/",
        browse.dismiss_suggestion,
        name="suggestion-dismiss",
    ),
    path("api/link-targets/", browse.link_targets, name="link-targets"),
    path("links/follow/", browse.follow_link, name="follow-link"),
    # Export and interoperability (interop.py): downloads, the Web Annotation API, import.
    path("documents/<int:pk>/export/<str:fmt>/", interop.export_document, name="export-document"),
    path("highlights/export/<str:fmt>/", interop.export_mine, name="export-mine"),
    path("groups/<int:pk>/export/<str:fmt>/", interop.export_group, name="export-group"),
    path("api/annotations/", interop.annotation_list, name="annotation-list"),
    path("api/annotations/<int:pk>/", interop.annotation_detail, name="annotation-detail"),
    path("highlights/import/", interop.import_annotations, name="annotation-import"),
]
