from django.urls import reverse

from library.importing import import_bytes
from library.models import Document, Revision, Source


def imported(db):
    text = "标题\n爆發(fā)了\x00一場\n".encode()
    return Document.objects.get(pk=import_bytes(text, name="<b>bold</b>.txt").document)


def test_admin_pages_show_documents_revisions_and_sources(client, admin_user):
    document = imported(admin_user)
    revision = document.current_revision
    client.force_login(admin_user)
    for name, obj in [("document", document), ("revision", revision), ("source", revision.source)]:
        assert client.get(reverse(f"admin:library_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:library_{name}_change", args=[obj.pk])).status_code == 200


def test_the_revision_page_shows_the_removal_audit(client, admin_user):
    revision = imported(admin_user).current_revision
    client.force_login(admin_user)
    body = client.get(reverse("admin:library_revision_change", args=[revision.pk])).content
    assert b"pinyin-artifact" in body
    assert b"control-characters" in body


def test_the_source_page_escapes_file_names_and_previews(client, admin_user):
    source = imported(admin_user).current_revision.source
    client.force_login(admin_user)
    body = client.get(reverse("admin:library_source_change", args=[source.pk])).content
    assert b"<b>bold</b>" not in body
    assert b"&lt;b&gt;bold&lt;/b&gt;" in body
    assert source.get_absolute_url().encode() in body


def test_imported_material_cannot_be_added_or_edited_by_hand(client, admin_user):
    revision = imported(admin_user).current_revision
    client.force_login(admin_user)
    for model in ("revision", "source"):
        assert client.get(reverse(f"admin:library_{model}_add")).status_code == 403
    response = client.post(
        reverse("admin:library_revision_change", args=[revision.pk]), {"text": "changed"}
    )
    assert response.status_code == 403
    assert Revision.objects.get(pk=revision.pk).text == revision.text
    assert Source.objects.count() == 1


def test_readers_cannot_open_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:library_document_changelist"))
    assert response.status_code == 302
