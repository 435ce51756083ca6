from django.urls import reverse

from .factories import make_highlight


def test_staff_can_list_filter_and_view_highlights(client, admin_user, alice):
    highlight = make_highlight(alice, note="<script>alert(1)</script>")
    client.force_login(admin_user)
    changelist = reverse("admin:annotations_highlight_changelist")
    assert client.get(changelist).status_code == 200
    filtered = client.get(changelist, {"state__exact": "orphaned"})
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count == 0
    page = client.get(reverse("admin:annotations_highlight_change", args=[highlight.pk]))
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content


def test_highlights_cannot_be_added_or_edited_in_the_admin(client, admin_user, alice):
    highlight = make_highlight(alice, note="原样")
    client.force_login(admin_user)
    assert client.get(reverse("admin:annotations_highlight_add")).status_code == 403
    url = reverse("admin:annotations_highlight_change", args=[highlight.pk])
    client.post(url, {"note": "改了"})
    highlight.refresh_from_db()
    assert highlight.note == "原样"


def test_staff_who_are_not_superusers_see_only_what_is_visible_to_them(client, alice, bob):
    from django.contrib.auth.models import Permission

    from annotations.models import Sharing

    from .factories import make_group, make_user, share

    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_highlight", "view_reply", "view_readinggroup"]
        )
    )
    private = make_highlight(alice, note="私密笔记")
    shared = share(make_highlight(bob, quote="奥特曼表示"), Sharing.LIBRARY)
    shared.replies.create(user=bob, body="公开回复")
    private.replies.create(user=alice, body="私密回复")
    make_group(alice, name="私人小组")
    client.force_login(staff)
    changelist = client.get(reverse("admin:annotations_highlight_changelist"))
    assert [h.pk for h in changelist.context["cl"].result_list] == [shared.pk]
    change = reverse("admin:annotations_highlight_change", args=[private.pk])
    assert client.get(change).status_code == 302  # "does not exist": back to the list
    replies = client.get(reverse("admin:annotations_reply_changelist"))
    assert [r.body for r in replies.context["cl"].result_list] == ["公开回复"]
    groups = client.get(reverse("admin:annotations_readinggroup_changelist"))
    assert list(groups.context["cl"].result_list) == []
    assert "私人小组" not in groups.content.decode()
