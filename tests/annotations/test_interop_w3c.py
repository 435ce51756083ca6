"""Every JSON-LD that Pizhu serves passes the W3C Web Annotation test suite's checks:
the same code as ../shared/w3c/validate.py --strict (its must-assertions and its prose
warnings), run on the downloads of every scope and on the API's responses."""

import importlib.util
from pathlib import Path

import pytest

from annotations.models import Sharing

from .factories import make_group, make_highlight, share
from .interop import ACCEPT_LD, make_annotated_document

VALIDATOR = Path(__file__).resolve().parents[3] / "shared" / "w3c" / "validate.py"


@pytest.fixture(scope="module")
def validate():
    """validate.py's `main`, loaded from the shared checkout."""
    if not (VALIDATOR.parent / "schemas" / "definitions").is_dir():
        pytest.skip(f"the W3C validator and schemas are not at {VALIDATOR.parent}")
    pytest.importorskip("jsonschema", reason="validate.py needs jsonschema (the test extra)")
    pytest.importorskip("referencing", reason="validate.py needs jsonschema >= 4.18")
    spec = importlib.util.spec_from_file_location("w3c_validate", VALIDATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.fixture
def check(validate, tmp_path, capsys):
    def check(response) -> str:
        assert response.status_code == 200, response.content[:300]
        path = tmp_path / "served.json"
        path.write_bytes(response.content)
        code = validate(["--strict", str(path)])
        report = capsys.readouterr().out
        assert code == 0, report
        assert "PASS annotation" in report or '"total": 0' in response.content.decode()
        return report

    return check


@pytest.fixture
def library(alice, bob):
    """alice's annotated document, a highlight bob shares with their group, and one
    shared with the whole library."""
    document = make_annotated_document(alice)
    group = make_group(bob, alice)
    share(make_highlight(bob, document, quote="多名研究员离职", note="组内"), Sharing.GROUP, group)
    share(make_highlight(bob, document, quote="奥特曼回应称", tags=["回应"]), Sharing.LIBRARY)
    return document, group


def test_every_download_validates(client, alice, library, check):
    document, group = library
    client.force_login(alice)
    for url in (
        f"/documents/{document.pk}/export/jsonld/",
        "/highlights/export/jsonld/",
        f"/groups/{group.pk}/export/jsonld/",
    ):
        report = check(client.get(url))
        assert "PASS collection" in report


def test_every_api_response_validates(client, alice, library, check):
    document, group = library
    client.force_login(alice)
    assert "PASS collection" in check(client.get("/api/annotations/", **ACCEPT_LD))
    for query in ("?page=1", f"?document={document.pk}&page=1", f"?group={group.pk}&page=1"):
        assert "PASS page" in check(client.get(f"/api/annotations/{query}", **ACCEPT_LD))
    assert "PASS collection" in check(client.get("/api/annotations/?user=me"))
    highlight = document.highlights.first()
    for accept in ("application/json", ACCEPT_LD["HTTP_ACCEPT"]):
        response = client.get(f"/api/annotations/{highlight.pk}/", HTTP_ACCEPT=accept)
        check(response)


def test_an_empty_collection_validates(client, alice, check):
    client.force_login(alice)
    assert "PASS collection" in check(client.get("/highlights/export/jsonld/"))
    assert "PASS collection" in check(client.get("/api/annotations/", **ACCEPT_LD))
