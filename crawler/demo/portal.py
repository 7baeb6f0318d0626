"""The embedded demo portal: a district government site with planted problems.

``build_portal(main, ext, refused)`` returns every URL the demo serves, as
bytes in memory, for two loopback hosts:

- ``main`` — 兴庆区人民政府(演示), built like the TRS WCM and Hanweb (大汉) sites
  that most Chinese district portals run on: TRS list pages with the
  ``createPageHTML(n, i, "index", "html")`` script, www.gov.cn / 邯郸-style
  信息公开 headers, a Hanweb department sub-site whose lists sit in a
  ``<script type="text/xml"><datastore>`` block, a GBK-encoded sub-site, and an
  old accessibility-poor template;
- ``ext`` — the "outside world" a portal links to (other government sites,
  filing pages, dead and blocked links, redirect chains, an expired domain
  that now serves gambling content).

``refused`` is a base URL where nothing listens. Content dates sit around the
reference date 2023-11-01 (``--today``); nothing depends on the current date.
``crawler/demo/expected.yaml`` lists the findings a correct run must produce;
the planted pages are marked below with ``# PLANT`` and their look-alikes with
``# LOOK-ALIKE`` so the two files can be read side by side.

Why a model and not just pages: tests audit the portal through ``DemoSite``
(documents, interpretations, columns) instead of re-parsing HTML, so the
expected findings can be cross-checked against what was generated.
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from crawler.demo import assets
from crawler.demo.content import (
    BODY_MIDDLES,
    BODY_OPENINGS,
    DOC_MIDDLES,
    DOC_SUBJECTS,
    NEWS_ACTIONS,
    NEWS_TOPICS,
    NOTICE_SUBJECTS,
    PERSONNEL_TITLES,
    SOURCES_OTHER,
    cn_date,
    cn_date_padded,
    luhn_complete,
    resident_id,
    with_wrong_check,
)

SITE_NAME = "兴庆区人民政府(演示)"
SITE_ID_CODE = "6401040001"
REFERENCE_DATE = date(2023, 11, 1)
# The demo can be crawled on two consecutive nights (backdated-post needs history).
NIGHT_DATES = {1: date(2023, 10, 31), 2: date(2023, 11, 1)}

SRC_GOV = "兴庆区人民政府办公室"
SRC_MEDIA = "兴庆区融媒体中心"
SRC_SFJ = "兴庆区司法局"
SRC_JYJ = "兴庆区教育局"
SRC_WJJ = "兴庆区卫生健康局"
SRC_CZJ = "兴庆区财政局"
SRC_MZJ = "兴庆区民政局"
GOV = "兴庆区人民政府"

HTML_UTF8 = "text/html; charset=utf-8"

# Synthetic personal data (valid check digits; region 640104 = 兴庆区).
PLANTED_ID = resident_id("640104", "19850312", "123")
TRAP_ID = resident_id("640104", "19790805", "246")
BAD_CHECK_ID = with_wrong_check(resident_id("640104", "19900101", "345"))
BAD_BIRTH_ID = resident_id("640104", "19901332", "456")
ATTACHED_ID = resident_id("640104", "19920617", "135")  # only inside a .docx attachment
PLANTED_MOBILE = "13951002468"
PLANTED_CARD = luhn_complete("621700123456789012")
PROJECT_CODE_LUHN = luhn_complete("499273987160000")


@dataclass(frozen=True)
class Resource:
    """One URL's answer: status, headers, body and an optional behaviour.

    Behaviours exist because link checkers must cope with them on real
    portals: ``redirect`` (a Location target, with a 301/302 status),
    ``head_not_allowed`` (HEAD answers 405 while GET works — checkers must fall
    back to GET), ``delay`` (seconds before answering; a slow but live page).
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    redirect: str | None = None
    head_not_allowed: bool = False
    delay: float = 0.0

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


@dataclass
class DocFields:
    """The 信息公开 header of a document page, as the portal shows it."""

    index_no: str
    publisher: str
    written: date
    number: str | None
    topic: str = "综合政务"
    validity: str | None = None  # 有效性 field value, None = no field
    normative_field: str | None = None  # 是否规范性文件 value, None = no field
    layout: str = "table"  # table (www.gov.cn) | p (邯郸 p/strong) | dl | span
    status_label: str | None = None  # label next to the title (现行有效 / 已废止)
    validity_text: str | None = None  # a sentence in the body stating the period


@dataclass
class Column:
    """A list column: its pages are generated from the articles that name it."""

    path: str
    name: str
    crumbs: tuple[tuple[str, str], ...]  # ancestors (name, path), 首页 excluded
    style: str = "ul"  # ul | table (邯郸) | hanweb | mailbox | messages (ul/li with labelled spans) | old
    per_page: int = 15
    static_links: bool = False  # also render <a> pagination (else script only)
    oldest_first: bool = False  # list sorted by the CMS's manual order, oldest on the first page
    encoding: str = "utf-8"
    column_type: str = "信息公开"
    description: str = ""
    department_home: str = "/"  # 首页 of the breadcrumb (a department sub-site's home)
    articles: list[Article] = field(default_factory=list)
    list_urls: list[str] = field(default_factory=list)  # filled when rendered


@dataclass
class Article:
    """One content page (news, notice, document, interpretation, consultation, letter)."""

    path: str
    title: str
    day: date
    column: Column
    kind: str = "news"  # news | notice | doc | interp | consult | letter | message | static
    source: str = SRC_GOV
    body: str = ""
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (href, label)
    related: list[tuple[str, str]] = field(default_factory=list)  # (href, label)
    interp_links: list[tuple[str, str]] = field(default_factory=list)  # 相关解读 on a document page
    origin_link: tuple[str, str] | None = None  # 原文链接 on an interpretation page
    doc: DocFields | None = None
    meta: bool = True
    template: str = "trs"  # trs | hanweb | old
    declare: str = "header"  # GBK pages: header | meta (meta tag only) | none
    in_list: bool = True
    nights: tuple[int, ...] = (1, 2)
    night_days: dict[int, date] = field(default_factory=dict)
    interp_kind: str | None = None  # interp pages: text | graphic | video
    interp_of: Article | None = None
    interp_links_doc: bool = True  # interp page links its document (原文链接)
    extra_fields: list[tuple[str, str]] = field(default_factory=list)  # letters, consultations
    list_title: str | None = None
    meta_overrides: dict[str, str] = field(default_factory=dict)  # a template copied from another site
    # Public messages (kind letter | message): what the board says about the reply.
    replied: date | None = None  # 答复时间 / 回复时间; None = no reply
    unit: str = ""  # 答复单位 / 回复单位 / 承办单位
    state: str = ""  # 办理状态 as the list shows it (已回复 / 未回复 / 已办结 / 办理中)
    number: str = ""  # 信件编号 / 留言编号
    has_page: bool = True  # False: a list row without a detail page (no link)

    @property
    def encoding(self) -> str:
        return self.column.encoding

    def day_on(self, night: int) -> date:
        return self.night_days.get(night, self.day)


@dataclass
class DemoSite:
    """The built portal plus the model it was built from (for tests and docs)."""

    main: str
    ext: str
    refused: str
    night: int
    resources: dict[str, Resource]
    articles: list[Article]
    columns: list[Column]

    def documents(self) -> list[Article]:
        return [a for a in self.articles if a.kind == "doc"]

    def interpretations(self) -> list[Article]:
        return [a for a in self.articles if a.kind == "interp"]

    def messages(self) -> list[Article]:
        """Public messages of both boards (区长信箱 letters and 咨询投诉 messages)."""
        return [a for a in self.articles if a.kind in ("letter", "message")]

    def html_urls(self) -> list[str]:
        return [u for u, r in self.resources.items() if (r.content_type or "").startswith("text/html")]


# --- helpers -------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _weekday_back(day: date) -> date:
    """Move a weekend date to the Friday before (offices publish on working days)."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def trs_path(column_path: str, day: date, art_id: int, ext: str = "html") -> str:
    """TRS WCM article URL: /column/YYYYMM/tYYYYMMDD_ID.html."""
    return f"{column_path}{day:%Y%m}/t{day:%Y%m%d}_{art_id}.{ext}"


def hanweb_path(site: str, col_id: int, day: date, art_id: int) -> str:
    """Hanweb (大汉) article URL: /art/YYYY/M/D/art_COL_ID.html (no zero padding)."""
    return f"{site}art/{day.year}/{day.month}/{day.day}/art_{col_id}_{art_id}.html"


def needs_interpretation(article: Article, required: Iterable[str] = ("银兴政发", "银兴政办发")) -> bool:
    """Contract §4: normative, or 文号 matching interpretation.required_doc_numbers."""
    if article.kind != "doc" or article.doc is None:
        return False
    return is_normative(article) or any(r in (article.doc.number or "") for r in required)


def is_normative(article: Article) -> bool:
    """Contract §4: marked normative (field or column), or 规 before the year bracket of the 文号."""
    doc = article.doc
    if doc is None:
        return False
    if doc.normative_field == "是" or "规范性文件" in article.column.name:
        return True
    number = doc.number or ""
    return "〔" in number and "规" in number.split("〔", 1)[0]


_PARAGRAPH = '<p style="text-indent:2em;">{}</p>'


def _sorted_query(url: str) -> str:
    """The stored form of a URL: query parameters in sorted order (contract §3 normalisation)."""
    if "?" not in url:
        return url
    head, query = url.split("?", 1)
    return head + "?" + "&".join(sorted(p for p in query.split("&") if p))


def _paragraphs(*texts: str) -> str:
    return "\n".join(_PARAGRAPH.format(t) for t in texts)


# --- the builder ---------------------------------------------------------------


class _Builder:
    """Builds the portal for one pair of base URLs and one night."""

    def __init__(self, main: str, ext: str, refused: str, night: int):
        if night not in NIGHT_DATES:
            raise ValueError(f"night must be one of {sorted(NIGHT_DATES)}")
        self.main = main.rstrip("/")
        self.ext = ext.rstrip("/")
        self.refused = refused.rstrip("/")
        self.night = night
        self.domain = urlsplit(self.main).netloc
        self.res: dict[str, Resource] = {}
        self.columns: list[Column] = []
        self.articles: list[Article] = []
        self.rng = random.Random(20231101)
        self._next_id = 5001

    # ---- registration ----

    def fresh_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def column(self, path: str, name: str, crumbs: tuple[tuple[str, str], ...] = (), **kw) -> Column:
        col = Column(path=path, name=name, crumbs=crumbs, **kw)
        self.columns.append(col)
        return col

    def article(self, path: str, title: str, day: date, column: Column, **kw) -> Article:
        art = Article(path=path, title=title, day=day, column=column, **kw)
        if self.night in art.nights:
            self.articles.append(art)
            if art.in_list:
                column.articles.append(art)
        return art

    def put(self, url: str, resource: Resource) -> None:
        url = _sorted_query(url)
        if url in self.res:
            raise ValueError(f"duplicate URL in demo portal: {url}")
        self.res[url] = resource

    def put_main(self, path: str, resource: Resource) -> None:
        self.put(self.main + path, resource)

    def put_ext(self, path: str, resource: Resource) -> None:
        self.put(self.ext + path, resource)

    def put_html(self, path: str, text: str, *, encoding: str = "utf-8", declare: str = "header") -> None:
        """Store a main-site HTML page, encoded and declared as a real server would."""
        if encoding == "utf-8":
            ctype = HTML_UTF8
        elif declare == "header":
            ctype = f"text/html; charset={encoding}"
        else:
            ctype = "text/html"  # the charset is only in the page (or nowhere)
        self.put_main(
            path, Resource(headers={"Content-Type": ctype}, body=text.encode(encoding, errors="strict"))
        )

    def put_file(self, path: str, ctype: str, body: bytes) -> None:
        self.put_main(path, Resource(headers={"Content-Type": ctype}, body=body))

    # ---- templates ----

    def head(
        self,
        title: str,
        *,
        encoding: str = "utf-8",
        declare: str = "header",
        column: Column | None = None,
        article: Article | None = None,
        meta: bool = True,
        extra: str = "",
    ) -> str:
        if encoding == "utf-8":
            charset = '<meta charset="utf-8">'
        elif declare == "header":
            charset = f'<meta charset="{encoding}">'
        elif declare == "meta":
            charset = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
        else:
            charset = ""
        tags = []
        if meta:
            tags += [("SiteName", SITE_NAME), ("SiteDomain", self.domain), ("SiteIDCode", SITE_ID_CODE)]
            if column is not None:
                tags += [
                    ("ColumnName", column.name),
                    ("ColumnDescription", column.description or f"{SITE_NAME}{column.name}栏目"),
                    ("ColumnKeywords", f"兴庆区，{column.name}"),
                    ("ColumnType", column.column_type),
                ]
            if article is not None:
                day = article.day_on(self.night)
                tags += [
                    ("ArticleTitle", article.title),
                    ("PubDate", f"{day:%Y-%m-%d} {self.clock(article)}"),
                    ("ContentSource", article.source),
                    ("Keywords", column.name if column else "兴庆区"),
                    ("Description", article.title),
                ]
            else:
                tags += [
                    ("Keywords", "兴庆区,政务公开,政府信息公开"),
                    ("Description", f"{SITE_NAME}门户网站"),
                ]
        if article is not None and article.meta_overrides:
            tags = [(k, article.meta_overrides.get(k, v)) for k, v in tags]
        meta_html = "\n".join(f'<meta name="{k}" content="{_esc(v)}">' for k, v in tags)
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
{meta_html}
<title>{_esc(title)}</title>
<link rel="stylesheet" type="text/css" href="/css/style.css">
<link rel="shortcut icon" href="/favicon.ico" type="image/x-icon">
<script type="text/javascript" src="/js/common.js"></script>
{extra}
</head>
"""

    def header(self, variant: str = "trs") -> str:
        e = self.ext
        search = """<form class="search" action="/search/index.html" method="get" role="search">
      <label for="searchword">站内搜索</label>
      <input type="text" id="searchword" name="searchword" placeholder="请输入关键词">
      <button type="submit">搜索</button>
    </form>"""
        if variant == "hanweb":
            # PLANT a11y label (template): the Hanweb sub-site's header search box has no label and no
            # placeholder (its hint is a value the script clears) — one finding for the whole template.
            search = """<form class="search" action="/jsearch/search.do" method="get">
      <input type="text" name="q" value="请输入关键字" onfocus="if(this.value=='请输入关键字')this.value='';">
      <input type="submit" value="搜索">
    </form>"""
        return f"""<body>
<div id="header" class="header">
  <div class="topbar w1200">
    <div class="fl"><a href="{e}/www.gov.cn/" target="_blank">中国政府网</a> | <a href="{e}/www.nx.gov.cn/" target="_blank">宁夏回族自治区人民政府</a> | <a href="{e}/www.yinchuan.gov.cn/" target="_blank">银川市人民政府</a></div>
    <div class="fr"><a href="/zgb/" class="zgb">关怀版</a> | <a href="javascript:void(0);" id="wza" title="无障碍浏览">无障碍浏览</a> | <a href="mailto:xqzfb@xingqing.example.gov.cn">联系邮箱</a></div>
  </div>
  <div class="logo w1200">
    <a href="/"><img src="/images/logo.png" alt="{SITE_NAME}" width="520" height="90"></a>
    {search}
  </div>
</div>
<div class="nav">
  <ul>
    <li><a href="/">首页</a></li>
    <li><a href="/zjxq/">走进兴庆</a></li>
    <li><a href="/xwzx/">新闻中心</a></li>
    <li><a href="/zwgk/">政务公开</a></li>
    <li><a href="{e}/zwfw.nx.gov.cn/" target="_blank">政务服务</a></li>
    <li><a href="/hdjl/">互动交流</a></li>
    <li><a href="/ztzl/">专题专栏</a></li>
  </ul>
</div>
"""

    def footer(self, variant: str = "trs") -> str:
        e = self.ext
        # PLANT a11y color-contrast (template): the Hanweb sub-site's footer prints its host line in
        # light grey on white (#b5b5b5 on #fff, 2.0:1).
        host_line = (
            '<p style="color:#b5b5b5;background-color:#ffffff">技术支持：兴庆区卫生健康局信息中心</p>'
            if variant == "hanweb"
            else ""
        )
        # PLANT broken-link (template): 网站地图 points to a page removed in a redesign; the
        # footer is on every page, so this is ONE finding for the owner with many occurrences.
        # LOOK-ALIKE: #top has no element but is always valid; mailto: is never fetched;
        # /admin/ is Disallowed by robots.txt and must never be requested.
        return f"""<div class="footer">
  <div class="footer-links">
    <a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/wzsm/">网站声明</a> |
    <a href="{e}/jiucuo/?sitecode={SITE_ID_CODE}" target="_blank">我为政府网站找错</a> |
    <a href="/admin/login.html">管理入口</a>
  </div>
  <p>主办单位：兴庆区人民政府办公室　承办单位：兴庆区政务公开办公室（演示）</p>
  <p>网站标识码：{SITE_ID_CODE}　<a href="{e}/beian.miit.gov.cn/" target="_blank">宁ICP备2023000123号-1</a>　<a href="{e}/beian.gov.cn/portal/registerSystemInfo?recordcode=64010402000123" target="_blank"><img src="/images/gaba.png" alt="公安备案图标" width="20" height="20">宁公网安备 64010402000123号</a></p>
  <p>地址：银川市兴庆区（演示地址）　邮编：750001　联系电话：0951-5012345</p>{host_line}
  <div class="conac"><a href="{e}/bszs.conac.cn/sitename?method=show&amp;id=XQ2023DEMO" target="_blank"><img src="/images/conac_red.png" alt="党政机关" width="60" height="73"></a></div>
  <p class="demo-note">本网站为 govcrawl 演示门户，内容均为虚构。</p>
</div>
<a href="#top" class="gotop" title="返回顶部">返回顶部</a>
</body>
</html>
"""

    def breadcrumb(self, column: Column | None, *, style: str = "trs", tail: str | None = None) -> str:
        parts: list[tuple[str, str | None]] = [("首页", column.department_home if column else "/")]
        if column is not None:
            parts += list(column.crumbs) + [(column.name, column.path)]
        if tail:
            parts.append((tail, None))
        if style == "handan":
            links = "-&gt;".join(
                f'<a href="{p}" title="{_esc(n)}" class="CurrChnlCls">{_esc(n)}</a>' if p else _esc(n)
                for n, p in parts
            )
            return f'<div class="sx-more1">{links}</div>'
        sep = " &gt; "
        links = sep.join(f'<a href="{p}">{_esc(n)}</a>' if p else f"<span>{_esc(n)}</span>" for n, p in parts)
        label = "您的位置：" if style == "hanweb" else "当前位置："
        return f'<div class="position">{label}{links}</div>'

    def clock(self, article: Article) -> str:
        seed = sum(ord(c) for c in article.path)
        return f"{8 + seed % 9:02d}:{seed * 7 % 60:02d}"

    # ---- list pages ----

    def render_columns(self) -> None:
        for col in self.columns:
            items = sorted(
                col.articles, key=lambda a: (a.day_on(self.night), a.path), reverse=not col.oldest_first
            )
            if col.style == "hanweb":
                self.render_hanweb_list(col, items)
                continue
            pages = [items[i : i + col.per_page] for i in range(0, len(items), col.per_page)] or [[]]
            for index, chunk in enumerate(pages):
                name = "index.html" if index == 0 else f"index_{index}.html"
                text = self.list_page(col, chunk, index, len(pages))
                if index == 0:
                    self.put_html(col.path, text, encoding=col.encoding)
                    col.list_urls.append(self.main + col.path)
                self.put_html(col.path + name, text, encoding=col.encoding)
                col.list_urls.append(self.main + col.path + name)

    def _item_href(self, col: Column, art: Article) -> str:
        """TRS writes list links relative to the column (./YYYYMM/t….html)."""
        if art.path.startswith(col.path):
            return "./" + art.path[len(col.path) :]
        return art.path

    def list_page(self, col: Column, items: list[Article], index: int, count: int) -> str:
        title = f"{col.name}_{SITE_NAME}"
        if col.style == "table":
            body = self.table_list(col, items, index, count)
        elif col.style == "mailbox":
            body = self.mailbox_list(col, items, index, count)
        elif col.style == "messages":
            body = self.message_list(col, items, index, count)
        elif col.style == "old":
            return self.old_list_page(col, items)
        else:
            body = self.ul_list(col, items, index, count)
        return (
            self.head(title, encoding=col.encoding, column=col)
            + self.header()
            + f'<div class="w1200 main" id="content">\n{self.breadcrumb(col)}\n{body}\n</div>\n'
            + self.footer()
        )

    def trs_pager(self, col: Column, index: int, count: int) -> str:
        # TRS WCM: the pager is written by createPageHTML() from /js/common.js, so the
        # other list pages have no <a> in the HTML unless the template also renders them.
        script = f'<script type="text/javascript">\n  createPageHTML({count}, {index}, "index", "html");\n</script>'
        links = ""
        if col.static_links and count > 1:

            def page_name(i: int) -> str:
                return "index.html" if i == 0 else f"index_{i}.html"

            anchors = []
            if index > 0:
                anchors.append(f'<a href="{page_name(index - 1)}">上一页</a>')
            if index < count - 1:
                anchors.append(f'<a href="{page_name(index + 1)}">下一页</a>')
                anchors.append(f'<a href="{page_name(count - 1)}">尾页</a>')
            links = '\n<div class="page-links">' + " ".join(anchors) + "</div>"
        return f'<div class="page">{script}</div>{links}'

    def ul_list(self, col: Column, items: list[Article], index: int, count: int) -> str:
        rows = "\n".join(
            f'    <li><a href="{_esc(self._item_href(col, a))}" target="_blank" title="{_esc(a.title)}">'
            f'{_esc(a.list_title or a.title)}</a><span class="date">{a.day_on(self.night):%Y-%m-%d}</span></li>'
            for a in items
        )
        empty = '\n  <p class="no-data">暂无信息</p>' if not items else ""
        return f"""<div class="list-box">
  <h2 class="column-title">{_esc(col.name)}</h2>
  <ul class="list">
{rows}
  </ul>{empty}
  {self.trs_pager(col, index, count)}
</div>"""

    def table_list(self, col: Column, items: list[Article], index: int, count: int) -> str:
        # 邯郸 TRS 信息公开 list: 名称 / 索引号 / 发布机构 / 发布日期, with the inline pager script.
        rows = []
        for a in items:
            doc = a.doc
            rows.append(
                f'<tr><td><a href="{_esc(self._item_href(col, a))}" title="{_esc(a.title)}">{_esc(a.title)}</a></td>'
                f"<td>{_esc(doc.index_no if doc else '')}</td><td>{_esc(doc.publisher if doc else a.source)}</td>"
                f"<td>{a.day_on(self.night):%Y-%m-%d}</td></tr>"
            )
        script = f"""<script language="javascript">
var countPage={count};
var currentPage={index};
var prevPage=currentPage-1;
var nextPage=currentPage+1;
document.write("<a href=\\"index.html\\" target=\\"_self\\">首页</a>&nbsp;&nbsp;");
if(countPage>1&&currentPage!=0&&currentPage!=1)
  document.write("<a href=\\"index"+"_"+prevPage+"."+"html\\" target=\\"_self\\">上一页</a>&nbsp;&nbsp;");
else if(countPage>1&&currentPage==1)
  document.write("<a href=\\"index.html\\" target=\\"_self\\">上一页</a>&nbsp;&nbsp;");
if(countPage>1&&currentPage!=(countPage-1))
  document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\" target=\\"_self\\">下一页</a>&nbsp;&nbsp;");
</script>"""
        return f"""<div class="sx-c1-title">
  <h1>{_esc(col.name)}</h1>
  {self.breadcrumb(col, style="handan")}
</div>
<div class="szbmtclb">
  <table>
    <tr><th width="47%">名称</th><th width="21%">索引号</th><th width="19%">发布机构</th><th width="12%">发布日期</th></tr>
    {"".join(rows)}
  </table>
  <div class="page">{script}</div>
</div>"""

    def mailbox_list(self, col: Column, items: list[Article], index: int, count: int) -> str:
        rows = []
        for a in items:
            fields = dict(a.extra_fields)
            rows.append(
                f"<tr><td>{_esc(fields.get('信件编号', ''))}</td>"
                f'<td><a href="{_esc(a.path)}" target="_blank">{_esc(a.title)}</a></td>'
                f"<td>{a.day:%Y-%m-%d}</td><td>{_esc(fields.get('办理状态', ''))}</td></tr>"
            )
        return f"""<div class="list-box">
  <h2 class="column-title">{_esc(col.name)}</h2>
  <div class="xzxx">
    <p><strong>信箱须知：</strong>区长信箱受理群众对兴庆区经济社会发展的意见建议和咨询诉求。来信一般在5个工作日内答复，
    请勿重复提交；来信人的个人信息仅用于办理，不予公开。</p>
    <p><a href="/hdjl/ldxx/write.html">我要写信</a></p>
  </div>
  <table class="mailbox">
    <tr><th>信件编号</th><th>信件标题</th><th>来信时间</th><th>办理状态</th></tr>
    {"".join(rows)}
  </table>
  {self.trs_pager(col, index, count)}
</div>"""

    def message_list(self, col: Column, items: list[Article], index: int, count: int) -> str:
        # A 咨询投诉 board as many 政民互动 systems print it: ul/li rows whose facts are labelled
        # spans (承办单位 / 留言时间 / status). A row the board lists but never published (no
        # detail page) has no link: its facts exist only on the list page.
        rows = []
        for a in items:
            title = (
                f'<a href="{_esc(self._item_href(col, a))}" target="_blank" title="{_esc(a.title)}">{_esc(a.title)}</a>'
                if a.has_page
                else f'<span class="title">{_esc(a.title)}</span>'
            )
            rows.append(
                f'    <li>{title}<span class="number">留言编号：{_esc(a.number)}</span>'
                f'<span class="unit">承办单位：{_esc(a.unit)}</span>'
                f'<span class="date">留言时间：{a.day:%Y-%m-%d}</span><span class="state">{_esc(a.state)}</span></li>'
            )
        return f"""<div class="list-box">
  <h2 class="column-title">{_esc(col.name)}</h2>
  <div class="xzxx">
    <p><strong>留言须知：</strong>咨询投诉栏目受理群众对区政府各部门工作的咨询和投诉，由承办单位按规定时限办理并公开答复；
    留言人的个人信息仅用于办理，不予公开。</p>
  </div>
  <ul class="msg-list">
{chr(10).join(rows)}
  </ul>
  {self.trs_pager(col, index, count)}
</div>"""

    def render_hanweb_list(self, col: Column, items: list[Article]) -> None:
        # Hanweb (大汉) keeps list records in a <script type="text/xml"> datastore that
        # jpage.js turns into HTML in the browser: no <a> exists in the static DOM.
        unit = 4000 + int(col.path.rstrip("/").rsplit("col", 1)[-1]) % 1000
        records = "\n".join(
            f'<record><![CDATA[\n<li><a href="{a.path}" target="_blank" title="{_esc(a.title)}">{_esc(a.title)}</a>'
            f'<span class="bt-data-time">[{a.day_on(self.night):%Y-%m-%d}]</span></li>\n]]></record>'
            for a in items
        )
        body = f"""<div class="bt-rig-cen-01">
  <div class="lm-name"><h2>{_esc(col.name)}</h2></div>
  <div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore></script></div>
  <script type="text/javascript" src="/module/jslib/jpage/jpage.js"></script>
  <script type="text/javascript">
    $(document).ready(function(){{ $('#{unit}').jpage({{ perPage: 15, totalRecord: {len(items)}, barPosition: 'bottom' }}); }});
  </script>
</div>"""
        page = (
            self.head(f"{col.name}_{SITE_NAME}", column=col)
            + self.header("hanweb")
            + f'<div class="w1200 main" id="content">\n{self.breadcrumb(col, style="hanweb")}\n{body}\n</div>\n'
            + self.footer("hanweb")
        )
        for name in ("", "index.html"):
            self.put_html(col.path + name, page)
            col.list_urls.append(self.main + col.path + name)

    # ---- article pages ----

    def render_articles(self) -> None:
        for art in self.articles:
            if not art.has_page:
                continue
            if art.template == "old":
                text = self.old_article_page(art)
            elif art.kind == "message":
                text = self.message_page(art)
            else:
                text = self.article_page(art)
            self.put_html(art.path, text, encoding=art.encoding, declare=art.declare)

    def doc_header(self, art: Article) -> str:
        doc = art.doc
        assert doc is not None
        day = art.day_on(self.night)
        written = cn_date_padded(doc.written)
        published = cn_date_padded(day)
        fields: list[tuple[str, str]] = [
            ("索引号", doc.index_no),
            ("主题分类", doc.topic),
            ("发布机构", doc.publisher),
            ("成文日期", written),
            ("文号", doc.number or "无"),
            ("发布日期", published),
        ]
        if doc.normative_field is not None:
            fields.append(("是否规范性文件", doc.normative_field))
        if doc.validity is not None:
            fields.append(("有效性", doc.validity))
        if doc.layout == "table":
            # www.gov.cn 2018 template: spaced labels, 发文机关 and 发文字号.
            label = {"索引号": "索 引 号", "发布机构": "发文机关", "文号": "发文字号", "有效性": "有 效 性"}
            cells = [(label.get(k, k), v) for k, v in fields]
            cells.insert(4, ("标　　题", art.title))
            rows = []
            i = 0
            while i < len(cells):
                k, v = cells[i]
                if k == "标　　题":
                    rows.append(f'<tr><td><b>{k}：</b></td><td colspan="3">{_esc(v)}</td></tr>')
                    i += 1
                    continue
                pair = f"<td><b>{k}：</b></td><td>{_esc(v)}</td>"
                if i + 1 < len(cells) and cells[i + 1][0] != "标　　题":
                    k2, v2 = cells[i + 1]
                    pair += f"<td><b>{k2}：</b></td><td>{_esc(v2)}</td>"
                    i += 2
                else:
                    pair += "<td></td><td></td>"
                    i += 1
                rows.append(f"<tr>{pair}</tr>")
            return '<table class="bd1 xxgk-table"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"
        if doc.layout == "p":
            # 邯郸 TRS: <p><strong>索引号</strong>：…</p> in two floated halves.
            half = (len(fields) + 1) // 2
            left = "".join(f"<p><strong>{k}</strong>：{_esc(v)}</p>" for k, v in fields[:half])
            right = "".join(f"<p><strong>{k}</strong>：{_esc(v)}</p>" for k, v in fields[half:])
            return (
                f'<div class="top cf"><div class="top-l fl">{left}<p><strong>名称</strong>：{_esc(art.title)}</p></div>'
                f'<div class="top-r fr">{right}</div><div style="clear: both;"></div></div>'
            )
        if doc.layout == "dl":
            items = "".join(f"<dt>{k}：</dt><dd>{_esc(v)}</dd>" for k, v in fields)
            return f'<dl class="xxgk-info">{items}</dl>'
        # span label/value pairs, as some Hanweb and 拓尔思 skins render them
        items = "".join(
            f'<li><span class="label">{k}：</span><span class="value">{_esc(v)}</span></li>'
            for k, v in fields
        )
        return f'<div class="xxgk-head"><ul>{items}</ul></div>'

    def article_page(self, art: Article) -> str:
        col = art.column
        day = art.day_on(self.night)
        style = "hanweb" if art.template == "hanweb" else "trs"
        parts = [self.breadcrumb(col, style=style, tail="正文")]
        if art.doc is not None:
            parts.append(self.doc_header(art))
        label = ""
        if art.doc is not None and art.doc.status_label:
            label = f' <span class="yxx-label">【{_esc(art.doc.status_label)}】</span>'
        parts.append(f'<h1 class="article-title">{_esc(art.title)}{label}</h1>')
        if art.doc is None:
            info = [f"发布时间：{day:%Y-%m-%d} {self.clock(art)}", f"来源：{_esc(art.source)}"]
            if art.kind == "interp":
                kind = {"text": "图文解读", "graphic": "图解", "video": "视频解读"}[art.interp_kind or "text"]
                info = [f"发布日期：{day:%Y-%m-%d}", f"来源：{_esc(art.source)}", f"解读形式：{kind}"]
            parts.append(
                '<div class="info">'
                + "".join(f"<span>{x}</span>" for x in info)
                + '<span>字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
                '<a href="javascript:doZoom(14)">小</a></span>'
                '<a href="#" onclick="window.print();return false;">打印本页</a></div>'
            )
        if art.extra_fields:
            rows = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in art.extra_fields)
            parts.append(f'<table class="detail-fields">{rows}</table>')
        parts.append(f'<div class="TRS_Editor" id="zoom">\n{art.body}\n</div>')
        if art.attachments:
            lis = "".join(f'<li><a href="{_esc(h)}">{_esc(t)}</a></li>' for h, t in art.attachments)
            parts.append(f'<div class="fujian"><p>附件：</p><ul>{lis}</ul></div>')
        if art.interp_links:
            links = "　".join(
                f'<a href="{_esc(h)}" target="_blank">{_esc(t)}</a>' for h, t in art.interp_links
            )
            parts.append(f'<div class="xgjd"><span class="label">相关解读：</span>{links}</div>')
        if art.origin_link:
            h, t = art.origin_link
            parts.append(
                f'<div class="ywlj"><span class="label">原文链接：</span><a href="{_esc(h)}">{_esc(t)}</a></div>'
            )
        if art.related:
            lis = "".join(f'<li><a href="{_esc(h)}">{_esc(t)}</a></li>' for h, t in art.related)
            parts.append(f'<div class="xglj"><p>相关链接：</p><ul>{lis}</ul></div>')
        return (
            self.head(
                f"{art.title}_{SITE_NAME}",
                encoding=art.encoding,
                declare=art.declare,
                column=col,
                article=art,
                meta=art.meta,
            )
            + self.header(style)
            + '<div class="w1200 main article" id="content">\n'
            + "\n".join(parts)
            + "\n</div>\n"
            + self.footer(style)
        )

    def message_page(self, art: Article) -> str:
        """A 咨询投诉 detail page in the question/answer layout (msg-ask / msg-reply blocks)."""
        col = art.column
        ask = (
            '<div class="msg-ask">\n'
            f'  <h1 class="article-title">{_esc(art.title)}</h1>\n'
            f'  <p class="msg-info"><span>留言编号：{_esc(art.number)}</span>　<span>留言人：网友</span>　'
            f"<span>留言时间：{art.day:%Y-%m-%d} {self.clock(art)}</span></p>\n"
            f'  <p class="msg-info"><span>承办单位：{_esc(art.unit)}</span>　<span>办理状态：{_esc(art.state)}</span></p>\n'
            f'  <div class="msg-content"><p>留言内容：</p>\n{art.body}\n  </div>\n'
            "</div>"
        )
        if art.replied is not None:
            reply_text = dict(art.extra_fields).get("回复内容", "")
            reply = (
                '<div class="msg-reply">\n'
                f'  <p class="msg-info"><span>回复单位：{_esc(art.unit)}</span>　<span>回复时间：{art.replied:%Y-%m-%d}</span></p>\n'
                f'  <div class="msg-content"><p>回复内容：</p>\n{_paragraphs(reply_text)}\n  </div>\n'
                "</div>"
            )
        else:
            reply = '<div class="msg-reply">\n  <p class="no-reply">回复内容：暂无回复</p>\n</div>'
        return (
            self.head(f"{art.title}_{SITE_NAME}", column=col, article=art)
            + self.header()
            + '<div class="w1200 main article" id="content">\n'
            + self.breadcrumb(col, tail="正文")
            + f'\n<div class="msg-detail">\n{ask}\n{reply}\n</div>\n'
            + "</div>\n"
            + self.footer()
        )

    # ---- the old, accessibility-poor template (重点领域, built on a 2012 system) ----

    def old_head(self, title: str) -> str:
        # PLANT a11y html-has-lang (no lang), meta-viewport (zoom disabled), missing-metadata
        # (no SiteName/ColumnName/... tags), broken-link script[src] (jQuery file deleted).
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width, user-scalable=no, maximum-scale=1.0">
<title>{_esc(title)}</title>
<link rel="stylesheet" type="text/css" href="/css/old.css">
<script type="text/javascript" src="/js/jquery-1.4.2.min.js"></script>
</head>
<body style="font-size:12px;">
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>
<td><a href="/"><img src="/images/old_logo.gif" alt="兴庆区人民政府" width="1000" height="100" border="0"></a></td></tr></table>
"""

    def old_list_page(self, col: Column, items: list[Article]) -> str:
        rows = "".join(
            f'<tr><td style="font-size:12px;"><img src="/images/dot.gif" width="5" height="5"> '
            f'<a href="{self._item_href(col, a)}">{_esc(a.title)}</a></td>'
            f'<td style="font-size:12px;">{a.day:%Y-%m-%d}</td></tr>'
            for a in items
        )
        # PLANT a11y label (search box without label), link-name (image-only link, no alt),
        # image-alt, marquee; elder-friendly: 12px fixed text, floating ad window, no 关怀版 entry.
        return (
            self.old_head(f"{col.name}")
            + f"""<table width="1000" align="center"><tr><td>您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="/zwgk/">政务公开</a> &gt;&gt; {_esc(col.name)}</td>
<td align="right"><input type="text" name="q" size="12"><input type="image" src="/images/old_search.gif"></td></tr></table>
<marquee direction="left" scrollamount="3" style="font-size:12px;color:red;">重点领域信息公开专栏持续更新，欢迎社会各界监督。</marquee>
<table width="1000" align="center"><tr><td class="lmtitle"><b>{_esc(col.name)}</b></td></tr>
{rows}
</table>
<table width="1000" align="center"><tr><td><a href="/ztzl/"><img src="/images/old_banner.gif" width="300" height="60" border="0"></a></td></tr></table>
<div id="float-ad" style="position:fixed;right:10px;bottom:10px;width:200px;height:150px;z-index:999;">
<a href="/ztzl/"><img src="/images/old_float.gif" width="200" height="130" border="0"></a><span onclick="this.parentNode.style.display='none'">关闭</span></div>
"""
            + self.footer()
        )

    def old_article_page(self, art: Article) -> str:
        # PLANT a11y document-title (empty <title>), image-alt; elder-friendly font size.
        return (
            self.old_head("")
            + f"""<table width="1000" align="center"><tr><td>您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="{art.column.path}">{_esc(art.column.name)}</a></td></tr></table>
<table width="1000" align="center"><tr><td align="center"><font size="4"><b>{_esc(art.title)}</b></font></td></tr>
<tr><td align="center" style="font-size:12px;">发布日期：{art.day:%Y-%m-%d}　信息来源：{_esc(art.source)}</td></tr>
<tr><td style="font-size:12px;line-height:150%;">{art.body}</td></tr></table>
"""
            + self.footer()
        )


# --- the site ----------------------------------------------------------------------


def _build(b: _Builder) -> None:  # noqa: C901 - one place that reads like the site map
    ext, refused = b.ext, b.refused
    d = date

    # ---------------- columns ----------------
    XW = (("新闻中心", "/xwzx/"),)
    GK = (("政务公开", "/zwgk/"),)
    HD = (("互动交流", "/hdjl/"),)
    ZJ = (("走进兴庆", "/zjxq/"),)
    ywdt = b.column("/xwzx/ywdt/", "要闻动态", XW, column_type="新闻动态", per_page=12, static_links=True)
    bmdt = b.column("/xwzx/bmdt/", "部门动态", XW, column_type="新闻动态", per_page=12)
    jcdt = b.column("/xwzx/jcdt/", "基层动态", XW, column_type="新闻动态", per_page=10, oldest_first=True)
    tzgg = b.column("/zwgk/tzgg/", "通知公告", GK, column_type="通知公告", per_page=12)
    zcwj = b.column(
        "/zwgk/zcwj/", "政策文件", GK, style="table", column_type="政策文件，信息公开", per_page=15
    )
    gfxwj = b.column(
        "/zwgk/gfxwj/", "行政规范性文件", GK, style="table", column_type="政策文件，信息公开", per_page=10
    )
    zcjd = b.column("/zwgk/zcjd/", "政策解读", GK, column_type="政策解读", per_page=12, static_links=True)
    gzdt = b.column("/zwgk/gzdt/", "工作动态", GK, column_type="工作动态")
    rsxx = b.column("/zwgk/rsxx/", "人事信息", GK, column_type="信息公开")
    ghjh = b.column("/zwgk/ghjh/", "规划计划", GK, column_type="信息公开")
    xxgknb = b.column("/zwgk/xxgknb/", "政府信息公开年报", GK, column_type="信息公开")
    czzj = b.column("/zwgk/czzj/", "财政资金", GK, column_type="信息公开")
    b.column("/zwgk/zdxm/", "重大建设项目", GK, column_type="信息公开")
    zdly = b.column("/zwgk/zdly/", "重点领域信息公开", GK, style="old")
    qxgk = b.column("/zjxq/qxgk/", "区情概况", ZJ, column_type="走进兴庆")
    yjzj = b.column("/hdjl/yjzj/", "征求意见", HD, column_type="互动交流")
    ldxx = b.column("/hdjl/ldxx/", "区长信箱", HD, style="mailbox", column_type="互动交流")
    zxts = b.column("/hdjl/zxts/", "咨询投诉", HD, style="messages", column_type="互动交流")

    sfj_gzdt = b.column("/sfj/gzdt/", "工作动态", (), department_home="/sfj/", column_type="工作动态")
    sfj_tzgg = b.column("/sfj/tzgg/", "通知公告", (), department_home="/sfj/", column_type="通知公告")
    sfj_zcwj = b.column(
        "/sfj/zcwj/", "政策文件", (), style="table", department_home="/sfj/", column_type="政策文件，信息公开"
    )
    b.column("/sfj/fzxc/", "法治宣传", (), department_home="/sfj/", column_type="法治宣传")

    JY = "gbk"
    jyj_gzdt = b.column(
        "/jyj/gzdt/", "工作动态", (), encoding=JY, department_home="/jyj/", column_type="工作动态"
    )
    jyj_tzgg = b.column(
        "/jyj/tzgg/", "通知公告", (), encoding=JY, department_home="/jyj/", column_type="通知公告"
    )
    jyj_zcwj = b.column(
        "/jyj/zcwj/",
        "政策文件",
        (),
        encoding=JY,
        style="table",
        department_home="/jyj/",
        column_type="政策文件，信息公开",
    )
    jyj_yjzj = b.column(
        "/jyj/yjzj/", "征求意见", (), encoding=JY, department_home="/jyj/", column_type="互动交流"
    )

    wjj_gzdt = b.column(
        "/wjj/col/col2101/", "工作动态", (), style="hanweb", department_home="/wjj/", column_type="工作动态"
    )
    wjj_tzgg = b.column(
        "/wjj/col/col2102/", "通知公告", (), style="hanweb", department_home="/wjj/", column_type="通知公告"
    )
    wjj_zcwj = b.column(
        "/wjj/col/col2103/",
        "政策文件",
        (),
        style="hanweb",
        department_home="/wjj/",
        column_type="政策文件，信息公开",
    )

    # ---------------- shared helpers for content ----------------

    def filler_body(title: str, day: date, org: str) -> str:
        opening = b.rng.choice(BODY_OPENINGS)
        middle = b.rng.sample(BODY_MIDDLES, 2)
        return _paragraphs(
            f"{cn_date(day)}，{org}围绕“{title}”开展相关工作。{opening}{org}高度重视，周密安排，认真组织实施。",
            *middle,
        )

    def news_series(
        col: Column,
        newest: date,
        count: int,
        step: int,
        sources: tuple[str, ...],
        *,
        art_path=None,
        template: str = "trs",
    ) -> None:
        for i in range(count):
            day = _weekday_back(newest - timedelta(days=step * i))
            topic = NEWS_TOPICS[(i * 7 + len(col.path)) % len(NEWS_TOPICS)]
            action = NEWS_ACTIONS[(i * 3 + len(col.name)) % len(NEWS_ACTIONS)]
            title = f"兴庆区{topic}{action}"
            source = sources[i % len(sources)]
            art_id = b.fresh_id()
            path = art_path(day, art_id) if art_path else trs_path(col.path, day, art_id)
            b.article(
                path,
                title,
                day,
                col,
                kind="news",
                source=source,
                body=filler_body(title, day, source),
                template=template,
            )

    def doc_page(
        col: Column,
        path: str,
        title: str,
        day: date,
        written: date,
        number: str | None,
        publisher: str,
        *,
        source: str | None = None,
        body: str | None = None,
        template: str = "trs",
        declare: str = "header",
        **fields,
    ) -> Article:
        seq = sum(ord(c) for c in path) % 90000 + 10000
        doc = DocFields(
            index_no=f"11640104MB1954213F/{written.year}-{seq:05d}",
            publisher=publisher,
            written=written,
            number=number,
            **fields,
        )
        addressee = (
            "各乡镇人民政府、街道办事处，区政府各部门、各直属机构：" if publisher == GOV else "各有关单位："
        )
        text = body or _paragraphs(
            addressee,
            f"现将《{title.split('关于印发')[-1].removesuffix('的通知').strip('《》')}》印发给你们，请结合实际，认真贯彻执行。",
            b.rng.choice(DOC_MIDDLES),
            f"{publisher}",
            f"{cn_date(written)}",
            "（此件公开发布）",
        )
        return b.article(
            path,
            title,
            day,
            col,
            kind="doc",
            source=source or publisher,
            body=text,
            doc=doc,
            template=template,
            declare=declare,
        )

    def interp(
        doc: Article,
        path: str,
        day: date,
        *,
        kind: str = "text",
        title: str | None = None,
        links_doc: bool = True,
        doc_links_interp: bool = True,
        names_number: bool = False,
        names_title: bool = True,
        extra_body: str = "",
    ) -> Article:
        """An interpretation (解读) of ``doc``, paired the ways real portals pair them."""
        assert doc.doc is not None
        short = doc.title
        if title is None:
            title = {
                "text": f"《{short}》政策解读",
                "graphic": f"一图读懂《{short}》",
                "video": f"【视频解读】《{short}》",
            }[kind]
        paras = []
        if names_title:
            paras.append(f"近日，《{short}》正式印发。为便于社会公众理解，现就有关内容解读如下。")
        elif names_number:
            paras.append(
                f"近日，{doc.doc.publisher}印发（{doc.doc.number}）文件。为便于社会公众理解，现就有关内容解读如下。"
            )
        else:
            paras.append("为便于社会公众理解相关政策，现就有关内容解读如下。")
        paras += [
            "一、出台背景。" + b.rng.choice(BODY_OPENINGS) + "结合我区实际，制定本文件。",
            "二、主要内容。文件明确了工作目标、重点任务和保障措施。",
            "三、解读机关及联系方式。解读机关：" + doc.doc.publisher + "；联系电话：0951-5012345。",
        ]
        body = _paragraphs(*paras)
        slug = path.rsplit("/", 1)[-1].removesuffix(".html")
        if kind == "graphic":
            images = []
            for n in (1, 2):
                img = path.rsplit("/", 1)[0] + f"/W0{slug[1:]}_{n}.png"
                b.put_file(img, assets.PNG, assets.png_bytes(24, 32, (200 - 40 * n, 40, 40)))
                images.append(
                    f'<p style="text-align:center;"><img src="{img}" alt="一图读懂（第{n}部分）"></p>'
                )
            body = "\n".join(images) + "\n" + body
        elif kind == "video":
            video = f"/uploadfiles/video/{day:%Y%m}/{slug}.mp4"
            captions = video.removesuffix(".mp4") + ".vtt"
            b.put_file(video, assets.MP4, assets.mp4_bytes())
            b.put_file(
                captions, "text/vtt; charset=utf-8", f"WEBVTT\n\n00:00.000 --> 00:05.000\n{title}\n".encode()
            )
            body = (
                f'<p style="text-align:center;"><video controls width="640" poster="/images/video_poster.png" '
                f'src="{video}"><track kind="captions" src="{captions}" srclang="zh" label="中文字幕">'
                "您的浏览器不支持视频播放。</video></p>\n" + body
            )
        body += extra_body
        origin = (doc.path, f"《{doc.title}》") if links_doc else None
        art = b.article(
            path,
            title,
            day,
            zcjd,
            kind="interp",
            source=doc.source,
            body=body,
            origin_link=origin,
            interp_kind=kind,
            interp_of=doc,
            interp_links_doc=links_doc,
        )
        if doc_links_interp:
            doc.interp_links.append((path, title))
        return art

    auto_kinds = ("text", "graphic", "text", "video", "text")
    auto_counter = [0]

    def auto_interp(doc: Article) -> Article:
        """An on-time interpretation published the same day as the document."""
        kind = auto_kinds[auto_counter[0] % len(auto_kinds)]
        auto_counter[0] += 1
        return interp(doc, trs_path(zcjd.path, doc.day, b.fresh_id()), doc.day, kind=kind)

    # ======================= 政务公开 / 行政规范性文件 =======================
    # Every normative document needs an interpretation; all get an on-time one unless planted.

    # PLANT broken-anchor target page: sections #sec1 (id), #sec2 (<a name>), #sec4 (id); no #sec3.
    anchor_doc = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202303/t20230315_1101.html",
        "兴庆区行政规范性文件管理办法",
        d(2023, 3, 15),
        d(2023, 3, 10),
        "银兴政规发〔2023〕1号",
        GOV,
        source=SRC_GOV,
        validity="有效",
        layout="table",
        body="""<div class="toc"><p>目录：<a href="#sec1">第一章 总则</a> <a href="#sec2">第二章 制定程序</a> <a href="#sec4">第四章 附则</a> <a href="#">回到开头</a></p></div>
<h2 id="sec1">第一章 总则</h2>
<p style="text-indent:2em;">第一条 为加强行政规范性文件管理，根据有关法律法规，结合本区实际，制定本办法。</p>
<p><a name="sec2"></a></p><h2>第二章 制定程序</h2>
<p style="text-indent:2em;">第二条 起草单位应当对文件开展评估论证，广泛听取意见，并按规定进行合法性审核。</p>
<h2>第三章 清理</h2>
<p style="text-indent:2em;">第三条 制定机关应当每年10月底前对现行有效的行政规范性文件进行清理。</p>
<h2 id="sec4">第四章 附则</h2>
<p style="text-indent:2em;">第四条 本办法自2023年4月15日起施行，有效期5年。</p>""",
    )
    # Interpretation of the anchor document: links into its sections.
    interp(
        anchor_doc,
        "/zwgk/zcjd/202303/t20230315_1305.html",
        d(2023, 3, 15),
        kind="text",
        extra_body=(
            '<p>详见原文<a href="../../gfxwj/202303/t20230315_1101.html#sec1">第一章</a>、'
            '<a href="../../gfxwj/202303/t20230315_1101.html#sec2">第二章</a>、'
            # PLANT broken-anchor: #sec3 does not exist on the target page.
            '<a href="../../gfxwj/202303/t20230315_1101.html#sec3">第三章</a>。</p>\n'
            # PLANT broken-link: external chain of 11 redirects (> 10).
            f'<p>参考资料：<a href="{ext}/hops/1">自治区行政规范性文件数据库</a>；'
            # LOOK-ALIKE: exactly 10 redirects, then 200 — not broken.
            f'<a href="{ext}/ten/1">银川市规范性文件统一发布平台</a>。</p>\n'
            # PLANT broken-anchor on the same page: #section5 names nothing here.
            '<p><a href="#section5">查看第五部分</a> <a href="#top">返回顶部</a></p>'
        ),
    )

    # PLANT expired-document: 有效期至2023年6月30日, still marked 有效.
    e1 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202106/t20210630_1102.html",
        "兴庆区城市居民最低生活保障实施办法",
        d(2021, 6, 30),
        d(2021, 6, 25),
        "银兴政规发〔2021〕2号",
        GOV,
        validity="有效",
        layout="p",
        validity_text="本办法自2021年7月1日起施行，有效期至2023年6月30日。",
    )
    # PLANT expired-document: 自…起施行 + 有效期2年, no 有效性 field (the statement is its marking).
    e2 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202108/t20210820_1103.html",
        "兴庆区老旧小区改造资金管理办法",
        d(2021, 8, 20),
        d(2021, 8, 16),
        "银兴政规发〔2021〕3号",
        GOV,
        layout="dl",
        validity_text="本办法自2021年9月1日起施行，有效期2年。",
    )
    # LOOK-ALIKE: same end date as e1 but marked 失效 — not expired-document.
    l1 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202105/t20210520_1104.html",
        "兴庆区城乡居民临时救助暂行办法",
        d(2021, 5, 20),
        d(2021, 5, 14),
        "银兴政规发〔2021〕1号",
        GOV,
        validity="失效",
        layout="table",
        validity_text="本办法自2021年6月1日起施行，有效期至2023年6月30日。",
    )
    # PLANT missing-validity (财政局 by source, outside any department path) +
    # PLANT broken-link: 预决算公开平台 on a port where nothing listens.
    czj_doc = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202309/t20230912_1105.html",
        "兴庆区财政专项资金管理办法",
        d(2023, 9, 12),
        d(2023, 9, 8),
        "银兴财规发〔2023〕2号",
        SRC_CZJ,
        source=SRC_CZJ,
        layout="span",
    )
    czj_doc.related.append((f"{refused}/czj/yjsgk/", "兴庆区预决算公开平台"))
    # PLANT missing-validity: in the 行政规范性文件 column, no 有效性 field, no period stated.
    mv1 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202310/t20231010_1106.html",
        "兴庆区政府购买服务管理办法",
        d(2023, 10, 10),
        d(2023, 9, 28),
        "银兴政规发〔2023〕4号",
        GOV,
        layout="p",
    )
    # LOOK-ALIKEs: valid until 2025; 有效期5年 from 2022; 已废止 label; ends exactly on --today; 现行有效 label.
    l2 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202212/t20221215_1107.html",
        "兴庆区城市道路挖掘管理办法",
        d(2022, 12, 15),
        d(2022, 12, 9),
        "银兴政规发〔2022〕5号",
        GOV,
        validity="有效",
        layout="dl",
        validity_text="本办法自2023年1月1日起施行，有效期至2025年12月31日。",
    )
    l3 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202202/t20220225_1108.html",
        "兴庆区物业服务企业信用管理办法",
        d(2022, 2, 25),
        d(2022, 2, 18),
        "银兴政规发〔2022〕1号",
        GOV,
        layout="span",
        validity_text="本办法自2022年3月1日起施行，有效期5年。",
    )
    l4 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202006/t20200610_1109.html",
        "兴庆区农贸市场管理暂行办法",
        d(2020, 6, 10),
        d(2020, 6, 5),
        "银兴政规发〔2020〕3号",
        GOV,
        status_label="已废止",
        layout="table",
        validity_text="本办法自2020年7月1日起施行，有效期至2022年6月30日。",
    )
    l5 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202111/t20211101_1110.html",
        "兴庆区户外广告设置管理办法",
        d(2021, 11, 1),
        d(2021, 10, 26),
        "银兴政规发〔2021〕6号",
        GOV,
        validity="有效",
        layout="p",
        validity_text="本办法自2021年11月2日起施行，有效期至2023年11月1日。",
    )
    l6 = doc_page(
        gfxwj,
        "/zwgk/gfxwj/202306/t20230605_1111.html",
        "兴庆区停车场建设管理办法",
        d(2023, 6, 5),
        d(2023, 5, 30),
        "银兴政规发〔2023〕2号",
        GOV,
        status_label="现行有效",
        layout="dl",
    )
    for doc in (e1, e2, l1, l2, l3, l4, l5):
        doc.body += "\n" + _paragraphs(doc.doc.validity_text)
    for doc in (e1, e2, l1, czj_doc, mv1, l2, l3, l4, l5, l6):
        auto_interp(doc)

    # ======================= 政务公开 / 政策文件 =======================
    # PLANT late-interpretation: published 2023-09-27 (Wed); interpretation 2023-10-09.
    # Working days after 9/27: 9/28, 10/7 (Sat, 调休), 10/8 (Sun, 调休), 10/9 = 4 > 3.
    late_doc = doc_page(
        zcwj,
        "/zwgk/zcwj/202309/t20230927_1201.html",
        "兴庆区人民政府关于印发兴庆区促进民营经济高质量发展若干措施的通知",
        d(2023, 9, 27),
        d(2023, 9, 25),
        "银兴政发〔2023〕35号",
        GOV,
        layout="table",
    )
    interp(late_doc, "/zwgk/zcjd/202310/t20231009_1301.html", d(2023, 10, 9), kind="text")
    # LOOK-ALIKE: same publication day, interpretation on Sunday 2023-10-08 (调休 working day):
    # 9/28, 10/7, 10/8 = 3 working days — on time although 11 calendar days later, and late only
    # if counted from the 成文日期 (2023-09-22) instead of the 发布日期.
    ok_doc = doc_page(
        zcwj,
        "/zwgk/zcwj/202309/t20230927_1202.html",
        "兴庆区人民政府办公室关于印发兴庆区国庆假期旅游市场保障方案的通知",
        d(2023, 9, 27),
        d(2023, 9, 22),
        "银兴政办发〔2023〕28号",
        GOV,
        layout="p",
    )
    interp(ok_doc, "/zwgk/zcjd/202310/t20231008_1302.html", d(2023, 10, 8), kind="graphic")
    # PLANT missing-validity: normative by its field 是否规范性文件：是 (outside the normative column).
    mv5 = doc_page(
        zcwj,
        "/zwgk/zcwj/202305/t20230518_1203.html",
        "兴庆区人民政府关于印发兴庆区城市供热管理办法的通知",
        d(2023, 5, 18),
        d(2023, 5, 12),
        "银兴政发〔2023〕20号",
        GOV,
        normative_field="是",
        layout="dl",
    )
    auto_interp(mv5)
    # PLANT missing-interpretation: 银兴政办发 (required by config), 2023-10-16, none published.
    doc_page(
        zcwj,
        "/zwgk/zcwj/202310/t20231016_1204.html",
        "兴庆区人民政府办公室关于印发兴庆区冬春季节农村人居环境整治方案的通知",
        d(2023, 10, 16),
        d(2023, 10, 12),
        "银兴政办发〔2023〕31号",
        GOV,
        layout="span",
    )
    # LOOK-ALIKE pending: 2023-10-27 (Fri) -> 10/30, 10/31, 11/1 = 3 working days, not yet due.
    doc_page(
        zcwj,
        "/zwgk/zcwj/202310/t20231027_1205.html",
        "兴庆区人民政府关于印发兴庆区2023—2024年冬季供暖保障方案的通知",
        d(2023, 10, 27),
        d(2023, 10, 24),
        "银兴政发〔2023〕41号",
        GOV,
        layout="table",
    )
    # LOOK-ALIKE: published Friday 2023-06-09, interpretation Wednesday 6/14 = 3 working days.
    wk_doc = doc_page(
        zcwj,
        "/zwgk/zcwj/202306/t20230609_1206.html",
        "兴庆区人民政府办公室关于印发兴庆区夏季安全生产大检查方案的通知",
        d(2023, 6, 9),
        d(2023, 6, 6),
        "银兴政办发〔2023〕15号",
        GOV,
        layout="p",
    )
    interp(wk_doc, "/zwgk/zcjd/202306/t20230614_1303.html", d(2023, 6, 14), kind="video")
    # LOOK-ALIKE: a 函 that needs no interpretation (not normative, number not required).
    doc_page(
        zcwj,
        "/zwgk/zcwj/202310/t20231018_1207.html",
        "兴庆区人民政府关于同意设立兴庆区政务服务中心分中心的批复",
        d(2023, 10, 18),
        # PLANT missing-metadata date-order: 成文日期 typed as 2023-10-20, after its 发布日期 2023-10-18.
        d(2023, 10, 20),
        "银兴政函〔2023〕56号",
        GOV,
        layout="dl",
    )
    # LOOK-ALIKE: 是否规范性文件：否, no validity field — not missing-validity; paired by 文号 only.
    nf_doc = doc_page(
        zcwj,
        "/zwgk/zcwj/202307/t20230720_1208.html",
        "兴庆区人民政府办公室关于做好2023年防汛工作的通知",
        d(2023, 7, 20),
        d(2023, 7, 18),
        "银兴政办发〔2023〕22号",
        GOV,
        normative_field="否",
        layout="table",
    )
    interp(
        nf_doc,
        "/zwgk/zcjd/202307/t20230720_1306.html",
        d(2023, 7, 20),
        kind="graphic",
        title="图解：今年汛期我区这样做好防汛工作",
        links_doc=False,
        doc_links_interp=False,
        names_title=False,
        names_number=True,
    )
    # LOOK-ALIKE: paired only because the interpretation's title names the document in 《》.
    tp_doc = doc_page(
        zcwj,
        "/zwgk/zcwj/202308/t20230815_1209.html",
        "兴庆区全民健身实施计划（2023—2025年）",
        d(2023, 8, 15),
        d(2023, 8, 10),
        "银兴政发〔2023〕30号",
        GOV,
        layout="span",
    )
    interp(
        tp_doc,
        "/zwgk/zcjd/202308/t20230816_1307.html",
        d(2023, 8, 16),
        kind="text",
        links_doc=False,
        doc_links_interp=False,
    )
    # LOOK-ALIKE: paired only by the document's 相关解读 link (the interpretation names nothing).
    dl_doc = doc_page(
        zcwj,
        "/zwgk/zcwj/202307/t20230706_1210.html",
        "兴庆区人民政府办公室关于加强城市道路停车管理的通知",
        d(2023, 7, 6),
        d(2023, 7, 3),
        "银兴政办发〔2023〕20号",
        GOV,
        layout="p",
    )
    interp(
        dl_doc,
        "/zwgk/zcjd/202307/t20230707_1308.html",
        d(2023, 7, 7),
        kind="video",
        title="动画解读：停车管理新规来了",
        links_doc=False,
        names_title=False,
    )

    # Filler policy documents: each has an on-time interpretation (graphic / video mixed in).
    for i, subject in enumerate(DOC_SUBJECTS[:12]):
        day = _weekday_back(d(2023, 9, 15) - timedelta(days=19 * i))
        office = i % 2 == 1
        number = f"银兴政{'办' if office else ''}发〔2023〕{(3 + i) if office else (2 + i)}号"
        issuer = "兴庆区人民政府办公室" if office else GOV
        title = f"{issuer}关于印发{subject}的通知"
        doc = doc_page(
            zcwj,
            trs_path(zcwj.path, day, b.fresh_id()),
            title,
            day,
            day - timedelta(days=4),
            number,
            GOV,
            layout=("table", "p", "dl", "span")[i % 4],
        )
        auto_interp(doc)

    # LOOK-ALIKE: paired only by the interpretation's 原文链接 back to the document (the document
    # page has no 相关解读 link, and the interpretation's title and body name neither title nor 文号).
    il_doc = doc_page(
        zcwj,
        "/zwgk/zcwj/202308/t20230822_1211.html",
        "兴庆区人民政府关于印发兴庆区老年人助餐服务实施办法的通知",
        d(2023, 8, 22),
        d(2023, 8, 18),
        "银兴政发〔2023〕33号",
        GOV,
        layout="table",
    )
    interp(
        il_doc,
        "/zwgk/zcjd/202308/t20230823_1310.html",
        d(2023, 8, 23),
        kind="text",
        title="老年人助餐服务怎么享受？官方解读来了",
        doc_links_interp=False,
        names_title=False,
    )
    # PLANT missing-interpretation: the only interpretation near this document interprets its
    # 实施细则 (《兴庆区城市绿化管理办法实施细则》), a similar but different title — no pairing.
    doc_page(
        zcwj,
        "/zwgk/zcwj/202309/t20230906_1212.html",
        "兴庆区城市绿化管理办法",
        d(2023, 9, 6),
        d(2023, 9, 1),
        "银兴政发〔2023〕34号",
        GOV,
        layout="dl",
    )
    b.article(
        "/zwgk/zcjd/202309/t20230907_1311.html",
        "《兴庆区城市绿化管理办法实施细则》政策解读",
        d(2023, 9, 7),
        zcjd,
        kind="interp",
        interp_kind="text",
        source=SRC_GOV,
        body=_paragraphs(
            "近日，《兴庆区城市绿化管理办法实施细则》印发。为便于社会公众理解，现就有关内容解读如下。",
            "一、适用范围。细则对城市绿地的建设、养护和管理作出具体规定。",
        ),
    )

    # An interpretation paired with nothing (a general Q&A); it names no 《title》 and no 文号.
    b.article(
        "/zwgk/zcjd/202309/t20230905_1309.html",
        "政务公开常见问题问答",
        d(2023, 9, 5),
        zcjd,
        kind="interp",
        interp_kind="text",
        source=SRC_GOV,
        body=_paragraphs(
            "问：如何申请政府信息公开？答：可通过在线平台、信函或当面方式提出申请。",
            "问：政府信息公开申请的答复期限是多少？答：一般为20个工作日。",
        ),
    )

    # ======================= 政务公开 / 通知公告 =======================
    # PLANT broken-link (internal 404) and broken-link (internal 403 on an internal host).
    n1 = b.article(
        "/zwgk/tzgg/202310/t20231020_1002.html",
        "关于开展秋冬季道路交通安全集中整治的通知",
        d(2023, 10, 20),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        body=filler_body("道路交通安全专项整治", d(2023, 10, 20), "兴庆区人民政府办公室"),
    )
    n1.related += [
        ("/zwgk/tzgg/202306/t20230601_1009.html", "兴庆区2023年上半年道路交通安全工作通报"),
        ("/uploadfiles/nbgl/2023_nbtz.xls", "专项整治台账（内部）"),
    ]
    # PLANT missing-metadata PubDate: written with slashes (2023/10/20 09:30), not YYYY-MM-DD.
    n1.meta_overrides["PubDate"] = "2023/10/20 09:30"
    # PLANT hidden-link: an external link hidden with display:none (tampering sign).
    # LOOK-ALIKE on the same page: a hidden *internal* link (mobile menu) — not hidden-link.
    b.article(
        "/zwgk/tzgg/202310/t20231023_1003.html",
        "关于做好2023—2024年度冬季清雪除冰工作的通知",
        d(2023, 10, 23),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        body=filler_body("冬季清雪除冰", d(2023, 10, 23), "兴庆区城市管理局")
        # PLANT wording flagged: the retired name 兴庆新区 (a site rule in the demo config) used as current.
        + _paragraphs("兴庆新区各相关单位要提前储备融雪物资。")
        + f'\n<a href="{ext}/seo/link1.html" style="display:none">在线娱乐平台</a>'
        + '\n<div class="m-menu"><a href="/zwgk/" style="display:none">政务公开</a></div>',
    )
    # PLANT backdated-post (needs two nights): stated date 2023-10-20 on night 1, 2023-10-25 on night 2.
    b.article(
        "/zwgk/tzgg/202310/t20231020_1004.html",
        "关于调整3路、15路公交线路走向的通告",
        d(2023, 10, 25),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        night_days={1: d(2023, 10, 20), 2: d(2023, 10, 25)},
        body=filler_body("调整部分公交线路", d(2023, 10, 20), "兴庆区住房城乡建设和交通局"),
    )
    # PLANT backdated-post (needs two nights): appears only on night 2 but states 2023-09-15.
    b.article(
        "/zwgk/tzgg/202309/t20230915_1010.html",
        "关于做好2023年秋冬季森林防火宣传工作的通知",
        d(2023, 9, 15),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        nights=(2,),
        body=filler_body("秋冬季节森林草原防灭火", d(2023, 9, 15), "兴庆区应急管理局"),
    )
    # LOOK-ALIKE backdated-post: also new on night 2, but dated the day it appeared.
    b.article(
        "/zwgk/tzgg/202311/t20231101_1013.html",
        "关于做好2023年11月份重点工作安排的通知",
        d(2023, 11, 1),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        nights=(2,),
        body=filler_body("11月份重点工作安排", d(2023, 11, 1), SRC_GOV),
    )
    # LOOK-ALIKEs for link checking: redirect chain to 200, slow page, HEAD 405 / GET 200.
    # PLANT link-unverified: 403 from an external host.
    n5 = b.article(
        "/zwgk/tzgg/202310/t20231012_1005.html",
        "关于公布兴庆区2023年版政务服务事项清单的公告",
        d(2023, 10, 12),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        body=filler_body("政务服务事项清单", d(2023, 10, 12), "兴庆区人民政府办公室"),
    )
    # PLANT missing-metadata SiteIDCode: 6401060001 begins with 640106, not the site's region 640104,
    # and differs from the 网站标识码 in the footer (a template copied from a neighbouring district).
    n5.meta_overrides["SiteIDCode"] = "6401060001"
    n5.related += [
        (f"{ext}/redirect/a", "宁夏政务服务网事项库"),
        (f"{ext}/slow.html", "银川市政务服务事项目录"),
        (f"{ext}/head405.html", "全国一体化政务服务平台"),
        (f"{ext}/forbidden403.html", "国家政务服务平台"),
    ]
    # PLANT intranet-link (192.168.x), on an article listed only on tzgg/index_3.html — a list page
    # reachable only through the createPageHTML() script. LOOK-ALIKE: the same address as plain text.
    b.article(
        "/zwgk/tzgg/202303/t20230310_1006.html",
        "关于报送2022年度政务公开工作台账的通知",
        d(2023, 3, 10),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        body=_paragraphs(
            "各单位请于3月20日前报送2022年度政务公开工作台账。",
            '台账模板请从<a href="http://192.168.1.20:8080/xxgk/upload/tz2022.doc">内网共享目录</a>下载。',
            "如无法访问，请联系信息中心（内网服务器地址 192.168.1.1 仅限机关内网使用）。",
        ),
    )
    # PLANT privacy-leak id-card: 民政局 (path /zwgk/ + source 兴庆区民政局) publishes a full ID number.
    b.article(
        "/zwgk/tzgg/202310/t20231009_1007.html",
        "兴庆区2023年10月城乡低保新增对象公示",
        d(2023, 10, 9),
        tzgg,
        kind="notice",
        source=SRC_MZJ,
        body=_paragraphs("根据《宁夏回族自治区最低生活保障办法》，经审核，现将新增低保对象公示如下：")
        + f'\n<table class="gs"><tr><th>姓名</th><th>身份证号</th><th>家庭人口</th></tr>'
        f"<tr>\n<td>马某某</td>\n<td>{PLANTED_ID}</td>\n<td>3</td>\n</tr></table>"
        + _paragraphs("公示期7天。如有异议，请向兴庆区民政局反映，电话：0951-5012345。"),
        attachments=[("./P020231009_1007_dbmd.docx", "新增低保对象名单.docx")],
    )
    # PLANT privacy-leak id-card in an attachment: the Word list behind the notice holds another full ID.
    b.put_file("/zwgk/tzgg/202310/P020231009_1007_dbmd.docx", assets.DOCX,
               assets.docx_bytes(f"新增低保对象名单 马某乙 身份证号 {ATTACHED_ID} 家庭人口 2"))
    # LOOK-ALIKE: masked ID, an 18-digit number with a wrong check digit, one with month 13.
    b.article(
        "/zwgk/tzgg/202309/t20230925_1008.html",
        "兴庆区2023年9月城乡低保新增对象公示",
        d(2023, 9, 25),
        tzgg,
        kind="notice",
        source=SRC_MZJ,
        body=_paragraphs("经审核，现将新增低保对象公示如下：")
        + '\n<table class="gs"><tr><th>姓名</th><th>身份证号</th></tr>'
        "<tr>\n<td>李某</td>\n<td>640104********1234</td>\n</tr>"
        f"<tr>\n<td>王某</td>\n<td>{BAD_CHECK_ID}</td>\n</tr>"
        f"<tr>\n<td>张某</td>\n<td>{BAD_BIRTH_ID}</td>\n</tr></table>",
        attachments=[("./P020230925_1008_dbmd.docx", "新增低保对象名单.docx")],
    )
    # LOOK-ALIKE privacy-leak in an attachment: the list behind it is masked.
    b.put_file("/zwgk/tzgg/202309/P020230925_1008_dbmd.docx", assets.DOCX,
               assets.docx_bytes("新增低保对象名单 李某 身份证号 640104********1234 家庭人口 3"))
    # LOOK-ALIKE for unsafe-link: an external news page *about* fighting gambling.
    n9 = b.article(
        "/zwgk/tzgg/202309/t20230920_1011.html",
        "关于开展防范电信网络诈骗集中宣传月活动的通知",
        d(2023, 9, 20),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        body=filler_body("防范电信网络诈骗宣传", d(2023, 9, 20), "兴庆区人民政府办公室"),
    )
    n9.related.append((f"{ext}/news/dbgz.html", "关于严厉打击跨境赌博违法犯罪活动的通告"))
    # LOOK-ALIKEs for privacy: masked mobile, landline, a 20-digit order number containing 11 digits
    # that look like a mobile number.
    b.article(
        "/zwgk/tzgg/202309/t20230911_1012.html",
        "关于2024年度城乡居民医疗保险集中缴费的通告",
        d(2023, 9, 11),
        tzgg,
        kind="notice",
        source=SRC_GOV,
        body=_paragraphs(
            "城乡居民可通过银行、手机应用等渠道缴纳2024年度医保费。",
            f"缴费成功后系统生成订单编号（例如 20231015{PLANTED_MOBILE}1），请妥善保存。",
            "咨询电话：0951-5012345；社区联络员手机：138****5678。",
        ),
    )
    # Filler notices: enough for four list pages (index, index_1 … index_3).
    for i, subject in enumerate(NOTICE_SUBJECTS):
        day = _weekday_back(d(2023, 10, 31) - timedelta(days=9 * i + 1))
        src = SOURCES_OTHER[i % len(SOURCES_OTHER)]
        b.article(
            trs_path(tzgg.path, day, b.fresh_id()),
            subject,
            day,
            tzgg,
            kind="notice",
            source=src,
            body=filler_body(subject.removeprefix("关于").split("的")[0], day, src),
        )
    for i in range(12):
        day = _weekday_back(d(2023, 2, 20) - timedelta(days=13 * i))
        subject = NOTICE_SUBJECTS[(i * 5 + 3) % len(NOTICE_SUBJECTS)].replace("2023", "2022")
        b.article(
            trs_path(tzgg.path, day, b.fresh_id()),
            subject,
            day,
            tzgg,
            kind="notice",
            source=SRC_GOV,
            body=filler_body(subject.removeprefix("关于").split("的")[0], day, SRC_GOV),
        )

    # ======================= 新闻中心 =======================
    # PLANT wording 布署: news under /xwzx/ whose source is 兴庆区民政局 — department is the owner,
    # because the 民政局 rule needs BOTH path /zwgk/ and the source.
    b.article(
        "/xwzx/ywdt/202310/t20231027_2001.html",
        "兴庆区召开冬季困难群众救助帮扶工作会议",
        d(2023, 10, 27),
        ywdt,
        kind="news",
        source=SRC_MZJ,
        body=_paragraphs(
            "10月27日，兴庆区召开冬季困难群众救助帮扶工作会议，对今冬明春救助工作进行布署。",
            "会议要求，各乡镇（街道）要摸清底数，确保困难群众温暖过冬。",
        ),
    )
    # PLANT broken-link (external 500) and link-unverified (external 429 with Retry-After).
    w2 = b.article(
        "/xwzx/ywdt/202310/t20231016_2002.html",
        "兴庆区召开数字政府建设工作推进会",
        d(2023, 10, 16),
        ywdt,
        kind="news",
        source=SRC_MEDIA,
        # PLANT wording name-title: 马建国 left the office of 区长 on 2023-06-30 (demo config leaders).
        body=filler_body("数字政府建设", d(2023, 10, 16), SRC_MEDIA) + _paragraphs("区长马建国出席会议并讲话。"),
    )
    w2.related += [
        (f"{ext}/error500.html", "宁夏数字政府建设专栏"),
        (f"{ext}/ratelimit429.html", "全国政务服务效能提升专栏"),
    ]
    # LOOK-ALIKE wording: the correct words 部署 and 安装 (the newest item of the homepage too).
    b.article(
        "/xwzx/ywdt/202310/t20231031_2003.html",
        "兴庆区召开2023年第四季度安全生产工作会议",
        d(2023, 10, 31),
        ywdt,
        kind="news",
        source=SRC_MEDIA,
        body=_paragraphs(
            "10月31日，兴庆区召开2023年第四季度安全生产工作会议，对岁末年初安全生产工作进行部署。",
            "会议要求，餐饮场所要全部安装可燃气体报警装置，确保安全生产形势持续稳定。",
        ),
    )
    news_series(ywdt, d(2023, 10, 30), 30, 3, (SRC_MEDIA,))
    news_series(bmdt, d(2023, 10, 27), 12, 5, SOURCES_OTHER)
    # LOOK-ALIKE stale-column: 基层动态 lists oldest first, so its first page ends 2023-10-02 (30 days,
    # past the 14-day limit); the newest items (to 2023-10-30) are only on index_1.html, reachable
    # through the createPageHTML() script alone.
    news_series(jcdt, d(2023, 10, 30), 14, 7, SOURCES_OTHER)
    # PLANT missing-metadata future-date: 发布日期 typed as 2023-11-20 on a page crawled 2023-11-01.
    b.article(
        "/xwzx/bmdt/202311/t20231120_2014.html",
        "兴庆区开展2023年度冬季供暖安全检查",
        d(2023, 11, 20),
        bmdt,
        kind="news",
        source=SRC_GOV,
        body=filler_body("冬季供暖安全检查", d(2023, 10, 20), SRC_GOV),
    )
    # LOOK-ALIKE department: a story about the 财政局 whose source is the media centre -> owner.
    b.article(
        "/xwzx/bmdt/202310/t20231025_2004.html",
        "兴庆区财政局开展预算绩效管理培训",
        d(2023, 10, 25),
        bmdt,
        kind="news",
        source=SRC_MEDIA,
        body=filler_body("预算绩效管理培训", d(2023, 10, 25), SRC_MEDIA),
    )

    # ======================= 其他政务公开栏目 =======================
    # PLANT stale-column: 工作动态 (14-day class) newest item 2023-10-17 — 15 days before --today,
    # one day past the limit (司法局 工作动态 at exactly 14 days is the look-alike).
    news_series(gzdt, d(2023, 10, 17), 10, 6, (SRC_GOV,))
    # PLANT stale-column: 人事信息 (365-day class) newest item 2022-10-31 — 366 days, one day past.
    for i, title in enumerate(PERSONNEL_TITLES):
        day = _weekday_back(d(2022, 10, 31) - timedelta(days=41 * i))
        b.article(
            trs_path(rsxx.path, day, b.fresh_id()),
            title,
            day,
            rsxx,
            kind="notice",
            source=SRC_GOV,
            body=filler_body("人事工作", day, "兴庆区人力资源和社会保障局"),
        )
    # LOOK-ALIKE stale-column: 规划计划 (365-day class) newest 2023-03-01 — 245 days, within the limit.
    # PLANT wording: a 2023 page that treats 十三五 as the current plan period.
    b.article(
        "/zwgk/ghjh/202303/t20230301_1901.html",
        "兴庆区2023年政府工作报告重点任务分解方案",
        d(2023, 3, 1),
        ghjh,
        kind="notice",
        source=SRC_GOV,
        body=_paragraphs(
            "2023年是全面贯彻党的二十大精神的开局之年，也是实施“十三五”规划承上启下的关键一年。",
            "各部门要对照重点任务分解表，逐项明确责任人和完成时限。",
        ),
    )
    for i, title in enumerate(
        (
            "兴庆区2023年国民经济和社会发展计划",
            "兴庆区“十四五”养老服务体系规划",
            "兴庆区2022年重点项目建设计划",
            "兴庆区“十四五”综合交通发展规划",
        )
    ):
        day = _weekday_back(d(2023, 2, 20) - timedelta(days=70 * i))
        b.article(
            trs_path(ghjh.path, day, b.fresh_id()),
            title,
            day,
            ghjh,
            kind="notice",
            source=SRC_GOV,
            body=filler_body("规划计划编制", day, SRC_GOV),
        )
    # LOOK-ALIKE wording: 十三五 named as a past period (with its years) in a 2023 annual report.
    for year, day, art_id in (
        (2022, d(2023, 1, 30), 1902),
        (2021, d(2022, 1, 28), 1903),
        (2020, d(2021, 1, 29), 1904),
    ):
        text = _paragraphs(
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制，内容包括{year}年度主动公开、依申请公开等情况。",
            "回顾“十三五”时期（2016—2020年），我区政务公开标准化规范化水平稳步提升。"
            if year == 2022
            else "报告中所列数据的统计期限自当年1月1日起至12月31日止。",
        )
        if year == 2022:
            # LOOK-ALIKE wording name-title: 马建国 was still 区长 on 2023-01-30 (config: until 2023-06-30);
            # LOOK-ALIKE flagged: the retired name 兴庆新区 only inside the title of an old document.
            text += _paragraphs(
                "区长马建国对报告编制工作提出要求。",
                "报告附件列出了《关于设立兴庆新区管理委员会的批复》等历史文件的公开情况。",
            )
        b.article(
            trs_path(xxgknb.path, day, art_id),
            f"兴庆区人民政府{year}年政府信息公开工作年度报告",
            day,
            xxgknb,
            kind="notice",
            source=SRC_GOV,
            body=text,
        )
    # PLANT privacy-leak bank-card: 财政局 (by source) publishes a full card number next to 银行卡号.
    b.article(
        "/zwgk/czzj/202308/t20230825_1401.html",
        "兴庆区2023年耕地地力保护补贴发放情况公示",
        d(2023, 8, 25),
        czzj,
        kind="notice",
        source=SRC_CZJ,
        body=_paragraphs("现将2023年耕地地力保护补贴发放情况公示如下：")
        + f'\n<table class="gs"><tr><th>户主</th><th>补贴金额（元）</th><th>银行卡号</th></tr>'
        f"<tr>\n<td>杨某某</td>\n<td>1260.00</td>\n<td>{PLANTED_CARD}</td>\n</tr></table>",
        attachments=[("./P020230825401234.xls", "耕地地力保护补贴发放明细表.xls")],
    )
    b.put_file("/zwgk/czzj/202308/P020230825401234.xls", assets.XLS, assets.xls_bytes())
    # LOOK-ALIKEs: masked card number; a Luhn-valid 16-digit 项目编号 with no card/account context.
    b.article(
        "/zwgk/czzj/202307/t20230710_1402.html",
        "兴庆区2023年惠民惠农财政补贴资金发放公示",
        d(2023, 7, 10),
        czzj,
        kind="notice",
        source=SRC_CZJ,
        body=_paragraphs(
            "补贴资金已通过“一卡通”发放，社保卡号：6217********1234。", f"项目编号：{PROJECT_CODE_LUHN}。"
        ),
    )
    b.article(
        "/zwgk/czzj/202306/t20230620_1403.html",
        "兴庆区2023年部门预算公开",
        d(2023, 6, 20),
        czzj,
        kind="notice",
        source=SRC_CZJ,
        body=filler_body("部门预算公开", d(2023, 6, 20), SRC_CZJ),
        attachments=[("./P020230620501234.pdf", "兴庆区2023年部门预算.pdf")],
    )
    b.put_file("/zwgk/czzj/202306/P020230620501234.pdf", assets.PDF, assets.pdf_bytes("兴庆区2023年部门预算"))
    # 区情概况: a static column (no limit) with old items only — LOOK-ALIKE stale-column.
    for i, title in enumerate(("兴庆区概况", "兴庆区行政区划", "兴庆区自然地理")):
        day = d(2022, 1, 10) - timedelta(days=200 * i)
        b.article(
            trs_path(qxgk.path, day, b.fresh_id()),
            title,
            day,
            qxgk,
            kind="static",
            source=SRC_GOV,
            body=_paragraphs("兴庆区是宁夏回族自治区首府银川市的主城区之一，历史悠久，文化底蕴深厚。"),
        )
    # 重点领域信息公开: the old template (accessibility-poor, no metadata).
    b.article(
        "/zwgk/zdly/202306/t20230620_1801.html",
        "兴庆区2023年保障性住房分配情况公开",
        d(2023, 6, 20),
        zdly,
        kind="notice",
        source=SRC_GOV,
        template="old",
        meta=False,
        body='<p>现将2023年保障性住房分配情况公开如下。</p><p><img src="/images/old_chart.gif" width="400" height="200"></p>',
    )
    b.article(
        "/zwgk/zdly/202305/t20230510_1802.html",
        "兴庆区2023年食品安全抽检信息公开",
        d(2023, 5, 10),
        zdly,
        kind="notice",
        source=SRC_GOV,
        template="old",
        meta=False,
        body='<p>现将2023年第一季度食品安全抽检信息公开如下。</p><p><img src="/images/old_chart.gif" alt="抽检结果统计图" width="400" height="200"></p>',
    )

    # ======================= 互动交流 / 征求意见 =======================
    def consult(
        col: Column,
        path: str,
        title: str,
        day: date,
        period_html: str,
        source: str = SRC_GOV,
        fields: list[tuple[str, str]] | None = None,
    ) -> Article:
        slug = path.rsplit("/", 1)[-1].removesuffix(".html")
        draft = path.rsplit("/", 1)[0] + f"/P0{slug[1:]}_zqyjg.docx"
        b.put_file(draft, assets.DOCX, assets.docx_bytes(title))
        return b.article(
            path,
            title,
            day,
            col,
            kind="consult",
            source=source,
            extra_fields=fields or [],
            body=_paragraphs("为增强决策的科学性和透明度，现将草案全文公布，公开征求社会各界意见。")
            + "\n"
            + period_html
            + _paragraphs(
                "意见反馈渠道：电子邮件发送至 xqzfb@xingqing.example.gov.cn，或信函寄至兴庆区人民政府办公室。"
            ),
            attachments=[("./" + draft.rsplit("/", 1)[-1], "征求意见稿.docx")],
        )

    # PLANT short-consultation: 2023-09-01 to 2023-09-15 (15 days).
    consult(
        yjzj,
        "/hdjl/yjzj/202309/t20230901_1501.html",
        "关于《兴庆区老旧小区改造实施方案（征求意见稿）》公开征求意见的公告",
        d(2023, 9, 1),
        "<p><strong>征求意见时间：</strong>2023年9月1日至2023年9月15日。</p>",
    )
    # LOOK-ALIKE: 2023-08-01 to 2023-08-31 (31 days).
    consult(
        yjzj,
        "/hdjl/yjzj/202308/t20230801_1502.html",
        "关于《兴庆区养老服务设施布局规划（征求意见稿）》公开征求意见的公告",
        d(2023, 8, 1),
        "<p>公开征求意见时间为：2023年8月1日至2023年8月31日。</p>",
    )
    # LOOK-ALIKE (Hanweb-style fields): 2023-10-09 to 2023-11-08 — 31 days counting both ends.
    consult(
        yjzj,
        "/hdjl/yjzj/202310/t20231009_1503.html",
        "关于对《兴庆区2024年民生实事项目（征求意见稿）》征集意见的公告",
        d(2023, 10, 9),
        "",
        fields=[("征集部门", "兴庆区人民政府办公室"), ("开始时间", "2023-10-09"), ("结束时间", "2023-11-08")],
    )
    # PLANT short-consultation: only a deadline — open from its 发布日期 2023-10-10 to 2023-10-20.
    consult(
        yjzj,
        "/hdjl/yjzj/202310/t20231010_1504.html",
        "关于《兴庆区城市道路停车收费管理办法（征求意见稿）》公开征求意见的公告",
        d(2023, 10, 10),
        "<p>请于2023年10月20日前将意见反馈至兴庆区人民政府办公室。</p>",
    )
    # LOOK-ALIKE: 起止日期 2023-07-03 至 2023-08-02 (31 days).
    consult(
        yjzj,
        "/hdjl/yjzj/202307/t20230703_1505.html",
        "关于《兴庆区公共文化服务体系建设实施方案（征求意见稿）》公开征求意见的公告",
        d(2023, 7, 3),
        "<p><strong>起止日期：</strong>2023-07-03 至 2023-08-02</p>",
    )

    # PLANT short-consultation: 征集时间 2023-06-01 至 2023-06-20 (20 days).
    consult(
        yjzj,
        "/hdjl/yjzj/202306/t20230601_1506.html",
        "关于《兴庆区社区嵌入式服务设施建设方案（征求意见稿）》公开征求意见的公告",
        d(2023, 6, 1),
        "<p>征集时间：2023年6月1日至2023年6月20日。</p>",
    )
    # LOOK-ALIKE: exactly 30 days counting both ends (2023-06-05 to 2023-07-04) — meets the minimum.
    consult(
        yjzj,
        "/hdjl/yjzj/202306/t20230605_1507.html",
        "关于《兴庆区农贸市场提升改造实施方案（征求意见稿）》公开征求意见的公告",
        d(2023, 6, 5),
        "<p>本次公开征求意见时间为2023年6月5日至2023年7月4日。</p>",
    )

    # ======================= 互动交流 / 区长信箱 =======================
    def letter(
        letter_id: int,
        title: str,
        asked: date,
        content: str,
        *,
        reply: date | None,
        reply_text: str = "",
        unit: str = "兴庆区人民政府办公室",
    ) -> Article:
        path = f"/hdjl/ldxx/detail.jsp?type=1&id={letter_id}"
        fields = [
            ("信件编号", f"XQ2023{letter_id:05d}"),
            ("来信人", "网友"),
            ("来信时间", f"{asked:%Y-%m-%d} 10:{letter_id % 60:02d}"),
            ("办理时限", "5个工作日"),
            ("办理状态", "已办结" if reply else "办理中"),
            ("答复单位", unit if reply else ""),
            ("答复时间", f"{reply:%Y-%m-%d}" if reply else ""),
        ]
        body = (
            _paragraphs(f"来信内容：{content}")
            + "\n"
            + (
                _paragraphs(
                    f"答复内容：{reply_text or '您好！您反映的问题已转相关部门办理，感谢您对我区工作的关心和支持。'}"
                )
                if reply
                else '<p class="no-reply">答复内容：暂无答复</p>'
            )
        )
        return b.article(
            path,
            title,
            asked,
            ldxx,
            kind="letter",
            source=SRC_GOV,
            extra_fields=fields,
            body=body,
            replied=reply,
            unit=unit if reply else "",
            state="已办结" if reply else "办理中",
            number=f"XQ2023{letter_id:05d}",
        )

    # PLANT unanswered-message: 2023-06-20, still no reply (more than 3 months).
    letter(
        1701,
        "关于小区门前道路破损的问题",
        d(2023, 6, 20),
        "我们小区门前道路破损严重，雨天积水，希望尽快维修。",
        reply=None,
    )
    # LOOK-ALIKE: unanswered since 2023-10-25 — exactly 5 working days to 11-01 (10/26, 10/27,
    # 10/30, 10/31, 11/1), the board's own limit, not past it. (It used to be 2023-08-15, "under 3
    # months"; with the board's 5-working-day limit applied that would be a finding.)
    letter(
        1702,
        "咨询老年人优待证办理",
        d(2023, 10, 25),
        "请问老年人优待证在哪里办理，需要什么材料？",
        reply=None,
    )
    # PLANT late-reply: asked 2023-08-01, answered 2023-09-20 (36 working days; limit 5). The
    # 答复单位 兴庆区教育局 contains the configured 教育局, so the finding belongs to 教育局.
    letter(
        1703,
        "关于幼儿园入园报名的咨询",
        d(2023, 8, 1),
        "请问今年秋季幼儿园入园报名什么时候开始？",
        reply=d(2023, 9, 20),
        unit="兴庆区教育局",
    )
    # LOOK-ALIKE: asked 2023-09-27, answered 2023-10-09 — 12 calendar days but 4 working days.
    letter(
        1704,
        "关于国庆期间社区供暖试水的建议",
        d(2023, 9, 27),
        "建议国庆后尽早开展供暖试水，避免漏水。",
        reply=d(2023, 10, 9),
        unit="兴庆区住房城乡建设和交通局",
    )
    # PLANT privacy-leak mobile: the writer's mobile number published with the letter.
    letter(
        1705,
        "反映噪音扰民问题",
        d(2023, 10, 16),
        f"某工地夜间施工噪音很大，影响休息。我的联系电话{PLANTED_MOBILE}，请尽快处理。",
        reply=d(2023, 10, 18),
        unit="兴庆区城市管理局",
    )
    # LOOK-ALIKE: masked mobile number.
    letter(
        1706,
        "咨询医保异地备案",
        d(2023, 10, 9),
        "请问医保异地就医备案如何办理？联系电话138****5678。",
        reply=d(2023, 10, 12),
        unit="兴庆区医疗保障局",
    )
    for i, (title, content) in enumerate(
        (
            ("建议增设公交站点", "建议在某路口增设公交站点，方便居民出行。"),
            ("咨询灵活就业社保补贴", "请问灵活就业人员社保补贴如何申请？"),
            ("关于小区垃圾清运不及时", "小区垃圾清运不及时，希望加强管理。"),
            ("咨询新生儿医保参保", "新生儿如何办理城乡居民医保参保？"),
        )
    ):
        asked = _weekday_back(d(2023, 10, 20) - timedelta(days=11 * i))
        letter(1710 + i, title, asked, content, reply=asked + timedelta(days=1))

    # ======================= 互动交流 / 咨询投诉 =======================
    # A second board in another layout: ul/li list rows with labelled spans, static detail pages
    # in a question/answer layout. The board states no limit; the site config gives the channel
    # 10 working days (messages.channels, plan item 20). Working days: d with asked < d <= end;
    # 2023 中秋国庆 9/29–10/6 off, Saturday 10/7 and Sunday 10/8 are 调休 working days.
    def message(
        msg_id: int,
        title: str,
        asked: date,
        content: str,
        unit: str,
        *,
        reply: date | None,
        reply_text: str = "",
        state: str | None = None,
        has_page: bool = True,
    ) -> Article:
        path = trs_path(zxts.path, asked, msg_id)
        text = reply_text or "您好！您反映的问题已认真研究办理，相关工作正在推进，感谢您的关注和支持。"
        return b.article(
            path,
            title,
            asked,
            zxts,
            kind="message",
            source=SRC_GOV,
            body=_paragraphs(content),
            extra_fields=[("回复内容", text)] if reply else [],
            replied=reply,
            unit=unit,
            state=state or ("已回复" if reply else "未回复"),
            number=f"ZXTS-{msg_id}",
            has_page=has_page,
        )

    # PLANT unanswered-message (major): asked Tue 2023-10-17, no reply; 11 working days to 11-01
    # (10/18–10/20, 10/23–10/27, 10/30–11/1) > 10, far under 3 months. 承办单位 兴庆区司法局 → 司法局.
    message(
        1721,
        "咨询法律援助申请条件",
        d(2023, 10, 17),
        "请问家庭经济困难的农民工讨薪，申请法律援助需要满足什么条件、准备哪些材料？",
        SRC_SFJ,
        reply=None,
    )
    # LOOK-ALIKE: asked Wed 2023-10-18, no reply: exactly 10 working days — at the limit, not past it.
    message(
        1722,
        "建议在学校门口增设护学岗",
        d(2023, 10, 18),
        "建议在上下学时段安排护学岗，保障学生过马路安全。",
        SRC_JYJ,
        reply=None,
    )
    # PLANT late-reply: asked Mon 2023-08-21, replied Tue 2023-09-12: 16 working days > 10.
    # 回复单位 兴庆区卫生健康局 is an alias of 卫健局 in the config.
    message(
        1723,
        "反映社区卫生服务站取药排队时间长",
        d(2023, 8, 21),
        "社区卫生服务站取药窗口只开一个，老人排队时间很长，希望增加窗口。",
        SRC_WJJ,
        reply=d(2023, 9, 12),
        reply_text="您好！经核实，该服务站已于9月增设一个取药窗口，并安排专人引导老年人取药。感谢您的监督。",
    )
    # LOOK-ALIKE: asked Tue 2023-09-26, replied Mon 2023-10-16: 20 calendar days across National Day,
    # but 10 working days (9/27, 9/28, 10/7, 10/8, 10/9–10/13, 10/16) — on time. 兴庆区财政局 → 财政局.
    message(
        1724,
        "咨询耕地地力保护补贴发放时间",
        d(2023, 9, 26),
        "请问今年的耕地地力保护补贴什么时候发放到卡？",
        SRC_CZJ,
        reply=d(2023, 10, 16),
        reply_text="您好！今年耕地地力保护补贴已完成审核，将于10月底前发放，请留意到账信息。",
    )
    # LOOK-ALIKE: status 已办结 with a reply date: asked Mon 2023-10-09, replied Fri 2023-10-13 (4 working days).
    message(
        1725,
        "咨询高龄津贴申领流程",
        d(2023, 10, 9),
        "家中老人今年满80周岁，请问高龄津贴如何申领？",
        SRC_MZJ,
        reply=d(2023, 10, 13),
        state="已办结",
        reply_text="您好！年满80周岁的老年人可持身份证、户口簿到户籍所在地社区提出申请，经审核后按月发放。",
    )
    # PLANT unanswered-message (critical): a row the board lists WITHOUT a detail page — asked Mon
    # 2023-07-10, status 未回复, more than 3 months by 11-01. The finding's url is the list page.
    # 承办单位 兴庆区民政局 contains 民政局 (and is its configured source) → 民政局.
    message(
        1726,
        "反映小区老年人日间照料中心长期关闭",
        d(2023, 7, 10),
        "",
        SRC_MZJ,
        reply=None,
        has_page=False,
    )
    # Ordinary messages, answered within days.
    message(
        1727,
        "建议延长政务服务大厅周末开放时间",
        d(2023, 10, 23),
        "上班族工作日很难抽出时间办事，建议政务服务大厅周六全天开放。",
        SRC_GOV,
        reply=d(2023, 10, 25),
        reply_text="您好！政务服务大厅已实行周六上午延时服务，我们将结合群众需求进一步研究。",
    )
    message(
        1728,
        "咨询儿童疫苗接种预约方式",
        d(2023, 9, 12),
        "请问孩子接种疫苗需要提前预约吗？在哪里预约？",
        SRC_WJJ,
        reply=d(2023, 9, 14),
        reply_text="您好！可通过辖区社区卫生服务中心公众号预约，也可现场登记。",
    )

    # ======================= 司法局 (/sfj/, TRS, UTF-8) =======================
    # PLANT broken-link: the article's attachment PDF was never uploaded (404).
    s1 = doc_page(
        sfj_zcwj,
        "/sfj/zcwj/202305/t20230512_1001.html",
        "兴庆区司法局关于开展法律援助惠民生活动的通知",
        d(2023, 5, 12),
        d(2023, 5, 10),
        "兴司发〔2023〕5号",
        SRC_SFJ,
        layout="p",
    )
    s1.attachments.append(("./P020230512368541.pdf", "法律援助惠民生活动安排表.pdf"))
    # LOOK-ALIKE: a second attachment that exists (DOCX).
    s1.attachments.append(("./P020230512368542.docx", "法律援助申请表.docx"))
    b.put_file("/sfj/zcwj/202305/P020230512368542.docx", assets.DOCX, assets.docx_bytes("法律援助申请表"))
    # PLANT broken-link: the same missing PDF linked from a 司法局 and a 卫健局 article (two findings).
    # PLANT link-unverified: 401 from an external host.
    s2 = b.article(
        "/sfj/tzgg/202306/t20230608_1002.html",
        "关于做好行政规范性文件清理工作的通知",
        d(2023, 6, 8),
        sfj_tzgg,
        kind="notice",
        source=SRC_SFJ,
        body=filler_body("行政规范性文件清理", d(2023, 6, 8), SRC_SFJ),
    )
    s2.attachments.append(("/uploadfiles/2023/06/xzgfxwj_qd.pdf", "兴庆区现行有效行政规范性文件清单.pdf"))
    s2.related.append((f"{ext}/auth401.html", "全区行政执法监督平台"))
    # PLANT missing-metadata SiteDomain: the page template still names the city portal's domain.
    s2.meta_overrides["SiteDomain"] = "www.yinchuan.gov.cn"
    # PLANT missing-validity: 兴司规发 (规 before the year bracket) and no validity marking.
    s3 = doc_page(
        sfj_zcwj,
        "/sfj/zcwj/202307/t20230718_1003.html",
        "兴庆区行政执法公示办法",
        d(2023, 7, 18),
        d(2023, 7, 12),
        "兴司规发〔2023〕1号",
        SRC_SFJ,
        layout="table",
    )
    auto_interp(s3)
    # PLANT late-interpretation: published 2023-08-01, interpretation 2023-08-10 (7 working days).
    s4 = doc_page(
        sfj_zcwj,
        "/sfj/zcwj/202308/t20230801_1004.html",
        "兴庆区人民调解员管理办法",
        d(2023, 8, 1),
        d(2023, 7, 28),
        "兴司规发〔2023〕2号",
        SRC_SFJ,
        validity="有效",
        layout="dl",
    )
    interp(s4, "/zwgk/zcjd/202308/t20230810_1304.html", d(2023, 8, 10), kind="text")
    # PLANT expired-document: 暂行办法 with a 2-year trial period from 2021-07-01, still 有效.
    s5 = doc_page(
        sfj_zcwj,
        "/sfj/zcwj/202107/t20210701_1005.html",
        "兴庆区法律顾问管理暂行办法",
        d(2021, 7, 1),
        d(2021, 6, 25),
        "兴司规发〔2021〕1号",
        SRC_SFJ,
        validity="有效",
        layout="span",
    )
    s5.body += "\n" + _paragraphs("本办法自2021年7月1日起试行，试行期2年。")
    auto_interp(s5)
    # PLANT intranet-link (10.x), a11y image-alt (image without alt), broken-link (external 410).
    # LOOK-ALIKE: a decorative image with alt="" is fine. This is also the newest 工作动态 item:
    # 2023-10-18 is exactly 14 days before --today, so the column is NOT stale (boundary).
    s6 = b.article(
        "/sfj/gzdt/202310/t20231018_1006.html",
        "兴庆区司法局开展“宪法进社区”主题宣传活动",
        d(2023, 10, 18),
        sfj_gzdt,
        kind="news",
        source=SRC_SFJ,
        body=_paragraphs("10月18日，兴庆区司法局在丽景街道开展“宪法进社区”主题宣传活动。")
        + '\n<p style="text-align:center;"><img src="/sfj/images/2023/xfjsq.png"></p>'
        + '\n<p style="text-align:center;"><img src="/images/line.png" alt=""></p>'
        + _paragraphs('活动资料已上传至<a href="http://10.12.3.4/oa/login.jsp">局内网办公系统</a>。'),
    )
    s6.related.append((f"{ext}/removed410.html", "普法宣传资料库"))
    b.put_file("/sfj/images/2023/xfjsq.png", assets.PNG, assets.png_bytes(40, 30, (180, 60, 60)))
    news_series(sfj_gzdt, d(2023, 10, 12), 8, 9, (SRC_SFJ,))
    for i in range(5):
        day = _weekday_back(d(2023, 9, 28) - timedelta(days=23 * i))
        title = (
            "关于开展人民调解员业务培训的通知",
            "关于公布法律援助工作站名单的公告",
            "关于开展普法志愿服务活动的通知",
            "关于做好社区矫正对象节日期间管理工作的通知",
            "关于公开招聘人民调解员的公告",
        )[i]
        b.article(
            trs_path(sfj_tzgg.path, day, b.fresh_id()),
            title,
            day,
            sfj_tzgg,
            kind="notice",
            source=SRC_SFJ,
            body=filler_body(title.removeprefix("关于").split("的")[0], day, SRC_SFJ),
        )
    # sfj_fzxc stays empty: PLANT empty-column.

    # ======================= 教育局 (/jyj/, TRS, GBK) =======================
    # PLANT missing-validity on a GBK page whose ONLY charset declaration is the meta tag.
    j1 = doc_page(
        jyj_zcwj,
        "/jyj/zcwj/202309/t20230905_3003.html",
        "兴庆区中小学校课后服务管理办法",
        d(2023, 9, 5),
        d(2023, 9, 1),
        "兴教规发〔2023〕2号",
        SRC_JYJ,
        layout="p",
        declare="meta",
    )
    auto_interp(j1)
    # PLANT missing-interpretation: normative, 2023-10-26 (Thu) -> 10/27, 10/30, 10/31, 11/1 = 4 > 3.
    doc_page(
        jyj_zcwj,
        "/jyj/zcwj/202310/t20231026_3006.html",
        "兴庆区义务教育阶段学生资助管理办法",
        d(2023, 10, 26),
        d(2023, 10, 20),
        "兴教规发〔2023〕3号",
        SRC_JYJ,
        validity="有效",
        layout="table",
    )
    for i in range(4):
        day = _weekday_back(d(2023, 8, 20) - timedelta(days=37 * i))
        title = (
            "兴庆区教育局关于做好2023年秋季学期开学工作的通知",
            "兴庆区教育局关于加强校园食品安全管理的通知",
            "兴庆区教育局关于开展校外培训机构专项治理的通知",
            "兴庆区教育局关于做好中小学生防溺水工作的通知",
        )[i]
        doc_page(
            jyj_zcwj,
            trs_path(jyj_zcwj.path, day, b.fresh_id()),
            title,
            day,
            day - timedelta(days=3),
            f"兴教发〔2023〕{20 - i}号",
            SRC_JYJ,
            layout=("dl", "span", "table", "p")[i],
        )
    # PLANT wording 按装, on a GBK page with NO charset declaration at all (header or meta).
    b.article(
        "/jyj/tzgg/202310/t20231011_3005.html",
        "关于做好中小学校冬季取暖安全工作的通知",
        d(2023, 10, 11),
        jyj_tzgg,
        kind="notice",
        source=SRC_JYJ,
        declare="none",
        body=_paragraphs(
            "各中小学校：",
            "入冬以前，各校要完成取暖设施检修，教室内严禁私自按装电暖器等大功率电器。",
            "请各校高度重视，认真落实。",
        ),
    )
    # PLANT broken-link (external 404) and intranet-link (.local host).
    j4 = b.article(
        "/jyj/tzgg/202310/t20231020_3007.html",
        "关于开展2023年中小学生体质健康抽测工作的通知",
        d(2023, 10, 20),
        jyj_tzgg,
        kind="notice",
        source=SRC_JYJ,
        body=_paragraphs(
            "各中小学校：",
            "请于11月10日前通过内网平台报送体质健康数据。",
            '报送地址：<a href="http://xxgk.xqgov.local/admin/">教育信息管理平台（内网）</a>。',
        ),
    )
    j4.related.append((f"{ext}/gone404.html", "国家学生体质健康标准"))
    for i in range(4):
        day = _weekday_back(d(2023, 9, 26) - timedelta(days=29 * i))
        title = (
            "关于开展教师资格认定工作的公告",
            "关于公布2023年义务教育招生入学政策的公告",
            "关于开展校园安全隐患排查的通知",
            "关于组织开展中小学生艺术展演活动的通知",
        )[i]
        b.article(
            trs_path(jyj_tzgg.path, day, b.fresh_id()),
            title,
            day,
            jyj_tzgg,
            kind="notice",
            source=SRC_JYJ,
            body=filler_body(title.removeprefix("关于").split("的")[0], day, SRC_JYJ),
        )
    # PLANT stale-column: 教育局 工作动态 (14-day class), newest item 2023-09-28.
    news_series(jyj_gzdt, d(2023, 9, 28), 8, 8, (SRC_JYJ,))
    # PLANT short-consultation (GBK): 起止日期 2023-10-16 至 2023-10-27.
    consult(
        jyj_yjzj,
        "/jyj/yjzj/202310/t20231016_3008.html",
        "关于《兴庆区中小学校课后服务收费管理办法（征求意见稿）》公开征求意见的公告",
        d(2023, 10, 16),
        "<p><strong>起止日期：</strong>2023-10-16 至 2023-10-27</p>",
        source=SRC_JYJ,
    )

    # ======================= 卫健局 (/wjj/, Hanweb) =======================
    def wjj_path(col: Column, day: date, art_id: int) -> str:
        col_id = int(col.path.rstrip("/").rsplit("col", 1)[-1])
        return hanweb_path("/wjj/", col_id, day, art_id)

    # PLANT broken-link: broken image in an article.
    b.article(
        wjj_path(wjj_gzdt, d(2023, 10, 25), 10471),
        "兴庆区开展“健康宣教进社区”活动",
        d(2023, 10, 25),
        wjj_gzdt,
        kind="news",
        source=SRC_WJJ,
        template="hanweb",
        body=_paragraphs("10月25日，兴庆区卫生健康局组织开展“健康宣教进社区”活动。")
        + '\n<p style="text-align:center;"><img src="/wjj/images/2023/jkxj_banner.jpg" alt="健康宣教进社区"></p>',
    )
    # PLANT broken-link (the shared missing PDF, second department) and intranet-link (single-label host).
    b.article(
        wjj_path(wjj_zcwj, d(2023, 6, 1), 10461),
        "兴庆区卫生健康局关于做好夏季传染病防控工作的通知",
        d(2023, 6, 1),
        wjj_zcwj,
        kind="doc",
        source=SRC_WJJ,
        template="hanweb",
        doc=DocFields(
            index_no="11640104MB1954213F/2023-04461",
            publisher=SRC_WJJ,
            written=d(2023, 5, 29),
            number="兴卫健发〔2023〕12号",
            layout="span",
        ),
        body=_paragraphs(
            "各医疗卫生机构：",
            "请做好夏季肠道传染病防控工作。",
            '疫情数据请通过<a href="http://oa/">卫健办公系统</a>报送。',
        ),
        attachments=[("/uploadfiles/2023/06/xzgfxwj_qd.pdf", "兴庆区现行有效行政规范性文件清单.pdf")],
    )
    # PLANT missing-metadata (no government meta tags) and hidden-link (off-screen ancestor).
    b.article(
        wjj_path(wjj_gzdt, d(2023, 9, 20), 10468),
        "兴庆区开展基层医疗卫生机构业务培训",
        d(2023, 9, 20),
        wjj_gzdt,
        kind="news",
        source=SRC_WJJ,
        template="hanweb",
        meta=False,
        body=_paragraphs("9月20日，兴庆区卫生健康局组织开展基层医疗卫生机构业务培训。")
        + f'\n<div style="position:absolute;left:-9999px;top:-9999px;"><a href="{ext}/seo/link2.html">网站优化</a></div>',
    )
    # PLANT broken-link: external redirect loop.
    b.article(
        wjj_path(wjj_tzgg, d(2023, 3, 15), 10451),
        "关于开展2023年爱国卫生月活动的通知",
        d(2023, 3, 15),
        wjj_tzgg,
        kind="notice",
        source=SRC_WJJ,
        template="hanweb",
        body=filler_body("爱国卫生月", d(2023, 3, 15), SRC_WJJ),
        related=[(f"{ext}/loop/a", "全国爱国卫生运动委员会")],
    )
    news_series(
        wjj_gzdt,
        d(2023, 10, 20),
        7,
        8,
        (SRC_WJJ,),
        art_path=lambda day, art_id: wjj_path(wjj_gzdt, day, art_id),
        template="hanweb",
    )
    # PLANT stale-column: 卫健局 通知公告 (183-day class), newest item 2023-03-15; items only in the datastore.
    for i in range(5):
        day = _weekday_back(d(2023, 2, 28) - timedelta(days=31 * i))
        title = (
            "关于开展2023年度医师定期考核的通知",
            "关于做好春节期间医疗服务保障工作的通知",
            "关于开展家庭医生签约服务宣传周活动的通知",
            "关于公布兴庆区预防接种门诊名单的公告",
            "关于开展基本公共卫生服务项目绩效评价的通知",
        )[i]
        b.article(
            wjj_path(wjj_tzgg, day, b.fresh_id()),
            title,
            day,
            wjj_tzgg,
            kind="notice",
            source=SRC_WJJ,
            template="hanweb",
            body=filler_body(title.removeprefix("关于").split("的")[0], day, SRC_WJJ),
        )
    for i in range(3):
        day = _weekday_back(d(2023, 5, 10) - timedelta(days=47 * i))
        title = (
            "兴庆区卫生健康局关于印发医疗机构依法执业自查工作方案的通知",
            "兴庆区卫生健康局关于加强院前急救管理的通知",
            "兴庆区卫生健康局关于做好无偿献血工作的通知",
        )[i]
        b.article(
            wjj_path(wjj_zcwj, day, b.fresh_id()),
            title,
            day,
            wjj_zcwj,
            kind="doc",
            source=SRC_WJJ,
            template="hanweb",
            doc=DocFields(
                index_no=f"11640104MB1954213F/2023-0{4470 + i}",
                publisher=SRC_WJJ,
                written=day - timedelta(days=2),
                number=f"兴卫健发〔2023〕{9 - i}号",
                layout="span",
            ),
            body=filler_body(title.split("关于")[-1].removesuffix("的通知"), day, SRC_WJJ),
        )


def _static_pages(b: _Builder) -> None:
    """Section index pages, the homepage, footer targets, robots.txt and shared files."""
    main, ext = b.main, b.ext
    by_path = {c.path: c for c in b.columns}

    def latest(path: str, n: int) -> list[Article]:
        col = by_path[path]
        return sorted(col.articles, key=lambda a: (a.day_on(b.night), a.path), reverse=True)[:n]

    def block(title: str, more: str, items: list[Article]) -> str:
        lis = "\n".join(
            f'<li><a href="{_esc(a.path)}" target="_blank" title="{_esc(a.title)}">{_esc(a.title)}</a>'
            f'<span class="date">{a.day_on(b.night):%Y-%m-%d}</span></li>'
            for a in items
        )
        return (
            f'<div class="index-box"><div class="hd"><h3>{_esc(title)}</h3><a href="{more}" class="more">更多&gt;&gt;</a>'
            f'</div><ul class="list">\n{lis}\n</ul></div>'
        )

    def simple(
        path: str,
        title: str,
        body: str,
        *,
        column: Column | None = None,
        crumbs=(),
        encoding="utf-8",
        meta_column: str | None = None,
    ) -> None:
        col = column or Column(path=path, name=meta_column or title, crumbs=crumbs)
        text = (
            b.head(f"{title}_{SITE_NAME}", encoding=encoding, column=col)
            + b.header()
            + f'<div class="w1200 main" id="content">\n{b.breadcrumb(col)}\n<h2 class="column-title">{_esc(title)}</h2>\n'
            f"{body}\n</div>\n" + b.footer()
        )
        b.put_html(path, text, encoding=encoding)

    # ---- homepage (a column with the 14-day limit: its newest dated item decides) ----
    friends = (
        f'<li><a href="{ext}/www.yinchuan.gov.cn/" target="_blank">银川市人民政府</a></li>'
        f'<li><a href="{ext}/www.nx.gov.cn/" target="_blank">宁夏回族自治区人民政府</a></li>'
        # PLANT unsafe-link: the association's domain expired and now serves a gambling site.
        f'<li><a href="{ext}/expired-domain/" target="_blank">宁夏老年人体育协会</a></li>'
    )
    home_body = f"""<div class="banner"><img src="/images/banner_2023.png" alt="奋力谱写兴庆高质量发展新篇章"></div>
<div class="index-row">
{block("要闻动态", "/xwzx/ywdt/", latest("/xwzx/ywdt/", 7))}
{block("通知公告", "/zwgk/tzgg/", latest("/zwgk/tzgg/", 7))}
</div>
<div class="index-row">
{block("政策文件", "/zwgk/zcwj/", latest("/zwgk/zcwj/", 6))}
{block("政策解读", "/zwgk/zcjd/", latest("/zwgk/zcjd/", 6))}
</div>
<div class="index-row">
  <div class="index-box"><div class="hd"><h3>互动交流</h3></div>
    <ul><li><a href="/hdjl/ldxx/">区长信箱</a></li><li><a href="/hdjl/zxts/">咨询投诉</a></li><li><a href="/hdjl/yjzj/">征求意见</a></li><li><a href="{ext}/jiucuo/?sitecode={SITE_ID_CODE}">我为政府网站找错</a></li></ul></div>
  <div class="index-box"><div class="hd"><h3>部门网站</h3></div>
    <ul><li><a href="/sfj/">兴庆区司法局</a></li><li><a href="/jyj/">兴庆区教育局</a></li><li><a href="/wjj/">兴庆区卫生健康局</a></li></ul></div>
  <div class="index-box"><div class="hd"><h3>专题专栏</h3></div>
    <ul class="zt"><li><a href="/ztzl/"><img src="/images/zt_yshj.png" alt="优化营商环境专题"></a></li>
    <li><a href="/zwgk/zdly/"><img src="/images/zt_zdly.png" alt="重点领域信息公开"></a></li></ul></div>
</div>
<div class="yqlj"><h3>友情链接</h3><ul>{friends}</ul></div>"""
    home = (
        b.head(SITE_NAME)
        + b.header()
        + f'<div class="w1200 main" id="content">\n{home_body}\n</div>\n'
        + b.footer()
    )
    b.put_html("/", home)
    b.put_html("/index.html", home)

    # ---- section indexes ----
    simple(
        "/xwzx/",
        "新闻中心",
        block("要闻动态", "/xwzx/ywdt/", latest("/xwzx/ywdt/", 5))
        + block("部门动态", "/xwzx/bmdt/", latest("/xwzx/bmdt/", 5))
        + block("基层动态", "/xwzx/jcdt/", latest("/xwzx/jcdt/", 5)),
    )
    gk_links = "".join(
        f'<li><a href="{c.path}">{_esc(c.name)}</a></li>' for c in b.columns if c.path.startswith("/zwgk/")
    )
    simple(
        "/zwgk/",
        "政务公开",
        f'<ul class="gk-nav">{gk_links}'
        '<li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/zwgk/jgzn/">机构职能</a></li></ul>\n'
        '<div class="gk-more"><p>其他公开内容：'
        # PLANT broken-link: internal 500 (query order differs from the normalised URL).
        '<a href="/zwgk/sjfb/data.jsp?type=2&amp;id=3">统计数据发布</a>　'
        # PLANT broken-link: internal redirect to a page that no longer exists.
        '<a href="/zwgk/xxgkzn/old.html">政府信息公开指南（2019版）</a>　'
        # LOOK-ALIKE: internal 301 to the live column.
        '<a href="/zwgk/old_tzgg/">通知公告（旧版入口）</a></p></div>',
    )
    simple(
        "/zwgk/xxgkzn/",
        "政府信息公开指南",
        _paragraphs(
            "为便于公民、法人和其他组织获取兴庆区人民政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "本指南每年更新。",
        ),
        crumbs=(("政务公开", "/zwgk/"),),
    )
    simple(
        "/zwgk/jgzn/",
        "机构职能",
        _paragraphs("兴庆区人民政府办公室负责区政府日常工作，协助区政府领导同志组织起草有关文件。"),
        crumbs=(("政务公开", "/zwgk/"),),
    )
    simple(
        "/zjxq/",
        "走进兴庆",
        '<ul><li><a href="/zjxq/qxgk/">区情概况</a></li><li><a href="/zjxq/lsyg/">历史沿革</a></li></ul>',
    )
    simple(
        "/zjxq/lsyg/",
        "历史沿革",
        _paragraphs("兴庆区因西夏兴庆府得名，1960年设立银川市城区，2002年更名为兴庆区。"),
        crumbs=(("走进兴庆", "/zjxq/"),),
    )
    simple(
        "/hdjl/",
        "互动交流",
        '<ul><li><a href="/hdjl/ldxx/">区长信箱</a></li><li><a href="/hdjl/zxts/">咨询投诉</a></li>'
        '<li><a href="/hdjl/yjzj/">征求意见</a></li></ul>',
    )
    simple(
        "/hdjl/ldxx/write.html",
        "我要写信",
        '<form action="/hdjl/ldxx/submit.jsp" method="post"><p><label for="xjbt">信件标题</label>'
        '<input id="xjbt" name="title" type="text"></p><p><label for="xjnr">信件内容</label>'
        '<textarea id="xjnr" name="content"></textarea></p><button type="submit">提交</button></form>',
        crumbs=(("互动交流", "/hdjl/"), ("区长信箱", "/hdjl/ldxx/")),
    )
    simple(
        "/ztzl/",
        "专题专栏",
        '<ul><li><a href="/zwgk/zdly/">重点领域信息公开</a></li>'
        '<li><a href="/zwgk/zcjd/">政策解读</a></li></ul>',
        meta_column="专题专栏",
    )
    simple(
        "/lxwm/",
        "联系我们",
        _paragraphs("通信地址：银川市兴庆区（演示地址）", "邮政编码：750001", "联系电话：0951-5012345")
        + f'\n<iframe src="{ext}/map/embed.html" title="兴庆区人民政府位置地图" width="600" height="300"></iframe>',
    )
    simple("/wzsm/", "网站声明", _paragraphs("本网站所载内容，除注明来源外，版权归兴庆区人民政府所有。"))
    # 关怀版 (elder-friendly version) — the entry every main-template page offers.
    simple(
        "/zgb/",
        "关怀版",
        '<div class="zgb" style="font-size:20px;line-height:2;"><ul><li><a href="/xwzx/ywdt/">要闻动态</a></li>'
        '<li><a href="/zwgk/tzgg/">通知公告</a></li><li><a href="/hdjl/ldxx/">区长信箱</a></li>'
        '<li><a href="/">返回标准版</a></li></ul></div>',
    )

    # ---- department homes ----
    def dept_home(
        path: str, name: str, columns: list[str], *, encoding: str = "utf-8", style: str = "trs"
    ) -> None:
        col = Column(path=path, name=name, crumbs=(), department_home=path, column_type="部门网站")
        nav = "".join(f'<li><a href="{p}">{_esc(by_path[p].name)}</a></li>' for p in columns)
        inner = "\n".join(block(by_path[p].name, p, latest(p, 5)) for p in columns)
        text = (
            b.head(f"{name}_{SITE_NAME}", encoding=encoding, column=col)
            + b.header()
            + f'<div class="w1200 main" id="content">\n{b.breadcrumb(col, style=style)}\n'
            f'<h2 class="column-title">{_esc(name)}</h2>\n<ul class="dept-nav">{nav}</ul>\n'
            f"{inner}\n</div>\n" + b.footer()
        )
        b.put_html(path, text, encoding=encoding)
        b.put_html(path + "index.html", text, encoding=encoding)

    dept_home("/sfj/", "兴庆区司法局", ["/sfj/gzdt/", "/sfj/tzgg/", "/sfj/zcwj/", "/sfj/fzxc/"])
    dept_home(
        "/jyj/", "兴庆区教育局", ["/jyj/gzdt/", "/jyj/tzgg/", "/jyj/zcwj/", "/jyj/yjzj/"], encoding="gbk"
    )
    dept_home(
        "/wjj/",
        "兴庆区卫生健康局",
        ["/wjj/col/col2101/", "/wjj/col/col2102/", "/wjj/col/col2103/"],
        style="hanweb",
    )

    # ---- special main-site resources ----
    b.put_main(
        "/zwgk/sjfb/data.jsp?id=3&type=2",
        Resource(
            status=500,
            headers={"Content-Type": HTML_UTF8},
            body="<html><body><h1>500 Internal Server Error</h1><p>数据库连接失败</p></body></html>".encode(),
        ),
    )
    b.put_main(
        "/zwgk/xxgkzn/old.html",
        Resource(
            status=302, redirect=main + "/zwgk/xxgkzn/2019/index.html", headers={"Content-Type": HTML_UTF8}
        ),
    )
    b.put_main(
        "/zwgk/old_tzgg/",
        Resource(status=301, redirect=main + "/zwgk/tzgg/", headers={"Content-Type": HTML_UTF8}),
    )
    b.put_main(
        "/uploadfiles/nbgl/2023_nbtz.xls",
        Resource(
            status=403,
            headers={"Content-Type": HTML_UTF8},
            body=b"<html><body><h1>403 Forbidden</h1></body></html>",
        ),
    )
    # robots.txt: /admin/ is disallowed; the footer links it, a polite crawler never requests it.
    b.put_main(
        "/robots.txt",
        Resource(
            headers={"Content-Type": "text/plain; charset=utf-8"}, body=b"User-agent: *\nDisallow: /admin/\n"
        ),
    )
    # A trap behind robots.txt: fetched only by a crawler that ignores robots.txt (and it leaks an ID).
    b.put_html(
        "/admin/login.html",
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>后台管理登录</title></head>'
        f"<body><h1>后台管理登录</h1><p>测试账号绑定身份证：{TRAP_ID}</p></body></html>",
    )

    # ---- shared files ----
    b.put_file(
        "/css/style.css",
        "text/css; charset=utf-8",
        b'body{font-size:16px;line-height:1.8;font-family:"Microsoft YaHei",sans-serif;color:#333}'
        b".w1200{max-width:1200px;margin:0 auto}img,video,iframe{max-width:100%}.nav ul li{display:inline-block;padding:0 20px}"
        b".footer{background:#f2f2f2;text-align:center;padding:20px 0}.list li .date{float:right}\n",
    )
    b.put_file("/css/old.css", "text/css; charset=utf-8", b"td{font-size:12px}a{color:#000}\n")
    b.put_file("/js/common.js", "application/javascript; charset=utf-8", _COMMON_JS.encode())
    b.put_file(
        "/module/jslib/jpage/jpage.js",
        "application/javascript; charset=utf-8",
        b"/* jpage: renders <datastore> records into pages (demo stub) */\n",
    )
    b.put_file("/favicon.ico", assets.ICO, assets.ico_bytes())
    for name, size, rgb in (
        ("logo.png", (52, 9), (190, 20, 20)),
        ("conac_red.png", (6, 7), (220, 0, 0)),
        ("gaba.png", (2, 2), (40, 90, 200)),
        ("banner_2023.png", (60, 20), (200, 40, 40)),
        ("zt_yshj.png", (30, 10), (30, 100, 180)),
        ("zt_zdly.png", (30, 10), (30, 140, 90)),
        ("video_poster.png", (32, 18), (20, 20, 20)),
        ("line.png", (50, 1), (220, 220, 220)),
    ):
        b.put_file(f"/images/{name}", assets.PNG, assets.png_bytes(*size, rgb))
    for name in (
        "old_logo.gif",
        "dot.gif",
        "old_search.gif",
        "old_banner.gif",
        "old_float.gif",
        "old_chart.gif",
    ):
        b.put_file(f"/images/{name}", assets.GIF, assets.gif_bytes())


def _external_world(b: _Builder) -> None:
    """The "internet" the portal links to, served by the second loopback host."""
    ext = b.ext

    def page(title: str, body: str) -> Resource:
        text = (
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_esc(title)}</title></head>'
            f"<body><h1>{_esc(title)}</h1>{body}</body></html>"
        )
        return Resource(headers={"Content-Type": HTML_UTF8}, body=text.encode("utf-8"))

    def status(code: int, title: str, **headers: str) -> Resource:
        text = f"<html><head><title>{code} {title}</title></head><body><h1>{code} {title}</h1></body></html>"
        return Resource(status=code, headers={"Content-Type": HTML_UTF8, **headers}, body=text.encode())

    def redirect(code: int, target: str) -> Resource:
        return Resource(status=code, redirect=ext + target, headers={"Content-Type": HTML_UTF8})

    for path, title in (
        ("/www.gov.cn/", "中国政府网（演示）"),
        ("/www.nx.gov.cn/", "宁夏回族自治区人民政府（演示）"),
        ("/www.yinchuan.gov.cn/", "银川市人民政府（演示）"),
        ("/zwfw.nx.gov.cn/", "宁夏政务服务网（演示）"),
        ("/beian.miit.gov.cn/", "ICP/IP地址/域名信息备案管理系统（演示）"),
        (
            "/beian.gov.cn/portal/registerSystemInfo?recordcode=64010402000123",
            "全国互联网安全管理服务平台（演示）",
        ),
        ("/bszs.conac.cn/sitename?id=XQ2023DEMO&method=show", "党政机关网站标识（演示）"),
        (f"/jiucuo/?sitecode={SITE_ID_CODE}", "我为政府网站找错（演示）"),
        ("/map/embed.html", "地图（演示）"),
        ("/redirect/ok.html", "宁夏政务服务网事项库（演示）"),
        ("/seo/link1.html", "外链页面"),
        ("/seo/link2.html", "外链页面"),
        ("/news/dbgz.html", "关于严厉打击跨境赌博违法犯罪活动的通告"),
    ):
        b.put_ext(path, page(title, "<p>演示用外部页面。</p>"))
    # The expired domain, re-registered by a gambling operator.
    b.put_ext(
        "/expired-domain/",
        page("澳门新葡京娱乐城", "<p>在线娱乐 百家乐 真人荷官 体育博彩 注册即送彩金。</p>"),
    )
    b.put_ext("/gone404.html", status(404, "Not Found"))
    b.put_ext("/removed410.html", status(410, "Gone"))
    b.put_ext("/error500.html", status(500, "Internal Server Error"))
    b.put_ext("/forbidden403.html", status(403, "Forbidden"))
    b.put_ext("/ratelimit429.html", status(429, "Too Many Requests", **{"Retry-After": "1"}))
    b.put_ext("/auth401.html", status(401, "Unauthorized", **{"WWW-Authenticate": 'Basic realm="demo"'}))
    b.put_ext("/redirect/a", redirect(301, "/redirect/b"))
    b.put_ext("/redirect/b", redirect(302, "/redirect/ok.html"))
    b.put_ext("/loop/a", redirect(302, "/loop/b"))
    b.put_ext("/loop/b", redirect(302, "/loop/a"))
    for n in range(1, 12):  # /hops/1 … /hops/11 redirect: 11 redirects before /hops/12
        b.put_ext(f"/hops/{n}", redirect(302, f"/hops/{n + 1}"))
    b.put_ext("/hops/12", page("终点", "<p>11 次重定向之后。</p>"))
    for n in range(1, 11):  # /ten/1 … /ten/10 redirect: exactly 10 redirects before /ten/11
        b.put_ext(f"/ten/{n}", redirect(302, f"/ten/{n + 1}"))
    b.put_ext("/ten/11", page("银川市规范性文件统一发布平台（演示）", "<p>10 次重定向之后。</p>"))
    slow = page("银川市政务服务事项目录（演示）", "<p>这个页面响应较慢（1 秒）。</p>")
    b.put_ext("/slow.html", Resource(headers=slow.headers, body=slow.body, delay=1.0))
    h405 = page("全国一体化政务服务平台（演示）", "<p>HEAD 请求返回 405，GET 正常。</p>")
    b.put_ext("/head405.html", Resource(headers=h405.headers, body=h405.body, head_not_allowed=True))


_COMMON_JS = r"""/* common.js — shared page scripts (TRS WCM conventions) */
function doZoom(size) { var el = document.getElementById('zoom'); if (el) { el.style.fontSize = size + 'px'; } }
/* TRS pager: page 0 is index.html, page i is index_i.html. */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var nCurrIndex = _nCurrIndex || 0;
  function name(i) { return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; }
  if (nCurrIndex == 0) { document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;"); }
  else {
    document.write("<a href=\"" + name(0) + "\">首页</a>&nbsp;");
    document.write("<a href=\"" + name(nCurrIndex - 1) + "\">上一页</a>&nbsp;");
  }
  for (var i = 0; i < _nPageCount; i++) {
    if (i == nCurrIndex) { document.write("<span class=\"now\">" + (i + 1) + "</span>&nbsp;"); }
    else { document.write("<a href=\"" + name(i) + "\">" + (i + 1) + "</a>&nbsp;"); }
  }
  if (nCurrIndex == _nPageCount - 1) { document.write("<span>下一页</span>&nbsp;<span>尾页</span>"); }
  else {
    document.write("<a href=\"" + name(nCurrIndex + 1) + "\">下一页</a>&nbsp;");
    document.write("<a href=\"" + name(_nPageCount - 1) + "\">尾页</a>");
  }
}
"""


def build_site(main: str, ext: str, refused: str, *, night: int = 2) -> DemoSite:
    """Build the demo portal and keep the model it was generated from."""
    b = _Builder(main, ext, refused, night)
    _build(b)
    b.render_articles()
    b.render_columns()
    _static_pages(b)
    _external_world(b)
    return DemoSite(b.main, b.ext, b.refused, night, b.res, b.articles, b.columns)


def build_portal(main: str, ext: str, refused: str, *, night: int = 2) -> dict[str, Resource]:
    """Every URL of the demo (main site and external world) mapped to its Resource.

    ``main`` / ``ext`` are base URLs such as ``http://127.0.0.1:8480`` and
    ``http://127.0.0.2:8481``; ``refused`` is a base URL where nothing listens
    (it is only written into links). ``night`` 1 or 2 gives the site as seen
    on 2023-10-31 or 2023-11-01 (the default, the reference night); the two
    differ only in the planted backdated-post items.
    """
    return build_site(main, ext, refused, night=night).resources


def lookup(resources: dict[str, Resource], base: str, target: str) -> tuple[str, Resource] | None:
    """Find the resource for a request target (path with query) on ``base``.

    Tries the target as sent, then with its query parameters sorted (the form
    the portal stores). Returns the key found and its resource, or None.
    """
    url = base.rstrip("/") + target
    found = resources.get(url)
    if found is not None:
        return url, found
    if "?" in target:
        path, query = target.split("?", 1)
        ordered = "&".join(sorted(p for p in query.split("&") if p))
        url = base.rstrip("/") + path + ("?" + ordered if ordered else "")
        found = resources.get(url)
        if found is not None:
            return url, found
    return None
