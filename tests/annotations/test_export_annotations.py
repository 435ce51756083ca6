"""manage.py export_annotations: the export links' files, from the command line."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Sharing

from .factories import make_group, make_highlight, share
from .interop import items_of, make_annotated_document


def test_it_writes_a_readers_highlights_with_links_on_the_given_site(tmp_path, alice):
    make_annotated_document(alice)
    path = tmp_path / "alice.jsonld"
    err = io.StringIO()
    call_command(
        "export_annotations",
        user="alice",
        base_url="https://pizhu.example.org",
        output=path,
        stderr=err,
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["id"] == "https://pizhu.example.org/highlights/export/jsonld/"
    assert len(items_of(data)) == 4
    assert items_of(data)[0]["id"].startswith("https://pizhu.example.org/api/annotations/")
    assert "(Pizhu highlights alice.jsonld)" in err.getvalue()


def test_document_and_group_exports_match_the_links(tmp_path, alice, bob):
    document = make_annotated_document(alice)
    group = make_group(alice, bob)
    share(make_highlight(alice, document, quote="奥特曼回应称"), Sharing.GROUP, group)
    path = tmp_path / "group.zip"
    call_command(
        "export_annotations",
        user="bob",
        group=group.pk,
        format="markdown",
        base_url="https://p.example",
        output=path,
    )
    [name] = zipfile.ZipFile(path).namelist()
    assert "> 奥特曼回应称" in zipfile.ZipFile(path).read(name).decode()
    path = tmp_path / "document.csv"
    call_command(
        "export_annotations",
        user="bob",
        document=document.pk,
        format="csv",
        base_url="https://p.example",
        output=path,
    )
    assert path.read_text(encoding="utf-8").count("\n") == 2  # header and the shared one


def test_someone_elses_group_or_an_unknown_reader_is_an_error(alice, bob):
    group = make_group(alice)
    with pytest.raises(CommandError, match="bob is in no group"):
        call_command("export_annotations", user="bob", group=group.pk, base_url="https://p")
    with pytest.raises(CommandError, match="No user 'zed'"):
        call_command("export_annotations", user="zed", base_url="https://p")
    with pytest.raises(CommandError, match="No document 999999"):
        call_command("export_annotations", user="bob", document=999999, base_url="https://p")
