"""The highlight and reply JSON API (session authentication, CSRF enforced; reads of
what is visible to the reader, writes by the owner only), the reader's progress and
preferences, and the "My highlights" page."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from library.reading import convert, display_config

from . import schemas
from .access import (
    get_document_to_annotate,
    get_highlight,
    get_own_highlight,
    get_own_reply,
    get_reader_document,
)
from .forms import HighlightFilterForm, PreferencesForm
from .models import (
    Highlight,
    ReadingGroup,
    ReadingProgress,
    Reply,
    Stale,
    State,
    theme_tags,
    with_replies,
    with_tag_names,
)
from .reading import preferences_for, remember

PAGE_SIZE = 100
MY_HIGHLIGHTS_PAGE_SIZE = 50


def json_response(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error(status: int, message: str) -> JsonResponse:
    return json_response({"errors": {"__all__": [message]}}, status=status)


def api(*methods: str):
    """Allow `methods` to a logged-in reader; answer every failure as JSON.

    ValidationError becomes 400 with messages per field, Http404 a 404, and Stale a
    409 carrying the stored highlight. CSRF stays enforced by the middleware.
    """

    def decorator(view):
        @never_cache
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error(405, f"Use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            if not request.user.is_authenticated:
                return error(401, "Log in to use highlights.")
            try:
                return view(request, *args, **kwargs)
            except ValidationError as invalid:
                fields = invalid.message_dict if hasattr(invalid, "error_dict") else None
                return json_response(
                    {"errors": fields or {"__all__": invalid.messages}}, status=400
                )
            except Http404:
                return error(404, "Not found.")
            except Stale as stale:
                message = "Changed since you loaded it: here is the current version."
                body = {"errors": {"version": [message]}, "current": stale.current.to_dict()}
                return json_response(body, status=409)

        return wrapper

    return decorator


def highlight_response(highlight: Highlight, status: int = 200) -> JsonResponse:
    response = json_response(highlight.to_dict(), status=status)
    response["ETag"] = f'"{highlight.version}"'
    return response


@api("GET", "HEAD", "POST")
def highlights(request):
    if request.method == "POST":
        return create_highlight(request)
    return list_highlights(request)


def list_highlights(request):
    highlights = Highlight.objects.visible_to(request.user).select_related("user")
    if (document := schemas.query_integer(request, "document")) is not None:
        highlights = highlights.for_document(document).in_document_order()
    if "tag" in request.GET:
        try:
            tag = schemas.normalize_tag(request.GET["tag"])
        except ValidationError as invalid:
            raise ValidationError({"tag": invalid.messages}) from None
        highlights = highlights.tagged(tag)
    if state := request.GET.get("state"):
        if state not in State.values:
            raise ValidationError({"state": [f"One of {', '.join(State.values)}."]})
        highlights = highlights.filter(state=state)
    page = Paginator(highlights, PAGE_SIZE).get_page(request.GET.get("page"))
    return json_response(
        {
            "count": page.paginator.count,
            "next": page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [h.to_dict() for h in with_tag_names(page.object_list)],
        }
    )


def page_url(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


def create_highlight(request):
    fields = schemas.creation(schemas.parse_body(request))
    document = get_document_to_annotate(request, fields.pop("document"))
    highlight = Highlight.objects.create_on(document, user=request.user, **fields)
    response = highlight_response(highlight, status=201)
    response["Location"] = highlight.get_api_url()
    return response


@api("GET", "HEAD", "PATCH", "DELETE")
def highlight(request, pk: int):
    if request.method in ("GET", "HEAD"):
        return highlight_response(get_highlight(request, pk))
    highlight = get_own_highlight(request, pk)
    if request.method == "PATCH":
        data = schemas.parse_body(request)
        changes = schemas.sharing_change(schemas.update(data))
        version = schemas.version_from(request, changes)
        changes.pop("version", None)
        highlight.edit(version=version, **changes)
    elif request.method == "DELETE":
        version = schemas.version_from(request, {}) if "If-Match" in request.headers else None
        highlight.remove(version=version)
        return HttpResponse(status=204)
    return highlight_response(highlight)


@api("GET", "HEAD", "POST")
def replies(request, pk: int):
    """The replies to a highlight the reader may see: GET them in order, POST
    `{"body"}` to add one (anyone who sees the highlight may answer it)."""
    highlight = get_highlight(request, pk)
    if request.method == "POST":
        fields = schemas.reply(schemas.parse_body(request))
        reply = highlight.replies.create(user=request.user, **fields)
        response = json_response(reply.to_dict(request.user), status=201)
        response["Location"] = reply.get_api_url()
        return response
    thread = Reply.objects.visible_to(request.user).filter(highlight=highlight)
    results = [reply.to_dict(request.user) for reply in thread.in_thread_order()]
    return json_response({"count": len(results), "results": results})


@api("GET", "HEAD", "PATCH", "DELETE")
def reply(request, pk: int):
    """One reply: anyone who sees its highlight may read it; only its author may change
    (`{"body"}`) or delete it — everyone else gets 404, as for a missing one."""
    if request.method in ("GET", "HEAD"):
        queryset = Reply.objects.visible_to(request.user).select_related("user")
        return json_response(get_object_or_404(queryset, pk=pk).to_dict(request.user))
    reply = get_own_reply(request, pk)
    if request.method == "DELETE":
        reply.delete()
        return HttpResponse(status=204)
    reply.edit(**schemas.reply(schemas.parse_body(request)))
    return json_response(reply.to_dict(request.user))


@api("GET", "HEAD", "PUT")
def progress(request, document_pk: int):
    """Where the reader is in a document: GET it, PUT `{"offset", "fraction"}`."""
    document = get_reader_document(request, document_pk)
    if document is None:
        return error(404, "No such document.")
    if request.method == "PUT":
        fields = schemas.progress(schemas.parse_body(request))
        stored = ReadingProgress.objects.record(request.user, document, **fields)
    else:
        stored = ReadingProgress.objects.filter(user=request.user, document=document).first()
        stored = stored or ReadingProgress(document=document, updated=None)
    return json_response(stored.to_dict())


@require_POST
def preferences(request):
    """Save the display script, theme and text size: on the account when logged in, and
    in a cookie either way. Answers JSON to scripts, else goes back to `next`."""
    form = PreferencesForm(request.POST)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        if wants_json:
            return json_response({"errors": form.errors}, status=422)
        return HttpResponse("Unknown preference.", status=422, content_type="text/plain")
    chosen = preferences_for(request)
    if request.user.is_authenticated:
        chosen.change(**form.cleaned_data)
    else:
        for name, value in form.cleaned_data.items():
            setattr(chosen, name, value)
    if wants_json:
        response = json_response(chosen.to_dict())
    else:
        target = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        response = redirect(target if safe else "library:document-list")
    remember(response, chosen)
    return response


@require_safe
@login_required
def my_highlights(request):
    """The reader's highlights across documents, newest first (one document: in order),
    filtered by tag or theme, document and words in the quote or note. `?shared=1`
    shows instead what others shared with the reader, with their replies."""
    form = HighlightFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    shared = bool(filters.get("shared"))
    if shared:
        everything = Highlight.objects.shared_with(request.user).exclude(state=State.ORPHANED)
    else:
        everything = Highlight.objects.owned_by(request.user)
    highlights = everything
    document = None
    if filters.get("document"):
        document = get_reader_document(request, filters["document"])
        if document is None:
            raise Http404("No such document.")
        highlights = highlights.for_document(document).in_document_order()
    if tag := filters.get("tag", "").strip():
        highlights = highlights.tagged(tag)
    if words := filters.get("q", "").strip():
        highlights = highlights.containing(words)
    page = Paginator(
        highlights.for_page().select_related("user", "group"), MY_HIGHLIGHTS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    script = preferences_for(request).script
    page.object_list = with_replies(with_tag_names(page.object_list), request.user)
    for highlight in page:
        config = display_config(script, highlight.document.original_script)
        highlight.shown_exact = convert(highlight.exact, config)
        highlight.shown_title = convert(highlight.document.title, config)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "tag": tag,
        "words": words,
        "document": document,
        "themes": theme_tags(),
        "tags": everything.tag_counts(),
        "documents": everything.document_counts(),
        "query": query.urlencode(),
        "shared": shared,
        "groups": ReadingGroup.objects.of(request.user) if not shared else [],
    }
    return render(request, "annotations/my_highlights.html", context)
