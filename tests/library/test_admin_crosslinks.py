"""Admins edit themes and entities (with aliases), then index the library again."""

from library.models import Entity, Mention, Theme
from tests.factories import make_document
from tests.library.indexed import load_entities


def test_admins_add_an_entity_with_aliases_and_index_the_library(client, admin_user):
    load_entities()
    document = make_document("标题\n李飞飞谈空间智能。")
    client.force_login(admin_user)
    response = client.post(
        "/admin/library/entity/add/",
        {
            "name": "Fei-Fei Li",
            "slug": "fei-fei-li",
            "kind": "person",
            "description": "",
            "exclude": "",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-text": "李飞飞",
        },
    )
    assert response.status_code == 302
    entity = Entity.objects.get(name="Fei-Fei Li")
    assert list(entity.aliases.values_list("text", flat=True)) == ["李飞飞"]
    response = client.post(
        "/admin/library/entity/",
        {"action": "index_library", "_selected_action": [entity.pk]},
    )
    assert response.status_code == 302
    assert Mention.objects.filter(document=document, entity=entity).count() == 1


def test_the_theme_and_entity_lists_show(client, admin_user):
    load_entities()
    client.force_login(admin_user)
    assert client.get("/admin/library/theme/").status_code == 200
    assert client.get("/admin/library/entity/").status_code == 200
    theme = Theme.objects.get(name="safety")
    assert client.get(f"/admin/library/theme/{theme.pk}/change/").status_code == 200
