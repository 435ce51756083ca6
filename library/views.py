from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .access import get_document, get_source
from .models import Document, group_lists

PAGE_SIZE = 50


@require_safe
def document_list(request):
    documents = Document.objects.visible_to(request.user).for_listing()
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/document_list.html", {"page": page})


@require_safe
def document_detail(request, pk: int):
    document = get_document(request, pk)
    revision = document.current_revision
    groups = group_lists(revision.rendered_blocks()) if revision else []
    context = {"document": document, "revision": revision, "groups": groups}
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
