from django.urls import reverse

from tests.factories import make_source

RAW = b"<script>alert(1)</script>\x00\xff raw bytes"


def url(source) -> str:
    return reverse("library:source-raw", args=[source.pk])


def test_staff_download_the_exact_bytes_as_a_sandboxed_attachment(client, admin_user):
    source = make_source(RAW, filename='evil"name.html')
    client.force_login(admin_user)
    response = client.get(url(source))
    assert response.status_code == 200
    assert response.content == RAW
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "evil" not in response["Content-Disposition"]


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(url(make_source(RAW)))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_readers_who_are_not_staff_get_no_bytes(client, alice):
    client.force_login(alice)
    response = client.get(url(make_source(RAW)))
    assert response.status_code == 302
    assert RAW not in response.content


def test_a_missing_source_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("library:source-raw", args=[999999])).status_code == 404


def test_post_is_405(client, admin_user):
    client.force_login(admin_user)
    assert client.post(url(make_source(RAW))).status_code == 405
