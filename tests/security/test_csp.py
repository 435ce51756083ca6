"""Content-Security-Policy on every kind of page: nonces, no inline code, the admin too."""

import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.annotations.factories import make_highlight
from tests.factories import make_document

REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "img-src": "'self'",
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    policy = directives(header)
    for name, value in REQUIRED.items():
        assert policy[name] == [value], (name, header)
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert policy["script-src"][0] == "'self'"
    assert all(v == "'self'" or v.startswith("'nonce-") for v in policy["script-src"])
    return policy


def nonces(policy: dict[str, list[str]], directive: str) -> set[str]:
    return {v[len("'nonce-") : -1] for v in policy.get(directive, []) if v.startswith("'nonce-")}


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes (values unescaped)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def inline_elements(html: str, tag: str) -> list[dict]:
    """The attributes of inline <script>/<style> elements (no src)."""
    return [attrs for name, attrs in Elements(html).tags if name == tag and "src" not in attrs]


def assert_inline_code_carries_the_nonce(response, policy) -> None:
    html = response.content.decode()
    for tag in ("script", "style"):
        for attrs in inline_elements(html, tag):
            if attrs.get("type") == "application/json":
                continue  # a data block, never executed
            assert attrs.get("nonce"), f"inline <{tag}> without a nonce: {attrs}"
            assert attrs["nonce"] in nonces(policy, f"{tag}-src"), attrs
    for name, attrs in Elements(html).tags:
        handlers = [attribute for attribute in attrs if attribute.startswith("on")]
        assert not handlers, f"<{name}> has inline event handlers {handlers}"
        assert "style" not in attrs, f"<{name}> has an inline style attribute"


def test_the_reading_page_sends_a_strict_policy(client, alice):
    document = make_document()
    make_highlight(alice, document, quote="第一段", note="**笔记**", tags=["safety"])
    client.force_login(alice)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    policy = assert_strict_policy(response)
    assert_inline_code_carries_the_nonce(response, policy)


def test_the_reading_page_data_is_a_json_block_the_policy_need_not_allow(client, alice):
    document = make_document()
    client.force_login(alice)
    html = client.get(document.get_absolute_url()).content.decode()
    scripts = inline_elements(html, "script")
    assert scripts, "the page data should reach the scripts as a JSON block"
    assert all(script.get("type") == "application/json" for script in scripts)


@pytest.mark.parametrize("path", ["/", "/highlights/", "/themes/", "/search/?q=AI"])
def test_list_pages_send_a_strict_policy(client, alice, path):
    make_document()
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code == 200
    assert_inline_code_carries_the_nonce(response, assert_strict_policy(response))


def test_a_404_sends_the_policy(client, alice):
    client.force_login(alice)
    response = client.get("/documents/999999/")
    assert response.status_code == 404
    assert_strict_policy(response)


def test_the_login_page_sends_the_policy(client):
    response = client.get("/accounts/login/")
    assert_inline_code_carries_the_nonce(response, assert_strict_policy(response))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/library/document/",
        "/admin/library/importbatch/add/",
        "/admin/auth/user/add/",
        "/admin/taggit/tag/",
    ],
)
def test_admin_pages_send_the_policy_and_nonce_their_inline_styles(client, admin_user, path):
    make_document()
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200, path
    assert_inline_code_carries_the_nonce(response, assert_strict_policy(response))


def test_admin_pages_with_inline_styles_name_their_nonce_in_the_policy(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/library/importbatch/add/")
    policy = assert_strict_policy(response)
    (nonce,) = nonces(policy, "style-src")
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_each_response_gets_a_fresh_nonce(client, admin_user):
    client.force_login(admin_user)
    first = directives(client.get("/admin/library/importbatch/add/")["Content-Security-Policy"])
    second = directives(client.get("/admin/library/importbatch/add/")["Content-Security-Policy"])
    assert nonces(first, "style-src") != nonces(second, "style-src")


def test_the_admin_source_preview_has_no_inline_style(client, admin_user):
    document = make_document("标题\n第一段。")
    client.force_login(admin_user)
    response = client.get(f"/admin/library/source/{document.current_revision.source_id}/change/")
    assert response.status_code == 200
    assert_inline_code_carries_the_nonce(response, assert_strict_policy(response))


def policy_headers(**env: str) -> str:
    probe = (
        "from django.conf import settings; "
        "print(bool(getattr(settings, 'CONTENT_SECURITY_POLICY', None)), "
        "bool(getattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None)))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", probe],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_environment_switches_the_policy_to_report_only():
    assert policy_headers() == "True False"
    assert policy_headers(PIZHU_CSP_REPORT_ONLY="1") == "False True"


def test_report_only_mode_sends_the_report_only_header(client, alice, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    client.force_login(alice)
    response = client.get("/")
    assert "Content-Security-Policy" not in response.headers
    assert "object-src 'none'" in response.headers["Content-Security-Policy-Report-Only"]


def test_every_reader_and_admin_page_with_content_keeps_to_the_policy(client, alice, admin_user):
    """The pages of the XSS table (with highlights, replies, tags and a group) carry no
    inline code the policy would block."""
    from .xss import plant

    planted = plant(alice, admin_user)
    for user, pages in ((alice, planted.reader_pages()), (admin_user, planted.admin_pages())):
        client.force_login(user)
        for where, path in pages.items():
            response = client.get(path)
            assert response.status_code == 200, where
            assert_inline_code_carries_the_nonce(response, assert_strict_policy(response))
