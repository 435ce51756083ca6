"""Reading groups and sharing, as pages: the group list and page, members added and
removed by the owner, leaving, deleting; and the forms a reader without scripts uses to
reply to a highlight or change who sees it. Every change is a POST with CSRF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from library.reading import convert, display_config

from .access import get_group, get_highlight, get_own_highlight, get_owned_group
from .forms import GroupForm, MemberForm, ReplyForm, SharingForm
from .models import Highlight, ReadingGroup, with_tag_names
from .reading import preferences_for

GROUP_PAGE_HIGHLIGHTS = 100


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def group_list(request):
    """The reader's groups, and a form to start one (they become its owner)."""
    form = GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            group = ReadingGroup.objects.start(owner=request.user, **form.cleaned_data)
            return redirect(group)
        return render_group_list(request, form, status=422)
    return render_group_list(request, form)


def render_group_list(request, form, status: int = 200):
    groups = (
        ReadingGroup.objects.of(request.user)
        .select_related("owner")
        .annotate(member_count=Count("memberships", distinct=True))
    )
    context = {"groups": groups, "form": form}
    return render(request, "annotations/group_list.html", context, status=status)


@require_safe
@login_required
def group_detail(request, pk: int):
    group = get_group(request, pk)
    return render_group(request, group, MemberForm())


def render_group(request, group, member_form, status: int = 200):
    """The group page: members, and the highlights shared with the group, newest first."""
    shared = (
        Highlight.objects.visible_to(request.user)
        .shared_in(group)
        .select_related("document", "user")
    )
    highlights = with_tag_names(shared[:GROUP_PAGE_HIGHLIGHTS])
    script = preferences_for(request).script
    for highlight in highlights:
        config = display_config(script, highlight.document.original_script)
        highlight.shown_exact = convert(highlight.exact, config)
        highlight.shown_title = convert(highlight.document.title, config)
    context = {
        "group": group,
        "memberships": group.memberships.select_related("user"),
        "highlights": highlights,
        "shared_count": shared.count(),
        "is_owner": group.is_owned_by(request.user),
        "member_form": member_form,
    }
    return render(request, "annotations/group_detail.html", context, status=status)


@require_POST
@login_required
def add_member(request, pk: int):
    group = get_owned_group(request, pk)
    form = MemberForm(request.POST)
    if not form.is_valid():
        return render_group(request, group, form, status=422)
    group.add(form.cleaned_data["username"])
    return redirect(group)


@require_POST
@login_required
def remove_member(request, pk: int, user_pk: int):
    group = get_owned_group(request, pk)
    membership = get_object_or_404(group.memberships.select_related("user"), user_id=user_pk)
    if membership.user_id == group.owner_id:
        return render_group(request, group, MemberForm(), status=422)
    group.remove(membership.user)
    return redirect(group)


@require_POST
@login_required
def leave_group(request, pk: int):
    group = get_group(request, pk)
    if group.is_owned_by(request.user):
        return render_group(request, group, MemberForm(), status=422)
    group.remove(request.user)
    return redirect("annotations:group-list")


@require_POST
@login_required
def delete_group(request, pk: int):
    """Delete the group; what was shared with it becomes private again."""
    get_owned_group(request, pk).delete()
    return redirect("annotations:group-list")


@require_POST
@login_required
def post_reply(request, pk: int):
    """Reply to a highlight the reader may see, from the page without scripts."""
    highlight = get_highlight(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "annotations/reply_form.html",
            {"highlight": highlight, "form": form},
            status=422,
        )
    reply = highlight.replies.create(user=request.user, **form.cleaned_data)
    return redirect(back(request, reply.get_absolute_url(), f"#reply-{reply.pk}"))


@require_POST
@login_required
def change_sharing(request, pk: int):
    """Change who sees one of the reader's highlights, from the page without scripts."""
    highlight = get_own_highlight(request, pk)
    form = SharingForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["share"])
        sharing, group = form.cleaned_data["share"]
        highlight.edit(version=highlight.version, sharing=sharing, group=group)
    except ValidationError as invalid:
        context = {"highlight": highlight, "errors": invalid.messages, "groups": _groups(request)}
        return render(request, "annotations/sharing_form.html", context, status=422)
    return redirect(back(request, highlight.get_absolute_url(), f"#highlight-{highlight.pk}"))


def back(request, default: str, fragment: str) -> str:
    """The page the form was on (`next`, same site only), at `fragment`; else `default`."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return f"{target.split('#')[0]}{fragment}" if safe and target else default


def _groups(request):
    return ReadingGroup.objects.of(request.user)
