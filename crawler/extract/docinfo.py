"""The government-information header (信息公开 / 索引 block) of a document page.

Why label-driven and layout-blind: real portals print the same fields as table
cells (``<td><b>索 引 号：</b></td><td>…</td>``, www.gov.cn), as paragraphs
(``<p><strong>索引号</strong>：…</p>``, TRS), as ``<dl><dt><dd>``, as span/div
pairs or as one line (``发布时间：… 来源：… 浏览次数：…``). The scan turns all of
them into the same stream of cells, so one reader handles every layout:

- a cell that *starts* with a known label (internal spaces and full-width spaces
  allowed: ``标　　题``) takes the text after the ``：``/``:``; if nothing follows,
  the next cell is the value (an empty cell is an empty value);
- further ``label：value`` pairs in the same short cell are split apart;
- a run of label-only cells is a list's column header row (名称 | 索引号 | 发布机构
  | 发布日期), not a header block, and takes no values;
- cells inside the article text are never read for labels, the first occurrence of
  a label wins, and labels must start a cell or follow a separator, so prose that
  mentions 发布日期 cannot override the header.
"""

from __future__ import annotations

import re
from datetime import date

from crawler.extract.dates import parse_date
from crawler.extract.scan import EMPTY, F_ARTICLE, F_CRUMB, F_H1, F_KEY, F_TEMPLATE, INLINE
from govcrawl.model import DocInfo

__all__ = ["Cell", "clean_cells", "date_near_title", "read_docinfo", "read_labels", "title_above_info_bar"]

Cell = tuple[str, int]  # (text with inline marks turned into spaces, flags)

# DocInfo field -> the labels portals print for it (spaces removed). "raw" labels are
# kept in ``DocInfo.raw`` only: evidence for later checks, and the end of the value before.
_FIELD_LABELS = {
    "index_no": "索引号 索取号 信息索引号",
    "topic": "主题分类 信息分类 组配分类 所属主题 主题类别",
    "publisher": "发文机关 发布机构 发布单位 发文单位 发文机构 制发机关 发布机关 信息发布机构 公开主体",
    "source": "来源 信息来源 文章来源 稿件来源 消息来源 来源单位",
    "written_on": "成文日期 成文时间 发文日期 印发日期",
    "published_on": "发布日期 公开日期 公布日期",
    "doc_number": "发文字号 文号 发文号 文件编号 文件字号",
    "validity": "有效性 时效性 效力状态 有效状态 时效 效力 文件状态",
    "normative_field": "是否规范性文件 是否为规范性文件 是否行政规范性文件 规范性文件",
    "valid_until": "有效期 有效期至 有效期限 失效日期 失效时间 废止日期",
    "raw": "标题 名称 文件名称 主题词 关键词 体裁分类 服务对象分类 生成日期 实施日期 施行日期 生效日期 "
    "发布时间 发稿时间 发表时间 更新时间 作者 编辑 责任编辑 浏览次数 点击数 访问次数 阅读次数 字体 字号 "
    "公开方式 公开范围 公开时限",
}
# label -> DocInfo field, or None for raw-only labels
_LABELS: dict[str, str | None] = {
    label: (None if field == "raw" else field)
    for field, labels in _FIELD_LABELS.items()
    for label in labels.split()
}
# Labels that also count when written without a colon, followed by a date ("有效期至2025年…").
_DATE_FIELDS = frozenset({"written_on", "published_on", "valid_until"})
# Dated labels that are not the posting date of the page.
_OTHER_DATES = frozenset(
    "成文日期 成文时间 发文日期 印发日期 有效期 有效期至 有效期限 失效日期 失效时间 废止日期 实施日期 施行日期 生效日期".split()
)

# The contract's header labels ("Document page"): strong enough to be read without a colon.
_HEADER_LABELS = frozenset(
    "索引号 发文机关 发布机构 发文字号 文号 成文日期 发布日期 主题分类 有效性 时效性 是否规范性文件 有效期至".split()
)
# Words that are also column names and list values: only "label：value" counts for them.
_COLON_ONLY = frozenset("规范性文件 效力 时效 标题 名称 作者 编辑 字体 字号 来源 关键词 文件状态".split())
# 国办发〔2018〕115号, 银兴政规发[2023]1号, 京政办发(2020)3号, 第5号
_DOC_NUMBER = re.compile(r"[〔\[(（【]\s*(?:19|20)\d\d\s*[〕\])）】]\s*第?\s*\d+\s*号|第\s*\d+\s*号|\d+\s*号")
_PLACEHOLDERS = frozenset("无 暂无 - — -- —— / 空 null none 无文号 未知".split())
_MAX_PAIR_CELL = 240  # longer cells are prose, not a label: value line
_MAX_VALUE = 200


def _label_pattern(labels) -> str:
    # 索引号 -> 索[\s]*引[\s]*号 : printed labels are padded with (full-width) spaces.
    ordered = sorted(labels, key=len, reverse=True)
    return "|".join(r"\s*".join(map(re.escape, label)) for label in ordered)


_ALT = _label_pattern(_LABELS)
# Cheap pre-test: a cell can only start with a label if it starts with one of these.
_FIRST_CHARS = frozenset({label[0] for label in _LABELS} | set("【[(（"))
_AT_START = re.compile(r"^[\s【\[(（]*(" + _ALT + r")[\s】\])）]*([:：])?")
_IN_CELL = re.compile(r"(?:(?<=[\s|｜/【】\[\]（(）)>，,;；])|^)(" + _ALT + r")[\s】\])）]*[:：]")
_SPACE = re.compile(r"\s+")
_CUT = re.compile(r"[【|｜]")
_DIGIT_START = re.compile(r"\s*[0-9０-９〇○零一二]")


def _norm_label(raw: str) -> str:
    return _SPACE.sub("", raw)


def clean_cells(raw_cells: list[str], flags: list[int]) -> list[Cell]:
    """Drop whitespace-only cells; inline marks become spaces; EMPTY stays as "".

    Cells of the article text are kept as one ``("", F_ARTICLE)`` marker per run:
    nothing reads labels there, but readers must see where the article starts.
    """
    out: list[Cell] = []
    in_article = False
    for text, flag in zip(raw_cells, flags, strict=False):
        if flag & F_ARTICLE:
            if not in_article:
                out.append(("", flag))
                in_article = True
            continue
        in_article = False
        if EMPTY in text:
            stripped = text.replace(EMPTY, "").replace(INLINE, " ").strip()
            out.append((" ".join(stripped.split()), flag))
            continue
        if INLINE in text:
            text = text.replace(INLINE, " ")
        text = " ".join(text.split())
        if text:
            out.append((text, flag))
    return out


def _clean_value(value: str) -> str:
    """Trim separators, an opening bracket left over from the next ``【label：``, and spaces."""
    value = value.strip().lstrip(":：").strip().rstrip("【[(（").strip()
    return " ".join(value.split())[:_MAX_VALUE]


def _split_pairs(label: str, rest: str) -> list[tuple[str, str]]:
    """``rest`` may hold further ``label：value`` pairs: split them apart."""
    pairs: list[tuple[str, str]] = []
    current = label
    position = 0
    for match in _IN_CELL.finditer(rest):
        pairs.append((current, rest[position : match.start()]))
        current = _norm_label(match.group(1))
        position = match.end()
    pairs.append((current, rest[position:]))
    return pairs


def _label_only(text: str) -> str | None:
    """The label if the whole cell is one label (with or without a colon)."""
    match = _AT_START.match(text)
    if match and not text[match.end() :].strip():
        return _norm_label(match.group(1))
    return None


def _plausible(label: str, value: str) -> bool:
    """Is ``value`` what ``label`` holds? Used where layout alone is weak evidence."""
    field = _LABELS.get(label)
    if field in _DATE_FIELDS:
        return parse_date(value) is not None or value.strip().lower() in _PLACEHOLDERS
    if field == "doc_number":
        return bool(_DOC_NUMBER.search(value)) or value.strip().lower() in _PLACEHOLDERS
    if field == "index_no":
        return any(char.isdigit() for char in value)
    return len(value) <= 80


def read_labels(cells: list[Cell]) -> dict[str, str]:  # noqa: C901 - one reader, every layout
    """label -> value for every labelled field outside the article text (first wins).

    Accepted forms, from strongest to weakest evidence:

    - ``label：value`` at the start of a cell (and more pairs after it);
    - ``label：`` alone, value in the next cell;
    - ``label`` alone, value in the next cell: only in a table/definition label
      cell (td/th/dt) or, for the header's own labels, outside the template; the
      value must look like the field (a date for dates, a 文号 for 文号);
    - ``label value`` without a colon: the header's own labels only, or a dated
      label directly followed by a date (``有效期至2025年12月31日``).
    """
    found: dict[str, str] = {}
    count = len(cells)
    index = 0
    while index < count:
        text, flag = cells[index]
        index += 1
        if flag & F_ARTICLE or not text or text[0] not in _FIRST_CHARS:
            continue
        match = _AT_START.match(text)
        if match is None:
            continue
        label = _norm_label(match.group(1))
        rest = text[match.end() :]
        colon = match.group(2) is not None
        if not rest.strip():
            # label-only cell: the value is the next cell, unless that is a label too
            if index < count and _label_only(cells[index][0]) is not None:
                # a header row of a list table: skip the whole run of labels
                while index < count and _label_only(cells[index][0]) is not None:
                    index += 1
                continue
            if index >= count or cells[index][1] & F_ARTICLE:
                continue
            if not colon:
                if label in _COLON_ONLY:
                    continue
                if not (flag & F_KEY or (label in _HEADER_LABELS and not flag & F_TEMPLATE)):
                    continue
            value_text = cells[index][0]
            index += 1
            if len(value_text) > _MAX_PAIR_CELL:
                pairs = [(label, _IN_CELL.split(value_text, maxsplit=1)[0])]
            else:
                pairs = _split_pairs(label, value_text)
            for position, (key, value) in enumerate(pairs):
                value = _clean_value(value)
                if position == 0 and not colon and not _plausible(key, value):
                    break
                found.setdefault(key, value)
            continue
        if not colon:
            # "发布日期 2023-10-09", "有效期至2025年12月31日"
            if _LABELS.get(label) in _DATE_FIELDS and _DIGIT_START.match(rest):
                pass
            elif label in _HEADER_LABELS and match.end() > match.end(1) and not flag & F_TEMPLATE:
                if not _plausible(label, _clean_value(_IN_CELL.split(rest, maxsplit=1)[0])):
                    continue
            else:
                continue
        if len(text) > _MAX_PAIR_CELL:
            found.setdefault(label, _clean_value(_IN_CELL.split(rest, maxsplit=1)[0]))
            continue
        for key, value in _split_pairs(label, rest):
            found.setdefault(key, _clean_value(value))
    return found


def _field_value(field: str, value: str) -> str | date | None:
    if field in _DATE_FIELDS:
        return parse_date(value)
    value = _CUT.split(value, maxsplit=1)[0].strip()
    if not value or value.lower() in _PLACEHOLDERS:
        return None
    return value


def read_docinfo(cells: list[Cell]) -> DocInfo | None:
    """DocInfo from the labelled fields of the page, or None when it has none (a page
    whose only labels are 作者 / 浏览次数 / 字体 has none either).

    ``raw`` keeps every label -> value as read (labels without their spaces). A
    ``发布时间`` field fills ``published_on`` only when no 发布日期-type field exists.
    """
    raw = read_labels(cells)
    if not any(_LABELS.get(label) or label in _POSTED_TIME for label in raw):
        return None  # only 作者 / 浏览次数 / 字体 …: a page furniture line, not a header
    doc = DocInfo(raw=raw)
    for label, value in raw.items():
        field = _LABELS.get(label)
        if field is None or getattr(doc, field) is not None:
            continue
        setattr(doc, field, _field_value(field, value))
    if doc.published_on is None:
        for label in _POSTED_TIME:
            if label in raw:
                doc.published_on = parse_date(raw[label])
                if doc.published_on:
                    break
    return doc


_POSTED_TIME = ("发布时间", "发稿时间", "发表时间")
_INFO_BAR_LABELS = frozenset("发布日期 发布时间 发稿时间 来源 信息来源 文章来源".split())


def title_above_info_bar(cells: list[Cell]) -> str | None:
    """The line right above the first 发布日期/来源 info bar: the title of old templates
    that print it in ``<font><b>`` with no h1, no 标题 field and no ArticleTitle meta."""
    for position, (text, flag) in enumerate(cells):
        if flag & F_ARTICLE or not text or text[0] not in _FIRST_CHARS:
            continue
        match = _AT_START.match(text)
        if match is None or _norm_label(match.group(1)) not in _INFO_BAR_LABELS:
            continue
        for previous, previous_flag in reversed(cells[max(0, position - 3) : position]):
            if not previous:
                continue
            if previous_flag & (F_TEMPLATE | F_CRUMB | F_ARTICLE) or _AT_START.match(previous):
                return None
            return previous if 4 <= len(previous) <= 120 else None
        return None
    return None


def date_near_title(cells: list[Cell], title: str | None, window: int = 8) -> date | None:
    """A date printed just below the page's title (发布时间：2023-10-09, or a bare date).

    The title is the first ``h1`` cell outside the template, else the cell equal to
    ``title`` (the page heading). Only the next few short cells before the article
    text are read, so a date inside the body never counts; template cells (a header
    showing today's date) and cells that start with another dated label (成文日期,
    有效期, 施行日期 …) are passed over.
    """
    start = -1
    for position, (text, flag) in enumerate(cells):
        if (flag & F_H1 and not flag & F_TEMPLATE) or (title and text == title):
            start = position
            break
    if start < 0:
        return None
    for text, flag in cells[start + 1 : start + 1 + window]:
        if flag & F_ARTICLE or len(text) > _MAX_PAIR_CELL:
            break
        if flag & (F_H1 | F_TEMPLATE) or not text:
            continue
        match = _AT_START.match(text)
        if match and _norm_label(match.group(1)) in _OTHER_DATES:
            continue
        found = parse_date(text)
        if found:
            return found
    return None
