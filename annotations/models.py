"""Highlights: a reader's passages of a document, with a note and tags."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from library.models import Document, Revision
from library.models import Theme as CuratedTheme  # annotations.models.Theme is light/dark
from library.reading import ORIGINAL, SCRIPTS

from . import anchoring
from .notes import render_note

# The curated themes a highlight may be tagged with (free tags are welcome too).
THEME_TAGS = {"safety": "安全", "scaling": "规模化", "governance": "治理"}

PLACEMENT_FIELDS = ["revision", "start", "end", "exact", "prefix", "suffix", "state", "score"]
MAX_NOTE_LENGTH = 10_000
MAX_QUOTE_LENGTH = 10_000


class State(models.TextChoices):
    EXACT = anchoring.EXACT, "Exact"
    MOVED = anchoring.MOVED, "Moved"
    FUZZY = anchoring.FUZZY, "Fuzzy"
    ORPHANED = anchoring.ORPHANED, "Could not be placed"


class Stale(Exception):
    """An edit was based on an older version of the highlight than the stored one."""

    def __init__(self, current: Highlight):
        super().__init__(f"highlight {current.pk} is at version {current.version}")
        self.current = current


# --- Tag names (owned by the hardening work; issue 7): see annotations/tags.py --------
# One canonical key per tag (NFKC, Simplified, casefold), the first spelling displayed.
from .tags import TagKey, find_tag, tag_key, tags_named  # noqa: E402, F401

# --- end of tag names ------------------------------------------------------------------


def theme_tags() -> dict[str, str]:
    """The curated themes as tag name → label: the library's, else the built-in three."""
    return CuratedTheme.objects.labels() or THEME_TAGS


def check_placement(
    text: str, start: int, end: int, exact: str, prefix: str | None, suffix: str | None
) -> anchoring.Selector:
    """The selector for `text[start:end]` if the client's view of it is right.

    Raises ValidationError naming the field at fault: offsets out of range, a quote
    that is not the text at those offsets, or context that is not next to it.
    """
    if end > len(text):
        message = f"Past the end of the text, which has {len(text)} code points."
        raise ValidationError({"end": [message]})
    if start >= end:
        raise ValidationError({"start": ["Must be less than end."]})
    if end - start > MAX_QUOTE_LENGTH:
        raise ValidationError({"end": [f"A highlight is at most {MAX_QUOTE_LENGTH} characters."]})
    selector = anchoring.make_selector(text, start, end)
    if exact != selector.exact:
        message = (
            f"Does not match the text at {start}:{end} of the document's current revision "
            "(offsets count Unicode code points; the page may be out of date)."
        )
        raise ValidationError({"exact": [message]})
    if not exact.strip():
        raise ValidationError({"exact": ["A highlight needs some text, not only spaces."]})
    if prefix is not None and not selector.prefix.endswith(prefix):
        raise ValidationError({"prefix": ["Is not the text just before the highlight."]})
    if suffix is not None and not selector.suffix.startswith(suffix):
        raise ValidationError({"suffix": ["Is not the text just after the highlight."]})
    return selector


class Sharing(models.TextChoices):
    PRIVATE = "private", "仅自己 Private"
    GROUP = "group", "小组 Group"
    LIBRARY = "library", "全馆 Library"


class HighlightQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one read path: the reader's own highlights, those shared with the whole
        library, and those shared with a group the reader belongs to — as of this query,
        so a revoked share or a left group hides at once. Anonymous visitors see none."""
        if not user.is_authenticated:
            return self.none()
        groups = Membership.objects.filter(user=user).values("group_id")
        return self.filter(
            Q(user=user) | Q(sharing=Sharing.LIBRARY) | Q(sharing=Sharing.GROUP, group__in=groups)
        )

    def owned_by(self, user):
        """The reader's own highlights: every write path starts here."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def shared_with(self, user):
        """Others' highlights the reader may see (visible_to less their own)."""
        return self.visible_to(user).exclude(user=user)

    def shared_in(self, group):
        """The highlights shared with `group` (the caller checks membership)."""
        return self.filter(sharing=Sharing.GROUP, group=group)

    def for_document(self, document):
        return self.filter(document=document)

    def tagged(self, name: str):
        """Highlights carrying the tag `name` (normalised), whatever its case."""
        tag = find_tag(name)
        return self.filter(tags=tag) if tag else self.none()

    def in_document_order(self):
        return self.order_by("document", "start", "end", "pk")

    def matching(self, needles: list[str]):
        """Highlights whose folded quote, note and tags hold every needle (folded words:
        `library.terms.Query.needles`), so 奥特曼 finds a note that says 奧特曼."""
        found = self
        for needle in needles:
            found = found.filter(search_key__contains=needle)
        return found

    def containing(self, words: str):
        """Highlights whose quote or note contains `words`."""
        return self.filter(Q(exact__icontains=words) | Q(note__icontains=words))

    def tag_counts(self) -> list[Tag]:
        """The tags on these highlights, each with `count`, most used first."""
        return list(
            Tag.objects.filter(annotations_taggedhighlight_items__content_object__in=self)
            .annotate(count=Count("annotations_taggedhighlight_items"))
            .order_by("-count", "name")
        )

    def document_counts(self) -> list[Document]:
        """The documents these highlights are in, each with `count`, by title."""
        return list(
            Document.objects.filter(highlights__in=self)
            .annotate(count=Count("highlights"))
            .only("pk", "title")
            .order_by("title", "pk")
        )

    def for_reader(self, viewer=None) -> list[dict]:
        """What the reading page's script needs of each highlight, in document order.

        Plain rows, not model instances (a page may hold a thousand highlights): `id`,
        `start`, `end`, `exact`, `note`, `note_html`, `tags`, `state`, `version`,
        `sharing`, `group`, `author` (the same values as in `Highlight.to_dict`), `mine`
        (whether `viewer` owns it) and its `replies` (`Reply.to_dict`). Three queries.
        """
        rows = list(
            self.in_document_order().values(
                "id",
                "start",
                "end",
                "exact",
                "note",
                "state",
                "version",
                "sharing",
                "group",
                "user_id",
                "user__username",
                "user__first_name",
                "user__last_name",
            )
        )
        names = _tag_names(self.values("pk")) if rows else {}
        replies: dict[int, list[dict]] = {}
        if rows:
            thread = Reply.objects.filter(highlight__in=self.values("pk")).thread_rows(viewer)
            for reply in thread:
                replies.setdefault(reply["highlight"], []).append(reply)
        viewer_id = viewer.pk if viewer is not None else None
        for row in rows:
            owner = row.pop("user_id")
            first, last = row.pop("user__first_name"), row.pop("user__last_name")
            username = row.pop("user__username")
            row["author"] = f"{first} {last}".strip() or username
            row["mine"] = owner == viewer_id
            row["note_html"] = str(render_note(row["note"]))
            row["tags"] = names.get(row["id"], [])
            row["replies"] = replies.get(row["id"], [])
        return rows

    def for_page(self):
        """With the document each highlight is in (tags: `with_tag_names`)."""
        return self.select_related("document")

    def create_on(
        self, document: Document, *, user, start: int, end: int, exact: str, **fields
    ) -> Highlight:
        """A new highlight of `text[start:end]` of the document's current revision.

        `fields` may carry `prefix`/`suffix` (checked against the text), `note`, `tags`
        (normalised names) and `sharing` with `group` (as `Highlight.share`). Raises
        ValidationError for a wrong placement or sharing, TypeError for another field.
        """
        unknown = fields.keys() - {"prefix", "suffix", "note", "tags", "sharing", "group"}
        if unknown:
            raise TypeError(f"create_on() got unexpected fields: {', '.join(sorted(unknown))}")
        revision = document.current_revision
        if revision is None:
            raise ValidationError({"document": ["This document has no text yet."]})
        selector = check_placement(
            revision.text, start, end, exact, fields.get("prefix"), fields.get("suffix")
        )
        with transaction.atomic():
            highlight = self.create(
                user=user,
                document=document,
                note=fields.get("note", ""),
                **Highlight.placed_at(revision, selector),
            )
            if "sharing" in fields:
                highlight.share(fields["sharing"], fields.get("group"))
                highlight.save(update_fields=["sharing", "group"])
            highlight.tags.set(tags_named(fields.get("tags", [])))
            highlight.index()
        return highlight

    def reanchor(self, document: Document) -> dict[str, int]:
        """Move the document's highlights onto its current revision.

        Highlights already on it are left alone; the others, orphans of earlier runs
        included, are re-anchored (anchoring.reanchor). An orphan keeps its last good
        revision, offsets and quote, and is tried again next time; none is deleted.
        Returns how many of the highlights tried ended in each state. Idempotent.
        """
        revision = document.current_revision
        counts = dict.fromkeys(State.values, 0)
        if revision is None:
            return counts
        now = timezone.now()
        with transaction.atomic():
            stale = self.select_for_update().filter(document=document).exclude(revision=revision)
            changed = []
            for highlight in stale.only("pk", "version", *PLACEMENT_FIELDS):
                anchor = anchoring.reanchor(highlight.selector, revision.text)
                counts[anchor.state] += 1
                if anchor.state == State.ORPHANED:
                    if highlight.state == State.ORPHANED:
                        continue
                    highlight.state, highlight.score = State.ORPHANED, None
                else:
                    selector = anchoring.make_selector(revision.text, anchor.start, anchor.end)
                    for name, value in Highlight.placed_at(revision, selector).items():
                        setattr(highlight, name, value)
                    highlight.state, highlight.score = anchor.state, anchor.score
                highlight.version += 1
                highlight.updated = now
                changed.append(highlight)
            _write(changed, [*PLACEMENT_FIELDS, "version", "updated"])
        return counts


def _tag_names(ids) -> dict[int, list[str]]:
    """Tag names of the highlights `ids` (a values("pk") queryset), sorted, by id."""
    names: dict[int, list[str]] = {}
    rows = TaggedHighlight.objects.filter(content_object_id__in=ids)
    for highlight_id, name in rows.values_list("content_object_id", "tag__name"):
        names.setdefault(highlight_id, []).append(name)
    for tags in names.values():
        tags.sort(key=str.casefold)
    return names


def with_tag_names(highlights) -> list[Highlight]:
    """The highlights (a queryset, sliced or not), each with `tag_names`, in one query.

    taggit's prefetch_related("tags") builds a queryset per highlight: half a second
    for a thousand highlights, against milliseconds here.
    """
    ids = highlights.values("pk")
    highlights = list(highlights)
    names = _tag_names(ids) if highlights else {}
    for highlight in highlights:
        highlight._tag_names = names.get(highlight.pk, [])
    return highlights


def with_replies(highlights: list[Highlight], viewer) -> list[Highlight]:
    """The highlights, each with `thread`: its replies in order, each with `mine` set for
    `viewer`, in one query."""
    threads: dict[int, list[Reply]] = {}
    if highlights:
        ids = [highlight.pk for highlight in highlights]
        for reply in Reply.objects.filter(highlight__in=ids).in_thread_order():
            reply.mine = reply.user_id == viewer.pk
            threads.setdefault(reply.highlight_id, []).append(reply)
    for highlight in highlights:
        highlight.thread = threads.get(highlight.pk, [])
    return highlights


def _write(highlights: list[Highlight], names: list[str]) -> None:
    """Save these fields of many highlights in one executemany.

    bulk_update() would build a CASE per row and field: 7 s for 1,000 highlights,
    against milliseconds here.
    """
    if not highlights:
        return
    fields = [Highlight._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table = quote(Highlight._meta.db_table)
    # Only the model's own table and column names go into the string; values are params.
    sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(h, field.attname), connection) for field in fields] + [h.pk]
        for h in highlights
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def make_private(collector, field, sub_objs, using):
    """on_delete for `Highlight.group`: a deleted group's shares become private.

    SET_NULL would write `group` alone and break the check constraint that ties it to
    `sharing`; one UPDATE of both keeps every row valid.
    """
    sub_objs.update(sharing=Sharing.PRIVATE, group=None)


class TaggedHighlight(TaggedItemBase):
    content_object = models.ForeignKey("Highlight", on_delete=models.CASCADE)


class Highlight(models.Model):
    """A reader's passage of a document, anchored by a selector pair (DESIGN.md).

    `start`/`end`/`exact` always describe `revision.text`: for a placed highlight that
    is the document's current revision, for an orphan the last revision it was on.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="highlights"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="highlights")
    # RESTRICT, not PROTECT: deleting the document still takes its highlights along.
    revision = models.ForeignKey(Revision, on_delete=models.RESTRICT, related_name="+")
    start = models.PositiveIntegerField(help_text="Code point offset into the revision text.")
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=anchoring.CONTEXT, blank=True)
    suffix = models.CharField(max_length=anchoring.CONTEXT, blank=True)
    note = models.TextField(blank=True, max_length=MAX_NOTE_LENGTH)
    # Derived by `index()`: quote, note and tags folded (NFKC, Simplified, casefold).
    search_key = models.TextField(blank=True, editable=False)
    state = models.CharField(max_length=16, choices=State.choices, default=State.EXACT)
    score = models.FloatField(null=True, blank=True, help_text="Similarity of a fuzzy match.")
    version = models.PositiveIntegerField(default=1, help_text="Raised by every change.")
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now)

    sharing = models.CharField(max_length=8, choices=Sharing.choices, default=Sharing.PRIVATE)
    # Set exactly when shared with a group, one the owner belongs to (`edit` checks it;
    # leaving or deleting the group makes the highlight private again).
    group = models.ForeignKey(
        "ReadingGroup",
        on_delete=make_private,
        null=True,
        blank=True,
        related_name="highlights",
    )

    tags = TaggableManager(blank=True, through=TaggedHighlight)

    objects = HighlightQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["user", "document", "start"]),
            models.Index(fields=["sharing", "document"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="highlight_start_lt_end"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="highlight_state"),
            models.CheckConstraint(
                condition=Q(sharing__in=Sharing.values), name="highlight_sharing"
            ),
            models.CheckConstraint(
                condition=(
                    Q(sharing=Sharing.GROUP, group__isnull=False)
                    | (~Q(sharing=Sharing.GROUP) & Q(group__isnull=True))
                ),
                name="highlight_group_iff_shared_with_group",
            ),
        ]

    def __str__(self) -> str:
        quote = self.exact if len(self.exact) <= 40 else self.exact[:39] + "…"
        return f"“{quote}”"

    def get_absolute_url(self) -> str:
        return f"{reverse('library:document-detail', args=[self.document_id])}#highlight-{self.pk}"

    def get_api_url(self) -> str:
        return reverse("annotations:highlight-detail", args=[self.pk])

    @property
    def note_html(self):
        """The note's Markdown as sanitised HTML (annotations/notes.py)."""
        return render_note(self.note)

    @property
    def tag_names(self) -> list[str]:
        """Tag names, case-insensitively sorted (from `with_tag_names` when it ran)."""
        cached = getattr(self, "_tag_names", None)
        if cached is None:
            cached = sorted((tag.name for tag in self.tags.all()), key=str.casefold)
        return cached

    @property
    def author(self) -> str:
        """The owner's name as other readers see it (never the email address)."""
        return display_name(self.user)

    @property
    def is_shared(self) -> bool:
        return self.sharing != Sharing.PRIVATE

    @property
    def is_orphaned(self) -> bool:
        return self.state == State.ORPHANED

    @property
    def selector(self) -> anchoring.Selector:
        return anchoring.Selector(self.start, self.end, self.exact, self.prefix, self.suffix)

    @staticmethod
    def placed_at(revision: Revision, selector: anchoring.Selector) -> dict:
        return {
            "revision": revision,
            "start": selector.start,
            "end": selector.end,
            "exact": selector.exact,
            "prefix": selector.prefix,
            "suffix": selector.suffix,
        }

    def edit(self, *, version: int, **changes) -> None:
        """Apply `changes` if `version` is still the stored version, and raise it.

        `changes` may hold `note`, `tags` (normalised names) and a new placement
        (`start`, `end`, `exact`, optionally `prefix`/`suffix`) on the document's current
        revision, which also re-attaches an orphan. Raises Stale (carrying the stored
        highlight) or ValidationError.
        """
        with transaction.atomic():
            locked = Highlight.objects.select_for_update(of=("self",))
            current = locked.select_related("document__current_revision").get(pk=self.pk)
            if current.version != version:
                raise Stale(current)
            if not changes:
                return
            if "start" in changes:
                revision = current.document.current_revision
                if revision is None:
                    raise ValidationError({"document": ["This document has no text yet."]})
                selector = check_placement(
                    revision.text,
                    changes["start"],
                    changes["end"],
                    changes["exact"],
                    changes.get("prefix"),
                    changes.get("suffix"),
                )
                for name, value in Highlight.placed_at(revision, selector).items():
                    setattr(current, name, value)
                current.state, current.score = State.EXACT, None
            if "note" in changes:
                current.note = changes["note"]
            if "sharing" in changes:
                current.share(changes["sharing"], changes.get("group"))
            current.version += 1
            current.updated = timezone.now()
            current.save()
            if "tags" in changes:
                current.tags.set(tags_named(changes["tags"]))
            if {"note", "tags", "start"} & set(changes):
                current.index()
        self.refresh_from_db()

    def share(self, sharing: str, group: ReadingGroup | int | None = None) -> None:
        """Set who may see the highlight (unsaved): private, one of the owner's groups
        (`group`, an instance or id), or the whole library. Raises ValidationError."""
        if sharing not in Sharing.values:
            raise ValidationError({"sharing": [f"One of {', '.join(Sharing.values)}."]})
        if sharing != Sharing.GROUP:
            if group is not None:
                raise ValidationError({"group": ["Only a highlight shared with a group has one."]})
            self.sharing, self.group = sharing, None
            return
        group_id = group.pk if isinstance(group, ReadingGroup) else group
        groups = ReadingGroup.objects.filter(memberships__user_id=self.user_id)
        found = groups.filter(pk=group_id).first() if group_id else None
        if found is None:
            raise ValidationError({"group": ["Choose one of your reading groups."]})
        self.sharing, self.group = sharing, found

    def index(self) -> None:
        """Fold the quote, note and tags for search and record the links the note makes
        (`[[title]]`, pasted Pizhu URLs): call after changing any of them."""
        key = highlight_search_key(self.exact, self.note, list(self.tags.names()))
        Highlight.objects.filter(pk=self.pk).update(search_key=key)
        self.search_key = key
        NoteLink.objects.record(self)

    def remove(self, *, version: int | None = None) -> None:
        """Delete the highlight, if `version` (when given) is still the stored one."""
        with transaction.atomic():
            current = Highlight.objects.select_for_update().get(pk=self.pk)
            if version is not None and current.version != version:
                raise Stale(current)
            current.delete()

    def to_dict(self) -> dict:
        """The API's view of a highlight (tags read from a prefetch when there is one)."""
        return {
            "id": self.pk,
            "document": self.document_id,
            "revision": self.revision_id,
            "start": self.start,
            "end": self.end,
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "note": self.note,
            "note_html": str(self.note_html),
            "tags": self.tag_names,
            "state": self.state,
            "score": self.score,
            "sharing": self.sharing,
            "group": self.group_id,
            "author": self.author,
            "version": self.version,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
            "url": self.get_api_url(),
            "html_url": self.get_absolute_url(),
        }


def reanchor_document(document: Document) -> dict[str, int]:
    """Re-anchor every highlight of `document` on its current revision: call this after
    writing a new revision. Returns counts per state (see HighlightQuerySet.reanchor)."""
    return Highlight.objects.reanchor(document)


def display_name(user) -> str:
    """How a reader is named to others: their full name, else their username."""
    return user.get_full_name().strip() or user.get_username()


class Role(models.TextChoices):
    OWNER = "owner", "创建者 Owner"
    MEMBER = "member", "成员 Member"


class ReadingGroupQuerySet(models.QuerySet):
    def of(self, user):
        """The groups `user` belongs to (none for an anonymous visitor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def start(self, *, owner, name: str) -> ReadingGroup:
        """A new group named `name` with `owner` as its first member."""
        with transaction.atomic():
            group = self.create(owner=owner, name=name)
            Membership.objects.create(group=group, user=owner, role=Role.OWNER)
        return group


class ReadingGroup(models.Model):
    """Readers who share highlights with each other; one of them owns the group."""

    name = models.CharField(max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_reading_groups"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="reading_groups"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReadingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("annotations:group-detail", args=[self.pk])

    def is_owned_by(self, user) -> bool:
        return user.is_authenticated and self.owner_id == user.pk

    def add(self, user) -> Membership:
        """Make `user` a member (nothing changes if they are one already)."""
        membership, _ = Membership.objects.get_or_create(
            group=self, user=user, defaults={"role": Role.MEMBER}
        )
        return membership

    def remove(self, user) -> None:
        """Take `user` out of the group; what they shared with it becomes private, and
        the group's shares are hidden from them from the next request on. The owner
        stays: they delete the group instead."""
        if user.pk == self.owner_id:
            raise ValidationError("The owner cannot leave the group; delete it instead.")
        with transaction.atomic():
            Highlight.objects.owned_by(user).filter(group=self).update(
                sharing=Sharing.PRIVATE, group=None, version=F("version") + 1
            )
            Membership.objects.filter(group=self, user=user).delete()


class Membership(models.Model):
    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["joined", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role})"


class ReplyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Replies to highlights the reader may see (so they vanish with a revoked share)."""
        return self.filter(highlight__in=Highlight.objects.visible_to(user).values("pk"))

    def owned_by(self, user):
        """The reader's own replies to highlights they may still see: edits start here."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_to(user).filter(user=user)

    def in_thread_order(self):
        return self.select_related("user").order_by("highlight", "created", "pk")

    def thread_rows(self, viewer=None) -> list[dict]:
        """`Reply.to_dict` of each, in thread order, as plain rows in one query (a page
        may hold hundreds of replies)."""
        url = reverse("annotations:reply-detail", args=[0]).replace("/0/", "/{}/")
        viewer_id = viewer.pk if viewer is not None else None
        rows = self.order_by("highlight", "created", "pk").values_list(
            "id",
            "highlight_id",
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "body",
            "created",
            "updated",
        )
        return [
            {
                "id": pk,
                "highlight": highlight,
                "author": f"{first} {last}".strip() or username,
                "mine": user == viewer_id,
                "body": body,
                "body_html": str(render_note(body)),
                "created": created.isoformat(),
                "updated": updated.isoformat(),
                "url": url.format(pk),
            }
            for pk, highlight, user, username, first, last, body, created, updated in rows
        ]


class Reply(models.Model):
    """A reader's answer to a highlight: one level deep, Markdown like a note."""

    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="highlight_replies"
    )
    body = models.TextField(max_length=MAX_NOTE_LENGTH)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.user} on {self.highlight_id}"

    def get_absolute_url(self) -> str:
        document = reverse("library:document-detail", args=[self.highlight.document_id])
        return f"{document}#reply-{self.pk}"

    def get_api_url(self) -> str:
        return reverse("annotations:reply-detail", args=[self.pk])

    @property
    def author(self) -> str:
        return display_name(self.user)

    @property
    def body_html(self):
        return render_note(self.body)

    def edit(self, body: str) -> None:
        self.body = body
        self.updated = timezone.now()
        self.save(update_fields=["body", "updated"])

    def to_dict(self, viewer=None) -> dict:
        return {
            "id": self.pk,
            "highlight": self.highlight_id,
            "author": self.author,
            "mine": viewer is not None and self.user_id == viewer.pk,
            "body": self.body,
            "body_html": str(self.body_html),
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
            "url": self.get_api_url(),
        }


class Theme(models.TextChoices):
    AUTO = "auto", "跟随系统 Auto"
    LIGHT = "light", "浅色 Light"
    DARK = "dark", "深色 Dark"


class TextSize(models.IntegerChoices):
    SMALL = 90, "小 Small"
    MEDIUM = 100, "中 Medium"
    LARGE = 115, "大 Large"
    LARGER = 130, "较大 Larger"
    LARGEST = 150, "特大 Largest"


class ReadingPreferencesQuerySet(models.QuerySet):
    def for_user(self, user) -> ReadingPreferences:
        """The reader's preferences; the defaults (unsaved) until they change one."""
        return self.filter(user=user).first() or ReadingPreferences(user=user)


class ReadingPreferences(models.Model):
    """How a reader likes to read: display script, light or dark, text size.

    Anonymous readers keep the same three in a cookie (annotations/reading.py).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reading_preferences",
    )
    script = models.CharField(max_length=16, choices=SCRIPTS.items(), default=ORIGINAL)
    theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.AUTO)
    text_size = models.PositiveSmallIntegerField(choices=TextSize.choices, default=TextSize.MEDIUM)
    updated = models.DateTimeField(default=timezone.now)

    objects = ReadingPreferencesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "reading preferences"

    def __str__(self) -> str:
        return f"{self.user}: {self.script}, {self.theme}, {self.text_size}%"

    def to_dict(self) -> dict:
        return {"script": self.script, "theme": self.theme, "text_size": self.text_size}

    def change(self, **fields) -> None:
        """Set and save `fields` (already valid: script, theme, text_size)."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.updated = timezone.now()
        self.save()


class ReadingProgressQuerySet(models.QuerySet):
    def record(self, user, document: Document, *, offset: int, fraction: float):
        """Remember where `user` is in `document`: the code point offset at the top of
        their screen (stable across text sizes and screens) and the share read."""
        progress, _ = self.update_or_create(
            user=user,
            document=document,
            defaults={"offset": offset, "fraction": fraction, "updated": timezone.now()},
        )
        return progress


class ReadingProgress(models.Model):
    """Where a reader got to in a document."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    offset = models.PositiveIntegerField(default=0, help_text="Code point offset at the top.")
    fraction = models.FloatField(default=0.0, help_text="How far down the page, 0 to 1.")
    updated = models.DateTimeField(default=timezone.now)

    objects = ReadingProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "reading progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="one_progress_per_reader"),
            models.CheckConstraint(
                condition=Q(fraction__gte=0) & Q(fraction__lte=1), name="progress_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.fraction:.0%} of {self.document_id}"

    def to_dict(self) -> dict:
        return {
            "document": self.document_id,
            "offset": self.offset,
            "fraction": self.fraction,
            "updated": self.updated.isoformat() if self.updated else None,
        }


# Cross-links and theme suggestions keep their models apart; importing them here
# registers them with the app.
from .links import NoteLink, highlight_search_key  # noqa: E402
from .suggestions import DismissedSuggestion  # noqa: E402, F401
