"""Near-duplicate sketches (pure): one article in both scripts matches, others do not."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from library.chinese import converter
from library.similarity import (
    MIN_CHARACTERS,
    THRESHOLD,
    band_keys,
    folded,
    reference_sketch,
    similarity,
    sketch,
)

SEEDS = settings.BASE_DIR / "seeds"

ARTICLE = (
    "OpenAI 首席执行官奥特曼周三表示，公司将在今年晚些时候发布新一代模型，"
    "并承诺在发布之前与美国和英国的人工智能安全研究所合作开展测试。"
    "他说，监管机构应当关注最强大的系统，而不是给开源社区和初创公司增加负担。"
    "欧盟的人工智能法案已于八月生效，对通用模型提出了透明度要求。"
)
OTHER = (
    "台积电董事长魏哲家在法说会上指出，先进封装产能今年仍将供不应求，"
    "公司计划把 CoWoS 月产能提高一倍以上，以满足人工智能加速器客户的需求。"
    "分析师认为，英伟达的新一代芯片将占据大部分新增产能，竞争对手只能等待。"
)


def test_folding_ignores_script_width_case_and_punctuation():
    assert folded("奧特曼說：ＯｐｅｎＡＩ，安全！") == folded("奥特曼说 openai 安全")


def test_the_same_article_in_traditional_script_is_a_near_duplicate():
    traditional = converter("s2t").convert(ARTICLE)
    assert traditional != ARTICLE
    assert similarity(sketch(ARTICLE), sketch(traditional)) > 0.9


def test_different_chrome_around_the_same_article_still_matches():
    dressed = f"科技频道 | 首页 > 人工智能\n{ARTICLE}\n责任编辑：王小明 本文来源：新浪科技"
    assert similarity(sketch(ARTICLE), sketch(dressed)) >= THRESHOLD


def test_different_articles_are_not_near_duplicates():
    assert similarity(sketch(ARTICLE), sketch(OTHER)) < 0.2
    assert not set(band_keys(sketch(ARTICLE))) & set(band_keys(sketch(OTHER)))


def test_short_texts_have_no_sketch():
    assert sketch("人工智能安全") is None


def test_sketches_are_stable_across_processes():
    probe = (
        f"from library.similarity import sketch, band_keys\nprint(band_keys(sketch({ARTICLE!r})))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.strip() == str(band_keys(sketch(ARTICLE)))


def test_the_pure_import_modules_import_nothing_from_django():
    probe = (
        "import sys, library.similarity, library.archives\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.strip() == "[]"


def test_the_vectorised_sketch_matches_the_one_shingle_at_a_time_specification():
    samples = Path(__file__).parent / "samples"
    texts = [path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [path.read_text("utf-8") for path in sorted(samples.glob("*.gold.txt"))]
    texts += [
        ARTICLE,
        OTHER,
        "a" * MIN_CHARACTERS,  # one shingle value in every slot: the rest borrowed
        "𠀀𨋢😀" * 20 + "奧特曼 Altman",  # astral code points are one character each
        "OpenAI" * 7,
    ]
    assert len(texts) > 40
    for text in texts:
        assert sketch(text) == reference_sketch(text), text[:40]
    assert sketch("a" * (MIN_CHARACTERS - 1)) is None
