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
