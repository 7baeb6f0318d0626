"""Personal numbers in public content: find them, mask them, fingerprint them (``privacy-leak`` facts).

Plan items 24 and 25 of the 2023 work plan (《个人信息保护法》, 杜绝“指尖泄密”)
and contract §4 **Privacy** ask for three kinds of numbers:

``id-card``
    The 18-digit resident ID number of GB 11643-1999: 6 digits of address code
    (GB/T 2260; the first two are the province), 8 digits of birth date
    (YYYYMMDD), 3 digits of sequence and one check character computed with
    ISO 7064 MOD 11-2 (``X`` stands for 10). We require a valid check character,
    a valid province code and a real calendar date between 1900-01-01 and
    ``today`` (the run's ``--today``; the machine's date when not given). The
    15-digit numbers issued before 1999 (6 address, YYMMDD birth in 19YY, 3
    sequence, no check character) have far less structure, so they are only
    taken when a word naming an identity document (身份证, 证件号码, 公民身份号码 …)
    stands before them: in the same clause within 20 characters, earlier in the
    same HTML ``<table>`` (a column header) or earlier in the same sentence-free
    stretch of text (a table turned into text).
``mobile``
    11 digits ``1[3-9]xxxxxxxxx`` that are not part of a longer digit run, also
    written 138-1234-5678 or 138 1234 5678, with an optional country prefix
    (+86 written on, or 86/0086 followed by a separator; a bare 86 run on is just
    a 13-digit number). Landlines (0951-5012345, (0951)5012345, 0951 5012345)
    start with 0 or are too short and never match.
``bank-card``
    16–19 digits (contiguous, or in groups of four separated by one space or
    dash) passing the Luhn check of ISO/IEC 7812-1, with an issuer prefix a card
    can have (3, 4, 5, 6, 9, or Mastercard's 2221–2720 — which rules out numbers
    that start with a year), and a card/account word (卡号, 银行卡, 账号, 开户 …)
    before it: within 20 characters in the same clause, or earlier in the same
    table/stretch as for 15-digit IDs. Luhn alone passes one random number in ten,
    so the context is what makes it a card.

False positives on real portals are the main risk, so besides the checksums:

* a run containing a mask character (``*``, ``＊``, ``×``, ``●``, ``•``) is a masked
  form and never a leak (640102********1234, 138****5678, 6222 **** **** 1234);
* a number touching ASCII letters, ``_``, ``/``, ``\\``, ``=``, ``%``, ``#``, ``~`` or a
  decimal point, or inside a whitespace-delimited token that contains ``://`` or
  ``www.``, is part of a URL, a file name, an identifier or an amount
  (``t20231009_1234567.html``, ``?id=13951002468``, ``1.3951002468``);
* a label naming another kind of number (编号, 订单, 流水号, 信用代码, 索引号, 文号,
  税号, 准考证 …) closer before the number than any label naming the kind makes it
  that other number (a 统一社会信用代码 written in digits only, a 项目编号 that
  happens to pass Luhn, an order number);
* grouped forms must stand alone: a 3-4-4 group that continues with more groups
  of the same separator is part of a longer number.

Whitespace-joined cells are judged one by one (page text joins table cells with a
space), dash-joined ones are not (2023-10-09, 0951-5012345, 640104001/2023-00123).
Full-width digits (１３９…) and ``&nbsp;`` between groups are read like their
plain forms.

Masks keep the first and last digits that identify nothing on their own and
hide the rest, as long as the number: 640104********1231 (the whole birth date
hidden), 640104******123 for 15 digits, 139****2468, 6217***********0122.

Everything here is pure and cheap: :func:`scan_html` first runs one regular
expression that needs eleven digits (with at most single separators between
them) over the page; pages without such a run, which are nearly all of them,
cost a single regex pass. The numbers themselves are transient (``Found.number``,
``PrivacyScan.replacements``): only masks and salted hashes leave this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date

from crawler.extract.digests import hmac_sha256
from govcrawl.model import PrivacyHit

__all__ = [
    "BANK_CARD",
    "ID_CARD",
    "KINDS",
    "MOBILE",
    "UNMASKED_FIELDS",
    "Found",
    "PrivacyScan",
    "digest",
    "find_numbers",
    "mask",
    "mask_bytes",
    "mask_strings",
    "scan_html",
    "scan_text",
]

ID_CARD = "id-card"
MOBILE = "mobile"
BANK_CARD = "bank-card"
KINDS = (ID_CARD, MOBILE, BANK_CARD)

# ------------------------------------------------------------------ characters

_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")
_DIGIT_CLASS = "0-9０-９"
_MASK_CHARS = "*＊×●•"
_MASK_SET = frozenset(_MASK_CHARS)
# One contiguous run: digits and mask characters, an ID's check character X at its end.
_TOKEN = re.compile(rf"[{_DIGIT_CLASS}{_MASK_CHARS}]+(?:[XxＸｘ](?![A-Za-z0-9]))?")
# Separators inside one written number (138 1234 5678, 138-1234-5678, &nbsp; in markup).
_SEPARATORS = frozenset({" ", "\u00a0", "\u3000", "-", "－", "‐", "‑", "&nbsp;"})
_SEPARATOR_CHARS = frozenset(" \u00a0\u3000-－‐‑&")
_SPACES = frozenset({" ", "\u00a0", "\u3000", "&nbsp;"})
_SEP_RE = r"(?:[ \-\u00a0\u3000－‐‑]|&nbsp;)"
_D = f"[{_DIGIT_CLASS}]"
# The cheap first pass: where a number could be. Eleven or more digits in a row, or one of the
# grouped forms (138 1234 5678, 6222 0212 3456 7890, 640104 19850312 1234). Dates, landlines,
# hotlines and short codes do not match, so nearly every page costs this one regex scan.
# Written with a plain character class first so that the regex engine can skip ahead cheaply.
_CANDIDATE = re.compile(
    rf"{_D}{_D}{_D}(?:{_D}{{8}}|{_SEP_RE}{_D}{{4}}{_SEP_RE}{_D}{{4}}"
    rf"|{_D}{_SEP_RE}{_D}{{4}}{_SEP_RE}{_D}{{4}}{_SEP_RE}{_D}{{4}}|{_D}{{3}}{_SEP_RE}{_D}{{8}}{_SEP_RE}{_D}{{3}})"
)
_LENGTHS = frozenset({11, 13, 15, 16, 17, 18, 19})  # mobile, +86 mobile, 15-digit ID / 0086 mobile, cards, ID
_RUN_CHARS = frozenset("0123456789０１２３４５６７８９" + _MASK_CHARS)
_CHECK_CHARS = frozenset("XxＸｘ")

# What may not touch a number: it would be part of a URL, a file name, a code or an amount.
_BAD_BEFORE = frozenset("_/\\=%#~")
_BAD_AFTER = frozenset("_/\\=%#~")
_URL_TOKEN_END = frozenset(" \t\r\n\u3000\u00a0\"'<>()（）[]【】，。；：,;")
_CLAUSE_END = re.compile(r"[。；;！!？?]")
_SEGMENT_END = re.compile(r"[。；;！!？?]|\n\s*\n")
_TAG = re.compile(r"<[^>]*>|&nbsp;")
_NEAR = 20  # characters before a number searched for its label
_SEGMENT = 3000  # characters searched back for a column header (tables as text)
_TABLE = 50_000  # characters searched back for a column header inside an HTML table

# ------------------------------------------------------------------ context words

_ID_WORDS = ("身份证", "身份号", "公民身份", "居民身份", "证件号", "证件编号", "证件号码", "证照号码")
_MOBILE_WORDS = ("手机", "电话", "联系", "号码", "移动", "热线", "微信", "Tel", "TEL", "tel")
_CARD_WORDS = ("卡号", "银行卡", "账号", "帐号", "账户", "帐户", "开户", "储蓄卡", "信用卡", "借记卡",
               "社保卡", "一卡通", "存折", "收款账", "银行账", "银行帐")
# Labels of other numbers: closer than a label of the kind, they say what the number is.
_OTHER_WORDS = ("编号", "编码", "单号", "订单", "流水", "代码", "识别号", "税号", "索引", "文号", "批次",
                "条码", "注册号", "许可证", "准考证", "考号", "学号", "登记号", "合同号", "发票", "交易号",
                "案号", "备案号", "邮编", "批准号", "项目号", "序列号", "工号")
_POSITIVE = {ID_CARD: _ID_WORDS, MOBILE: _MOBILE_WORDS, BANK_CARD: _CARD_WORDS}
# Such a label directly before the number: nothing but 号/码, a colon, brackets or spaces between.
_OTHER_DIRECT = re.compile("(" + "|".join(_OTHER_WORDS) + r")[号码\s:：=为是()（）#＃]*\Z")
_HEADER_LINES = 50  # lines from the top of a sheet searched for the column header

# GB/T 2260 province-level codes (the first two digits of the address code).
_PROVINCES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66), 71, 81, 82]
)
# ISO 7064 MOD 11-2 weights for the 17 digits of a GB 11643-1999 number: 2^(17-i) mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # check character by (sum mod 11)
_EARLIEST_BIRTH = date(1900, 1, 1)

# Attributes whose values people read (counted); every other attribute (href, src, action, data-*,
# id, class, style, on*) holds URLs, identifiers or script and is not counted.
_READ_ATTRS = frozenset({"title", "alt", "value", "placeholder", "content", "label", "aria-label",
                         "aria-description", "aria-placeholder", "summary", "abbr", "download"})
_HIDDEN_INPUT = re.compile(r"""\stype\s*=\s*["']?hidden""", re.IGNORECASE)
_DIAL_SCHEMES = ("tel:", "sms:", "mailto:", "callto:")
_ATTR_TAIL = re.compile(r"([A-Za-z_:][-\w:.]*)\s*=\s*(?:\"([^\"]*)|'([^']*)|([^\s\"'>=]*))\Z")

# Fields of the dataclass tree that keep their numbers: URLs and what must match them (a link's
# fragment, the page's anchor ids), and the HTTP validators sent back to the server next night.
UNMASKED_FIELDS = frozenset({"url", "final_url", "redirects", "pagination", "referer", "fragment", "anchors",
                             "etag", "last_modified"})


# ------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class Found:
    """One personal number in a text, as written.

    ``number`` is the normalised number (ASCII digits, ``X`` upper case, no
    prefix or separators); like ``raw`` it is transient and must never be
    stored, logged or put into a finding. ``start``/``end`` index ``raw`` in the
    text that was searched.
    """

    kind: str
    number: str
    raw: str
    start: int
    end: int


@dataclass(slots=True)
class PrivacyScan:
    """What :func:`scan_html` found on one page.

    ``hits``: one masked :class:`PrivacyHit` per distinct number, in order of first
    occurrence. ``replacements``: every way a counted number was written on the page
    (and its normalised form) -> the same text masked, character for character (ASCII
    digits become ``*``, full-width ones ``＊``, so encoded lengths do not change).
    Transient: it holds the numbers and is only for :func:`mask_strings` and
    :func:`mask_bytes`.
    """

    hits: list[PrivacyHit] = field(default_factory=list)
    replacements: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------ number rules


def _id_check(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _birth(year: int, month: int, day: int, today: date) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= today


def _valid_id18(number: str, today: date) -> bool:
    if len(number) != 18 or not number[:17].isdigit() or int(number[:2]) not in _PROVINCES:
        return False
    if _id_check(number[:17]) != number[17]:
        return False
    return _birth(int(number[6:10]), int(number[10:12]), int(number[12:14]), today)


def _valid_id15(number: str, today: date) -> bool:
    if len(number) != 15 or not number.isdigit() or int(number[:2]) not in _PROVINCES:
        return False
    return _birth(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]), today)


def _luhn(number: str) -> bool:
    """ISO/IEC 7812-1 Luhn check: from the right, double every second digit."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _plausible_card(number: str) -> bool:
    """An issuer prefix a payment card can have; numbers starting with a year (20xx, 19xx) cannot."""
    if len(set(number)) == 1:
        return False
    first = number[0]
    return first in "34569" or (first == "2" and 2221 <= int(number[:4]) <= 2720)


def _is_mobile(number: str) -> bool:
    return len(number) == 11 and number[0] == "1" and number[1] in "3456789" and number.isdigit()


# ------------------------------------------------------------------ the finder


def _after_last(pattern: re.Pattern, text: str) -> str:
    """What follows the last match of ``pattern`` in ``text`` (all of it without a match)."""
    end = 0
    for match in pattern.finditer(text):
        end = match.end()
    return text[end:]


class _Finder:
    """Find numbers in one text (plain text, or HTML source when ``markup``)."""

    def __init__(self, text: str, markup: bool, today: date):
        self.text = text
        self.markup = markup
        self.today = today
        self._lower: str | None = None
        self._headers: dict[tuple[int, int, tuple[str, ...]], tuple[int, bool]] = {}

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    # -- tokens and chains

    def _separator_before(self, pos: int) -> int:
        """Length of the separator that ends at ``pos`` (0: none)."""
        text = self.text
        if pos >= 6 and text.startswith("&nbsp;", pos - 6):
            return 6
        return 1 if pos >= 1 and text[pos - 1] in _SEPARATORS else 0

    def _separator_at(self, pos: int) -> int:
        """Length of the separator that starts at ``pos`` (0: none)."""
        text = self.text
        if text.startswith("&nbsp;", pos):
            return 6
        return 1 if pos < len(text) and text[pos] in _SEPARATORS else 0

    def _run_start(self, pos: int) -> int:
        """Start of the run (digits, mask characters, a trailing X) that ends at ``pos``."""
        text = self.text
        if pos >= 2 and text[pos - 1] in _CHECK_CHARS and text[pos - 2] in _RUN_CHARS:
            pos -= 1
        while pos > 0 and text[pos - 1] in _RUN_CHARS:
            pos -= 1
        return pos

    def _run_end(self, pos: int) -> int:
        """End of the run that starts at ``pos`` (an X counts when no letter or digit follows it)."""
        text, size = self.text, len(self.text)
        while pos < size and text[pos] in _RUN_CHARS:
            pos += 1
        if 0 < pos < size and text[pos] in _CHECK_CHARS and text[pos - 1] in _RUN_CHARS:
            if pos + 1 >= size or not (text[pos + 1].isascii() and text[pos + 1].isalnum()):
                pos += 1
        return pos

    def _chain_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The whole chain of runs joined by single separators around one candidate."""
        start = self._run_start(start)
        while (sep := self._separator_before(start)) and (before := self._run_start(start - sep)) < start - sep:
            start = before
        end = self._run_end(end)
        while (sep := self._separator_at(end)) and (after := self._run_end(end + sep)) > end + sep:
            end = after
        return start, end

    def find(self) -> list[Found]:
        """Numbers around each candidate of the first pass; runs are only built where there is one."""
        found: list[Found] = []
        done = 0
        for candidate in _CANDIDATE.finditer(self.text):
            if candidate.start() < done:
                continue
            first, last = self._chain_bounds(candidate.start(), candidate.end())
            done = last
            if last - first not in _LENGTHS and _SEPARATOR_CHARS.isdisjoint(self.text[first:last]):
                continue  # one run of a length no number has (a 14-digit 公安备案号, a 20-digit order number)
            chain = list(_TOKEN.finditer(self.text, first, last))
            index = 0
            while index < len(chain):
                result = self._grouped(chain, index) or self._single(chain, index)
                if result is None:
                    index += 1
                    continue
                item, index = result
                found.append(item)
        return found

    def _gap(self, chain: list[re.Match], left: int) -> str:
        """The separator between chain[left] and chain[left + 1]."""
        return self.text[chain[left].end():chain[left + 1].start()]

    @staticmethod
    def _digits(token: str) -> str | None:
        """The token as ASCII digits, or None when it holds a mask character."""
        if not _MASK_SET.isdisjoint(token):
            return None
        return token.translate(_FULL_WIDTH)

    def _prefix(self, chain: list[re.Match], index: int) -> int | None:
        """Start of a +86/86/0086 country prefix written as its own token before chain[index]."""
        if index == 0:
            return None
        token = chain[index - 1]
        if token.group().translate(_FULL_WIDTH) not in ("86", "0086"):
            return None
        if index >= 2 and self._gap(chain, index - 2) in _SEPARATORS:
            return None  # "... 2023 86 138…": part of a longer run
        start = token.start()
        return start - 1 if start and self.text[start - 1] in "+＋" else start

    # -- grouped forms: 138 1234 5678, 640104 19850312 1234, 6222 0212 3456 7890 123

    _GROUPS = (
        (BANK_CARD, (4, 4, 4, 4, 3)),
        (BANK_CARD, (4, 4, 4, 4, 2)),
        (BANK_CARD, (4, 4, 4, 4, 1)),
        (BANK_CARD, (4, 4, 4, 4)),
        (ID_CARD, (6, 8, 4)),
        (MOBILE, (3, 4, 4)),
    )

    def _grouped(self, chain: list[re.Match], index: int) -> tuple[Found, int] | None:
        for kind, sizes in self._GROUPS:
            stop = index + len(sizes)
            if stop > len(chain):
                continue
            tokens = [chain[i].group() for i in range(index, stop)]
            if [len(t) for t in tokens] != list(sizes):
                continue
            digits = [self._digits(t) for t in tokens]
            if any(d is None for d in digits):
                continue
            number = "".join(digits)  # type: ignore[arg-type]
            if "X" in number[:-1] or (kind != ID_CARD and "X" in number):
                continue
            gaps = {self._gap(chain, i) for i in range(index, stop - 1)}
            if len(gaps) != 1:
                continue
            sep = gaps.pop()
            before_joined = index > 0 and self._gap(chain, index - 1) == sep
            prefix = None
            if kind == MOBILE and before_joined:
                prefix = self._prefix(chain, index)
                if prefix is None:
                    continue
            elif before_joined:
                continue
            if stop < len(chain) and self._gap(chain, stop - 1) == sep:
                continue  # the groups go on: a longer number
            start = prefix if prefix is not None else chain[index].start()
            end = chain[stop - 1].end()
            item = self._judge(kind, number, start, end, chain[index].start())
            if item is not None:
                return item, stop
        return None

    # -- one contiguous token

    def _single(self, chain: list[re.Match], index: int) -> tuple[Found, int] | None:
        token = chain[index]
        number = self._digits(token.group())
        if number is None or len(number) not in _LENGTHS:
            return None
        if index + 1 < len(chain) and self._gap(chain, index) not in _SPACES:
            return None  # 13951002468-1: dash-joined to more digits
        start = token.start()
        kinds: tuple[str, ...] = (ID_CARD, MOBILE, BANK_CARD)
        if len(number) == 13 and number.startswith("86") and start and self.text[start - 1] in "+＋":
            number, start, kinds = number[2:], start - 1, (MOBILE,)  # +8613951002468
        elif len(number) == 15 and number.startswith("0086"):
            number, kinds = number[4:], (MOBILE,)  # 008613951002468
        if index > 0:
            prefix = self._prefix(chain, index) if len(token.group()) == 11 and _is_mobile(number) else None
            if prefix is not None:
                start, kinds = prefix, (MOBILE,)  # +86 13951002468, 86-13951002468
            elif self._gap(chain, index - 1) not in _SPACES:
                return None  # 0951-13951002468, 2023-640104…: dash-joined to more digits
        for kind in kinds:
            item = self._judge(kind, number, start, token.end(), token.start())
            if item is not None:
                return item, index + 1
        return None

    # -- the rules of each kind, with context

    def _judge(self, kind: str, number: str, start: int, end: int, digits_start: int) -> Found | None:
        """The number's own rules first (cheap), then its surroundings, then the labels before it."""
        if kind == MOBILE:
            valid = _is_mobile(number)
        elif kind == ID_CARD:
            valid = _valid_id18(number, self.today) or _valid_id15(number, self.today)
        else:
            valid = 16 <= len(number) <= 19 and number.isdigit() and _luhn(number) and _plausible_card(number)
        if not valid or not self._free(start, end):
            return None
        if kind == BANK_CARD or (kind == ID_CARD and len(number) == 15):
            if not self._context(digits_start, kind):
                return None
        elif self._other_label(digits_start, kind):
            return None
        elif kind == ID_CARD and number.isdigit() and _luhn(number) and _plausible_card(number):
            if self._label_end(digits_start, BANK_CARD) > self._label_end(digits_start, ID_CARD):
                kind = BANK_CARD  # 银行卡号：<a card number that also passes as an ID>
        return Found(kind, number, self.text[start:end], start, end)

    def _free(self, start: int, end: int) -> bool:
        """Not part of a URL, file name, identifier or decimal amount."""
        text = self.text
        if start:
            before = text[start - 1]
            if before in _BAD_BEFORE or (before.isascii() and before.isalpha()):
                return False
            if before == "." and start >= 2 and text[start - 2].isascii() and text[start - 2].isalnum():
                return False
        if end < len(text):
            after = text[end]
            if after in _BAD_AFTER or (after.isascii() and after.isalpha()):
                return False
            if after == "." and end + 1 < len(text) and text[end + 1].isascii() and text[end + 1].isalnum():
                return False
        # The whitespace-delimited token around the number: a URL written out as text.
        left = start
        limit = max(0, start - 200)
        while left > limit and text[left - 1] not in _URL_TOKEN_END:
            left -= 1
        token = text[left:start]
        return "://" not in token and "www." not in token

    def _window(self, start: int) -> str:
        """Up to ``_NEAR`` characters before ``start`` in the same clause (tags removed in markup).

        In tab-separated text (attachment tables) the window also ends at the line
        start: the line above is another row, its labels head columns (``_column``).
        """
        text = self.text
        if self.markup:
            before = _TAG.sub(" ", text[max(0, start - 400):start])
        else:
            before = text[max(0, start - _NEAR):start]
            newline = before.rfind("\n")
            if newline >= 0 and self._tabular(start):
                before = before[newline + 1:]
        return _after_last(_CLAUSE_END, before[-_NEAR:])

    def _label_end(self, start: int, kind: str) -> int:
        """Where in the near window the last label of ``kind`` ends (-1: none)."""
        window = self._window(start)
        return max((window.rfind(word) + len(word) for word in _POSITIVE[kind] if word in window), default=-1)

    def _other_label(self, start: int, kind: str) -> bool:
        """The number is directly labelled as another number (统一社会信用代码：…, 项目编号 …, 订单号 …).

        Directly: only separators, ``号``/``码`` and a colon stand between the label
        and the number, so a column header further back (身份证号 档案编号 张三 …) does
        not count; a label of ``kind`` ending at the same place wins (证件编号).
        """
        window = self._window(start)
        match = _OTHER_DIRECT.search(window)
        if match is None:
            return False
        own = max((window.rfind(w) + len(w) for w in _POSITIVE[kind] if w in window), default=-1)
        return match.end(1) > own

    def _context(self, start: int, kind: str) -> bool:
        """A label of ``kind`` before the number: near it, or heading its table column."""
        if self._label_end(start, kind) >= 0:
            return not self._other_label(start, kind)
        if self._other_label(start, kind):
            return False
        words = _POSITIVE[kind]
        if self.markup:
            lower = self.lower
            opened = lower.rfind("<table", max(0, start - _TABLE), start)
            if opened < 0 or lower.rfind("</table", opened, start) >= 0:
                return False
            region = self.text[opened:start]
            return any(word in region for word in words)
        column = self._column(start, words)
        if column is not None:
            return column
        region = _after_last(_SEGMENT_END, self.text[max(0, start - _SEGMENT):start])
        own = max((region.rfind(w) + len(w) for w in words if w in region), default=-1)
        if own < 0:
            return False
        # 项目编号 after 银行账号: the nearer header is another number's.
        return not any(w in region[own:] for w in _OTHER_WORDS)

    def _line(self, start: int) -> tuple[int, int]:
        """Start and end of the line holding ``start``."""
        text = self.text
        end = text.find("\n", start)
        return text.rfind("\n", 0, start) + 1, len(text) if end < 0 else end

    def _tabular(self, start: int) -> bool:
        """The line holding ``start`` is a row of tab-separated cells (attachment tables)."""
        line_start, line_end = self._line(start)
        return self.text.find("\t", line_start, line_end) >= 0

    def _column(self, start: int, words: tuple[str, ...]) -> bool | None:
        """In tab-separated rows: does the header of the number's column name ``kind``? None: not tabular.

        The header is the first line of the stretch (blank lines end one: sheets, Word
        parts) whose cell in this column carries a label of ``kind`` (True) or of another
        number (False). Worked out once per stretch, column and kind: a roster of
        thousands of rows must not rescan its rows for each number.
        """
        text = self.text
        line_start, line_end = self._line(start)
        if text.find("\t", line_start, line_end) < 0:
            return None
        column = text.count("\t", line_start, start)
        stretch = text.rfind("\n\n", 0, line_start)
        stretch = 0 if stretch < 0 else stretch + 2
        key = (stretch, column, words)
        if key not in self._headers:
            self._headers[key] = self._header(stretch, column, words)
        header_at, verdict = self._headers[key]
        return verdict if header_at < line_start else False

    def _header(self, stretch: int, column: int, words: tuple[str, ...]) -> tuple[int, bool]:
        """(where, verdict) of the first labelled cell in ``column`` from ``stretch`` on (-1, False: none)."""
        text = self.text
        at = stretch
        for _ in range(_HEADER_LINES):
            end = text.find("\n", at)
            if at >= len(text) or end == at:
                break  # the text or the stretch ends
            end = len(text) if end < 0 else end
            cells = text[at:end].split("\t")
            if column < len(cells):
                cell = cells[column]
                if any(w in cell for w in words):
                    return at, True
                if any(w in cell for w in _OTHER_WORDS):
                    return at, False
            at = end + 1
        return len(text), False


def find_numbers(text: str, *, today: date | None = None) -> list[Found]:
    """Every unmasked personal number in ``text``, in order.

    ``today`` bounds ID birth dates (none may lie in the future); it defaults to
    the machine's date, and the crawl passes the run's ``--today``.
    """
    if not text:
        return []
    return _Finder(text, False, today or date.today()).find()


# ------------------------------------------------------------------ masks and hashes


_KEEP = {ID_CARD: (6, 4), MOBILE: (3, 4), BANK_CARD: (4, 4)}


def _keep(number: str, kind: str) -> tuple[int, int]:
    if kind not in _KEEP:
        raise ValueError(f"unknown kind of personal number: {kind!r}")
    if kind == ID_CARD and len(number) == 15:
        return 6, 3  # 15 digits: the last 4 would show the last digit of the birth date
    return _KEEP[kind]


def mask(number: str, kind: str) -> str:
    """The masked form shown in reports: as long as the number, the middle replaced by ``*``.

    id-card (18): first 6 (address code) + 8 ``*`` (the whole birth date) + last 4
    (640102********1234); id-card (15): first 6 + 6 ``*`` + last 3, so no digit of
    the birth date shows; mobile: first 3 + ``****`` + last 4 (138****5678);
    bank-card: first 4 + ``*`` for each hidden digit + last 4 (6217***********0122 for
    19 digits, 6222********1234 for 16).
    """
    number = number.translate(_FULL_WIDTH)
    head, tail = _keep(number, kind)
    hidden = max(0, len(number) - head - tail)
    return number[:head] + "*" * hidden + number[len(number) - tail:] if hidden else "*" * len(number)


def _mask_raw(raw: str, number: str, kind: str) -> str:
    """``raw`` with the same characters hidden as :func:`mask` hides, separators and prefix kept.

    ASCII digits become ``*`` and full-width ones ``＊``, so the text keeps its
    length and every encoding keeps its byte length.
    """
    head, tail = _keep(number, kind)
    positions = [i for i, c in enumerate(raw) if c.translate(_FULL_WIDTH) in "0123456789X"]
    positions = positions[len(positions) - len(number):]  # drop a +86 prefix
    chars = list(raw)
    for i in positions[head:len(positions) - tail]:
        chars[i] = "*" if chars[i].isascii() else "＊"
    return "".join(chars)


def digest(number: str, salt: bytes, kind: str) -> str:
    """A salted fingerprint of a number: HMAC-SHA256(salt, "kind:number"), first 16 hex digits.

    It lets the store recognise the same leak on later nights without holding the
    number. The salt is the installation's secret: without it the 10^8-ish space of
    plausible ID numbers could be hashed through, so an empty salt is refused.
    """
    if not salt:
        raise ValueError("privacy digest needs a non-empty salt")
    message = f"{kind}:{number.translate(_FULL_WIDTH)}".encode()
    return hmac_sha256(salt, message)[:16]


# ------------------------------------------------------------------ pages and attachments


def _place(html: str, finder: _Finder, pos: int) -> str | None:
    """Where a number sits in HTML source: ``text``, ``attribute`` (read by people) or None (not counted)."""
    if html.rfind("<!--", 0, pos) > html.rfind("-->", 0, pos):
        return None  # a comment
    opened, closed = html.rfind("<", 0, pos), html.rfind(">", 0, pos)
    if opened > closed:  # inside a tag: which attribute?
        match = _ATTR_TAIL.search(html, opened, pos)
        if match is None:
            return None
        name = match.group(1).lower()
        value = (match.group(2) or match.group(3) or match.group(4) or "").strip().lower()
        if name == "value" and _HIDDEN_INPUT.search(html, opened, max(pos, html.find(">", pos))):
            return None  # <input type="hidden" value=…>: a form's internal id, shown to nobody
        if name in _READ_ATTRS or (name == "href" and value.startswith(_DIAL_SCHEMES)):
            return "attribute"
        return None
    lower = finder.lower
    for tag in ("script", "style"):
        if lower.rfind("<" + tag, 0, pos) > lower.rfind("</" + tag, 0, pos):
            return None
    return "text"


def scan_html(html: str, visible_text: str, salt: bytes, *, today: date | None = None) -> PrivacyScan:
    """Personal numbers of one page: counted hits and the replacements that mask them.

    Counted: numbers in ``visible_text`` (the page text the extractor keeps) and
    in the HTML's text nodes (``<title>``, hidden text: still public), and in the
    values of attributes people read (title, alt, value, placeholder, meta
    content …, and ``tel:``/``mailto:`` links). Not counted: numbers only inside
    URLs (href, src, action …), ``data-*``/id/class attributes, ``<script>``,
    ``<style>`` and comments. ``where`` is ``text`` when one occurrence is text,
    else ``attribute``. Each counted number is added to ``replacements`` in every
    form it was written in on the page, so that it can be masked everywhere,
    including inside scripts and URLs of the raw response; numbers that are only
    in uncounted places are neither hits nor replaced. ``today`` as for
    :func:`find_numbers`.
    """
    today = today or date.today()
    counted: dict[tuple[str, str], tuple[set[str], set[str]]] = {}  # (kind, number) -> (places, raws)

    def count(item: Found, place: str) -> None:
        places, raws = counted.setdefault((item.kind, item.number), (set(), set()))
        places.add(place)
        raws.add(item.raw)

    if visible_text:
        for item in _Finder(visible_text, False, today).find():
            count(item, "text")
    uncounted: list[Found] = []
    if html:
        finder = _Finder(html, True, today)
        for item in finder.find():
            place = _place(html, finder, item.start)
            if place is None:
                uncounted.append(item)
            else:
                count(item, place)
    if not counted:
        return PrivacyScan()
    for item in uncounted:
        if (item.kind, item.number) in counted:
            counted[(item.kind, item.number)][1].add(item.raw)

    scan = PrivacyScan()
    for (kind, number), (places, raws) in counted.items():
        where = "text" if "text" in places else "attribute"
        scan.hits.append(PrivacyHit(kind, mask(number, kind), digest(number, salt, kind), where))
        for raw in sorted(raws):
            scan.replacements[raw] = _mask_raw(raw, number, kind)
        scan.replacements.setdefault(number, mask(number, kind))
    return scan


def scan_text(text: str, salt: bytes, where: str = "attachment", *, today: date | None = None) -> list[PrivacyHit]:
    """Masked hits in plain text (an attachment's PDF/DOCX/XLSX text): one per distinct number."""
    hits: dict[tuple[str, str], PrivacyHit] = {}
    for item in find_numbers(text, today=today):
        key = (item.kind, item.number)
        if key not in hits:
            hits[key] = PrivacyHit(item.kind, mask(item.number, item.kind), digest(item.number, salt, item.kind),
                                   where)
    return list(hits.values())


# ------------------------------------------------------------------ masking what is kept


def _substituter(replacements: dict[str, str]):
    pattern = re.compile("|".join(re.escape(raw) for raw in sorted(replacements, key=len, reverse=True)))

    def substitute(value: str) -> str:
        return pattern.sub(lambda match: replacements[match.group()], value) if value else value

    return substitute


def _mask_value(value, substitute):
    """The value with every str inside masked; containers and dataclasses are changed in place."""
    if type(value) is str:  # not str subclasses: enums (Region …) keep their identity
        return substitute(value)
    if isinstance(value, list):
        for i, item in enumerate(value):
            new = _mask_value(item, substitute)
            if new is not item:
                value[i] = new
    elif isinstance(value, dict):
        for key, item in value.items():
            new = _mask_value(item, substitute)
            if new is not item:
                value[key] = new
    elif is_dataclass(value) and not isinstance(value, type):
        _mask_dataclass(value, substitute)
    return value


def _mask_dataclass(obj, substitute) -> None:
    if type(obj).__dataclass_params__.frozen:  # PrivacyHit and the like: masked when made
        return
    for spec in fields(obj):
        if spec.name in UNMASKED_FIELDS:
            continue
        value = getattr(obj, spec.name)
        new = _mask_value(value, substitute)
        if new is not value:
            setattr(obj, spec.name, new)


def mask_strings(obj: object, replacements: dict[str, str]) -> None:
    """Mask every counted number in every string of a dataclass tree, in place.

    Walks ``PageFacts`` (or any dataclass, a list or a dict of them): str fields,
    lists, dict values, nested dataclasses (DocInfo, LinkFacts text, ListItem
    titles, A11yNode html/selector/detail, MessageFact title/status/unit/limit/number:
    a writer's mobile number often sits in a message's title …). ``UNMASKED_FIELDS`` keep their
    numbers: URLs (url, final_url, redirects, pagination, referer, a link's
    fragment, the page's anchor ids), because changing them would break link
    identity, link checking and fragment matching, and the HTTP validators
    (etag, last_modified), which must go back to the server unchanged. The leak is still recorded as a hit, and the
    report shows it masked. Returns at once when there is nothing to replace.
    """
    if not replacements:
        return
    _mask_value(obj, _substituter(replacements))


def mask_bytes(body: bytes, replacements: dict[str, str], encodings: tuple[str, ...] = ("utf-8", "gbk")) -> bytes:
    """Mask every counted number in raw response bytes (the kept evidence capture).

    Each written form is encoded in each of ``encodings`` (the page's own first)
    and replaced byte for byte; masks keep the byte length (``*`` for ASCII
    digits, ``＊`` for full-width ones), so captured Content-Length headers stay
    true. In GBK, ASCII digits never occur inside a double-byte character (trail
    bytes start at 0x40), so a plain byte replacement is safe.
    """
    if not replacements or not body:
        return body
    for raw in sorted(replacements, key=len, reverse=True):
        masked = replacements[raw]
        for encoding in encodings:
            try:
                old, new = raw.encode(encoding), masked.encode(encoding)
            except (UnicodeEncodeError, LookupError):
                continue
            if old in body:
                body = body.replace(old, new)
    return body
