from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .cleaning import RULES, Rejected
from .models import Document, Revision, SiteRules, Source

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
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


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
