from django.contrib import admin
from django.urls import include, path

from . import accounts, views

library_patterns = [
    path("", views.document_list, name="document-list"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("sources/<int:pk>/raw/", views.source_raw, name="source-raw"),
]

urlpatterns = [
    path("", include((library_patterns, "library"))),
    path("", include("annotations.urls")),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
