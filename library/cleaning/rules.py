"""Named cleaning rules: what counts as junk in a scraped page, one rule per kind of junk.

Every removal in the audit names one of `RULES`, and an admin can switch a rule off for a
site. The patterns are written for whole classes of pages (portal footers, self-media
disclaimers, share bars…), never for one sample: each is a kind of text that is not
article wherever it appears. All matching runs on Simplified-folded text, so a rule
written in Simplified also catches the Traditional spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..chinese import converter

RULES: dict[str, str] = {
    "control-characters": "NUL, C1 controls and stray byte-order marks",
    "pinyin-artifact": "pinyin left behind by a broken Simplified→Traditional conversion",
    "markup-fragment": "HTML tags and attributes that leaked into the text",
    "caption-marker": "image-caption markers such as △ and ▲",
    "image-credit": "picture credits (图片来源：…, Photo: …)",
    "ad-marker": "advertisement labels and “story continues below” markers",
    "separator": "decorative separators and end marks (───, - END -)",
    "forum-meta": "bulletin-board headers, sign-offs and push comments (作者/看板/※ 發信站/推)",
    "stock-ticker": "stock quote lines (寒武纪 688256 +5.21%)",
    "support-prompt": "donation, membership and tip-jar prompts",
    "script-style": "scripts, styles, embedded frames and form controls",
    "hidden": "elements the page hides from readers",
    "page-chrome": "<nav>, <header>, <footer>, <aside> and <form> outside the article",
    "outside-article": "page text outside the article's container",
    "boilerplate-container": "containers marked as comments, related links, share bars, ads …",
    "link-dense": "blocks that are mostly links (menus, link lists)",
    "spam": "porn, gambling and SEO keyword stuffing",
    "county-list": "SEO county lists such as “主站蜘蛛池模板: 共和县| 西吉县| …”",
    "navigation": "breadcrumbs and navigation menus",
    "share": "share widgets, like/collect buttons and lone counters",
    "related-list": "“相关推荐 / 热点推荐 / 往期回顾 …” lists and their headlines",
    "author-card": "author cards: follower counts, article counts, follow buttons",
    "disclaimer": "platform disclaimers, copyright and reprint notices",
    "risk-notice": "finance risk notices (风险提示及免责条款 …)",
    "comment-prompt": "comment prompts and comment counters",
    "app-prompt": "“open in the app”, QR-code and subscribe prompts",
    "copyright": "copyright lines, ICP licence numbers and site footers",
    "dateline": "a source/date line above the article (kept as metadata)",
    "byline": "author and editor lines (kept as metadata)",
    "after-article": "everything after a platform's end-of-article notice",
    "channel-intro": "a video channel's greeting at the start of a transcript",
    "channel-outro": "a video channel's sign-off at the end of a transcript",
    "site-boilerplate": "lines repeated across many pages of the same site",
    "duplicate-title": "the title repeated right under itself",
}

# Rules that only drop spans inside a block rather than whole blocks.
SPAN_RULES = frozenset({"control-characters", "pinyin-artifact", "markup-fragment"})


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """The matching form of a line: NFKC, Simplified, casefolded (cached: sites repeat lines)."""
    return converter("t2s").convert(unicodedata.normalize("NFKC", text)).casefold()


def _any(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
SENTENCE_END = re.compile(r"[。！？!?…；;]|\.(?:\s|$)|[”」』\"]$")
# Sentence punctuation; not colons, which datelines and labels (“14:32”, “来源：”) use too.
PROSE_PUNCTUATION = re.compile(r"[，。、；！？]|[,;!?](?=\s|[\u4e00-\u9fff])|\.(?=\s)")

# Spam: keyword stuffing for porn and gambling sites. One word may occur in an article
# (an article about gambling regulation says 博彩); several distinct ones in a line of
# comma-separated phrases are spam.
SPAM_WORDS = re.compile(
    r"国产|精品|蜜臀|毛片|无码|有码|av(?![a-z])|黄色网站|成人(?:影|视|网|电影|免费)|免费观看|"
    r"高清免费|完整版|在线观看|一区二区|二区三区|日韩|欧美|亚洲|久久|啪啪|偷拍|自拍|"
    r"伦理|福利|午夜|激情|色情|性爱|乱伦|人妻|美女直播|"
    r"博彩|赌场|娱乐城|百家乐|时时彩|六合彩|彩票|棋牌|老虎机|真人视讯|体育投注|投注|"
    r"澳门|葡京|威尼斯人|太阳城|开户|注册送|彩金|"
    r"gogogo|啊灬"
)
COUNTY_LIST = re.compile(r"蜘蛛池|(?:[\u4e00-\u9fff]{1,6}(?:县|市|区|旗|州|镇)?\s*[|｜]\s*){5,}")
BREADCRUMB = re.compile(r"^(?:[^>›»\s]{1,12}\s*[>›»]\s*){2,}")
NAV_WORDS = re.compile(r"首页|正文|当前位置|您的位置|home")
SHARE = _any(
    r"^(?:分享(?:至|到)?|转发|收藏|点赞|赞|踩|举报|评论|打赏|喜欢|在看|复制链接)[\s:：]*(?:\d+[\s\d万kw+]*)?$",
    r"^分享(?:至|到)[：:\s]",
    r"^(?:(?:微信|微博|qq空间|qq|朋友圈|新浪微博|腾讯微博|豆瓣|facebook|twitter|x|line|"
    r"linkedin|whatsapp|telegram|reddit|email|e-mail|copy link|复制链接|分享|收藏|打印|"
    r"print|share|tweet|赞|评论)[\s|/·,，、]*){2,}$",
    r"^(?:share|share this|share this article|share on \w+|tweet|like|save)\s*[:：]?\s*\d*$",
    r"^\d{1,7}$",
    r"^[\d.]+[万kw]?\s*(?:赞|阅读|浏览|收藏|评论|转发|分享|人看过|人阅读|likes?|views?|shares?)$",
    r"^(?:赞|阅读|浏览|收藏|评论|转发|分享|阅读量|浏览量)\s*[:：]?\s*[\d.]+[万kw]?$",
)
RELATED_HEADING = _any(
    r"^(?:相关|热点|热门|精彩|为你|猜你|大家都在|编辑|延伸|推荐|更多|往期|今日|24小时)"
    r"(?:推荐|阅读|新闻|文章|资讯|喜欢|精选|热榜|排行|看|回顾|话题|专题)+(?:\s*全部)?\s*[:：]?$",
    r"^(?:头条|科技|财经|体育|娱乐|汽车|房产|数码|军事|健康|艺术|教育|旅游|时尚|国际|国内|社会)要闻$",
    r"^(?:猜你喜欢|你可能也会喜欢|你可能感兴趣|相关阅读|延伸阅读|推荐阅读|热门文章|往期回顾|"
    r"相关股票|相关个股|相关基金|相关标签|相关话题|文章目录|目录)"
    r"(?:\s*全部)?\s*[:：]?$",
    r"^(?:related(?: articles| stories| posts| news| coverage| content)?|read more|"
    r"table of contents|contents|"
    r"more (?:from|on|stories|news|in)\b.*|most (?:popular|read|viewed)|recommended"
    r"(?: for you| stories| reading)?|you (?:may|might) (?:also )?like|trending(?: now)?|"
    r"popular (?:now|stories)|latest (?:news|stories)|further reading)\s*[:：]?$",
)
RELATED_LINK = _any(
    r"^(?:延伸阅读|相关阅读|推荐阅读|相关新闻|相关文章|相关链接|阅读更多|更多阅读|往期推荐)\s*[:：|｜]\s*\S",
    r"^(?:read more|see also|related|also read|read also|more)\s*[:：|]\s*\S",
    r"^【(?:延伸阅读|相关阅读|推荐阅读)】",
)
AUTHOR_CARD = _any(
    r"\d+\s*(?:文章数|篇文章|关注度|粉丝|获赞|关注者|followers|following)",
    r"incentive-icons",
    r"^\+?\s*关注\s*$|^已关注$|^私信$|^关注\s*私信$|^follow$",
)
DISCLAIMER = _any(
    r"^(?:特别|版权)?声明\s*[:：]",
    r"转载请(?:附上|注明|保留)",
    r"^免责(?:声明|申明)",
    r"^notice\s*:\s*the content above",
    r"^(?:本文|文章)?(?:仅代表|只代表)作者(?:本人|个人)?观点",
    r"版权归(?:原)?作者所有",
    r"如(?:有|涉及)侵权.{0,12}(?:删除|联系)",
    r"(?:未经|没有)(?:授权|许可).{0,8}(?:禁止|不得|请勿)转载",
    r"^(?:转载|转发)请(?:注明|联系)",
    r"^本文(?:经.{0,6}授权)?(?:转载|转自|来自|来源于|摘自|首发于|原载于|原文)",
    r"平台仅提供信息存储(?:空间)?服务",
    r"^(?:原标题|来源|文章来源|本文来源)\s*[:：]",
)
RISK_NOTICE = _any(
    r"^风险提示",
    r"市场有风险[，,]?\s*投资需谨慎",
    r"据此投资[，,]?\s*责任自负",
    r"不构成(?:任何)?(?:个人)?投资建议",
    r"^投资有风险",
)
COMMENT_PROMPT = _any(
    r"^(?:发表|写下|添加|查看|登录后)?(?:留言|评论|回复)(?:区)?(?:\s*\(\d+\))?$",
    r"^(?:发表|写下)(?:你的|您的)?(?:留言|评论|看法|观点)",
    r"^(?:网友|热门|最新|全部|精彩)(?:评论|留言)\s*[(（]?\d*[)）]?$",
    r"^已有\s*\d+\s*人(?:参与|评论)",
    r"^(?:查看|展开)(?:全部|更多)?\d*条?(?:评论|回复)",
    r"^(?:登录|注册)后(?:参与|发表)?评论",
    r"^(?:\d+\s*)?(?:comments?|leave a (?:comment|reply)|add a comment|join the conversation)"
    r"\s*(?:\(\d+\))?$",
)
APP_PROMPT = _any(
    r"打开.{0,6}app",
    r"下载.{0,6}(?:客户端|app)",
    r"扫(?:码|一扫|描二维码)",
    r"长按(?:识别|扫描)?二维码",
    r"关注(?:我们的)?(?:微信)?公众号",
    r"^(?:点击)?(?:阅读原文|查看原文)$",
    r"^返回顶部$|^回到顶部$|^back to top$",
    r"^(?:sign up|subscribe)\b.{0,60}(?:newsletter|inbox|updates)",
    r"^(?:subscribe|sign in|log in|sign up)(?: now| today)?$",
    r"加入\s*line\s*好友",
    r"^预览时标签不可点$",
    r"^点击(?:上方|下方|上面|下面)?.{0,8}关注|关注我们$|^点(?:个|亮)?.{0,4}在看",
    r"^(?:微信)?扫一扫.{0,10}关注",
    r"^\W*(?:展开全文|收起全文|阅读全文)\S{0,2}$",
    r"尽在.{0,10}app$",
    r"^(?:查看|点击|阅读|浏览)?更多\s*(?:>+|»|›)?$|^(?:查看|阅读)更多.{0,6}\s*(?:>+|»|›)$",
)
COPYRIGHT = _any(
    r"©|copyright\b|all rights reserved",
    r"版权所有",
    r"icp(?:备|证)\s*\d|icp备案",
    r"公网安备",
    r"违法和不良信息举报",
    r"互联网新闻信息服务许可证",
    r"增值电信业务经营许可证",
)
# In plain text, comments and signatures have no container: they end the article.
TEXT_END_MARKERS = _any(
    r"^(?:热门|网友|全部|最新|精彩)(?:评论|留言)(?:\s*[(（]?\d*[)）]?)?$",
    r"^--$",
)
WEIBO_DATELINE = re.compile(
    r"^(?:\d{1,2}月\d{1,2}日|\d{1,2}-\d{1,2}|今天|昨天|刚刚|\d+\s*(?:分钟|小时)前)"
    r"\s*(?:\d{1,2}:\d{2})?\s*来自\s"
)
END_MARKERS = _any(
    r"^特别声明\s*[:：]",
    r"^notice\s*:\s*the content above",
    r"^风险提示及免责条款",
    r"^免责声明\s*[:：]?",
)
EDITOR = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|责编|编辑|校对|审核|监制)\s*[:：|｜/／]\s*([^)）】\]]{1,20}?)\s*[)）】\]]?"
    r"\s*\d{0,8}$"
)
CAPTION_MARKER = re.compile(r"^[△▲▽▼↑↓]+\s*")
MARKUP = re.compile(
    r"</?[a-z][a-z0-9]*(?:\s+[\w:-]+\s*=\s*(?:\"[^\"]*\"?|'[^']*'?|[^\s>]*))*\s*/?>"
    r"|<[a-z][a-z0-9]*(?:\s+[\w:-]+\s*=\s*[^\s>]*)+"
    r"|\b(?:href|src|class|style|target|rel)\s*=\s*[\"'][^\"']*[\"']?"
    r"|&(?:nbsp|amp|lt|gt|quot);"
    r"|^\s*\"\s*>\s*$",
    re.IGNORECASE,
)
CHANNEL_INTRO = _any(
    r"^(?:哈喽|hello|hi|嗨)?[，,\s]*大家好[，,!！\s]*(?:欢迎(?:来到|收看)|这里是|我是)",
    r"^欢迎(?:来到|收看|回到)(?:本期)?.{0,20}(?:频道|节目|视频)?",
)
CHANNEL_OUTRO = _any(
    r"(?:本期|这期|今天的)(?:视频|节目|内容)(?:内容)?就(?:到这里|先到这|是这些)",
    r"我们下(?:期|次|个视频)再见",
    r"感谢(?:大家|各位|您)的?(?:观看|收看|收听)",
    r"(?:点赞|投币|收藏|转发|关注|订阅)(?:[、，,和]\s*(?:点赞|投币|收藏|转发|关注|订阅)){1,}",
    r"一键三连",
    r"^(?:thanks for watching|see you (?:next time|in the next))",
)
CHANNEL_NAME = re.compile(r"这里是\s*([^\s，,。!！我]{2,16})")

IMAGE_CREDIT = re.compile(
    r"^[(（【\[]?\s*(?:首图|题图|头图|封面(?:图片?)?|图片|图|配图|摄影|照片|图源|photo(?:graph)?|image|"
    r"picture|illustration)\s*(?:来源|来自|提供|source|credit|by)?\s*[:：/|｜]",
    re.IGNORECASE,
)
AD_MARKER = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|广告|推广|赞助内容|"
    r"skip (?:past )?(?:advertisement|newsletter promotion)|(?:after|before) newsletter promotion|"
    r"(?:story|article) continues (?:below|after)(?: (?:this )?advertisement)?|"
    r"scroll (?:down )?to continue(?: with content)?)$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(
    r"^[-—–~·*=_\s]*(?:end|the end)[-—–~·*=_\s]*$|^[-—–~·*=_─━═│┃╭╮╰╯\s]{3,}$", re.IGNORECASE
)
FORUM_META = _any(
    r"^(?:作者|看板|标题|时间)\s{1,}\S",
    r"^※\s*(?:发信站|文章网址|编辑|引述|转录)",
    r"^(?:推|嘘|→)\s+[\w.]+\s*:",
)
STOCK_TICKER = re.compile(
    r"^[\u4e00-\u9fffa-z\s]{2,12}\s*[(（]?(?:\d{6}|\d{4,5}\.hk|[a-z]{1,5})(?:\.(?:sh|sz|us))?[)）]?\s+"
    r"[+-]?\d+(?:\.\d+)?%$",
    re.IGNORECASE,
)
CREDITS = re.compile(
    r"^(?:\(?(?:reporting|writing|editing|additional reporting|compiled|produced) by\b)",
    re.IGNORECASE,
)
SUPPORT_PROMPT = _any(
    r"(?:赞助|打赏|赞赏|请.{0,4}喝.{0,4}咖啡|支持我们|成为(?:我们的)?(?:会员|订户)|小额付费)",
    r"\b(?:support (?:us|our (?:work|journalism))|donate|become a (?:member|subscriber|patron))\b",
)

BLOCK_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("county-list", COUNTY_LIST),
    ("share", SHARE),
    ("related-list", RELATED_LINK),
    ("author-card", AUTHOR_CARD),
    ("risk-notice", RISK_NOTICE),
    ("disclaimer", DISCLAIMER),
    ("comment-prompt", COMMENT_PROMPT),
    ("app-prompt", APP_PROMPT),
    ("copyright", COPYRIGHT),
    ("image-credit", IMAGE_CREDIT),
    ("ad-marker", AD_MARKER),
    ("separator", SEPARATOR),
    ("forum-meta", FORUM_META),
    ("stock-ticker", STOCK_TICKER),
    ("byline", CREDITS),
    ("support-prompt", SUPPORT_PROMPT),
)

# Junk lines are short; a rule that matches inside a long paragraph is more likely to
# be quoting the phrase than to be the junk itself.
MAX_JUNK_LINE = {
    "county-list": 100_000,
    "risk-notice": 400,
    "disclaimer": 400,
    "copyright": 200,
    "app-prompt": 80,
    "image-credit": 50,
    "byline": 300,
    "support-prompt": 60,
}
DEFAULT_MAX_JUNK_LINE = 120


def han_count(text: str) -> int:
    return len(HAN.findall(text))


def is_prose(text: str) -> bool:
    """A line that reads like article prose: long enough, with sentence punctuation."""
    if han_count(text) >= 12:
        return len(PROSE_PUNCTUATION.findall(text)) >= 1 and len(text) >= 24
    return len(text.split()) >= 12 and bool(SENTENCE_END.search(text))


def is_spam(folded: str) -> bool:
    hits = {match.group() for match in SPAM_WORDS.finditer(folded)}
    if len(hits) >= 3:
        return True
    # A line of comma-separated stuffing with two hits and no sentence to speak of.
    phrases = re.split(r"[,，|｜、\s]+", folded)
    return len(hits) >= 2 and len(phrases) >= 3 and not SENTENCE_END.search(folded)


def is_navigation(folded: str, link_share: float) -> bool:
    if BREADCRUMB.match(folded) and (NAV_WORDS.search(folded) or link_share > 0.5):
        return True
    # A menu: several short items with no sentence punctuation, mostly links in HTML.
    items = folded.split()
    return (
        link_share > 0.6
        and len(items) >= 4
        and all(len(item) <= 6 for item in items)
        and not PROSE_PUNCTUATION.search(folded)
    )


def classify(text: str, *, link_share: float = 0.0) -> str | None:
    """The rule that makes `text` (one block or line) junk, or None if it may be article."""
    folded = fold(text.strip())
    if not folded:
        return None
    if is_spam(folded):
        return "spam"
    if is_navigation(folded, link_share):
        return "navigation"
    for rule, pattern in BLOCK_RULES:
        if len(folded) <= MAX_JUNK_LINE.get(rule, DEFAULT_MAX_JUNK_LINE) and pattern.search(folded):
            return rule
    if RELATED_HEADING.match(folded):
        return "related-list"
    return None


EDITOR_HINT = re.compile(r"[编編责責校审審监監]")


def editor_name(text: str) -> str | None:
    """The name on an editor line such as “责任编辑：李墨天”, else None."""
    if len(text) > 40 or not EDITOR_HINT.search(text):
        return None
    original = unicodedata.normalize("NFKC", text.strip())
    # t2s maps code point to code point, so the match's offsets hold in `original` too.
    match = EDITOR.match(converter("t2s").convert(original))
    return original[match.start(1) : match.end(1)].strip() if match else None
