"""Unsafe-content terms of external pages (``unsafe-link``): pages to flag, look-alikes to pass."""

from __future__ import annotations

import random

import pytest

from crawler.unsafe_terms import MAX_TERMS, TERMS, find_unsafe_terms, visible_title_and_text
from tests.crawler.extract_helpers import FIXTURES


def html(title: str, body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{body}</body></html>"


def terms_of(document: str | bytes, content_type: str | None = "text/html; charset=utf-8") -> list[str]:
    data = document.encode("utf-8") if isinstance(document, str) else document
    return find_unsafe_terms(*visible_title_and_text(data, content_type))


# -- pages that must be flagged ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # the demo portal's expired domain
        ("澳门新葡京娱乐城", "在线娱乐 百家乐 真人荷官 体育博彩 注册即送彩金。",
         ["新葡京", "娱乐城", "百家乐", "真人荷官", "博彩", "彩金"]),
        # one strong term in the title is enough
        ("百家乐官网-首页", "欢迎光临", ["百家乐"]),
        # pinyin and English forms
        ("Best Online Casino 2023", "Play baccarat and roulette, bet365 bonus.",
         ["casino", "baccarat", "roulette", "bet365"]),
        ("首页", "baijiale bocai yulecheng 官方网站", ["baijiale", "bocai", "yulecheng"]),
        # digits may touch a Latin term
        ("casino888", "", ["casino"]),
        # no telling title: two distinct terms in the text
        ("首页", "最新时时彩开奖结果，北京赛车计划", ["时时彩", "北京赛车"]),
        # one weak term three times
        ("首页", "彩票平台 彩票注册 彩票开奖", ["彩票"]),
        # pornography, in Chinese and English
        ("成人影片在线观看", "", ["成人影片"]),
        ("Free porn videos", "hentai xvideos", ["porn", "hentai", "xvideos"]),
        ("免费视频", "AV女优 无码 高清", ["av女优", "无码"]),
        # illegal goods
        ("商城", "出售仿真枪，迷药，窃听器", ["仿真枪", "迷药", "窃听器"]),
    ],
)
def test_unsafe_pages_are_flagged(title, text, expected):
    assert find_unsafe_terms(title, text) == expected


def test_full_width_and_zero_width_spellings():
    assert find_unsafe_terms("ＣＡＳＩＮＯ", "") == ["casino"]
    assert find_unsafe_terms("百\u200b家乐", "") == ["百家乐"]


def test_terms_from_configuration_are_strong():
    assert find_unsafe_terms("金沙娱乐官网", "") == []
    assert find_unsafe_terms("金沙娱乐官网", "", extra_terms=["金沙娱乐"]) == ["金沙娱乐"]
    assert find_unsafe_terms("Lucky Spin Club", "", extra_terms=["lucky spin"]) == ["lucky spin"]
    assert find_unsafe_terms("Unluckyspin", "", extra_terms=["lucky spin", " "]) == []


def test_at_most_ten_terms_title_first():
    text = " ".join(t.term for t in TERMS if t.group == "gambling")
    found = find_unsafe_terms("色情", text)
    assert len(found) == MAX_TERMS and found[0] == "色情"


def test_gbk_casino_page():
    page = html("澳门博彩娱乐城", "<p>百家乐 真人荷官</p>").replace("utf-8", "gbk").encode("gbk")
    assert terms_of(page, "text/html") == ["博彩", "娱乐城", "百家乐", "真人荷官"]
    undeclared = "<html><head><title>娱乐城</title></head><body>百家乐</body></html>".encode("gb18030")
    assert terms_of(undeclared, None) == ["娱乐城", "百家乐"]


def test_page_drawn_by_script_describes_itself_in_meta():
    page = html("正在跳转", "<script>location.href='https://x.example/'</script>",
                head='<meta name="keywords" content="百家乐,真人娱乐,体育投注">')
    assert terms_of(page) == ["百家乐", "真人娱乐", "体育投注"]


# -- look-alikes: pages that must pass ----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "text"),
    [
        # state lotteries are legitimate and government pages link them
        ("中国福利彩票", "中国福利彩票发行管理中心 体育彩票 彩票公益金使用情况公告 彩票管理条例 彩票销售网点"),
        ("国家体育总局体育彩票管理中心", "体彩大乐透 即开型彩票 福利彩票 中国体育彩票"),
        # notices about fighting gambling, in the title and in the text
        ("关于严厉打击跨境赌博违法犯罪活动的通告",
         "为严厉打击网络赌博、赌场、六合彩、老虎机等违法犯罪活动，维护社会稳定。警惕网络赌博陷阱！"
         "赌博违法犯罪线索请拨打110举报。公安机关破获一起地下六合彩案件。"),
        ("男子沉迷网络赌博输光积蓄", "民警提醒：远离赌博。"),
        # a news page that mentions 彩票 once, and a weak term alone in a title
        ("兴庆区举办全民健身运动会", "活动现场还设置了彩票展位。共有3000余名群众参加。"),
        ("男子购买彩票中奖500万元", "近日，市民张某喜中大奖。"),
        # the wording of laws and user agreements: a list of prohibited categories
        ("网站声明", "用户不得发布含有淫秽、色情、赌博、暴力、凶杀、恐怖等内容的信息。"),
        ("“净网2023”专项行动", "依法打击淫秽色情信息，清理色情低俗内容，整治色情暴力游戏。"),
        # chess and cards as a sport and a pastime
        ("老年人棋牌比赛圆满落幕", "社区棋牌室 国家体育总局棋牌运动管理中心 棋牌协会 棋牌活动"),
        # the Macau gaming industry in economic news
        ("澳门博彩业收入回升", "博彩监察协调局公布，博彩收入同比增长；博彩业占本地生产总值比重下降。"),
        # Latin terms inside longer words
        ("Bocaiúva and Pornic", "The Casinoville hotel; occasional roulettes? Cassino is a town in Italy."),
        # ordinary government pages
        ("兴庆区人民政府", "政务公开 政务服务 互动交流 走进兴庆"),
    ],
)
def test_look_alikes_pass(title, text):
    assert find_unsafe_terms(title, text) == []


def test_real_government_pages_pass():
    pages = sorted(FIXTURES.glob("*.html"))
    assert pages
    for path in pages:
        assert terms_of(path.read_bytes(), "text/html") == [], path.name


# -- decoding and visible text ------------------------------------------------------------------


def test_visible_text_drops_scripts_styles_and_comments():
    page = html(
        " 标题\n 一 ",
        "<p>正文<!-- 百家乐 -->内容</p><script>var a='娱乐城';</script><style>.x{content:'casino'}</style>"
        "<noscript>请启用脚本</noscript>",
    )
    title, text = visible_title_and_text(page.encode(), "text/html")
    assert title == "标题 一"
    assert text == "正文内容 请启用脚本"


def test_charset_from_header_meta_and_bom():
    gbk = "<title>娱乐城</title><p>百家乐</p>".encode("gbk")
    assert visible_title_and_text(gbk, "text/html; charset=GBK") == ("娱乐城", "百家乐")
    meta = b"<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>" + gbk
    assert visible_title_and_text(meta, "text/html") == ("娱乐城", "百家乐")
    bom = b"\xef\xbb\xbf" + "<title>首页</title><p>你好</p>".encode()
    assert visible_title_and_text(bom, None) == ("首页", "你好")
    xml = '<?xml version="1.0" encoding="utf-8"?><html><head><title>T</title></head><body>b</body></html>'
    assert visible_title_and_text(xml.encode(), "application/xhtml+xml") == ("T", "b")


def test_text_is_capped():
    page = html("t", "<p>" + "字" * 5000 + "</p>")
    assert len(visible_title_and_text(page.encode(), "text/html", max_chars=100)[1]) == 100


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "text/html"),
        (b"   \n", "text/html"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "text/html"),
        (b"%PDF-1.7 ...", "application/pdf"),
        (b"<title>x</title>", "image/png"),
    ],
)
def test_nothing_to_read(body, content_type):
    assert visible_title_and_text(body, content_type) == (None, "")


def test_garbage_never_raises():
    rng = random.Random(8)
    for size in (1, 17, 1000, 70_000):
        body = bytes(rng.randrange(256) for _ in range(size))
        title, text = visible_title_and_text(body, rng.choice(["text/html", None, "text/html; charset=bogus"]))
        assert title is None or isinstance(title, str)
        assert find_unsafe_terms(title, text) == []
    broken = b"<html><head><title>\xff\xfe\xfd</title><body><p><b><i>\xe5\xa8\xb1\xe4" + b"<" * 500
    title, text = visible_title_and_text(broken, "text/html; charset=utf-8")
    assert isinstance(text, str)
