from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from .access import get_document, get_source
from .models import Document
from .reading import ORIGINAL, SCRIPTS, reading_view

PAGE_SIZE = 50


@require_safe
def document_list(request):
    documents = Document.objects.visible_to(request.user).for_listing()
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/document_list.html", {"page": page})


@require_safe
def document_detail(request, pk: int):
    """The article, in the reader's script, with what the reading layers add.

    Each layer in settings.PIZHU_READING_LAYERS (a dotted path, so `library` imports
    none of the apps that add them) is called with `(request, document, revision)` and
    returns extra context: the annotations layer adds the reader's highlights and
    preferences, among them `script`, the display script the reader chose.
    """
    document = get_document(request, pk)
    revision = document.current_revision
    context = {"document": document, "revision": revision, "scripts": SCRIPTS}
    for path in settings.PIZHU_READING_LAYERS:
        context.update(import_string(path)(request, document, revision))
    context["view"] = reading_view(document, revision, context.get("script", ORIGINAL))
    return render(request, "library/document_detail.html", context)


@require_safe
@staff_member_required
def source_raw(request, pk: int):
    """The imported bytes, as a download that no browser will render as a page."""
    source = get_source(request, pk)
    response = HttpResponse(bytes(source.data), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="source-{source.sha256[:16]}.bin"'
    response["Content-Security-Policy"] = "sandbox"
    return response
