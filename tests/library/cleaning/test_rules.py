"""Each junk rule on lines it must catch, and on article lines it must leave alone."""

import pytest

from library.cleaning.rules import RULES, classify, editor_name, is_prose

JUNK = [
    ("99国产精品欲av蜜臀,可以直接免费观看的AV网站,gogogo高清免费完整版", "spam"),
    ("澳门威尼斯人娱乐城 百家乐 时时彩 注册送彩金", "spam"),
    ("主站蜘蛛池模板: 共和县| 西吉县| 土默特右旗| 金塔县| 文化| 五大连池市", "county-list"),
    ("網易首頁 > 網易號 > 正文 申請入駐", "navigation"),
    ("首页 > 科技 > 人工智能", "navigation"),
    ("分享至", "share"),
    ("0", "share"),
    ("微信 微博 QQ空间", "share"),
    ("赞 128", "share"),
    ("1.2万 阅读", "share"),
    ("相關推薦", "related-list"),
    ("熱點推薦", "related-list"),
    ("往期回顧 全部", "related-list"),
    ("头条要闻", "related-list"),
    ("延伸阅读：马斯克再告OpenAI", "related-list"),
    ("Read more: The race to build AI chips", "related-list"),
    ("Most popular", "related-list"),
    ("353文章數 2270關注度", "author-card"),
    ("遠川科技評論 incentive-icons", "author-card"),
    ("特別聲明:以上內容(如有圖片或視頻亦包括在內)為自媒體平臺“網易號”用戶上傳并發布", "disclaimer"),
    ("Notice: The content above (including the pictures and videos if any) is", "disclaimer"),
    ("本文来自微信公众号“量子位”，作者：梦晨", "disclaimer"),
    ("版权归原作者所有，如有侵权请联系删除", "disclaimer"),
    ("风险提示及免责条款", "risk-notice"),
    ("市场有风险，投资需谨慎。本文不构成个人投资建议。", "risk-notice"),
    ("發表留言", "comment-prompt"),
    ("已有23人参与评论", "comment-prompt"),
    ("Leave a comment", "comment-prompt"),
    ("打开APP阅读全文", "app-prompt"),
    ("扫码关注公众号", "app-prompt"),
    ("Sign up for our newsletter to get the latest in your inbox", "app-prompt"),
    ("Copyright © 2024 Example Media. All rights reserved.", "copyright"),
    ("京ICP证030173号 京公网安备11000002000001号", "copyright"),
    ("（首圖來源：輝達）", "image-credit"),
    ("Photo: Reuters", "image-credit"),
    ("想請我們喝杯咖啡？您的贊助是我們的動力", "support-prompt"),
]

ARTICLE = [
    "6個月前,OpenAI爆發了一場舉世矚目的內部斗爭:",
    "CEO奧特曼(Sam Altman)突然被開除,106個小時后,又在員工的簇擁下復職。",
    "但問題是，誰來監管？",
    "Topic 3:Scaling將繼續,關鍵在計算+資料+演算法",
    "1️⃣ OpenAI 選擇“大力出奇跡”的發展路徑,為了最快搶佔先機",
    "参考资料",
    "[1] “I lost trust”: Why the OpenAI team in charge of safeguarding humanity imploded,Vox",
    "伊利亞(左三)與奧特曼(左四)",
    "他们有6000台H100正在训练模型",
    "据此前报道，澳门一家赌场的数据中心也开始部署大模型。",
    "这家公司在去年发布了声明，称将继续投入安全研究。",
    "网友评论说，这个结果并不意外，因为算力的差距太大了。",
    "2024",
    "Share prices of Nvidia rose 3% after the announcement.",
    "The company declined to comment on the report, citing an ongoing review.",
]


@pytest.mark.parametrize(("line", "rule"), JUNK)
def test_it_names_the_rule_that_makes_a_line_junk(line, rule):
    assert classify(line) == rule


@pytest.mark.parametrize("line", ARTICLE)
def test_article_lines_are_left_alone(line):
    # “2024” alone is a counter (share rule) only when it is the whole line; a year in
    # an article is always inside a sentence, so the bare line is the one exception.
    expected = "share" if line.isdigit() else None
    assert classify(line) == expected


def test_menus_count_as_navigation_only_when_they_are_links():
    menu = "首页 科技 财经 汽车 房产"
    assert classify(menu, link_share=1.0) == "navigation"
    assert classify(menu, link_share=0.0) is None


def test_every_rule_has_a_description():
    assert all(description for description in RULES.values())


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("責任編輯:李墨天", "李墨天"),
        ("（編輯：林克倫）1130715", "林克倫"),
        ("责任编辑／林庭瑶", "林庭瑶"),
    ],
)
def test_editor_lines_give_the_editor(line, name):
    assert editor_name(line) == name


def test_editor_name_ignores_sentences_about_editing():
    assert editor_name("编辑部认为，这篇文章需要更多的事实核查。") is None


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        ("席卷周末OpenAI的“政变”风波，令全球AI行业目瞪口呆。", True),
        ("2024-11-17 14:32 聯合報／ 編譯陳韻涵／即時報導", False),
        ("The board said on Friday that it had lost confidence in him.", True),
        ("Most popular", False),
    ],
)
def test_prose_needs_length_and_sentence_punctuation(line, prose):
    assert is_prose(line) is prose
