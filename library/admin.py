from collections import Counter

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods, require_POST
from taggit.utils import parse_tags

from .cleaning import RULES, Rejected
from .importing import process_batch, read_uploads, take_in
from .models import (
    Document,
    DocumentMerge,
    ImportBatch,
    ItemStatus,
    MergeRefused,
    NearDuplicate,
    Revision,
    SiteRules,
    Source,
    dependents,
)
from .tasks import enqueue, worker_name
from .uploads import upload_too_large

# Re-cleaning a whole site inside one request is fine for a few hundred pages; more is
# a job for `manage.py reclean_documents`.
RECLEAN_IN_REQUEST = 200
# Rules that are not a judgement about content and cannot be switched off.
FIXED_RULES = frozenset({"control-characters", "script-style"})
SWITCHABLE = [(rule, f"{rule}: {text}") for rule, text in RULES.items() if rule not in FIXED_RULES]


class RecleanForm(forms.Form):
    disabled_rules = forms.MultipleChoiceField(
        choices=SWITCHABLE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Rules switched off for this site",
    )
    scope = forms.ChoiceField(
        choices=[("document", "This document"), ("site", "Every document of this site")],
        initial="document",
        widget=forms.RadioSelect,
    )


def audit_table(removed: list[dict]):
    """The removal audit as an escaped HTML table (rule, count, examples)."""
    if not removed:
        return "Nothing was removed."
    by_rule: dict[str, list[dict]] = {}
    for item in removed:
        by_rule.setdefault(item["rule"], []).append(item)
    rows = format_html_join(
        "",
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                rule,
                RULES.get(rule, ""),
                len(items),
                " · ".join(repr(item["text"])[:80] for item in items[:3]),
            )
            for rule, items in sorted(by_rule.items(), key=lambda pair: -len(pair[1]))
        ),
    )
    return format_html(
        "<table><thead><tr><th>Rule</th><th>What it removes</th><th>Pieces</th>"
        "<th>Examples</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Imported material is rebuilt by re-importing or re-cleaning, never hand-edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["filename", "size", "encoding", "encoding_confidence", "imported_at"]
    list_filter = ["encoding"]
    search_fields = ["filename", "origin", "sha256"]
    readonly_fields = ["raw_bytes", "preview"]
    fields = [
        "filename",
        "origin",
        "sha256",
        "size",
        "encoding",
        "encoding_confidence",
        "imported_at",
        "imported_by",
        "raw_bytes",
        "preview",
    ]

    @admin.display(description="Raw bytes")
    def raw_bytes(self, obj):
        return format_html('<a href="{}">Download ({} bytes)</a>', obj.get_absolute_url(), obj.size)

    @admin.display(description="Decoded preview")
    def preview(self, obj):
        text = bytes(obj.data[:4000]).decode(obj.encoding or "utf-8", errors="replace")
        return format_html("<pre>{}</pre>", text)  # wraps: see source/change_form.html


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "cleaner_version", "created_at", "source", "removals"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Removed pieces")
    def removals(self, obj):
        return len(obj.removed)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "source_site", "original_script", "published_at", "created_at"]
    list_filter = ["original_script", "language", "source_site"]
    search_fields = ["title", "origin", "source_site", "author"]
    readonly_fields = ["origin", "current_revision", "language", "original_script", "created_at"]
    fields = [
        "title",
        "origin",
        "source_site",
        "author",
        "published_at",
        "language",
        "original_script",
        "current_revision",
        "tags",
        "created_at",
        "site",
        "cleaning",
    ]
    readonly_fields = [*readonly_fields, "site", "cleaning"]
    inlines = [RevisionInline]
    list_select_related = ["current_revision"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("current_revision__text")

    def get_urls(self):
        reclean = self.admin_site.admin_view(self.reclean_view)
        return [
            path("<int:pk>/reclean/", reclean, name="library_document_reclean"),
            *super().get_urls(),
        ]

    @admin.display(description="Cleaning")
    def cleaning(self, obj):
        revision = obj.current_revision
        if revision is None:
            return "No revision yet."
        url = reverse("admin:library_document_reclean", args=[obj.pk])
        return format_html(
            '{}<p><a class="button" href="{}">Re-clean, with rules switched off for this site…</a>'
            "</p>",
            audit_table(revision.removed),
            url,
        )

    def reclean_view(self, request, pk: int):
        document = get_object_or_404(Document.objects.select_related("current_revision"), pk=pk)
        if not self.has_change_permission(request, document):
            raise PermissionDenied
        site = document.site
        rules, _ = (
            SiteRules.objects.get_or_create(site=site) if site else (SiteRules(site=""), False)
        )
        fired = Counter(item["rule"] for item in document.current_revision.removed)
        form = RecleanForm(request.POST or None, initial={"disabled_rules": rules.disabled_rules})
        if request.method == "POST" and form.is_valid():
            disabled = form.cleaned_data["disabled_rules"]
            if site:
                rules.disabled_rules = disabled
                rules.updated_by = request.user
                rules.save()
            everywhere = form.cleaned_data["scope"] == "site"
            self.reclean(request, document, site=everywhere, disabled=frozenset(disabled))
            return redirect("admin:library_document_change", document.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Re-clean “{document}”",
            "opts": self.model._meta,
            "original": document,
            "form": form,
            "site": site,
            "fired": [
                (rule, RULES.get(rule, ""), count)
                for rule, count in sorted(fired.items(), key=lambda pair: -pair[1])
            ],
        }
        return TemplateResponse(request, "admin/library/document/reclean.html", context)

    def reclean(self, request, document: Document, *, site: bool, disabled: frozenset[str]) -> None:
        documents = Document.objects.of_site(document.site) if site else [document]
        if site and documents.count() > RECLEAN_IN_REQUEST:
            self.message_user(
                request,
                f"{documents.count()} documents: too many for one request; the rules are "
                "saved, run `manage.py reclean_documents` to apply them.",
                messages.WARNING,
            )
            documents = [document]
        changed = unchanged = failed = 0
        for each in documents:
            try:
                with transaction.atomic():
                    revision = each.reclean(disabled=disabled)
            except Rejected as error:
                failed += 1
                self.message_user(request, f"{each}: {error}", messages.ERROR)
                continue
            changed += revision is not None
            unchanged += revision is None
        self.message_user(
            request,
            f"Re-cleaned: {changed} new revision(s), {unchanged} unchanged, {failed} failed.",
            messages.SUCCESS if not failed else messages.WARNING,
        )


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["document", "number", "cleaner_version", "created_at"]
    list_select_related = ["document"]
    fields = ["document", "number", "source", "cleaner_version", "created_at", "audit", "text"]
    readonly_fields = fields

    @admin.display(description="Removed by the cleaner")
    def audit(self, obj):
        """Every removed piece in input order (the document page shows the summary)."""
        if not obj.removed:
            return "Nothing was removed."
        rows = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>",
            ((item["rule"], item["start"], repr(item["text"])[:300]) for item in obj.removed),
        )
        return format_html(
            "<table><thead><tr><th>Rule</th><th>At</th><th>Text</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )


class SiteRulesForm(forms.ModelForm):
    disabled_rules = forms.MultipleChoiceField(
        choices=SWITCHABLE, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SiteRules
        fields = ["site", "disabled_rules"]


@admin.register(SiteRules)
class SiteRulesAdmin(admin.ModelAdmin):
    form = SiteRulesForm
    list_display = ["site", "disabled", "updated_at", "updated_by"]
    search_fields = ["site"]

    @admin.display(description="Switched off")
    def disabled(self, obj):
        return ", ".join(obj.disabled_rules) or "—"

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


# Bulk import ----------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Many files in one field; empty ones pass, so the report can say they were empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"id": "import-files"}))
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="Scraped pages (.html, .txt) and zip archives of them; pick or drop many.",
    )
    source_site = forms.CharField(
        required=False,
        max_length=200,
        help_text="The site these pages come from, for pages that state no URL of their own.",
    )
    tags = forms.CharField(
        required=False,
        max_length=500,
        help_text="Comma-separated; added to every document this import creates or revises.",
    )

    def clean_tags(self):
        return sorted(set(parse_tags(self.cleaned_data["tags"])))


ITEMS_PER_PAGE = 100


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "created_by", "via", "results", "state"]
    list_filter = ["via"]
    list_select_related = ["created_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        counts = {
            status: Count("items", filter=Q(items__status=status)) for status in ItemStatus.values
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description="Results")
    def results(self, obj):
        return " · ".join(
            f"{getattr(obj, status)} {status}"
            for status in ItemStatus.values
            if getattr(obj, status, 0)
        )

    @admin.display(description="State")
    def state(self, obj):
        if obj.finished_at:
            return "finished"
        done = obj.total - getattr(obj, ItemStatus.PENDING, 0)
        return f"{done}/{obj.total} done"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/progress/", wrap(self.progress_view), name="library_importbatch_progress"
            ),
            path("<int:pk>/report/", wrap(self.report_view), name="library_importbatch_report"),
            path("<int:pk>/retry/", wrap(self.retry_view), name="library_importbatch_retry"),
            path("<int:pk>/resume/", wrap(self.resume_view), name="library_importbatch_resume"),
            *super().get_urls(),
        ]

    def batch_or_404(self, request, pk) -> ImportBatch:
        batch = self.get_object(request, unquote(str(pk)))
        if batch is None:
            raise Http404("No such import batch.")
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        return batch

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def add_view(self, request, form_url="", extra_context=None):
        """The "Import documents" page: files and zip archives, dropped or picked."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        status = 200
        form = ImportForm()
        too_large = ""
        # Reading the files parses the upload, which stops at the size cap.
        if request.method == "POST" and request.FILES is not None and upload_too_large(request):
            limit = filesizeformat(settings.PIZHU_MAX_UPLOAD_BYTES)
            too_large = f"This upload is larger than the {limit} limit; split it."
            status = 413
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                batch = self.start_import(request, form.cleaned_data)
                return redirect(batch.get_absolute_url())
            status = 422
        context = {
            **self.admin_site.each_context(request),
            "title": "Import documents",
            "opts": self.model._meta,
            "form": form,
            "too_large": too_large,
            "max_upload": settings.PIZHU_MAX_UPLOAD_BYTES,
            "inline_items": settings.PIZHU_IMPORT_INLINE_ITEMS,
        }
        return TemplateResponse(
            request, "admin/library/importbatch/import_form.html", context, status=status
        )

    def start_import(self, request, data: dict) -> ImportBatch:
        batch = ImportBatch.objects.create(
            created_by=request.user,
            via=ImportBatch.Via.ADMIN,
            source_site=data["source_site"].strip(),
            tags=data["tags"],
        )
        take_in(batch, read_uploads(data["files"]))
        if batch.total <= settings.PIZHU_IMPORT_INLINE_ITEMS:
            process_batch(batch, worker=f"web:{worker_name()}")
            self.message_user(request, f"Imported {batch.total} item(s).", messages.SUCCESS)
        else:
            enqueue(batch)
            self.message_user(
                request,
                f"{batch.total} items queued; the background worker is importing them.",
                messages.INFO,
            )
        return batch

    @method_decorator(require_http_methods(["GET", "HEAD"]))
    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The batch page: live progress, then every item's result."""
        batch = self.batch_or_404(request, object_id)
        shown = request.GET.get("status", "")
        items = batch.items.select_related("document").order_by("position")
        if shown in ItemStatus.values:
            items = items.filter(status=shown)
        page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
        progress = batch.progress()
        context = {
            **self.admin_site.each_context(request),
            "title": str(batch),
            "opts": self.model._meta,
            "original": batch,
            "batch": batch,
            "progress": progress,
            "progress_json": progress.as_json(),
            "statuses": [(status, progress.counts.get(status, 0)) for status in ItemStatus.values],
            "shown": shown,
            "page": page,
            "to_review": NearDuplicate.objects.to_review()
            .filter(document__import_items__batch=batch)
            .distinct()
            .count(),
        }
        return TemplateResponse(request, "admin/library/importbatch/batch.html", context)

    @method_decorator(require_http_methods(["GET", "HEAD"]))
    def progress_view(self, request, pk: int):
        batch = self.batch_or_404(request, pk)
        return JsonResponse(batch.progress().as_json())

    @method_decorator(require_http_methods(["GET", "HEAD"]))
    def report_view(self, request, pk: int):
        """The same report `import_documents --json` prints, as a download."""
        batch = self.batch_or_404(request, pk)
        response = JsonResponse(batch.report(), json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}.json"'
        return response

    @method_decorator(require_POST)
    def retry_view(self, request, pk: int):
        batch = self.batch_or_404(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if count := batch.retry_failed():
            enqueue(batch)
        self.message_user(request, f"{count} failed item(s) queued again.", messages.INFO)
        return redirect(batch.get_absolute_url())

    @method_decorator(require_POST)
    def resume_view(self, request, pk: int):
        """Queue a batch whose worker stopped; a live worker keeps its lease regardless."""
        batch = self.batch_or_404(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if batch.finished_at is None:
            enqueue(batch)
        self.message_user(request, "Queued for the background worker.", messages.INFO)
        return redirect(batch.get_absolute_url())


@admin.register(NearDuplicate)
class NearDuplicateAdmin(admin.ModelAdmin):
    list_display = ["document", "original", "percent", "decision", "found_at"]
    list_filter = ["decision"]
    list_select_related = ["document", "original"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Similarity", ordering="similarity")
    def percent(self, obj):
        return f"{obj.similarity:.0%}"

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Both documents side by side; the admin merges them or keeps both."""
        pair = self.get_object(request, unquote(object_id))
        if pair is None:
            raise Http404("No such near-duplicate.")
        if not self.has_view_permission(request, pair):
            raise PermissionDenied
        if request.method == "POST":
            return self.decide(request, pair)
        sides = [("document", pair.document), ("original", pair.original)]
        context = {
            **self.admin_site.each_context(request),
            "title": "Near-duplicates: merge or keep both?",
            "opts": self.model._meta,
            "original": pair,
            "pair": pair,
            "sides": [
                {
                    "key": key,
                    "document": document,
                    "revision": document.current_revision,
                    "held": dependents(document),
                    "preview": document.current_revision.text[:PREVIEW_CHARACTERS]
                    if document.current_revision
                    else "",
                }
                for key, document in sides
            ],
            "can_decide": self.has_change_permission(request, pair)
            and request.user.has_perm("library.delete_document"),
        }
        return TemplateResponse(request, "admin/library/nearduplicate/review.html", context)

    def decide(self, request, pair: NearDuplicate):
        if not (
            self.has_change_permission(request, pair)
            and request.user.has_perm("library.delete_document")
        ):
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        if decision == "keep-both":
            pair.keep_apart(request.user)
            self.message_user(request, "Kept both documents.", messages.SUCCESS)
        elif decision in {"keep-document", "keep-original"}:
            keep = pair.document if decision == "keep-document" else pair.original
            try:
                merge = pair.merge(keep=keep, user=request.user)
            except MergeRefused as error:
                self.message_user(request, f"Not merged: {error}.", messages.ERROR)
                return redirect(pair.get_absolute_url())
            self.message_user(request, str(merge), messages.SUCCESS)
        else:
            return HttpResponseBadRequest("Unknown decision.")
        return redirect("admin:library_nearduplicate_changelist")


PREVIEW_CHARACTERS = 1200


@admin.register(DocumentMerge)
class DocumentMergeAdmin(ReadOnlyAdmin):
    list_display = ["title", "document", "origin", "merged_at", "merged_by"]
    search_fields = ["title", "origin"]
    list_select_related = ["document", "merged_by"]


# Themes and entities (library/admin_crosslinks.py registers them).
from . import admin_crosslinks  # noqa: E402, F401
