from bs4 import BeautifulSoup
from django.urls import reverse

from library.cleaning import Block
from library.views import PAGE_SIZE
from tests.factories import make_document, make_document_from_blocks

URL = reverse("library:document-list")


def titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".documents .doc-title")]


def test_it_lists_documents_with_links_to_their_pages(client, db):
    document = make_document("奥特曼回归\n正文。")
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["奥特曼回归"]
    assert document.get_absolute_url().encode() in response.content
    assert "5 characters" not in response.content.decode()
    assert f"{len(document.current_revision.text)} characters" in response.content.decode()


def test_an_empty_library_says_how_to_load_articles(client, db):
    assert b"load_seeds" in client.get(URL).content


def test_the_query_count_does_not_grow_with_the_number_of_documents(
    client, db, django_assert_num_queries
):
    make_document("一")
    with django_assert_num_queries(2):  # count + page
        client.get(URL)
    for i in range(30):
        make_document(f"文章{i}")
    with django_assert_num_queries(2):
        client.get(URL)


def test_it_paginates(client, db):
    for i in range(PAGE_SIZE + 3):
        make_document(f"文章{i}")
    assert len(titles(client.get(URL))) == PAGE_SIZE
    assert len(titles(client.get(URL, {"page": 2}))) == 3


def test_titles_are_escaped(client, db):
    make_document_from_blocks([Block("paragraph", "正文")], title="<img src=x onerror=alert(1)>")
    response = client.get(URL)
    assert b"<img src=x" not in response.content
    assert titles(response) == ["<img src=x onerror=alert(1)>"]


def test_post_is_405(client, db):
    assert client.post(URL).status_code == 405
