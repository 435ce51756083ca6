from django.urls import path

from . import views

app_name = "annotations"

urlpatterns = [
    path("api/highlights/", views.highlights, name="highlight-list"),
    path("api/highlights/<int:pk>/", views.highlight, name="highlight-detail"),
]
