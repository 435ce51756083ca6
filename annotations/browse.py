"""Finding one's way across the library: search, theme pages, entity pages, suggested
highlights, and the links notes make. Every highlight shown goes through
`Highlight.objects.visible_to(user)` (the reader's own and those shared with them);
"mine" filters and counts go through `owned_by(user)`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Greatest, Substr
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from library import search as library_search
from library.entities import ABOUT_HITS
from library.models import (
    Document,
    DocumentEntity,
    DocumentTheme,
    Entity,
    Mention,
    Theme,
    ThemePassage,
)
from library.reading import convert, display_config
from library.terms import marks, parse_query

from .access import get_reader_document
from .forms import SearchForm
from .models import Highlight, with_tag_names
from .reading import preferences_for
from .suggestions import DismissedSuggestion
from .tags import tag_key

PAGE_SIZE = 20
HIGHLIGHTS_PER_DOCUMENT = 20
PASSAGES_PER_DOCUMENT = 3
CONTEXT = 50  # characters shown each side of a mention
SENTENCE_END = re.compile(r"[。！？!?\n]")


@dataclass
class Pages:
    """Page numbers for a result count (the shape Django's Page offers templates)."""

    number: int
    count: int
    size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def has_other_pages(self) -> bool:
        return self.num_pages > 1


def page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        return 1


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def shown(text: str, script: str, original: str) -> str:
    return convert(text, display_config(script, original))


# Search -----------------------------------------------------------------------------------


@require_safe
@login_required
def search(request):
    """One box over titles, article text and the reader's own highlights, notes and
    tags, folded across scripts, with filters and pages (see library/search.py)."""
    form = SearchForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    text = filters.get("q", "").strip()
    user = request.user
    script = preferences_for(request).script
    documents = Document.objects.visible_to(user)
    filtered = False
    theme = entity = None
    if name := filters.get("theme"):
        theme = Theme.objects.resolve(name)
        documents = documents.about(theme) if theme else documents.none()
        filtered = True
    if slug := filters.get("entity"):
        entity = Entity.objects.filter(slug=slug).first()
        documents = documents.mentioning(entity) if entity else documents.none()
        filtered = True
    if source := filters.get("source"):
        documents = documents.filter(site=source)
        filtered = True
    if since := filters.get("since"):
        documents = documents.filter(published_at__date__gte=since)
        filtered = True
    if until := filters.get("until"):
        documents = documents.filter(published_at__date__lte=until)
        filtered = True
    own = Highlight.objects.owned_by(user)
    if filters.get("mine"):
        documents = documents.filter(pk__in=own.values("document_id"))
        filtered = True
    query = parse_query(text)
    # The reader's own highlights and those shared with them (shown with the author).
    visible = Highlight.objects.visible_to(user)
    mine_matching = visible.matching(query.needles) if query else visible.none()
    mine_ids = list(
        mine_matching.order_by().values_list("document_id", flat=True).distinct()[:1000]
    )
    matcher = Entity.objects.matcher() if query else None
    results, total, pages = [], 0, None
    if text or filtered:
        number = page_number(request)
        found = library_search.search(
            text,
            within=documents if filtered else None,
            mine=mine_ids,
            matcher=matcher,
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        total = found.total
        pages = Pages(number, total, PAGE_SIZE)
        results = library_search.results(found, script=script, matcher=matcher)
        attach_own_highlights(results, mine_matching, query, script)
    context = {
        "form": form,
        "q": text,
        "results": results,
        "total": total,
        "page": pages,
        "query": query_without_page(request),
        "themes": Theme.objects.all(),
        "entities": Entity.objects.only("name", "slug"),
        "sites": Document.objects.exclude(site="")
        .order_by("site")
        .values_list("site", flat=True)
        .distinct()[:200],
        "theme": theme,
        "entity": entity,
        "filtered": filtered,
        "mine_count": len(mine_ids),
        "script": script,
    }
    return render(request, "annotations/search.html", context)


def attach_own_highlights(results, matching, query, script: str) -> None:
    """Give each result the reader's highlights in it that match, marked."""
    if not results or not query:
        for result in results:
            result.own = []
        return
    ids = [result.document.pk for result in results]
    by_document: dict[int, list] = {}
    in_results = matching.filter(document_id__in=ids).select_related("user").order_by("start")
    for highlight in with_tag_names(in_results[:200]):
        by_document.setdefault(highlight.document_id, []).append(highlight)
    for result in results:
        result.own = by_document.get(result.document.pk, [])[:3]
        for highlight in result.own:
            highlight.shown_exact = shown(highlight.exact, script, result.document.original_script)
            highlight.exact_marks = marks(highlight.exact, query.needles)
            highlight.note_marks = marks(highlight.note, query.needles)


# Themes -----------------------------------------------------------------------------------


@require_safe
@login_required
def theme_list(request):
    themes = Theme.objects.annotate(
        documents=Count("document_scores", filter=Q(document_scores__hits__gte=ABOUT_HITS))
    )
    # Counted by canonical tag key, so a tag first spelled "Safety" counts for "safety".
    names = {tag_key(theme.name): theme.name for theme in Theme.objects.all()}
    by_key = (
        Highlight.objects.owned_by(request.user)
        .filter(tags__canonical__key__in=names)
        .values_list("tags__canonical__key")
        .annotate(n=Count("pk"))
    )
    counts = {names[key]: n for key, n in by_key}
    return render(
        request,
        "annotations/theme_list.html",
        {"themes": themes, "counts": counts, "script": preferences_for(request).script},
    )


@require_safe
@login_required
def theme_detail(request, name: str):
    """Every highlight the reader may see with the theme, grouped by document with
    counts and filterable by the entities they mention; and the documents most about it.
    The same number of queries whatever the number of highlights."""
    theme = Theme.objects.resolve(name)
    if theme is None:
        raise Http404("No such theme.")
    if name != theme.name:
        target = reverse("annotations:theme-detail", args=[theme.name])
        query = request.GET.urlencode()
        return redirect(f"{target}?{query}" if query else target)
    script = preferences_for(request).script
    highlights = Highlight.objects.visible_to(request.user).filter(
        tags__canonical__key=tag_key(theme.name)
    )
    # Others' orphans are for their owners to place again.
    highlights = highlights.filter(Q(user=request.user) | ~Q(state="orphaned"))
    facet_source = highlights
    entity = None
    if slug := request.GET.get("entity"):
        entity = Entity.objects.filter(slug=slug).first()
        if entity is None:
            raise Http404("No such entity.")
        highlights = highlights.filter(
            Exists(
                Mention.objects.filter(
                    entity=entity,
                    revision_id=OuterRef("revision_id"),
                    start__lt=OuterRef("end"),
                    end__gt=OuterRef("start"),
                )
            )
        )
    groups = list(
        highlights.values("document_id", "document__title", "document__original_script")
        .annotate(count=Count("pk"), latest=Max("updated"))
        .order_by("-count", "-latest", "document_id")
    )
    total = sum(group["count"] for group in groups)
    pages = Pages(page_number(request), len(groups))
    page_groups = groups[pages.offset : pages.offset + pages.size]
    in_page = (
        highlights.filter(document_id__in=[g["document_id"] for g in page_groups])
        .order_by("document_id", "start", "pk")
        .select_related("user")
        .only(
            "pk",
            "document_id",
            "exact",
            "note",
            "start",
            "state",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
    )
    by_document: dict[int, list] = {}
    for highlight in in_page:
        by_document.setdefault(highlight.document_id, []).append(highlight)
    for group in page_groups:
        group["title"] = shown(group["document__title"], script, group["document__original_script"])
        group["url"] = reverse("library:document-detail", args=[group["document_id"]])
        group["highlights"] = by_document.get(group["document_id"], [])[:HIGHLIGHTS_PER_DOCUMENT]
        for highlight in group["highlights"]:
            highlight.shown_exact = shown(
                highlight.exact, script, group["document__original_script"]
            )
    facets = list(
        Mention.objects.filter(revision_id__in=facet_source.values("revision_id"))
        .filter(
            Exists(
                facet_source.filter(
                    revision_id=OuterRef("revision_id"),
                    start__lt=OuterRef("end"),
                    end__gt=OuterRef("start"),
                )
            )
        )
        .values("entity__slug", "entity__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "entity__name")[:30]
    )
    most_about = list(
        DocumentTheme.objects.about(theme)
        .select_related("document")
        .only("score", "hits", "document__id", "document__title", "document__original_script")[:10]
    )
    for item in most_about:
        item.shown_title = shown(item.document.title, script, item.document.original_script)
    context = {
        "theme": theme,
        "label": theme.label_in(script),
        "groups": page_groups,
        "total": total,
        "document_count": len(groups),
        "page": pages,
        "entity": entity,
        "facets": facets,
        "most_about": most_about,
        "query": query_without_page(request),
        "script": script,
    }
    return render(request, "annotations/theme_detail.html", context)


# Entities ---------------------------------------------------------------------------------


@require_safe
@login_required
def entity_list(request):
    entities = Entity.objects.with_document_counts().order_by("-documents", "name")
    return render(request, "annotations/entity_list.html", {"entities": entities})


def passages_of(mentions: list[dict], script: str, original: str) -> list[dict]:
    """Up to PASSAGES_PER_DOCUMENT passages around the mentions, trimmed to the sentence,
    the mention marked; mentions inside an earlier passage join it."""
    passages: list[dict] = []
    for mention in mentions:
        if passages and mention["start"] < passages[-1]["end"]:
            passage = passages[-1]
            passage["marks"].append(
                (mention["start"] - passage["start"], mention["end"] - passage["start"])
            )
            continue
        if len(passages) >= PASSAGES_PER_DOCUMENT:
            continue
        context, origin = mention["context"], mention["origin"]
        left = mention["start"] - origin
        right = mention["end"] - origin
        head = max((m.end() for m in SENTENCE_END.finditer(context, 0, left)), default=0)
        tail_match = SENTENCE_END.search(context, right)
        tail = tail_match.end() if tail_match else len(context)
        text = context[head:tail].strip()
        offset = context[head:tail].index(text) if text else 0
        start = origin + head + offset
        passages.append(
            {
                "start": start,
                "end": start + len(text),
                "text": shown(text, script, original),
                "marks": [(mention["start"] - start, mention["end"] - start)],
                "clipped_start": head == 0 and origin > 0,
                "clipped_end": tail_match is None,
            }
        )
    return passages


@require_safe
@login_required
def entity_detail(request, slug: str):
    """The passages across the library that mention the entity, by document (most
    mentions first); the same number of queries whatever the page holds."""
    entity = get_object_or_404(Entity.objects.prefetch_related("aliases"), slug=slug)
    script = preferences_for(request).script
    ranked = DocumentEntity.objects.filter(
        entity=entity, document__in=Document.objects.visible_to(request.user)
    ).order_by("-mentions", "-document_id")
    pages = Pages(page_number(request), ranked.count())
    rows = list(
        ranked.select_related("document").only(
            "mentions",
            "document__id",
            "document__title",
            "document__original_script",
            "document__language",
            "document__published_at",
            "document__source_site",
            "document__current_revision_id",
        )[pages.offset : pages.offset + pages.size]
    )
    mentions = (
        Mention.objects.filter(
            entity=entity,
            document_id__in=[row.document_id for row in rows],
            revision_id=F("document__current_revision_id"),
        )
        .annotate(
            origin=Greatest(F("start") - CONTEXT, 0),
            context=Substr(
                "revision__text", Greatest(F("start") - CONTEXT, 0) + 1, 2 * CONTEXT + 20
            ),
        )
        .order_by("document_id", "start")
        .values("document_id", "start", "end", "origin", "context")
    )
    by_document: dict[int, list] = {}
    for mention in mentions:
        by_document.setdefault(mention["document_id"], []).append(mention)
    for row in rows:
        document = row.document
        row.shown_title = shown(document.title, script, document.original_script)
        row.passages = passages_of(
            by_document.get(document.pk, []), script, document.original_script
        )
    context = {
        "entity": entity,
        "aliases": [alias.text for alias in entity.aliases.all()],
        "rows": rows,
        "page": pages,
        "query": query_without_page(request),
        "script": script,
        "search_url": f"{reverse('annotations:search')}?{urlencode({'entity': entity.slug})}",
    }
    return render(request, "annotations/entity_detail.html", context)


# Suggested highlights ---------------------------------------------------------------------


def get_passage(request, document_pk: int, pk: int) -> tuple[Document, ThemePassage]:
    """A suggested passage of the document's current revision (404 when it is gone)."""
    document = get_reader_document(request, document_pk)
    if document is None or document.current_revision_id is None:
        raise Http404("No such document.")
    passage = get_object_or_404(
        ThemePassage.objects.select_related("theme", "revision"),
        pk=pk,
        document=document,
        revision_id=document.current_revision_id,
    )
    return document, passage


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def accept_suggestion(request, document_pk: int, pk: int):
    """Make the suggested passage the reader's highlight, tagged with its theme."""
    document, passage = get_passage(request, document_pk, pk)
    document.current_revision = passage.revision
    highlight = Highlight.objects.create_on(
        document,
        user=request.user,
        start=passage.start,
        end=passage.end,
        exact=passage.revision.text[passage.start : passage.end],
        tags=[passage.theme.name],
    )
    if wants_json(request):
        return JsonResponse(
            highlight.to_dict(), status=201, json_dumps_params={"ensure_ascii": False}
        )
    return redirect(highlight.get_absolute_url())


@require_POST
@login_required
def dismiss_suggestion(request, document_pk: int, pk: int):
    """Stop suggesting the passage to this reader."""
    document, passage = get_passage(request, document_pk, pk)
    exact = passage.revision.text[passage.start : passage.end]
    DismissedSuggestion.objects.dismiss(request.user, passage, exact)
    if wants_json(request):
        return JsonResponse({"dismissed": passage.pk})
    return redirect(f"{document.get_absolute_url()}#suggestions")


# Links in notes ---------------------------------------------------------------------------


@require_safe
@login_required
def link_targets(request):
    """Titles for the note editor's [[ autocomplete: `{"results": [{"title", "url"}]}`."""
    text = request.GET.get("q", "")[:200]
    found = library_search.titles(text) if text.strip() else []
    return JsonResponse(
        {"results": [{"title": d.title, "url": d.get_absolute_url()} for d in found]},
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@login_required
def follow_link(request):
    """Where a note's [[title]] leads: the document with that title, else a search."""
    title = request.GET.get("title", "")[:300]
    document = Document.objects.visible_to(request.user).titled(title).order_by("-pk").first()
    if document is not None:
        return redirect(document.get_absolute_url())
    return redirect(f"{reverse('annotations:search')}?{urlencode({'q': title})}")
