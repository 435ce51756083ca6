"""Export and interoperability, as pages: highlights out as Markdown, CSV and W3C Web
Annotation JSON-LD (downloads, and `GET /api/annotations/`), and that JSON-LD back in
through an upload form (the pipeline is annotations/importing.py, shared with
`manage.py import_annotations`).

Every read starts from `Highlight.objects.visible_to(reader)` and every response is built
fresh and marked `no-store`, so a revoked share is gone from the next export. An export
costs the same few queries whatever the number of highlights.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from itertools import groupby

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from library.models import Document

from . import exports, importing, schemas, webannotation
from .access import get_group, get_highlight, get_reader_document
from .models import Highlight, with_tag_names
from .views import api, error
from .webannotation import Exported, Unreadable

FORMATS = {"markdown": "md", "csv": "csv", "jsonld": "jsonld"}
API_PAGE_SIZE = 100
# The upload form imports during the request; bigger files go through the command.
MAX_FORM_ANNOTATIONS = 2_000


# --- highlights as plain export values ----------------------------------------------


# Stands for the id while a URL is reversed once for many ids (`Links.path`).
_ID = 987_654_321


class Links:
    """Absolute URLs on the site at `base` ("https://pizhu.example.org")."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self._paths: dict[str, tuple[str, str]] = {}

    @classmethod
    def of(cls, request) -> Links:
        return cls(request.build_absolute_uri("/"))

    def to(self, path: str) -> str:
        return self.base + path

    def path(self, name: str, pk: int) -> str:
        """`reverse(name, args=[pk])`, reversed once per name: an export of a thousand
        highlights would otherwise spend a third of its time in `reverse`."""
        if name not in self._paths:
            head, _, tail = reverse(name, args=[_ID]).partition(str(_ID))
            self._paths[name] = (head, tail)
        head, tail = self._paths[name]
        return f"{self.base}{head}{pk}{tail}"


EXPORTED_FIELDS = [
    *("user", "document", "exact", "prefix", "suffix", "start", "end", "note"),
    *("created", "updated", "user__username", "user__first_name", "user__last_name"),
    *("document__title", "document__origin", "document__site", "document__source_site"),
    *("document__author", "document__published_at"),
]


def for_export(highlights):
    """The highlights with their document, author and raw source's hash, in document
    order. Read them with `with_tag_names`: two queries, whatever their number."""
    return (
        highlights.in_document_order()
        .select_related("document", "user")
        .only(*EXPORTED_FIELDS)
        .annotate(source_sha256=F("revision__source__sha256"))
    )


def exported(highlight: Highlight, links: Links) -> Exported:
    """What every export format says about one highlight (loaded by `for_export`)."""
    document = highlight.document
    via = [document.origin_url] if document.origin_url else []
    if getattr(highlight, "source_sha256", None):
        via.append(webannotation.hash_iri(highlight.source_sha256))
    page = links.path("library:document-detail", document.pk)
    return Exported(
        id=links.path("annotations:annotation-detail", highlight.pk),
        url=f"{page}#highlight-{highlight.pk}",  # as Highlight.get_absolute_url()
        source=page,
        exact=highlight.exact,
        prefix=highlight.prefix,
        suffix=highlight.suffix,
        start=highlight.start,
        end=highlight.end,
        note=highlight.note,
        tags=tuple(highlight.tag_names),
        created=highlight.created,
        modified=highlight.updated,
        creator=highlight.author,
        title=document.title,
        via=tuple(via),
    )


def source_of(document: Document, links: Links) -> exports.Source:
    return exports.Source(
        title=document.title or f"Document {document.pk}",
        url=links.path("library:document-detail", document.pk),
        original_url=document.origin_url,
        site=document.source_site or document.site,
        author=document.author,
        published=document.published_at,
    )


@dataclass(frozen=True)
class Scope:
    """What one export holds: a label, file names, and for a document export the
    document (its note has front matter even when nothing is highlighted yet)."""

    label: str
    name: str
    fallback: str  # ASCII file name stem, for clients without RFC 6266 `filename*`
    path: str  # where the export is served: the JSON-LD collection's IRI
    document: Document | None = None


@dataclass(frozen=True)
class Download:
    body: bytes
    content_type: str
    file_name: str
    fallback: str


def build_export(highlights, fmt: str, scope: Scope, links: Links, reader) -> Download:
    """The highlights (a queryset already scoped to what `reader` may see) as a file.

    Markdown is one note for a document export and a zip of notes, one per document,
    for the others. CSV starts with a BOM so spreadsheet apps read it as UTF-8.
    """
    extension = FORMATS[fmt]
    rows = with_tag_names(for_export(highlights))
    items = [exported(row, links) for row in rows]
    sources: dict[int, exports.Source] = {}
    for row in rows:
        if row.document_id not in sources:
            sources[row.document_id] = source_of(row.document, links)
    if fmt == "jsonld":
        data = webannotation.collection(items, id=links.to(scope.path), label=scope.label)
        body = json.dumps(data, ensure_ascii=False, indent=1).encode()
        content_type = webannotation.PROFILE
    elif fmt == "csv":
        lines = zip((sources[row.document_id] for row in rows), items, strict=True)
        body = (exports.CSV_BOM + exports.to_csv(lines)).encode()
        content_type = "text/csv; charset=utf-8"
    elif scope.document is not None:
        source = sources.get(scope.document.pk) or source_of(scope.document, links)
        authors = any(row.user_id != reader.pk for row in rows)
        body = exports.markdown(source, items, authors=authors).encode()
        content_type = "text/markdown; charset=utf-8"
    else:
        authors = any(row.user_id != reader.pk for row in rows)
        by_document = groupby(zip(rows, items, strict=True), key=lambda pair: pair[0].document_id)
        notes = [
            (
                exports.file_name(sources[pk].title, "md", f"document-{pk}"),
                exports.markdown(sources[pk], [item for _, item in pairs], authors=authors),
            )
            for pk, pairs in by_document
        ]
        body = exports.notes_archive(notes)
        content_type, extension = "application/zip", "zip"
    return Download(
        body=body,
        content_type=content_type,
        file_name=exports.file_name(scope.name, extension, scope.fallback),
        fallback=f"{scope.fallback}.{extension}",
    )


# --- export downloads ---------------------------------------------------------------


def document_export(reader, document: Document, fmt: str):
    """The highlights `reader` may see in one document (theirs and those shared with
    them), and how their export is named."""
    title = document.title or f"Document {document.pk}"
    scope = Scope(
        label=f"Highlights in {title}",
        name=title,
        fallback=f"pizhu-document-{document.pk}",
        path=reverse("annotations:export-document", args=[document.pk, fmt]),
        document=document,
    )
    return Highlight.objects.visible_to(reader).for_document(document), scope


def own_export(reader, fmt: str):
    """The reader's own highlights in every document, and how their export is named."""
    name = reader.get_username()
    scope = Scope(
        label=f"Highlights by {name}",
        name=f"Pizhu highlights {name}",
        fallback="pizhu-highlights",
        path=reverse("annotations:export-mine", args=[fmt]),
    )
    return Highlight.objects.visible_to(reader).filter(user=reader), scope


def group_export(reader, group, fmt: str):
    """The highlights shared with `group` (one `reader` is in), and the export's name."""
    scope = Scope(
        label=f"Shared with {group.name}",
        name=f"{group.name} Pizhu",
        fallback=f"pizhu-group-{group.pk}",
        path=reverse("annotations:export-group", args=[group.pk, fmt]),
    )
    return Highlight.objects.visible_to(reader).shared_in(group), scope


def download(request, fmt: str, highlights, scope: Scope) -> HttpResponse:
    made = build_export(highlights, fmt, scope, Links.of(request), request.user)
    response = HttpResponse(made.body, content_type=made.content_type)
    response["Content-Disposition"] = exports.content_disposition(made.file_name, made.fallback)
    return response


def known_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("No such export format.")
    return fmt


@require_safe
@login_required
@never_cache
def export_document(request, pk: int, fmt: str):
    document = get_reader_document(request, pk)
    if document is None:
        raise Http404("No such document.")
    fmt = known_format(fmt)
    return download(request, fmt, *document_export(request.user, document, fmt))


@require_safe
@login_required
@never_cache
def export_mine(request, fmt: str):
    fmt = known_format(fmt)
    return download(request, fmt, *own_export(request.user, fmt))


@require_safe
@login_required
@never_cache
def export_group(request, pk: int, fmt: str):
    """For the group's members only (404 for anyone else)."""
    group = get_group(request, pk)
    fmt = known_format(fmt)
    return download(request, fmt, *group_export(request.user, group, fmt))


# --- the annotation API -------------------------------------------------------------

OFFERED = (webannotation.PROFILE, "application/json")


def negotiate(request) -> str | None:
    """The media type to answer in (`OFFERED`), or None when the client accepts neither.

    JSON-LD goes to `*/*`, `application/*` and `application/ld+json` with no profile or
    one naming the Web Annotation context among its profiles (a space-separated list).
    """
    if not request.headers.get("Accept", "").strip():
        return webannotation.PROFILE
    for accepted in request.accepted_types:  # best first: quality, then specificity
        kind = (accepted.main_type, accepted.sub_type)
        if kind in {("*", "*"), ("application", "*"), ("application", "ld+json")}:
            profile = accepted.range_params.get("profile")
            if profile is None or webannotation.CONTEXT in profile.split():
                return webannotation.PROFILE
        if kind == ("application", "json"):
            return "application/json"
    return None


def not_acceptable() -> HttpResponse:
    response = error(406, f"This answers {' or '.join(OFFERED)}.")
    patch_vary_headers(response, ["Accept"])
    return response


def linked_data(request, data: dict, media_type: str) -> HttpResponse:
    """`data` as `media_type`, with an ETag of exactly these bytes (304 when unchanged)."""
    body = json.dumps(data, ensure_ascii=False).encode()
    etag = '"{}"'.format(hashlib.sha256(media_type.encode() + b"\n" + body).hexdigest()[:32])
    response = HttpResponse(body, content_type=media_type)
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept"])
    return get_conditional_response(request, etag=etag, response=response)


def filtered(request):
    """The reader's visible highlights narrowed by `?document=`, `?group=`, `?user=me`,
    with a label saying so. Raises Http404 (unknown or foreign document or group) or
    ValidationError (a malformed filter)."""
    highlights = Highlight.objects.visible_to(request.user)
    label = f"Highlights visible to {request.user.get_username()}"
    if (pk := schemas.query_integer(request, "document")) is not None:
        document = get_reader_document(request, pk)
        if document is None:
            raise Http404("No such document.")
        highlights = highlights.for_document(document)
        label += f" in {document.title or f'document {document.pk}'}"
    if (pk := schemas.query_integer(request, "group")) is not None:
        try:
            group = get_group(request, pk)
        except Http404:
            raise Http404("No such reading group.") from None
        highlights = highlights.shared_in(group)
        label += f" shared with {group.name}"
    if "user" in request.GET:
        if request.GET["user"] != "me":
            raise ValidationError({"user": ["Only “me” (your own highlights) is supported."]})
        highlights = highlights.filter(user=request.user)
        label += ", their own"
    return highlights, label


@api("GET", "HEAD")
def annotation_list(request):
    """The reader's visible highlights as a paged AnnotationCollection; `?page=N` gives
    one AnnotationPage."""
    media_type = negotiate(request)
    if media_type is None:
        return not_acceptable()
    try:
        highlights, label = filtered(request)
    except Http404 as missing:
        return error(404, str(missing))
    number = schemas.query_integer(request, "page")
    paginator = Paginator(for_export(highlights), API_PAGE_SIZE)
    if (number or 1) > paginator.num_pages:
        return error(404, "No such page.")
    page = paginator.page(number or 1)
    links = Links.of(request)
    items = [exported(row, links) for row in with_tag_names(page.object_list)]
    query = request.GET.copy()
    query.pop("page", None)
    collection_id = links.to(request.path) + (f"?{query.urlencode()}" if query else "")

    def page_id(n: int) -> str:
        query["page"] = str(n)
        return f"{links.to(request.path)}?{query.urlencode()}"

    next_id = page_id(page.next_page_number()) if page.has_next() else ""
    if number is None:
        data = webannotation.collection(
            items,
            id=collection_id,
            label=label,
            total=paginator.count,
            first_id=page_id(1),
            next_id=next_id,
            last_id=page_id(paginator.num_pages),
        )
    else:
        data = webannotation.page(
            items,
            id=page_id(number),
            part_of={"id": collection_id, "label": label, "total": paginator.count},
            start_index=page.start_index() - 1 if paginator.count else 0,
            next_id=next_id,
            prev_id=page_id(page.previous_page_number()) if page.has_previous() else "",
        )
    return linked_data(request, data, media_type)


@api("GET", "HEAD")
def annotation_detail(request, pk: int):
    """One visible highlight as a W3C Annotation."""
    media_type = negotiate(request)
    if media_type is None:
        return not_acceptable()
    highlight = get_highlight(request, pk)
    [row] = with_tag_names(for_export(Highlight.objects.filter(pk=highlight.pk)))
    return linked_data(request, webannotation.single(exported(row, Links.of(request))), media_type)


# --- the upload form ----------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="JSON-LD file",
        help_text="A Pizhu JSON-LD export, or W3C Web Annotations from another tool.",
    )
    dry_run = forms.BooleanField(required=False, label="Dry run: report only, change nothing")

    def clean_file(self) -> list[Exported | Unreadable]:
        upload = self.cleaned_data["file"]
        limit = settings.PIZHU_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"The file has {upload.size:,} bytes; the most this form takes is {limit:,}."
            )
        try:
            items = importing.parse(upload.read())
        except Unreadable as unreadable:
            raise ValidationError(f"Not Web Annotation JSON-LD: {unreadable}.") from None
        if len(items) > MAX_FORM_ANNOTATIONS:
            raise ValidationError(
                f"The file holds {len(items):,} annotations; this form takes "
                f"{MAX_FORM_ANNOTATIONS:,} at a time (`manage.py import_annotations` takes any)."
            )
        return items


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def import_annotations(request):
    """Upload JSON-LD to restore highlights; the page then shows what became of each."""
    if request.method != "POST":
        return render(request, "annotations/annotation_import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {"form": form}
        return render(request, "annotations/annotation_import.html", context, status=422)
    host = request.get_host()
    report = importing.restore(
        form.cleaned_data["file"],
        request.user,
        dry_run=form.cleaned_data["dry_run"],
        is_local=lambda netloc: netloc == host,
    )
    context = {"form": ImportForm(), "report": report, "counts": report.counts}
    return render(request, "annotations/annotation_import.html", context)
