"""Personal numbers: what must be flagged, the look-alikes that must not, masks, hashes, masking stored facts.

The numbers are synthetic: check characters are computed here, independently of
the module, from GB 11643-1999 (ISO 7064 MOD 11-2) and ISO/IEC 7812 (Luhn).
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.privacy import (
    BANK_CARD,
    ID_CARD,
    MOBILE,
    Found,
    PrivacyScan,
    digest,
    find_numbers,
    mask,
    mask_bytes,
    mask_strings,
    scan_html,
    scan_text,
)
from govcrawl.model import DocInfo, LinkOutcome, LinkState, PrivacyHit
from govcrawl.store import _page_blob
from tests.crawler.extract_helpers import FIXTURES, extract

TODAY = date(2023, 11, 1)
SALT = b"test-salt"


def id_number(region: str, birth: str, sequence: str) -> str:
    """A synthetic 18-digit resident ID number with its GB 11643-1999 check character."""
    body = region + birth + sequence
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def luhn(prefix: str) -> str:
    """``prefix`` completed with its Luhn check digit."""
    for check in "0123456789":
        digits = [int(c) for c in reversed(prefix + check)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return prefix + check
    raise AssertionError


def id_with_x() -> str:
    for seq in range(1000):
        number = id_number("640104", "19850312", f"{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError


ID = id_number("640104", "19850312", "123")
ID2 = id_number("110105", "20000229", "456")  # born on a leap day
ID_X = id_with_x()
ID15 = "640104850312123"
MOBILE_NO = "13951002468"
CARD = luhn("621700123456789012")  # 19 digits, UnionPay
CARD16 = luhn("622202123456789")  # 16 digits
CARD_MC2 = luhn("222100123456789")  # Mastercard 2-series
BAD_CHECK = ID[:-1] + ("0" if ID[-1] != "0" else "1")
PROJECT_CODE = luhn("499273987160000")
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def spaced(number: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    out, at = [], 0
    for size in sizes:
        out.append(number[at:at + size])
        at += size
    return sep.join(out)


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.number) for f in find_numbers(text, today=TODAY)]


# ------------------------------------------------------------------ must flag

FLAGGED = [
    (f"身份证号：{ID}。", ID_CARD, ID),
    (f"公民身份号码{ID_X}，", ID_CARD, ID_X),
    (f"公民身份号码 {ID_X.lower()}", ID_CARD, ID_X),
    (f"马某某 {ID} 3", ID_CARD, ID),  # table cells joined by spaces, no label needed for 18 digits
    (f"证件号码：{spaced(ID, (6, 8, 4))}", ID_CARD, ID),
    (f"身份证号：{ID.translate(FULL)}", ID_CARD, ID),
    (f"出生于闰日：{ID2}", ID_CARD, ID2),
    (f"身份证号码：{ID15}", ID_CARD, ID15),
    (f"姓名 身份证号 家庭人口 张三 {ID15} 3 李四", ID_CARD, ID15),  # the column header names it
    (f"联系电话{MOBILE_NO}，请尽快处理。", MOBILE, MOBILE_NO),
    (MOBILE_NO, MOBILE, MOBILE_NO),
    (f"手机：{spaced(MOBILE_NO, (3, 4, 4), '-')}", MOBILE, MOBILE_NO),
    (f"手机 {spaced(MOBILE_NO, (3, 4, 4))}", MOBILE, MOBILE_NO),
    (f"手机 {spaced(MOBILE_NO, (3, 4, 4), chr(0xA0))}", MOBILE, MOBILE_NO),
    (f"电话：+86 {spaced(MOBILE_NO, (3, 4, 4))}", MOBILE, MOBILE_NO),
    (f"电话：+86{MOBILE_NO}", MOBILE, MOBILE_NO),
    (f"电话：+86-{MOBILE_NO}", MOBILE, MOBILE_NO),
    (f"电话：86-{MOBILE_NO}", MOBILE, MOBILE_NO),
    (f"电话：0086 {MOBILE_NO}", MOBILE, MOBILE_NO),
    (f"电话：(+86){MOBILE_NO}", MOBILE, MOBILE_NO),
    (f"联系人手机{MOBILE_NO.translate(FULL)}", MOBILE, MOBILE_NO),
    (f"咨询电话：0951-5012345 {MOBILE_NO}", MOBILE, MOBILE_NO),  # a landline next to a mobile
    (f"邮箱 {MOBILE_NO}@163.com", MOBILE, MOBILE_NO),  # the address is the number
    (f"编号 2023001 张三 手机{MOBILE_NO}", MOBILE, MOBILE_NO),  # 编号 labels 2023001, not the mobile
    (f"银行卡号：{CARD}", BANK_CARD, CARD),
    (f"开户账号：{spaced(CARD, (4, 4, 4, 4, 3))}", BANK_CARD, CARD),
    (f"账号 {spaced(CARD16, (4, 4, 4, 4), '-')}", BANK_CARD, CARD16),
    (f"信用卡 {CARD_MC2}", BANK_CARD, CARD_MC2),
    (f"户主 补贴金额（元） 银行卡号 杨某某 1260.00 {CARD}", BANK_CARD, CARD),
    # a long table as text: the header is far away, no sentence ends in between
    ("户主 银行卡号 " + " ".join(f"户{i} 100.00" for i in range(60)) + f" 杨某 {CARD}", BANK_CARD, CARD),
    (f"收款账户：{CARD16}", BANK_CARD, CARD16),
]


@pytest.mark.parametrize(("text", "kind", "number"), FLAGGED)
def test_flags(text, kind, number):
    assert found(text) == [(kind, number)]


def test_found_keeps_the_written_form_and_position():
    text = f"电话：+86 {spaced(MOBILE_NO, (3, 4, 4))}。身份证 {ID}"
    items = find_numbers(text, today=TODAY)
    assert [f.kind for f in items] == [MOBILE, ID_CARD]
    assert items[0].raw == "+86 139 5100 2468" and text[items[0].start:items[0].end] == items[0].raw
    assert items[1].raw == ID and text[items[1].start:items[1].end] == ID
    assert isinstance(items[0], Found)
    with pytest.raises(AttributeError):
        items[0].kind = "x"  # frozen


def test_several_numbers_in_one_text():
    text = f"张三 {ID} 手机 {MOBILE_NO}；李四 身份证 {ID_X}，银行卡号 {CARD}。"
    assert found(text) == [(ID_CARD, ID), (MOBILE, MOBILE_NO), (ID_CARD, ID_X), (BANK_CARD, CARD)]


# ------------------------------------------------------------------ must not flag

CREDIT_CODE_DIGITS = ID  # an all-digit code that happens to pass every ID rule
NOT_FLAGGED = [
    # masked forms
    "身份证号：640102********1234",
    "身份证号：6402021990****1234",
    f"身份证号：{ID[:6]}●●●●●●●●{ID[-4:]}",
    "手机：138****5678",
    "手机：139××××2468",
    "手机：１３９＊＊＊＊２４６８",
    "银行卡号：6222 **** **** 1234",
    "社保卡号：6217********1234",
    f"身份证 {ID[:10]}****{ID[14:]}",
    # wrong check digit, impossible or future birth dates, invalid provinces
    f"身份证号：{BAD_CHECK}",
    f"身份证号：{id_number('640104', '19901332', '456')}",
    f"身份证号：{id_number('640104', '19900230', '456')}",
    f"身份证号：{id_number('640104', '18991231', '456')}",
    f"身份证号：{id_number('640104', '20250101', '456')}",  # after --today
    f"身份证号：{id_number('990104', '19850312', '123')}",
    f"身份证号：{id_number('100104', '19850312', '123')}",
    f"身份证号：{id_number('000104', '19850312', '123')}",
    "身份证号码：640104851332123",  # 15 digits, month 13
    # 15 digits without an identity word: a business registration number, a serial
    "营业执照注册号：640104850312123",
    "640104850312123",
    # landlines and hotlines
    "咨询电话：0951-5012345",
    "电话：(0951)5012345",
    "电话：0951 5012345",
    "电话：010-88886666",
    "热线：12345",
    "政务服务便民热线 12345 全天受理",
    "传真 0951-5012345-8012",
    # document numbers, index numbers, credit codes, registration marks
    "银兴政发〔2023〕12号",
    "索引号：11640100MB1234567X/2023-01234",
    "索引号：640104001/2023-00123",
    "统一社会信用代码：91640100MA76L1234X",
    f"统一社会信用代码：{CREDIT_CODE_DIGITS}",
    "宁公网安备 64010402000123号",
    "宁ICP备13951002号-1",
    # digits inside longer runs
    f"订单编号 20231015{MOBILE_NO}1",
    f"20231015{MOBILE_NO}",
    f"9{MOBILE_NO}",
    f"{MOBILE_NO}2",
    f"{MOBILE_NO}-1",
    f"0951-{MOBILE_NO}",
    f"手机 {spaced(MOBILE_NO, (3, 4, 4))} 1234",
    f"2023-{spaced(MOBILE_NO, (3, 4, 4), '-')}",
    "时间戳 1696838400000",
    "8613951002468",  # 86 without + or a separator: just a 13-digit number
    # URLs, file names, identifiers, amounts
    f"http://www.xq.gov.cn/art/2023/10/9/art_1234_{MOBILE_NO}.html",
    "http://www.xq.gov.cn/zwgk/tzgg/202310/t20231009_1234567.html",
    f"见 www.xq.gov.cn/a-{MOBILE_NO}.html",
    f"?id={MOBILE_NO}&type=1",
    f"SN{MOBILE_NO}",
    f"{MOBILE_NO}abc",
    f"金额 {MOBILE_NO}.00 元",
    f"比例 0.{MOBILE_NO}",
    f"文件 {MOBILE_NO}.pdf",
    # dates
    "20231009",
    "2023-10-09 10:00:00",
    "2023年10月9日",
    "2023-10-09 2023-10-10",
    # Luhn-valid numbers without a card or account word
    f"项目编号：{PROJECT_CODE}",
    CARD,
    f"{spaced(CARD16, (4, 4, 4, 4))}",
    f"社保卡号：6217********1234。项目编号：{PROJECT_CODE}。",  # the card word belongs to another sentence
    f"银行账号已核实，项目编号 {PROJECT_CODE}",  # the nearer label names another number
    # card context but no Luhn, or a prefix no card has
    f"银行卡号：{CARD[:-1]}{(int(CARD[-1]) + 1) % 10}",
    f"银行卡号：{luhn('202310151395100246')}",  # starts with a year
    f"账号：{luhn('000000000000000')}",
    f"银行卡号 {spaced(CARD16, (4, 4, 4, 4))} {'1234'}",  # the groups go on
    # 18 digits with a valid check character but labelled as another number
    f"订单号：{ID}",
    f"发票号码 {ID}",
]


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_look_alikes_not_flagged(text):
    assert found(text) == []


def test_birth_date_bound_follows_today():
    born_2023 = id_number("640104", "20230501", "111")
    assert found(f"身份证 {born_2023}") == [(ID_CARD, born_2023)]  # the machine's date is later
    assert find_numbers(f"身份证 {born_2023}", today=date(2023, 4, 30)) == []


# ------------------------------------------------------------------ masks and fingerprints


def test_masks():
    assert mask(ID, ID_CARD) == ID[:6] + "********" + ID[-4:]
    assert mask(ID_X, ID_CARD).endswith("X") and len(mask(ID_X, ID_CARD)) == 18
    assert mask(ID15, ID_CARD) == "640104******123"  # no digit of the birth date (850312) shows
    assert mask(MOBILE_NO, MOBILE) == "139****2468"
    assert mask(CARD, BANK_CARD) == CARD[:4] + "*" * 11 + CARD[-4:]
    assert mask(CARD16, BANK_CARD) == CARD16[:4] + "********" + CARD16[-4:]
    assert mask(MOBILE_NO.translate(FULL), MOBILE) == "139****2468"
    with pytest.raises(ValueError):
        mask(MOBILE_NO, "passport")
    # the birth date of an 18-digit number is hidden completely
    assert "19850312" not in mask(ID, ID_CARD)


def test_digest_is_salted_keyed_by_kind_and_short():
    value = digest(ID, SALT, ID_CARD)
    assert re.fullmatch(r"[0-9a-f]{16}", value)
    assert value == digest(ID, SALT, ID_CARD) == digest(ID.translate(FULL), SALT, ID_CARD)
    assert value != digest(ID, b"other-salt", ID_CARD)
    assert value != digest(ID, SALT, BANK_CARD)
    assert ID not in value
    with pytest.raises(ValueError):
        digest(ID, b"", ID_CARD)


# ------------------------------------------------------------------ pages

PAGE = f"""<html><head><title>低保公示 {MOBILE_NO}</title>
<meta name="Description" content="联系人 {spaced(MOBILE_NO, (3, 4, 4))}">
<script>var hotline = "{MOBILE_NO}"; var id = "{ID}";</script>
<style>.x{{width:1px}}</style></head>
<body><div class="TRS_Editor">
<p>现将新增低保对象公示如下：</p>
<table><tr><th>姓名</th><th>身份证号</th><th>银行卡号</th></tr>
<tr><td>马某某</td><td>{ID}</td><td>{CARD}</td></tr></table>
<p><img src="/img/a.png" alt="申请表 {ID_X}"><a href="tel:13951002469">拨打电话</a></p>
<p><a href="/zwgk/{MOBILE_NO}.html">第{MOBILE_NO}号通知</a></p>
<!-- 13951002470 -->
<p><a href="/a/13951002471.html" data-id="13951002472">链接</a></p>
<script>var only_in_script = "13951002473";</script>
</div></body></html>"""


def test_scan_html_counts_text_and_read_attributes_only():
    page = extract(PAGE)
    scan = scan_html(PAGE, page.text, SALT, today=TODAY)
    assert isinstance(scan, PrivacyScan)
    hits = {(h.kind, h.masked): h.where for h in scan.hits}
    assert hits == {
        (ID_CARD, mask(ID, ID_CARD)): "text",
        (BANK_CARD, mask(CARD, BANK_CARD)): "text",
        (MOBILE, "139****2468"): "text",  # page title and link text
        (ID_CARD, mask(ID_X, ID_CARD)): "attribute",  # img alt
        (MOBILE, "139****2469"): "attribute",  # a tel: link
    }
    # only in a comment, a URL, a data-* attribute or a script: not counted, not masked
    for number in ("13951002470", "13951002471", "13951002472", "13951002473"):
        assert all(number not in raw for raw in scan.replacements)
    numbers = [(ID_CARD, ID), (BANK_CARD, CARD), (MOBILE, MOBILE_NO), (ID_CARD, ID_X), (MOBILE, "13951002469")]
    assert {h.masked: h.digest for h in scan.hits} == {mask(n, k): digest(n, SALT, k) for k, n in numbers}


def test_card_column_of_an_html_table_far_below_its_header():
    # remarks end sentences between the header and the rows: the page text loses the context,
    # the table in the HTML keeps it
    cards = [luhn(f"62170012345678{i:04d}") for i in range(30)]
    rows = "".join(f"<tr><td>户{i}</td><td>已发放。</td><td>{card}</td></tr>" for i, card in enumerate(cards))
    html = f"<table><tr><th>户主</th><th>备注</th><th>银行卡号</th></tr>{rows}</table>"
    scan = scan_html(html, extract(html).text, SALT, today=TODAY)
    assert [h.masked for h in scan.hits] == [mask(card, BANK_CARD) for card in cards]
    assert all(h.where == "text" for h in scan.hits)
    # the same numbers in a table that names no card or account
    other = html.replace("银行卡号", "项目代码")
    assert scan_html(other, extract(other).text, SALT, today=TODAY).hits == []


def test_hidden_form_values_are_not_counted():
    html = '<form><input type="hidden" name="id" value="13951002468"><input name="tel" value="13951002469"></form>'
    assert [(h.masked, h.where) for h in scan_html(html, "", SALT, today=TODAY).hits] == [("139****2469", "attribute")]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.htm*")))
def test_real_portal_pages_have_no_hits(name):
    raw = (FIXTURES / name).read_bytes()
    page = extract(raw, content_type="text/html")
    html = raw.decode(page.encoding or "utf-8", "replace")
    assert scan_html(html, page.text, SALT, today=TODAY).hits == []


def test_hits_never_hold_a_full_number():
    page = extract(PAGE)
    scan = scan_html(PAGE, page.text, SALT, today=TODAY)
    dumped = json.dumps([h.as_json() for h in scan.hits])
    for number in (ID, ID_X, CARD, MOBILE_NO, "13951002469"):
        assert number not in dumped
    assert not re.search(r"\d{7}", dumped.replace(SALT.decode(), ""))  # masks leave at most 6 digits in a row


def test_replacements_mask_every_written_form():
    html = f"<p>手机 {spaced(MOBILE_NO, (3, 4, 4), '&nbsp;')}；电话 {MOBILE_NO.translate(FULL)}</p>"
    page = extract(html)
    scan = scan_html(html, page.text, SALT, today=TODAY)
    assert [h.masked for h in scan.hits] == ["139****2468"]
    assert scan.replacements[MOBILE_NO] == "139****2468"
    assert scan.replacements["139&nbsp;5100&nbsp;2468"] == "139&nbsp;****&nbsp;2468"
    assert scan.replacements[MOBILE_NO.translate(FULL)] == "１３９＊＊＊＊２４６８"
    for raw, masked in scan.replacements.items():
        assert len(raw) == len(masked)


def test_masked_page_facts_hold_no_full_number():
    html = f"""<html><head><title>公示 {ID}</title><meta name="ArticleTitle" content="公示 {MOBILE_NO}"></head><body>
<div class="bt-position">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<table><tr><td>索引号：</td><td>640104001/2023-00123</td><td>联系电话：</td><td>{MOBILE_NO}</td></tr>
<tr><td>发布日期：</td><td>2023-10-09</td><td>文号：</td><td>银兴政发〔2023〕12号</td></tr></table>
<div class="TRS_Editor"><p>身份证号 {ID}，银行卡号 {CARD}。</p>
<p><a href="/zwgk/t20231009_{MOBILE_NO}.html" title="联系 {MOBILE_NO}">第 {ID} 号</a>
<img src="/a.png" alt="{ID}"> <input type="text" value="{MOBILE_NO}"></p></div>
<ul><li><a href="/zwgk/a.html">{MOBILE_NO} 来信</a><span>2023-10-09</span></li>
<li><a href="/zwgk/b.html">来信 二</a><span>2023-10-08</span></li>
<li><a href="/zwgk/c.html">来信 三</a><span>2023-10-07</span></li></ul></body></html>"""
    page = extract(html)  # extract_html finds and masks them itself, before anything is stored
    assert {h.kind for h in page.privacy} == {ID_CARD, MOBILE, BANK_CARD}
    scan = scan_html(html, page.text, SALT, today=TODAY)
    assert {h.kind for h in scan.hits} == {ID_CARD, MOBILE, BANK_CARD}
    page.doc = page.doc or DocInfo()
    page.doc.raw["联系人"] = f"张三 {MOBILE_NO}"  # a string set later is masked by the same map
    mask_strings(page, scan.replacements)
    blob = zlib.decompress(_page_blob(page)).decode()
    stored = blob + (page.title or "") + "".join(f"{ln.text}" for ln in page.links)
    for number in (ID, MOBILE_NO, CARD):
        assert number not in stored
    assert mask(ID, ID_CARD) in page.title and mask(ID, ID_CARD) in page.text
    assert page.doc.raw["联系人"] == "张三 139****2468"
    assert page.list_items[0].title == "139****2468 来信"
    assert any("139****2468" in node.html for node in page.a11y)
    assert page.meta["ArticleTitle"] == "公示 139****2468"
    # URLs keep their numbers (link identity); the leak is recorded as a hit all the same
    assert any(MOBILE_NO in ln.url for ln in page.links)
    assert all(isinstance(hit, PrivacyHit) for hit in page.privacy)


def test_mask_strings_walks_any_dataclass_and_keeps_enums():
    outcome = LinkOutcome("http://x.cn/13951002468.pdf", LinkState.OK, 200, title=f"附件 {MOBILE_NO}")
    mask_strings([outcome, {"k": [f"a{MOBILE_NO}"]}], {MOBILE_NO: "139****2468"})
    assert outcome.title == "附件 139****2468" and MOBILE_NO in outcome.url
    assert outcome.state is LinkState.OK
    untouched = {"k": MOBILE_NO}
    assert mask_strings(untouched, {}) is None and untouched == {"k": MOBILE_NO}


def test_mask_bytes_in_utf8_and_gbk_bodies_keeps_length():
    html = f"<p>身份证号：{ID}，手机 {MOBILE_NO.translate(FULL)}，手机 {spaced(MOBILE_NO, (3, 4, 4), '-')}</p>"
    scan = scan_html(html, extract(html).text, SALT, today=TODAY)
    for encoding in ("utf-8", "gbk"):
        body = html.encode(encoding)
        masked = mask_bytes(body, scan.replacements)
        assert len(masked) == len(body)
        text = masked.decode(encoding)
        assert ID not in text and MOBILE_NO.translate(FULL) not in text and "139-5100-2468" not in text
        assert mask(ID, ID_CARD) in text and "１３９＊＊＊＊２４６８" in text and "139-****-2468" in text
        assert text.replace(mask(ID, ID_CARD), "").startswith("<p>身份证号：，手机")
    assert mask_bytes(b"abc", {}) == b"abc"
    assert mask_bytes(b"", scan.replacements) == b""


def test_scan_text_for_attachments():
    text = f"附件1 补贴发放明细\n户主\t身份证号\t银行卡号\n杨某\t{ID}\t{CARD}\n李某\t{ID}\t{CARD16}\n联系电话：{MOBILE_NO}"
    hits = scan_text(text, SALT, today=TODAY)
    assert [(h.kind, h.masked, h.where) for h in hits] == [
        (ID_CARD, mask(ID, ID_CARD), "attachment"),
        (BANK_CARD, mask(CARD, BANK_CARD), "attachment"),
        (BANK_CARD, mask(CARD16, BANK_CARD), "attachment"),
        (MOBILE, "139****2468", "attachment"),
    ]
    assert scan_text("无个人信息。", SALT) == []


def test_attachment_columns_decide_by_their_own_header():
    text = (
        f"补贴发放明细\n项目编号\t银行账号\t姓名\t身份证号\t档案编号\n"
        f"{PROJECT_CODE}\t{CARD}\t张三\t{ID}\t{luhn('622202987654321')}\n"
        f"{luhn('499273987160001')}\t{CARD16}\t李四\t{ID_X}\t0001\n"
        f"\n第二页（另一张表）\n序号\t编码\n1\t{luhn('622202111122223')}\n"
    )
    assert [(h.kind, h.masked) for h in scan_text(text, SALT, today=TODAY)] == [
        (BANK_CARD, mask(CARD, BANK_CARD)),
        (ID_CARD, mask(ID, ID_CARD)),
        (BANK_CARD, mask(CARD16, BANK_CARD)),
        (ID_CARD, mask(ID_X, ID_CARD)),
    ]
    # a row of a sheet whose header is another sheet's: a blank line ends the stretch
    assert scan_text(f"银行卡号\n\n{CARD16}\t张三", SALT, today=TODAY) == []


def test_id_column_beside_another_numbers_column():
    # 档案编号 heads the next column, it does not label the ID in the first row
    html = f"<table><tr><th>姓名</th><th>身份证号</th><th>档案编号</th></tr><tr><td>张三</td><td>{ID}</td><td>A1</td></tr>"
    scan = scan_html(html + "</table>", extract(html + "</table>").text, SALT, today=TODAY)
    assert [h.masked for h in scan.hits] == [mask(ID, ID_CARD)]


def test_pages_without_candidates_are_cheap_and_empty():
    filler = "<p>兴庆区人民政府办公室关于2023年10月9日开展政务公开工作的通知，咨询电话0951-5012345，热线12345。</p>\n"
    html = (filler * (200_000 // len(filler) + 1))[:200_000]
    scan = scan_html(html, html, SALT, today=TODAY)
    assert scan.hits == [] and scan.replacements == {}
    assert scan_html("", "", SALT) == PrivacyScan()
    assert find_numbers("") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789０１２３ -*+XxA。：身份证手机卡号账\n", max_size=80))
def test_any_text_gives_well_formed_results(text):
    for item in find_numbers(text, today=TODAY):
        assert text[item.start:item.end] == item.raw
        assert item.kind in (ID_CARD, MOBILE, BANK_CARD)
        assert "*" not in item.raw
        masked = mask(item.number, item.kind)
        assert len(masked) == len(item.number) and masked != item.number
