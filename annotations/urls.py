from django.urls import path

from . import browse, views

app_name = "annotations"

urlpatterns = [
    path("api/highlights/", views.highlights, name="highlight-list"),
    path("api/highlights/<int:pk>/", views.highlight, name="highlight-detail"),
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
]
