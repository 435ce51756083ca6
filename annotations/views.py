"""The highlight JSON API: session authentication, CSRF enforced, owner only."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from . import schemas
from .access import get_document_to_annotate, get_highlight
from .models import Highlight, Stale, State

PAGE_SIZE = 100


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
                return error(404, "No such highlight.")
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
    highlights = Highlight.objects.visible_to(request.user)
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
    page = Paginator(highlights.prefetch_related("tags"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return json_response(
        {
            "count": page.paginator.count,
            "next": page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [highlight.to_dict() for highlight in page],
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
    highlight = get_highlight(request, pk)
    if request.method == "PATCH":
        data = schemas.parse_body(request)
        changes = schemas.update(data)
        version = schemas.version_from(request, changes)
        changes.pop("version", None)
        highlight.edit(version=version, **changes)
    elif request.method == "DELETE":
        version = schemas.version_from(request, {}) if "If-Match" in request.headers else None
        highlight.remove(version=version)
        return HttpResponse(status=204)
    return highlight_response(highlight)
