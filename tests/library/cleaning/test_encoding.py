"""Pure tests of byte-to-text decoding: no database, no Django."""

import dataclasses
import random
import subprocess
import sys
from pathlib import Path

import pytest

from library.cleaning.encoding import LOW_CONFIDENCE, Decoded, declared_charset, decode

SIMPLIFIED = (
    "人工智能安全研究正在加速。奥特曼表示，通用人工智能可能比许多人预想的更早到来，"
    "但他也承认，对齐问题仍然没有得到解决。研究人员警告说，如果监管跟不上技术发展的速度，"
    "社会将面临严重的风险。"
)
TRADITIONAL = (
    "人工智慧安全研究正在加速。奧特曼表示，通用人工智慧可能比許多人預想的更早到來，"
    "但他也承認，對齊問題仍然沒有得到解決。研究人員警告說，如果監管跟不上技術發展的速度，"
    "社會將面臨嚴重的風險。香港人把升降機叫做𨋢。"
)
ENGLISH_1252 = "“Smart quotes” and café — a naïve résumé, that’s the plan for 2025."


def page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html>\r\n<html><head>{head}<title>AI Daily</title></head>\r\n"
        f"<body><p>{body}</p></body></html>\r\n"
    )


def meta(charset: str) -> str:
    return f'<meta charset="{charset}">'


def strictly(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


# BOMs


def test_it_strips_a_utf8_bom():
    result = decode(SIMPLIFIED.encode("utf-8-sig"))
    assert (result.text, result.encoding, result.method) == (SIMPLIFIED, "utf-8-sig", "bom")
    assert not result.low_confidence


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_it_decodes_utf16_by_its_bom_in_either_byte_order(codec):
    data = "\ufeff".encode(codec) + page(TRADITIONAL).encode(codec)
    result = decode(data)
    assert (result.text, result.encoding, result.method) == (page(TRADITIONAL), "utf-16", "bom")
    assert not result.low_confidence


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_it_decodes_utf16_without_a_bom_by_its_nul_bytes(codec):
    data = page(TRADITIONAL).encode(codec)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    result = decode(data)
    assert (result.text, result.encoding, result.method) == (page(TRADITIONAL), codec, "utf-16")
    assert not result.low_confidence


def test_nul_bytes_in_utf8_are_not_taken_for_utf16():
    data = page(f"{SIMPLIFIED}\x00{SIMPLIFIED}").encode("utf-8")
    result = decode(data)
    assert result.encoding == "utf-8"
    assert result.text == page(f"{SIMPLIFIED}\x00{SIMPLIFIED}")


def test_a_bom_beats_a_contradicting_declaration():
    result = decode(page(SIMPLIFIED, meta("gbk")).encode("utf-8-sig"))
    assert result.text == page(SIMPLIFIED, meta("gbk"))
    assert result.method == "bom"


# Declarations


def test_it_trusts_a_correct_gbk_declaration():
    html = page(SIMPLIFIED, meta("gbk"))
    result = decode(html.encode("gbk"))
    assert (result.text, result.encoding, result.method) == (html, "gb18030", "declared")
    assert not result.low_confidence


def test_it_trusts_a_correct_http_equiv_big5_declaration_and_reads_hkscs():
    html = page(TRADITIONAL, '<meta http-equiv="Content-Type" content="text/html; charset=big5">')
    result = decode(html.encode("big5hkscs"))
    assert (result.text, result.encoding, result.method) == (html, "big5hkscs", "declared")
    assert "𨋢" in result.text
    assert not result.low_confidence


def test_a_gb2312_declaration_is_widened_to_gb18030_for_characters_outside_gb2312():
    html = page("朱镕基在讲话中提到了人工智能。", meta("gb2312"))  # 镕 is not in GB2312
    assert strictly(html.encode("gb18030"), "gb2312") is None
    result = decode(html.encode("gb18030"))
    assert (result.text, result.encoding) == (html, "gb18030")


def test_it_prefers_utf8_over_a_wrong_gbk_declaration():
    html = page(SIMPLIFIED, meta("gbk"))
    result = decode(html.encode("utf-8"))
    assert (result.text, result.encoding, result.method) == (html, "utf-8", "utf-8")
    assert not result.low_confidence


def test_it_prefers_utf8_even_when_gb18030_decodes_the_wrong_declaration_strictly():
    tags = "".join(f"<li>{tag}</li>" for tag in ["人工智能安全", "通用人工智能", "对齐问题"])
    html = page(tags, meta("gbk"))
    mojibake = strictly(html.encode("utf-8"), "gb18030")
    assert mojibake is not None and mojibake != html  # the trap this test is about
    result = decode(html.encode("utf-8"))
    assert (result.text, result.encoding) == (html, "utf-8")


def test_utf8_accents_beat_a_wrong_gbk_declaration_that_reads_them_as_common_han():
    html = page("Le café est très bon.", meta("gbk"))
    assert "caf茅" in strictly(html.encode("utf-8"), "gb18030")
    result = decode(html.encode("utf-8"))
    assert (result.text, result.encoding) == (html, "utf-8")


def test_it_reads_big5_bytes_declared_as_gb2312_as_big5():
    html = page(TRADITIONAL, meta("gb2312"))
    mojibake = strictly(html.encode("big5hkscs"), "gb18030")
    assert mojibake is not None and mojibake != html  # gb18030 accepts any Big5 bytes
    result = decode(html.encode("big5hkscs"))
    assert (result.text, result.encoding, result.method) == (html, "big5hkscs", "han-score")
    assert not result.low_confidence


def test_it_reads_gbk_bytes_declared_as_big5_as_gbk():
    html = page("大模型的训练成本仍在快速上升。开源社区对此反应不一。", meta("big5"))
    assert strictly(html.encode("gbk"), "big5hkscs") is not None  # plausible-looking mojibake
    result = decode(html.encode("gbk"))
    assert (result.text, result.encoding) == (html, "gb18030")
    assert not result.low_confidence


def test_a_caller_declared_charset_is_used_without_a_meta_tag():
    result = decode(SIMPLIFIED.encode("gbk"), declared="GBK")
    assert (result.text, result.encoding, result.method) == (SIMPLIFIED, "gb18030", "declared")


def test_an_unknown_declared_label_falls_back_to_the_meta_tag():
    html = page(TRADITIONAL, meta("big5"))
    result = decode(html.encode("big5hkscs"), declared="x-klingon")
    assert (result.text, result.encoding, result.method) == (html, "big5hkscs", "declared")


def test_an_unknown_meta_label_is_ignored():
    html = page(SIMPLIFIED, meta("x-klingon"))
    result = decode(html.encode("gbk"))
    assert (result.text, result.encoding, result.method) == (html, "gb18030", "han-score")


@pytest.mark.parametrize(
    ("text", "codec"),
    [(SIMPLIFIED, "utf-8"), (SIMPLIFIED, "gbk"), (TRADITIONAL, "big5hkscs")],
    ids=["utf-8", "gbk", "big5"],
)
def test_a_latin1_declaration_does_not_win_over_chinese_bytes(text, codec):
    html = page(text, meta("iso-8859-1"))
    result = decode(html.encode(codec))
    assert result.text == html
    assert not result.low_confidence


def test_a_latin1_declaration_yields_to_utf8_accents():
    html = page("Le café est très bon.", meta("iso-8859-1"))
    assert decode(html.encode("utf-8")).text == html


# Undeclared Chinese


@pytest.mark.parametrize("text", [SIMPLIFIED, TRADITIONAL], ids=["simplified", "traditional"])
def test_it_decodes_undeclared_utf8(text):
    result = decode(page(text).encode("utf-8"))
    assert (result.text, result.encoding, result.method) == (page(text), "utf-8", "utf-8")
    assert not result.low_confidence


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (SIMPLIFIED, "gbk", "gb18030"),
        (TRADITIONAL, "gb18030", "gb18030"),
        (TRADITIONAL, "big5hkscs", "big5hkscs"),
    ],
    ids=["simplified-gbk", "traditional-gb18030", "traditional-big5"],
)
def test_it_tells_undeclared_gbk_from_big5_by_common_han(text, codec, expected):
    result = decode(page(text).encode(codec))
    assert (result.text, result.encoding, result.method) == (page(text), expected, "han-score")
    assert not result.low_confidence


@pytest.mark.parametrize(("codec", "expected"), [("utf-8", "utf-8"), ("gbk", "gb18030")])
def test_a_file_cut_off_mid_character_keeps_its_encoding(codec, expected):
    data = page(SIMPLIFIED).encode(codec) + SIMPLIFIED[:3].encode(codec)[:-1]
    result = decode(data)
    assert result.encoding == expected
    assert result.text == page(SIMPLIFIED) + SIMPLIFIED[:2] + "\ufffd"
    assert not result.low_confidence


def test_a_corrupt_byte_is_flagged_but_the_rest_still_reads_as_gbk():
    good = SIMPLIFIED.encode("gbk")
    result = decode(good[:40] + b"\xff" + good[40:])
    assert result.method == "fallback"
    assert result.low_confidence
    assert result.encoding == "gb18030"
    assert SIMPLIFIED[25:] in result.text


# Western and odd input


def test_it_decodes_ascii_english_as_utf8():
    text = "OpenAI said on Tuesday that it would release a new model.\r\n"
    result = decode(text.encode("ascii"))
    assert (result.text, result.encoding) == (text, "utf-8")
    assert result.confidence == 1.0


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH_1252,
        "Señor Muñoz visitó la península.",  # charset-normalizer alone says cp857
        "Meet me at the café",  # ends like a UTF-8 file cut off mid-character
        "Die Bäume blühen überall in Köln.",  # gb18030 reads this strictly, as rare Han
    ],
    ids=["english", "spanish", "cut-off-lookalike", "german"],
)
def test_it_detects_undeclared_windows_1252(text):
    result = decode(text.encode("cp1252"))
    assert (result.text, result.encoding, result.method) == (text, "cp1252", "detector")
    assert not result.low_confidence


def test_a_latin1_declaration_is_read_as_windows_1252():
    html = page(ENGLISH_1252, meta("ISO-8859-1"))
    result = decode(html.encode("cp1252"))
    assert (result.text, result.encoding, result.method) == (html, "cp1252", "declared")


def test_empty_bytes_give_empty_text():
    assert decode(b"") == Decoded("", "utf-8", 1.0, "utf-8")


def test_control_characters_flag_even_a_valid_utf8_decode():
    result = decode(bytes(range(32)) * 20)
    assert result.encoding == "utf-8"
    assert result.low_confidence


def test_random_binary_does_not_raise_and_is_flagged():
    result = decode(random.Random(0).randbytes(4096))
    assert isinstance(result.text, str)
    assert result.low_confidence


def test_no_input_makes_it_raise():
    rng = random.Random(1)
    chunks = [SIMPLIFIED.encode(), TRADITIONAL.encode("big5hkscs"), b"<meta charset=utf-16>"]
    for _ in range(300):
        data = rng.choice(chunks)[: rng.randrange(40)] + rng.randbytes(rng.randrange(40))
        result = decode(data, declared=rng.choice([None, "gbk", "big5", "utf-16", "rot13", "\x00"]))
        assert 0.0 <= result.confidence <= 1.0


def test_line_endings_and_unnormalised_characters_are_left_alone():
    text = "Cafe\u0301\r\n人工智能\r旧行尾\n"
    assert decode(text.encode("utf-8")).text == text


def test_long_text_is_decoded_in_full_although_only_a_sample_is_scored():
    text = SIMPLIFIED * 2000
    assert decode(text.encode("gbk")).text == text


def test_low_confidence_is_below_the_threshold():
    assert Decoded("x", "utf-8", LOW_CONFIDENCE - 0.01, "detector").low_confidence
    assert not Decoded("x", "utf-8", LOW_CONFIDENCE, "detector").low_confidence


def test_decoded_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        decode(b"x").text = "y"  # type: ignore[misc]


# declared_charset


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta charset="utf-8">', "utf-8"),
        ("<META CHARSET=GB2312>", "gb18030"),
        ("<meta charset='gbk' />", "gb18030"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=big5">', "big5hkscs"),
        ('<meta content="text/html;charset=Big5-HKSCS" http-equiv="content-type">', "big5hkscs"),
        ('<meta charset="windows-1252">', "cp1252"),
        ('<meta charset="utf-16">', "utf-8"),
        ('<meta charset="x-klingon">', None),
        ('<meta charset="utf-7">', None),
        ("<title>no declaration</title>", None),
    ],
)
def test_declared_charset_reads_meta_tags(head, expected):
    assert declared_charset(page("正文", head).encode("utf-8")) == expected


def test_declared_charset_reads_an_xml_declaration():
    data = b'<?xml version="1.0" encoding="GBK"?>\n<rss><title>AI</title></rss>'
    assert declared_charset(data) == "gb18030"


def test_declared_charset_only_looks_at_the_start_of_the_file():
    data = b"<html><head>" + b" " * 5000 + b'<meta charset="gbk"></head></html>'
    assert declared_charset(data) is None


def test_the_module_imports_nothing_from_django():
    path = Path(__file__).parents[3] / "library" / "cleaning" / "encoding.py"
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('encoding', {str(path)!r})\n"
        "module = sys.modules['encoding'] = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
