"""Related documents: ranked by rare shared entities, themes and wording, with reasons."""

import pytest

from library.models import RelatedDocument
from tests.library.indexed import load_entities, make_indexed


@pytest.fixture
def entities(db):
    load_entities()


def related_to(document) -> list[tuple[int, str]]:
    return [(r.other_id, r.reason) for r in RelatedDocument.objects.of(document)]


def test_a_rare_shared_entity_outranks_a_common_one(entities):
    for i in range(4):
        make_indexed(f"背景{i}\nOpenAI 发布了新产品,第{i}次。")
    rare = make_indexed("黄仁勋谈芯片\n黄仁勋说 OpenAI 需要更多芯片。")
    common = make_indexed("OpenAI 又一篇\nOpenAI 发布了新的说明。")
    new = make_indexed("新文章\n黄仁勋与 OpenAI 的合作。")
    ranked = [pk for pk, _ in related_to(new)]
    assert ranked[0] == rare.pk
    assert ranked.index(rare.pk) < ranked.index(common.pk)


def test_the_reason_names_shared_entities_and_themes(entities):
    first = make_indexed("董事会风波\n奥特曼与伊利亚在董事会上争论治理与监管,董事会改组。")
    second = make_indexed("再谈治理\n伊利亚·苏茨克维和萨姆·奥特曼谈董事会监管治理。")
    [(other, reason)] = related_to(second)
    assert other == first.pk
    assert reason.startswith("shares ")
    assert "Sam Altman" in reason and "Ilya Sutskever" in reason
    assert "both about governance" in reason


def test_relations_are_kept_both_ways(entities):
    first = make_indexed("一\n马斯克谈 xAI。")
    second = make_indexed("二\n马斯克又谈 xAI。")
    assert [pk for pk, _ in related_to(first)] == [second.pk]
    assert [pk for pk, _ in related_to(second)] == [first.pk]


def test_documents_sharing_nothing_are_not_related(entities):
    make_indexed("天气\n今天下雨,明天晴。")
    other = make_indexed("做饭\n西红柿炒鸡蛋的做法。")
    assert related_to(other) == []


def test_similar_wording_alone_relates_two_documents(entities):
    text = "开源模型的许可证争议持续发酵,开源社区认为许可证条款过于严格,开源模型许可证需要修改。"
    first = make_indexed(f"甲\n{text}")
    second = make_indexed(f"乙\n{text}这是第二篇。")
    [(other, reason)] = related_to(second)
    assert other == first.pk
    assert "similar wording" in reason
