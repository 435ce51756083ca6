"""Related documents: ranked by rare shared entities, themes and wording, with reasons."""

import random

import pytest
from django.db.models import Count

from library import related
from library.bench_search import paragraph_pool
from library.indexing import rebuild
from library.models import (
    Document,
    DocumentEntity,
    Entity,
    RelatedDocument,
    Term,
)
from tests.factories import make_document
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


def exact_best(pk: int, library: dict, frequencies: dict[int, int], top: int) -> list[int]:
    """Every other document of the library compared with `pk`: the all-pairs answer."""
    features, weights = library[pk]
    entity_idf, theme_idf = related.idfs(features, frequencies)
    scored = []
    for other, (their_features, their_weights) in library.items():
        if other == pk:
            continue
        candidate = related.Candidate(
            set(features.entities) & set(their_features.entities),
            features.themes & their_features.themes,
            sum(w * their_weights.get(key, 0.0) for key, w in weights.items()),
        )
        candidate.score = related.score(candidate, entity_idf, theme_idf)
        if related.worth_showing(candidate):
            scored.append((-candidate.score, other))
    return [other for _, other in sorted(scored)[:top]]


SURNAMES = ["诸葛", "欧阳", "司马", "上官", "东方", "慕容"]
GIVEN = ["青云", "紫霞", "星河", "远帆", "海潮"]


def clustered_library(size: int) -> None:
    """Documents about 30 stories, as a library of news is: each story has its own two
    people (a rarer entity each, the second shared with the next story) and paragraphs
    its articles share, among paragraphs about OpenAI, Altman, Microsoft… (common
    entities) drawn from the benchmark's pool in both scripts."""
    people = [f"{surname}{given}" for surname in SURNAMES for given in GIVEN]
    Entity.objects.load([{"name": name, "aliases": [name]} for name in people])
    pool = paragraph_pool()
    general = pool["simplified"] + pool["traditional"]
    rng = random.Random(5)
    stories = [rng.sample(general, 4) for _ in people]
    for i in range(size):
        story = i % len(people)
        first, second = people[story], people[(story + 1) % len(people)]
        paragraphs = [
            *rng.sample(stories[story], 2),
            *rng.sample(general, 4),
            f"{first}说,{second}也在场。" * rng.randint(1, 3),
        ]
        rng.shuffle(paragraphs)
        make_document("\n".join([f"第{i}篇 {first}", *paragraphs]))


def test_capped_candidates_rank_the_same_top_five_as_comparing_every_pair(entities):
    # Several times more documents than one document reads of any posting list
    # (PER_ENTITY, PER_TERM): the common entities' and terms' lists are cut short.
    size = 300
    assert size > 4 * max(related.PER_ENTITY, related.PER_TERM)
    clustered_library(size)
    rebuild(relate=False)
    frequencies = dict(Term.objects.values_list("key", "documents"))
    most = DocumentEntity.objects.values("entity").annotate(n=Count("pk")).order_by("-n")[0]
    assert most["n"] > 2 * related.PER_ENTITY  # OpenAI's list is read only in part
    library = related.stored_features(list(Document.objects.values_list("pk", flat=True)))
    for pk, (features, weights) in library.items():
        capped = [other for other, _ in related.best(pk, features, weights, frequencies)]
        assert capped[:5] == exact_best(pk, library, frequencies, 5), pk
