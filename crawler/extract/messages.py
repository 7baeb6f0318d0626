"""Public messages (政民互动：留言 / 来信 / 诉求) as message boards show them -> ``MessageFact``.

Why here: ``unanswered-message`` and ``late-reply`` judge replies from facts alone,
so the crawler records what a board page *says* about each message — when it was
asked, when and by whom it was answered, its status word, its number and the
handling limit the board states — and never decides whether it is late.

Real boards (领导信箱 / 区长信箱 / 书记信箱, 留言选登, 网上咨询, 12345 工单公开,
问政, 我为政府网站找错) print the same few fields in many words and layouts. This
module reads four layouts, label-driven, with the vocabulary below:

1. a detail page with labelled fields, in table cells (``<th>来信时间</th><td>…``,
   ``<td>来信时间:</td><td>…``) or in ``label：value`` lines;
2. a detail page in question/answer blocks, several labels on one line
   (``留言人：网友　留言时间：2023-09-01``): a value ends at the next label;
3. a list page as a table whose header row names the columns
   (信件编号 | 信件标题 | 来信时间 | 办理状态): one fact per row, ``where="list"``;
4. a list page of ``li``/``div`` rows, each with a link and labelled spans, a bare
   status word (``<span class="state">已回复</span>``) or a bare date.

Being wrong is costly both ways (a false "unanswered" finding, or a missed one), so
recognition is conservative: a detail page needs a time-asked label with a date and
one more message field (status, reply, unit, number, limit) or a message-board
context (column, heading or title naming 信箱/留言/咨询/投诉/诉求/12345/问政…); a list
row needs a status word, an asked-time label or header, or a message-board context
and a date. A news list, a 发布时间 header, a consultation's 反馈时间 or an FAQ's
问：/答： yields nothing.

Cheap on ordinary pages: one substring test on ``page.text`` (no asked-time label
and no status word -> no messages) runs before any cell or tree walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

from crawler.extract.dates import parse_date
from crawler.extract.links import resolve
from crawler.extract.scan import EMPTY, F_KEY, F_PAGER, F_TEMPLATE, INLINE, RawLink
from crawler.urls import normalise
from govcrawl.model import MessageFact, PageFacts, Region

__all__ = ["STATUS_WORDS", "limit_phrase", "read_messages", "replied_from_status"]

# ------------------------------------------------------------------ vocabulary

# Labels as printed (spaces removed) -> the field they fill. "ask"/"reply" are the
# message and answer texts (only read for 暂无答复-type placeholders), "other" labels
# only end the value before them (留言人：网友　留言时间：… ).
_FIELD_LABELS: dict[str, str] = {
    # when it was asked; 受理/提交 are weak (permit records use them too): see _WEAK_ASKED
    "asked": "留言时间 来信时间 写信时间 提问时间 咨询时间 投诉时间 受理时间 诉求时间 提交时间 发信时间 "
    "来电时间 反映时间 求助时间 建议时间 留言日期 来信日期 写信日期 提问日期 咨询日期 投诉日期 受理日期 "
    "诉求日期 提交日期 发信日期",
    "replied": "回复时间 答复时间 办结时间 处理时间 反馈时间 办复时间 回复日期 答复日期 办结日期 处理日期 "
    "反馈日期 办复日期",
    "status": "状态 办理状态 处理状态 回复状态 答复状态 办事状态 信件状态 当前状态 办结状态 留言状态",
    "unit": "回复单位 答复单位 承办单位 办理单位 受理单位 处理单位 回复部门 答复部门 责任单位 承办部门 "
    "办理部门 受理部门 处理部门 责任部门 回复机构 答复机构 办复单位",
    "number": "信件编号 留言编号 诉求编号 工单编号 编号 查询码 受理编号 来信编号 咨询编号 投诉编号 信件号 工单号",
    "limit": "办理时限 答复时限 回复时限 办结时限 处理时限 办理期限 答复期限",
    "title": "信件标题 留言标题 来信标题 标题 主题 来信主题 留言主题 信件主题 咨询标题 投诉标题 诉求标题 "
    "咨询主题 诉求主题",
    "ask": "留言内容 来信内容 信件内容 咨询内容 投诉内容 诉求内容 问题内容 提问内容 反映内容 建议内容 "
    "咨询问题 问题描述 诉求描述",
    "reply": "回复内容 答复内容 回复意见 答复意见 处理结果 办理结果 处理情况 办理情况 办理结果 回复 答复",
    "other": "留言人 来信人 写信人 提问人 咨询人 投诉人 诉求人 发信人 姓名 类型 信件类型 留言类型 "
    "来信类型 诉求类型 咨询类型 问题类型 所属类别 问题类别 浏览次数 点击数 浏览量 访问量 满意度 "
    "是否公开 收件人 来信对象 写信对象 留言对象 办理时间 拟办时间 发布时间 来源",
}
_LABELS: dict[str, str] = {
    label: field for field, labels in _FIELD_LABELS.items() for label in labels.split()
}
_WEAK_ASKED = frozenset("受理时间 受理日期 提交时间 提交日期".split())
# Short, common words: a label only with a colon, or in a table's label cell.
_KEY_ONLY = frozenset("状态 编号 标题 主题 回复 答复 类型 姓名 来源".split())
# Content labels: their value is the message or reply text, often in the next paragraph.
_CONTENT = frozenset({"ask", "reply"})

# Status words as boards print them, and what they say about a reply.
_REPLIED_WORDS = "已回复 已答复 已办结 已处理 已反馈 办结 已办理 已完成 已解决 已回应 已办复 已结案 已回"
_OPEN_WORDS = (
    "未回复 待回复 未答复 待答复 办理中 处理中 待处理 已受理 转办中 未办结 未处理 待办理 受理中 已转办 "
    "交办中 未办理 待受理 正在办理 正在处理 待反馈 未反馈 审核中 待审核 已交办 已分办 待办结"
)
STATUS_WORDS: dict[str, bool] = {
    **{word: True for word in _REPLIED_WORDS.split()},
    **{word: False for word in _OPEN_WORDS.split()},
}
# A reply block that holds no reply.
_NO_REPLY = re.compile(
    r"^[\s:：]*(?:(?:目前)?(?:暂无|暂未|尚未|还未|等待|未|待)(?:答复|回复|办理|处理|反馈|办结)?(?:内容|信息)?"
    r"|无|空|-+|—+|/)?[。.!！\s]*$"
)

# Pages about messages: their column, heading or title names a board.
# Not 互动 alone (互动交流 also holds 在线访谈 and 意见征集), nor 民意/建言 (征集 columns).
_CONTEXT = re.compile(r"信箱|留言|来信|咨询|投诉|诉求|12345|问政|热线|找错|民声|网上信访")


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex for many literal words, factored by common prefixes (已(?:回复|答复|…)):
    re tries each alternative at each position, so a flat alternation of 70 words costs
    several times more per character of text than the factored one."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        alternatives = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


# The cheap pre-test on page.text: an asked-time label or a status word. Only the first
# _PRECHECK_CHARS are read: a board shows them near the top (a detail page's header, the
# first rows of a list), and a 200k-character policy text must not pay for them.
_PRECHECK = re.compile(_trie_pattern({label for label, field in _LABELS.items() if field == "asked"} | set(STATUS_WORDS)))
_PRECHECK_CHARS = 30_000

# "…一般在5个工作日内答复", "15个工作日内予以答复", "原则上在3个工作日办结", "自受理之日起15日内回复"
# The number must not be a date's day (2023年10月20日) or part of a longer number.
_NUMBER = r"(?<![\d年月/.\-－])(?:\d{1,3}|[一二三四五六七八九十两]{1,3})"
_PERIOD = re.compile(_NUMBER + r"\s*(?:个\s*工作日|工作日|(?:个\s*)?(?:自然日|日|天|个\s*月|周)(?=\s*内))")
_REPLY_VERB = re.compile(r"答复|回复|办结|办理|反馈|处理|回应|办复|予以")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")

_SPACE = re.compile(r"\s+")
_LABEL_ALT = "|".join(r"\s*".join(map(re.escape, label)) for label in sorted(_LABELS, key=len, reverse=True))
# A label starts a cell or follows a separator; it is followed by a colon.
_LABEL_COLON = re.compile(r"(?:^|(?<=[\s|｜/【】\[\]（()）>，,;；]))(" + _LABEL_ALT + r")\s*[:：]")
_LABEL_ONLY = re.compile(r"^[\s【\[]*(" + _LABEL_ALT + r")[\s】\]]*([:：])?\s*$")
# A value also ends at an unknown label ("联系电话：…"): a short word and a colon after a space.
_UNKNOWN_LABEL = re.compile(r"\s[\u4e00-\u9fff]{2,8}\s*[:：]")
_BRACKETS = "[]【】()（）<>《》「」 \u3000\xa0"

_MAX_VALUE = 120
_MAX_SHORT = 40  # status, unit, number, limit: longer is prose, not a field
_MAX_ROW_TEXT = 600
_STOP_TAGS = frozenset({"body", "html", "table", "tbody", "thead", "form", "ul", "ol", "dl"})
_ROW_TAGS = frozenset({"tr", "li", "dd", "dl"})


@dataclass(slots=True)
class _Record:
    """The fields of one message as read, before they become a ``MessageFact``."""

    title: str | None = None
    asked: str | None = None
    asked_label: str | None = None
    replied: str | None = None
    status: str | None = None
    unit: str | None = None
    number: str | None = None
    limit: str | None = None
    reply_text: str | None = None
    ask_text: str | None = None
    unit_replied: bool = False  # the unit came from a 回复/答复 label (it answers for the message)

    def put(self, field: str, value: str, label: str = "") -> None:
        """Keep the first value of each field (a page's own fields come before any sidebar).

        The one exception: a replying unit (回复单位/答复单位) replaces an earlier 受理/承办
        unit, because the department that answered is the one the finding is for.
        """
        if field == "other":
            return
        attr = {"ask": "ask_text", "reply": "reply_text"}.get(field, field)
        replying = field == "unit" and label.startswith(("回复", "答复")) and bool(value.strip())
        if getattr(self, attr) is not None and not (replying and not self.unit_replied):
            return
        if field == "unit":
            self.unit_replied = replying
        if field == "asked" and parse_date(value) is None:
            return  # "受理时间：工作日9:00-17:00" is office hours, not a date
        setattr(self, attr, value)
        if field == "asked":
            self.asked_label = label

    def message_fields(self) -> int:
        """How many fields beyond the asked time say this is a message."""
        return sum(
            1 for value in (self.replied, self.status, self.unit, self.number, self.limit, self.reply_text)
            if value
        )


# ------------------------------------------------------------------ entry point


def read_messages(
    page: PageFacts,
    raw_cells: list[str],
    cell_flags: list[int],
    raw_links: list[RawLink],
    base: str,
    codec: str,
) -> list[MessageFact]:
    """The messages ``page`` shows: one per row of a message list, or the message of a
    detail page. ``raw_cells``/``cell_flags``/``raw_links`` are the page's one walk
    (``crawler.extract.scan``); ``base`` and ``codec`` resolve row links as
    ``crawler.extract.links`` does. Pure: reads what the page says, judges nothing.
    """
    text = page.text
    if not text or _PRECHECK.search(text, 0, _PRECHECK_CHARS) is None:
        return []
    context = _has_context(page)
    notice = limit_phrase(text)
    rows, labelled = list_messages(raw_links, base, codec, context=context)
    for message in rows:
        message.limit = message.limit or notice
    detail = detail_message(page, _clean(raw_cells, cell_flags), codec, context=context, listed=labelled)
    if detail is None:
        return rows
    if any(_same_message(detail, message) for message in rows):
        return rows  # the "detail" was one of the list's rows after all
    detail.limit = detail.limit or notice
    return [detail, *rows]


def _same_message(detail: MessageFact, row: MessageFact) -> bool:
    """Does a list row show the message read as the page's detail (same number, or the
    same asked date and unit)?"""
    if row.url and row.url == detail.url:
        return False  # a board listing its own page's message: keep both readings
    if detail.number and detail.number == row.number:
        return True
    return detail.asked_on == row.asked_on and detail.unit is not None and detail.unit == row.unit


def _has_context(page: PageFacts) -> bool:
    """Is this page in a message board (column, breadcrumb, heading or title names one)?"""
    names = [page.column or "", page.heading or "", page.title or "", *page.breadcrumb[1:]]
    return any(_CONTEXT.search(name) for name in names if name)


def limit_phrase(text: str) -> str | None:
    """The handling limit a board notice states, as written without spaces ("5个工作日").

    Only a sentence that also names replying/handling counts (来信一般在5个工作日内答复),
    so "工作日9:00-17:00" or an unrelated "30日" does not.
    """
    if "工作日" not in text and "日内" not in text and "天内" not in text and "个月内" not in text:
        return None
    for sentence in _SENTENCE.findall(text):
        if not _REPLY_VERB.search(sentence):
            continue
        match = _PERIOD.search(sentence)
        if match is None:
            continue
        return _SPACE.sub("", match.group())
    return None


def replied_from_status(status: str | None) -> bool | None:
    """What a status value says about a reply: True, False, or None (unknown word)."""
    word = _status_word(status)
    return None if word is None else STATUS_WORDS[word]


def _status_word(value: str | None) -> str | None:
    """The status word in ``value`` ("【已回复】", "已办结 查看"), longest first."""
    if not value:
        return None
    value = value.strip(_BRACKETS)
    if value in STATUS_WORDS:
        return value
    for word in _STATUS_BY_LENGTH:
        if value.startswith(word):
            return word
    return None


_STATUS_BY_LENGTH = sorted(STATUS_WORDS, key=len, reverse=True)


# ------------------------------------------------------------------ detail pages (layouts 1, 2)


def _clean(raw_cells: list[str], flags: list[int]) -> list[tuple[str, int]]:
    """Cells outside the template (inline marks -> spaces, whitespace collapsed).

    Unlike ``docinfo.clean_cells`` the article text is kept: boards print the message
    and its reply (答复内容：暂无答复) inside the TRS_Editor block.
    """
    out: list[tuple[str, int]] = []
    for text, flag in zip(raw_cells, flags, strict=False):
        if flag & (F_TEMPLATE | F_PAGER):
            continue
        empty = EMPTY in text
        text = " ".join(text.replace(INLINE, " ").replace(EMPTY, "").split())
        if text or empty:
            out.append((text, flag))
    return out


def _norm(label: str) -> str:
    return _SPACE.sub("", label)


def _value(raw: str) -> str:
    """A field value: cut at an unknown ``label：``, trimmed, bounded."""
    cut = _UNKNOWN_LABEL.search(" " + raw)
    if cut is not None:
        raw = raw[: max(cut.start() - 1, 0)]
    return " ".join(raw.strip().lstrip(":：").split())[:_MAX_VALUE]


def _label_only(text: str, flag: int) -> str | None:
    """The label when the whole cell is one (``<th>来信时间</th>``, ``<h3>回复内容</h3>``)."""
    if not text or len(text) > 14:
        return None
    match = _LABEL_ONLY.match(text)
    if match is None:
        return None
    label = _norm(match.group(1))
    if label in _KEY_ONLY and not (flag & F_KEY or match.group(2)):
        return None
    return label


def read_fields(cells: list[tuple[str, int]]) -> tuple[_Record, int]:
    """Labelled message fields of a page (first value wins) and how many asked-time
    labels with a date it shows (more than one: a list, not one message)."""
    record = _Record()
    asked_count = 0
    index, count = 0, len(cells)
    while index < count:
        text, flag = cells[index]
        index += 1
        label = _label_only(text, flag)
        if label is not None:
            if index < count and _label_only(*cells[index]) is not None:
                while index < count and _label_only(*cells[index]) is not None:
                    index += 1  # a list's header row: labels without values
                continue
            field = _LABELS[label]
            value, used = _next_value(cells, index, field)
            index += used
            asked_count += field == "asked" and parse_date(value) is not None
            record.put(field, value, label)
            continue
        for label, value in _pairs(text):
            field = _LABELS[label]
            asked_count += field == "asked" and parse_date(value) is not None
            record.put(field, value, label)
    return record, asked_count


def _next_value(cells: list[tuple[str, int]], index: int, field: str) -> tuple[str, int]:
    """The value of a label-only cell and how many cells it used: the next cell, unless
    that is labelled itself. A content label (``<h3>回复内容</h3>``) may look past one
    labelled line (回复单位：… 回复时间：…) and uses no cell, so that line is still read."""
    for step in range(2 if field in _CONTENT else 1):
        if index + step >= len(cells):
            break
        text = cells[index + step][0]
        if _LABEL_COLON.match(text) is not None:
            continue
        if field in _CONTENT:
            return text[:_MAX_VALUE], 0
        return _value(text), 1
    return "", 0


def _pairs(text: str) -> Iterator[tuple[str, str]]:
    """``label：value`` pairs of one cell; each value ends at the next label."""
    if "：" not in text and ":" not in text:
        return
    matches = list(_LABEL_COLON.finditer(text))
    for position, match in enumerate(matches):
        end = matches[position + 1].start() if position + 1 < len(matches) else len(text)
        label = _norm(match.group(1))
        raw = text[match.end() : end]
        yield label, (raw.strip()[:_MAX_VALUE] if _LABELS[label] in _CONTENT else _value(raw))


def detail_message(
    page: PageFacts, cells: list[tuple[str, int]], codec: str, *, context: bool, listed: int = 0
) -> MessageFact | None:
    """The one message a detail page shows, or None when the page is no message page.

    ``listed`` is how many list rows of the page carry a labelled asked time: those
    labels are the list's, and exactly one more makes a detail page.
    """
    record, asked_count = read_fields(cells)
    if record.asked is None or asked_count - listed != 1:
        return None
    if record.asked_label in _WEAK_ASKED and not context:
        return None
    if not (record.message_fields() or context):
        return None
    own = normalise(page.final_url or page.url, codec)
    title = record.title or page.heading or _page_title(page.title)
    return _fact(record, own[0] if own else (page.final_url or page.url), title or "", "detail")


def _page_title(title: str | None) -> str | None:
    """``关于…的咨询_兴庆区人民政府`` -> ``关于…的咨询`` (the site name after the separator)."""
    if not title:
        return None
    return _TITLE_SEPARATOR.split(title, maxsplit=1)[0] or None


# 标题_网站名, 标题 - 网站名, 标题|网站名, 标题-栏目 (a hyphen between Chinese characters only:
# 2023-2025 stays whole).
_TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s|(?<=[\u4e00-\u9fff）)》])[-—–]+(?=[\u4e00-\u9fff]))\s*")


def _short(value: str | None) -> str | None:
    value = (value or "").strip(_BRACKETS + ":：")
    return value[:_MAX_SHORT] if value else None


def _fact(record: _Record, url: str, title: str, where: str) -> MessageFact:
    """``MessageFact`` from a record: dates read, ``replied`` decided from what the page says."""
    replied_on = parse_date(record.replied)
    status = _short(record.status)
    replied: bool | None
    if replied_on is not None:
        replied = True
    else:
        replied = replied_from_status(status)
        if replied is None and record.reply_text is not None:
            replied = not _NO_REPLY.match(record.reply_text)
    return MessageFact(
        url=url,
        title=" ".join(title.split())[:300],
        asked_on=parse_date(record.asked),
        replied_on=replied_on,
        status=status,
        replied=replied,
        unit=_short(record.unit),
        limit=_short(record.limit),
        number=_short(record.number),
        where=where,
    )


# ------------------------------------------------------------------ list pages (layouts 3, 4)


def list_messages(
    raw_links: list[RawLink], base: str, codec: str, *, context: bool
) -> tuple[list[MessageFact], int]:
    """One fact per message row of the page's lists — header-mapped tables first, then
    rows of labelled spans / bare status words / bare dates — and how many of those
    rows show a labelled asked time (``detail_message`` must not count them)."""
    anchors = [
        link.element for link in raw_links
        if link.tag == "a" and link.element is not None and link.region is Region.BODY
        and not link.flags & (F_PAGER | F_TEMPLATE)
    ]
    if not anchors:
        return [], 0
    out: list[MessageFact] = []
    table_rows: set[etree._Element] = set()
    for table in dict.fromkeys(_table_of(anchor) for anchor in anchors):
        if table is not None:
            out.extend(_table_messages(table, base, codec, context, table_rows))
    # parent -> row -> its title link (the longest link text when a row has several)
    groups: dict[etree._Element, dict[etree._Element, etree._Element]] = {}
    for anchor in anchors:
        row = _row_of(anchor)
        if row is None or row in table_rows:
            continue
        rows = groups.setdefault(row.getparent(), {})
        if row not in rows or len(_text(anchor)) > len(_text(rows[row])):
            rows[row] = anchor
    labelled = 0
    for parent, rows in groups.items():
        found, count = _row_messages(parent, rows, base, codec, context)
        out.extend(found)
        labelled += count
    return out, labelled


def _table_of(anchor: etree._Element) -> etree._Element | None:
    for ancestor in anchor.iterancestors():
        if ancestor.tag == "table":
            return ancestor
        if ancestor.tag in ("body", "li", "ul"):
            return None
    return None


def _text(el: etree._Element) -> str:
    return " ".join(" ".join(el.itertext()).split())


def _cells_of(row: etree._Element) -> list[etree._Element]:
    return [child for child in row if child.tag in ("td", "th")]


def _table_rows(table: etree._Element) -> list[etree._Element]:
    return [row for row in table.iter("tr") if _table_of_row(row) is table]


def _table_of_row(row: etree._Element) -> etree._Element | None:
    for ancestor in row.iterancestors("table"):
        return ancestor
    return None


def _column_field(header: str) -> str | None:
    """The field a list column holds, from its header text (信件标题 -> title, 时间 -> asked)."""
    label = _norm(header).strip(":：")
    field = _LABELS.get(label)
    if field is not None:
        return field
    if label in ("时间", "日期"):
        return "time"
    if label.endswith(("标题", "主题", "名称", "事项")):
        return "title"
    if label.endswith("状态"):
        return "status"
    if label.endswith(("单位", "部门")):
        return "unit"
    return None


def _table_messages(table, base: str, codec: str, context: bool, seen_rows: set) -> list[MessageFact]:
    """Rows of a table whose header row names message columns."""
    rows = _table_rows(table)
    header_at = next((i for i, row in enumerate(rows[:3]) if _is_header(row)), None)
    if header_at is None:
        return []
    columns = [_column_field(_text(cell)) for cell in _cells_of(rows[header_at])]
    strong = any(field in ("asked", "replied", "status", "number") for field in columns)
    if not (strong or (context and "time" in columns)):
        return []
    if "asked" not in columns and "time" in columns:
        columns = ["asked" if field == "time" else field for field in columns]
    out = []
    for row in rows[header_at + 1 :]:
        cells = _cells_of(row)
        if len(cells) < 2:
            continue
        record = _Record()
        for field, cell in zip(columns, cells, strict=False):
            if field and field not in ("time", "other"):
                record.put(field, _text(cell))
        anchor = _title_anchor(row, cells, columns)
        url = _link_url(anchor, base, codec)
        title = record.title or (_anchor_title(anchor) if anchor is not None else "")
        if not (title or url) or (record.asked is None and record.status is None):
            continue
        seen_rows.add(row)
        out.append(_fact(record, url, title, "list"))
    return out


def _is_header(row: etree._Element) -> bool:
    """A header row: th cells, or short label cells without a link, naming known columns."""
    cells = _cells_of(row)
    if len(cells) < 2 or next(row.iter("a"), None) is not None:
        return False
    texts = [_text(cell) for cell in cells]
    if any(len(text) > 12 for text in texts):
        return False
    return sum(_column_field(text) is not None for text in texts) >= 2


def _title_anchor(row, cells, columns) -> etree._Element | None:
    """The row's link: in the title column if there is one, else the first link."""
    for field, cell in zip(columns, cells, strict=False):
        if field == "title":
            anchor = next((a for a in cell.iter("a") if a.get("href")), None)
            if anchor is not None:
                return anchor
    return next((a for a in row.iter("a") if a.get("href")), None)


def _anchor_title(anchor: etree._Element) -> str:
    """Link text, or the full ``title`` attribute when the text is cut short (…)."""
    text = _text(anchor)
    full = " ".join((anchor.get("title") or "").split())
    if full and (not text or text.rstrip(".…") != text and full.startswith(text.rstrip(".…")[:4])):
        return full
    return text


def _link_url(anchor: etree._Element | None, base: str, codec: str) -> str:
    if anchor is None:
        return ""
    resolved = resolve(base, anchor.get("href") or "", codec)
    return resolved[0] if resolved else ""


def _row_of(anchor: etree._Element) -> etree._Element | None:
    """The list row an anchor sits in: the nearest li/tr/dd, else the largest ancestor
    holding no other link (div/p rows). ``ul`` rows of ``li`` cells count as the row."""
    el = anchor
    for _ in range(6):
        parent = el.getparent()
        if el.tag in _ROW_TAGS and el is not anchor:
            if el.tag == "li" and parent is not None and _is_li_row_list(parent):
                return parent
            return el
        if parent is None or parent.tag in _STOP_TAGS:
            return el if el is not anchor else None
        if _link_count(parent) > 1 or len(_text(parent)) > _MAX_ROW_TEXT:
            return el if el is not anchor else None
        el = parent
    return None


def _is_li_row_list(ul: etree._Element) -> bool:
    """``<ul><li><a>标题</a></li><li>2023-09-01</li><li>已回复</li></ul>``: the ul is one row."""
    return ul.tag in ("ul", "ol") and _link_count(ul) == 1 and len(ul) >= 2 and len(_text(ul)) <= _MAX_ROW_TEXT


def _link_count(el: etree._Element) -> int:
    count = 0
    for a in el.iter("a"):
        if a.get("href"):
            count += 1
            if count > 1:
                break
    return count


def _pieces(row: etree._Element, anchor: etree._Element | None) -> list[str]:
    """The row's text nodes outside its title link, each trimmed (a span's text is one piece)."""
    inside = set(anchor.iter()) if anchor is not None else set()
    out = []
    for el in row.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el not in inside and el.text and el.text.strip():
            out.append(" ".join(el.text.split()))
        if el is not row and (el is anchor or el not in inside) and el.tail and el.tail.strip():
            out.append(" ".join(el.tail.split()))
    return out


def _row_record(row: etree._Element, anchor: etree._Element | None) -> tuple[_Record, str]:
    """Fields of one li/div row — labelled pieces (``承办单位：X``, or ``承办单位：`` then
    ``X``), a bare status word (``<span class="state">已回复</span>``), a bare date — and
    its first free piece (the title of a row without a link)."""
    record = _Record()
    pieces = _pieces(row, anchor)
    bare_dates = []
    free = ""
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        index += 1
        label = _label_only(piece, 0)
        if label is not None:
            following = pieces[index] if index < len(pieces) else ""
            if following and _label_only(following, 0) is None and not _LABEL_COLON.match(following):
                record.put(_LABELS[label], _value(following), label)
                index += 1
            continue
        pairs = list(_pairs(piece))
        for label, value in pairs:
            record.put(_LABELS[label], value, label)
        if pairs:
            continue
        word = _status_word(piece) if len(piece.strip(_BRACKETS)) <= 8 else None
        if word is not None:
            record.put("status", piece)
        elif len(piece) <= 24 and parse_date(piece) is not None:
            bare_dates.append(piece)
        elif not free:
            free = piece
    if bare_dates and record.asked is None:
        record.put("asked", bare_dates[0], "")
    return record, free


def _row_messages(
    parent: etree._Element, rows: dict[etree._Element, etree._Element], base: str, codec: str, context: bool
) -> tuple[list[MessageFact], int]:
    """Facts of a group of sibling rows that carry message vocabulary, and how many of
    them show a labelled asked time. Once a group holds message rows, its siblings of
    the same tag without a link are messages too (boards list some without a detail page)."""
    out: list[MessageFact] = []
    labelled_count = 0
    tags = {row.tag for row in rows}
    found_any = False
    pending: list[etree._Element] = []
    for child in parent if parent is not None else rows:
        if child not in rows:
            if child.tag in tags and _link_count(child) == 0:
                pending.append(child)
            continue
        fact, labelled = _row_fact(child, rows[child], base, codec, context, len(rows))
        if fact is not None:
            found_any = True
            out.append(fact)
            labelled_count += labelled
    if found_any:
        for child in pending:
            fact, labelled = _row_fact(child, None, base, codec, context, len(rows))
            if fact is not None:
                out.append(fact)
                labelled_count += labelled
    return out, labelled_count


def _row_fact(
    row: etree._Element, anchor: etree._Element | None, base: str, codec: str, context: bool, siblings: int
) -> tuple[MessageFact | None, bool]:
    """The message of one row, or None when the row carries no message vocabulary."""
    text = _text(row)
    if len(text) > _MAX_ROW_TEXT or (not context and _PRECHECK.search(text) is None):
        return None, False  # a row of a news list: no status word, no asked-time label
    record, free = _row_record(row, anchor)
    labelled = bool(record.asked_label)
    if not (record.status or labelled or (context and record.asked and siblings >= 2)):
        return None, False
    if record.asked_label in _WEAK_ASKED and not (context or record.status):
        return None, False
    title = record.title or (_anchor_title(anchor) if anchor is not None else free)
    if not title:
        return None, False
    return _fact(record, _link_url(anchor, base, codec), title, "list"), labelled
