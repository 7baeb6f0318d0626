"""Generate a large, realistic, deterministic government portal for the crawl benchmark.

Why a generator and not a copy of a real site: the benchmark must be
reproducible on any machine without network, and must know exactly which
links are broken so that it can score what the crawler found. So the portal
is built from a fixed seed and a manifest records every planted defect.

What it looks like (modelled on TRS WCM portals of district governments):

* a homepage, one index page per section (12 sections, some of them
  departments with their own path prefix), ~180 columns at the default size;
* column list pages ``index.html``, ``index_1.html`` … with 20 dated items,
  paginated both with the TRS ``createPageHTML(n, i, "index", "html")``
  script and with plain 首页/上一页/下一页/尾页 links;
* article pages ``/{section}/{column}/{yyyymm}/t{yyyymmdd}_{id}.html`` with a
  shared template (logo, ~15 nav links, breadcrumb 当前位置：首页 > …,
  footer with ~10 links, 网站标识码 and ICP), the government-information
  header table (索引号/发布机构/文号/成文日期/发布日期), the usual meta tags
  (SiteName, ColumnName, ArticleTitle, PubDate, ContentSource), a few
  paragraphs of Chinese text, one content image and two attachments;
* 10% of the list and article pages encoded in GBK (``<meta charset="gbk">``,
  nginx does not add a charset), the rest UTF-8;
* planted broken links: ~1% of the articles link an attachment that does not
  exist, and a few articles link article pages that were "deleted".

Usage::

    python bench/genportal.py --out bench/work/portal --pages 20000 [--port 8089]

writes the site into ``OUT/site``, ``OUT/manifest.json`` and an nginx config
``OUT/nginx.conf`` (see :func:`write_nginx_conf`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20231101
DEFAULT_PAGES = 20_000
ITEMS_PER_LIST = 20
GBK_SHARE = 0.10
MISSING_ATTACHMENT_SHARE = 0.01
DEFAULT_ATTACHMENTS = 2
MAX_COLUMNS = 180
NEWEST = date(2023, 10, 31)

SITE_NAME = "云岭市青溪区人民政府"
AREA = "青溪区"
SITE_CODE = "5301120001"
ICP = "滇ICP备05001234号"
GA_BEIAN = "滇公网安备 53011202000123号"
ORG_CODE = "11530112MB1534211K"

# (slug, section name, department owning the path prefix or None for the site owner 政府办)
SECTIONS: list[tuple[str, str, str | None]] = [
    ("xwzx", "新闻中心", None),
    ("zwgk", "政务公开", None),
    ("zcwj", "政策文件", None),
    ("hdjl", "互动交流", None),
    ("sfj", "司法局", "区司法局"),
    ("czj", "财政局", "区财政局"),
    ("jyj", "教育局", "区教育局"),
    ("wjw", "卫生健康局", "区卫生健康局"),
    ("rsj", "人力资源和社会保障局", "区人力资源和社会保障局"),
    ("zrzyj", "自然资源局", "区自然资源局"),
    ("sthjj", "生态环境分局", "市生态环境局青溪分局"),
    ("zjj", "住房和城乡建设局", "区住房和城乡建设局"),
]

COLUMN_POOL: list[tuple[str, str]] = [
    ("gzdt", "工作动态"), ("tzgg", "通知公告"), ("zcwj", "政策文件"), ("zcjd", "政策解读"),
    ("rsxx", "人事信息"), ("ghjh", "规划计划"), ("czyjs", "财政预决算"), ("xxgknb", "政府信息公开年报"),
    ("jgzn", "机构职能"), ("bszn", "办事指南"), ("ztzl", "专题专栏"), ("gsgg", "公示公告"),
    ("bmdt", "部门动态"), ("xwfbh", "新闻发布会"), ("gfxwj", "行政规范性文件"), ("qtwj", "其他文件"),
    ("zdly", "重点领域信息公开"), ("ssjygk", "双随机一公开"), ("xzcf", "行政处罚"), ("xzxk", "行政许可"),
    ("zfcg", "政府采购"), ("zbtb", "招标投标"), ("tjxx", "统计信息"), ("yjgl", "应急管理"),
    ("jyta", "建议提案办理"), ("zfhy", "政府会议"), ("msss", "民生实事"), ("shjz", "社会救助"),
    ("xzdt", "乡镇动态"), ("tpxw", "图片新闻"), ("mtjj", "媒体聚焦"), ("ldhd", "领导活动"),
    ("qzqd", "权责清单"), ("jdjc", "监督检查"), ("rddb", "人大代表建议答复"), ("zxta", "政协提案答复"),
    ("ggzy", "公共资源配置"), ("aqsc", "安全生产"), ("spyp", "食品药品监管"), ("hjbh", "环境保护"),
    ("jyxx", "教育信息"), ("ylws", "医疗卫生"), ("jycy", "就业创业"), ("shbz", "社会保障"),
    ("zqyj", "征求意见"), ("gzyd", "工作要点"), ("gzzj", "工作总结"), ("sjxx", "审计信息"),
    ("jgsf", "价格收费"), ("xwyw", "要闻动态"),
]

STATIC_PAGES: list[tuple[str, str]] = [
    ("wzdt", "网站地图"), ("lxwm", "联系我们"), ("gybw", "关于本网"), ("yssm", "隐私声明"), ("sybz", "使用帮助"),
]

# Files every page's template links (shared, so each is checked once per run).
TEMPLATE_FILES = [
    "/images/logo.png", "/images/search.png", "/images/dzjg.png", "/images/jiucuo.png", "/images/gaba.png",
    "/css/common.css", "/js/common.js", "/favicon.ico",
]

SUBJECTS = ["我区", "区政府", "各部门", "各乡镇（街道）", "相关单位", "全区上下", "工作专班", "区直各单位", "各社区",
            "牵头部门"]
VERBS = ["深入贯彻落实", "扎实推进", "持续加强", "全面开展", "认真组织", "积极推动", "统筹做好", "不断完善",
         "切实抓好", "稳步实施", "严格落实", "大力推进"]
OBJECTS = ["党的二十大精神", "优化营商环境各项举措", "安全生产专项整治", "政务公开标准化规范化建设", "基层治理能力提升",
           "民生实事项目", "乡村振兴重点工作", "生态环境保护督察整改", "城乡居民医疗保障", "义务教育优质均衡发展",
           "就业创业服务", "法治政府建设", "数字政府建设", "重点项目建设", "防汛抗旱工作", "食品安全监管",
           "养老服务体系建设", "老旧小区改造", "耕地保护和粮食安全", "河湖长制工作", "社会救助兜底保障",
           "公共法律服务体系建设", "财政预算绩效管理", "住房保障工作", "不动产登记便民服务", "校园安全管理"]
TAILS = ["取得阶段性成效", "确保各项任务落地见效", "进一步提升群众满意度", "为高质量发展提供有力保障",
         "形成长效工作机制", "切实增强人民群众获得感", "推动工作提质增效", "压实各方责任", "营造良好社会氛围",
         "守牢安全发展底线"]
TOPICS = ["综合政务\\政务公开", "财政、金融、审计", "城乡建设、环境保护", "卫生、体育", "教育", "劳动、人事、监察",
          "公安、安全、司法", "国土资源、能源", "农业、林业、水利"]
ATTACHMENT_NAMES = ["申报表", "汇总表", "实施方案", "报名登记表", "名单", "评分细则", "明细表", "办事流程图"]
EXTENSIONS = ["pdf", "docx", "xls"]


@dataclass
class Article:
    """One article page and what it links."""

    id: int
    column: Column
    day: date
    title: str
    path: str
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (file name, link text)
    image: str = ""
    gbk: bool = False
    missing_attachment: str | None = None  # file name of a planted missing attachment
    missing_pages: list[str] = field(default_factory=list)  # absolute paths of planted missing pages
    doc_number: str = ""
    source: str = ""
    paragraphs: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/"


@dataclass
class Column:
    """A column: its list pages (index.html, index_1.html …) and articles, newest first."""

    section: Section
    slug: str
    name: str
    articles: list[Article] = field(default_factory=list)
    gbk_lists: set[int] = field(default_factory=set)

    @property
    def path(self) -> str:
        return f"/{self.section.slug}/{self.slug}/"

    @property
    def n_lists(self) -> int:
        return max(1, math.ceil(len(self.articles) / ITEMS_PER_LIST))

    def list_path(self, i: int) -> str:
        return self.path + ("index.html" if i == 0 else f"index_{i}.html")


@dataclass
class Section:
    slug: str
    name: str
    department: str | None
    columns: list[Column] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def publisher(self) -> str:
        return self.department or f"{AREA}人民政府办公室"


@dataclass
class Portal:
    pages_requested: int
    seed: int
    sections: list[Section]
    articles: list[Article]
    attachments: int = 2  # attachments per article (besides its one content image)

    @property
    def columns(self) -> list[Column]:
        return [c for s in self.sections for c in s.columns]

    def page_count(self) -> int:
        return 1 + len(self.sections) + len(STATIC_PAGES) + sum(c.n_lists for c in self.columns) + len(self.articles)


# -- planning -------------------------------------------------------------------------


def _column_counts(rng: random.Random, weights: list[float], total: int) -> list[int]:
    """Split ``total`` articles over columns by weight (largest remainder), at least one each."""
    n = len(weights)
    if total <= n:
        return [1 if i < total else 0 for i in range(n)]
    spare = total - n
    wsum = sum(weights)
    raw = [spare * w / wsum for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(n), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: spare - sum(counts)]:
        counts[i] += 1
    return [c + 1 for c in counts]


def _sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.2:
        return (f"截至{rng.randint(1, 12)}月底，{rng.choice(SUBJECTS)}共完成{rng.choice(OBJECTS)}相关任务"
                f"{rng.randint(3, 480)}项，{rng.choice(TAILS)}。")
    if kind < 0.3:
        return (f"会议强调，要{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(VERBS)}"
                f"{rng.choice(OBJECTS)}，{rng.choice(TAILS)}。")
    joint = rng.choice(["，", "，着力", "，同时", "，并"])
    return f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}{joint}{rng.choice(TAILS)}。"


def _title(rng: random.Random, column: Column, day: date) -> str:
    name = column.name
    dept = column.section.department or AREA
    obj = rng.choice(OBJECTS)
    if any(k in name for k in ("通知", "公告", "公示", "采购", "招标", "征求")):
        return rng.choice([
            f"关于做好{day.year}年{obj}工作的通知",
            f"{dept}关于开展{obj}的公告",
            f"关于{obj}有关事项的公示",
            f"关于征求《{AREA}{obj}实施办法（征求意见稿）》意见的公告",
        ])
    if any(k in name for k in ("文件", "规划", "计划", "要点", "权责")):
        return rng.choice([
            f"{AREA}人民政府办公室关于印发《{AREA}{obj}实施方案》的通知",
            f"{AREA}人民政府关于印发《{AREA}{day.year}年{obj}工作要点》的通知",
            f"{dept}关于进一步加强{obj}的意见",
        ])
    if "解读" in name:
        return rng.choice([f"《{AREA}{obj}实施方案》政策解读", f"一图读懂《{AREA}{obj}三年行动计划》"])
    if "人事" in name:
        return f"{dept}{day.year}年公开招聘工作人员拟聘用人员公示（第{rng.randint(1, 6)}批）"
    return rng.choice([
        f"{dept}{rng.choice(VERBS)}{obj}",
        f"{AREA}召开{obj}推进会",
        f"{dept}{day.month}月份{obj}工作取得新进展",
    ])


def _doc_number(rng: random.Random, column: Column, day: date) -> str:
    if any(k in column.name for k in ("文件", "规划", "规范性")):
        prefix = rng.choice(["青政发", "青政办发", "青政规发"])
        return f"{prefix}〔{day.year}〕{rng.randint(1, 60)}号"
    return ""


def plan_portal(pages: int = DEFAULT_PAGES, seed: int = SEED, attachments: int = DEFAULT_ATTACHMENTS) -> Portal:
    """Decide every page, link and defect of the portal (no I/O; deterministic for a seed).

    ``attachments`` per article (1–3, one extension each) besides its one
    content image: the default 2 is the crawl benchmark's portal; the peer
    benchmark (bench/peers.py) asks for 3, i.e. 4 attachments and images per
    article as issue 11 describes.
    """
    if pages < 200:
        raise ValueError("--pages must be at least 200")
    if not 1 <= attachments <= len(EXTENSIONS):
        raise ValueError(f"--attachments must be 1..{len(EXTENSIONS)}")
    rng = random.Random(seed)
    n_columns = min(MAX_COLUMNS, max(len(SECTIONS), pages // 110))
    sections = [Section(slug, name, dept) for slug, name, dept in SECTIONS]
    for i in range(n_columns):
        sections[i % len(sections)].columns.append(Column(sections[i % len(sections)], "", ""))
    for section in sections:
        picks = rng.sample(COLUMN_POOL, len(section.columns))
        for column, (slug, name) in zip(section.columns, picks, strict=True):
            column.slug, column.name = slug, name
    columns = [c for s in sections for c in s.columns]
    weights = [rng.lognormvariate(0, 0.8) for _ in columns]

    # Find the article count whose total page count (homepage, sections, static
    # pages, list pages, articles) is exactly the requested number.
    fixed = 1 + len(sections) + len(STATIC_PAGES)
    n_articles = max(len(columns), round((pages - fixed) * ITEMS_PER_LIST / (ITEMS_PER_LIST + 1)))
    for _ in range(200):
        counts = _column_counts(rng, weights, n_articles)
        total = fixed + n_articles + sum(max(1, math.ceil(c / ITEMS_PER_LIST)) for c in counts)
        if total == pages or (total > pages and n_articles <= len(columns)):
            break
        n_articles += 1 if total < pages else -1
    counts = _column_counts(rng, weights, n_articles)

    articles: list[Article] = []
    next_id = 1_000_001
    for column, count in zip(columns, counts, strict=True):
        # Most columns were updated recently; some are stale (a real finding on real sites).
        stale = rng.random() < 0.15
        day = NEWEST - timedelta(days=rng.randint(300, 700) if stale else rng.randint(0, 60))
        for _ in range(count):
            art_id = next_id
            next_id += 1
            path = f"{column.path}{day:%Y%m}/t{day:%Y%m%d}_{art_id}.html"
            art = Article(art_id, column, day, _title(rng, column, day), path)
            art.doc_number = _doc_number(rng, column, day)
            art.source = column.section.publisher
            exts = rng.sample(EXTENSIONS, attachments)
            for k, ext in enumerate(exts, start=1):
                art.attachments.append((f"P0{day:%Y%m%d}{art_id}{k}.{ext}", f"附件{k}：{rng.choice(ATTACHMENT_NAMES)}.{ext}"))
            art.image = f"W0{day:%Y%m%d}{art_id}.jpg"
            art.paragraphs = ["".join(_sentence(rng) for _ in range(rng.randint(3, 7))) for _ in range(rng.randint(4, 9))]
            column.articles.append(art)
            articles.append(art)
            day -= timedelta(days=rng.choice([0, 1, 1, 2, 3, 5, 7, 14]))

    # Encodings: 10% of the list and article pages are GBK.
    html_pages: list[tuple[Column, int] | Article] = [(c, i) for c in columns for i in range(c.n_lists)]
    html_pages += articles
    for item in rng.sample(html_pages, round(GBK_SHARE * len(html_pages))):
        if isinstance(item, Article):
            item.gbk = True
        else:
            item[0].gbk_lists.add(item[1])

    # Planted defects: missing attachments (1%) and links to deleted article pages.
    for art in rng.sample(articles, max(1, round(MISSING_ATTACHMENT_SHARE * len(articles)))):
        art.missing_attachment = f"P0{art.day:%Y%m%d}{art.id}9.pdf"
    n_missing_pages = max(3, len(articles) // 2500)
    for k in range(n_missing_pages):
        column = rng.choice([c for c in columns if len(c.articles) >= 3])
        old = column.articles[-1].day - timedelta(days=30 + k)
        missing = f"{column.path}{old:%Y%m}/t{old:%Y%m%d}_{900_001 + k}.html"
        for art in rng.sample(column.articles, rng.randint(1, 3)):
            art.missing_pages.append(missing)
    return Portal(pages, seed, sections, articles, attachments)


# -- rendering ------------------------------------------------------------------------

INLINE_STYLE = """<style type="text/css">
.xxgk-table{width:100%;border-collapse:collapse;margin:10px 0 20px;background:#f7fbff;font-size:14px}
.xxgk-table td{border:1px solid #d6e4f2;padding:6px 10px;line-height:22px}
.xxgk-table td.t{width:90px;color:#666;text-align:right;white-space:nowrap}
.article h1{font:bold 24px/40px "Microsoft YaHei";color:#0d4f8c;text-align:center;margin:20px 0 10px}
.article .info{text-align:center;color:#888;font-size:13px;border-bottom:1px dashed #ccc;padding-bottom:10px}
.article .content p{text-indent:2em;font-size:16px;line-height:32px;margin:12px 0;color:#333}
.list li{height:36px;line-height:36px;border-bottom:1px dashed #e1e1e1;overflow:hidden}
.list li span{float:right;color:#999}.page{text-align:center;margin:20px 0}.page a{margin:0 4px}
</style>"""

INLINE_SCRIPT = """<script type="text/javascript">
function doZoom(size){var el=document.getElementById('zoom');if(!el){return;}el.style.fontSize=size+'px';
var ps=el.getElementsByTagName('p');for(var i=0;i<ps.length;i++){ps[i].style.fontSize=size+'px';}}
function shareTo(kind){var url=encodeURIComponent(location.href),title=encodeURIComponent(document.title);
if(kind==='weibo'){window.open('https://service.weibo.com/share/share.php?url='+url+'&title='+title);}
else if(kind==='qzone'){window.open('https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?url='+url);}}
var _hits=document.getElementById('hits');if(_hits){_hits.innerHTML=Math.floor(Math.random()*900+100);}
</script>"""


def _head(title: str, charset: str, column: str | None, article: Article | None) -> str:
    metas = [
        f'<meta charset="{charset}">',
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        f"<title>{title}</title>",
        f'<meta name="SiteName" content="{SITE_NAME}">',
        # The host the portal is served at, as on a real portal: naming a domain it is not served at made
        # every page a missing-metadata finding ("SiteDomain 不是本站域名", 5,000 of 5,345 at 5,000 pages),
        # the finding of a template copied from another site, which only serving on loopback had produced.
        '<meta name="SiteDomain" content="127.0.0.1">',
        f'<meta name="SiteIDCode" content="{SITE_CODE}">',
    ]
    if column:
        metas.append(f'<meta name="ColumnName" content="{column}">')
        metas.append(f'<meta name="ColumnType" content="{column}">')
    if article:
        metas += [
            f'<meta name="ArticleTitle" content="{article.title}">',
            f'<meta name="PubDate" content="{article.day:%Y-%m-%d} {9 + article.id % 9:02d}:{article.id % 60:02d}">',
            f'<meta name="ContentSource" content="{article.source}">',
            f'<meta name="Keywords" content="{article.column.name},{AREA}">',
            f'<meta name="Description" content="{article.paragraphs[0][:60]}">',
        ]
    metas += [
        '<link rel="shortcut icon" href="/favicon.ico" type="image/x-icon">',
        '<link rel="stylesheet" type="text/css" href="/css/common.css">',
        '<script type="text/javascript" src="/js/common.js"></script>',
        INLINE_STYLE,
    ]
    return "<head>\n" + "\n".join(metas) + "\n</head>"


def _header(portal: Portal) -> str:
    nav = ['<li><a href="/">首页</a></li>']
    for s in portal.sections:  # TRS navigation bars drop down the section's first columns
        sub = "".join(f'<a href="{c.list_path(0)}">{c.name}</a>' for c in s.columns[:4])
        nav.append(f'<li><a href="{s.path}index.html">{s.name}</a><div class="subnav">{sub}</div></li>')
    nav += ['<li><a href="https://zwfw.yn.gov.cn/" target="_blank">政务服务</a></li>',
            '<li><a href="https://data.yn.gov.cn/" target="_blank">数据开放</a></li>']
    return f"""<div class="topbar"><div class="w"><span class="date" id="today"></span>
<a href="javascript:void(0)" onclick="doZoom(18)">无障碍浏览</a> | <a href="javascript:void(0)">长者模式</a></div></div>
<div class="header"><div class="w">
<div class="logo"><a href="/"><img src="/images/logo.png" alt="{SITE_NAME}" width="560" height="90"></a></div>
<div class="search"><form action="/search/" method="get" target="_blank"><input type="text" name="q" class="txt"
 placeholder="请输入关键词"><input type="image" src="/images/search.png" alt="搜索"></form></div>
</div></div>
<div class="nav"><div class="w"><ul>
{chr(10).join(nav)}
</ul></div></div>"""


def _footer() -> str:
    links = [f'<a href="/{slug}/index.html">{name}</a>' for slug, name in STATIC_PAGES]
    links += ['<a href="https://www.gov.cn/" target="_blank">中国政府网</a>',
              '<a href="https://www.yn.gov.cn/" target="_blank">云南省人民政府</a>',
              '<a href="https://www.yunling.gov.cn/" target="_blank">云岭市人民政府</a>',
              f'<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={SITE_CODE}" target="_blank">网站纠错</a>',
              '<a href="https://bszs.conac.cn/sitename?method=show&id=5301120001" target="_blank">党政机关</a>']
    return f"""<div class="footer"><div class="w">
<div class="links">{" | ".join(links)}</div>
<div class="info">
<p>主办单位：{AREA}人民政府办公室　承办单位：{AREA}融媒体中心　联系电话：0871-6800000</p>
<p>网站标识码：{SITE_CODE}　<a href="https://beian.miit.gov.cn/" target="_blank">{ICP}</a>
　<img src="/images/gaba.png" alt="公安备案" width="16" height="16">{GA_BEIAN}</p>
<p><img src="/images/dzjg.png" alt="党政机关" width="50" height="60">
<img src="/images/jiucuo.png" alt="政府网站找错" width="110" height="55"></p>
</div></div></div>"""


def _breadcrumb(trail: list[tuple[str, str]]) -> str:
    parts = ['<a href="/">首页</a>'] + [f'<a href="{href}">{name}</a>' for href, name in trail]
    return '<div class="position"><div class="w">当前位置：' + " &gt; ".join(parts) + "</div></div>"


def _page(portal: Portal, title: str, charset: str, body: str, *, trail: list[tuple[str, str]],
          column: str | None = None, article: Article | None = None) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n{_head(title, charset, column, article)}\n<body>\n'
            f"{_header(portal)}\n{_breadcrumb(trail)}\n<div class=\"main w\">\n{body}\n</div>\n"
            f"{_footer()}\n{INLINE_SCRIPT}\n</body>\n</html>\n")


def _item(art: Article, base: str) -> str:
    href = "./" + art.path[len(base):] if art.path.startswith(base) else art.path
    return f'<li><a href="{href}" target="_blank" title="{art.title}">{art.title}</a><span>{art.day:%Y-%m-%d}</span></li>'


def render_home(portal: Portal) -> str:
    blocks = []
    for section in portal.sections:
        for column in section.columns[:2]:
            items = "\n".join(_item(a, "/") for a in column.articles[:8])
            blocks.append(f'<div class="box"><h2><a href="{column.list_path(0)}">{column.name}</a>'
                          f'<a class="more" href="{column.list_path(0)}">更多&gt;&gt;</a></h2>\n<ul class="list">\n{items}\n</ul></div>')
    return _page(portal, SITE_NAME, "utf-8", "\n".join(blocks), trail=[])


def render_section(portal: Portal, section: Section) -> str:
    blocks = []
    for column in section.columns:
        items = "\n".join(_item(a, section.path) for a in column.articles[:5])
        blocks.append(f'<div class="box"><h2><a href="{column.list_path(0)}">{column.name}</a>'
                      f'<a class="more" href="{column.list_path(0)}">更多&gt;&gt;</a></h2>\n<ul class="list">\n{items}\n</ul></div>')
    side = "\n".join(f'<li><a href="{c.list_path(0)}">{c.name}</a></li>' for c in section.columns)
    body = f'<div class="side"><h3>{section.name}</h3><ul>\n{side}\n</ul></div>\n<div class="right">\n' + "\n".join(blocks) + "\n</div>"
    return _page(portal, f"{section.name}_{SITE_NAME}", "utf-8", body,
                 trail=[(f"{section.path}index.html", section.name)], column=section.name)


def render_list(portal: Portal, column: Column, i: int) -> tuple[str, str]:
    n = column.n_lists
    chunk = column.articles[i * ITEMS_PER_LIST:(i + 1) * ITEMS_PER_LIST]
    items = "\n".join(_item(a, column.path) for a in chunk)
    nav = ['<a href="index.html">首页</a>']
    if i > 0:
        nav.append(f'<a href="{"index.html" if i == 1 else f"index_{i - 1}.html"}">上一页</a>')
    if i < n - 1:
        nav.append(f'<a href="index_{i + 1}.html">下一页</a>')
    nav.append(f'<a href="{"index.html" if n == 1 else f"index_{n - 1}.html"}">尾页</a>')
    side = "\n".join(f'<li><a href="{c.list_path(0)}">{c.name}</a></li>' for c in column.section.columns)
    body = f"""<div class="side"><h3>{column.section.name}</h3><ul>
{side}
</ul></div>
<div class="right"><h2 class="column-title">{column.name}</h2>
<ul class="list">
{items}
</ul>
<div class="page"><script type="text/javascript">createPageHTML({n}, {i}, "index", "html");</script>
<noscript>{" ".join(nav)}</noscript>
<span class="static-page">{" ".join(nav)} 共{n}页 当前第{i + 1}页</span></div>
</div>"""
    charset = "gbk" if i in column.gbk_lists else "utf-8"
    trail = [(f"{column.section.path}index.html", column.section.name), (column.list_path(0), column.name)]
    return _page(portal, f"{column.name}_{SITE_NAME}", charset, body, trail=trail, column=column.name), charset


def render_article(portal: Portal, art: Article, prev: Article | None, nxt: Article | None) -> str:
    col = art.column
    idx = f"{ORG_CODE}/{art.day.year}-{art.id % 100000:05d}"
    written = art.day - timedelta(days=art.id % 4)
    header = f"""<table class="xxgk-table">
<tr><td class="t">索引号：</td><td>{idx}</td><td class="t">主题分类：</td><td>{TOPICS[art.id % len(TOPICS)]}</td></tr>
<tr><td class="t">发布机构：</td><td>{art.source}</td><td class="t">文号：</td><td>{art.doc_number}</td></tr>
<tr><td class="t">成文日期：</td><td>{written.year}年{written.month:02d}月{written.day:02d}日</td>
<td class="t">发布日期：</td><td>{art.day.year}年{art.day.month:02d}月{art.day.day:02d}日</td></tr>
<tr><td class="t">标题：</td><td colspan="3">{art.title}</td></tr>
</table>"""
    paras = [f'<p style="text-align:center;text-indent:0"><img src="./{art.image}" alt="{art.title}" width="600"></p>']
    paras += [f"<p>{p}</p>" for p in art.paragraphs]
    files = [f'<p><a href="./{name}" target="_blank">{text}</a></p>' for name, text in art.attachments]
    if art.missing_attachment:
        files.append(f'<p><a href="./{art.missing_attachment}" target="_blank">附件{len(files) + 1}：补充说明.pdf</a></p>')
    pn = []
    pn.append(f'<p>上一篇：<a href="{prev.path}">{prev.title}</a></p>' if prev else "<p>上一篇：没有了</p>")
    pn.append(f'<p>下一篇：<a href="{nxt.path}">{nxt.title}</a></p>' if nxt else "<p>下一篇：没有了</p>")
    related = "".join(f'<li><a href="{p}" target="_blank">相关阅读：往期{col.name}</a></li>' for p in art.missing_pages)
    body = f"""<div class="article">
{header}
<h1>{art.title}</h1>
<div class="info">发布时间：{art.day:%Y-%m-%d}　来源：{art.source}　浏览次数：<span id="hits"></span>
　字号：[<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]
　<a href="javascript:shareTo('weibo')">分享到微博</a></div>
<div class="content" id="zoom">
{chr(10).join(paras)}
<p>附件：</p>
{chr(10).join(files)}
</div>
<div class="prevnext">{"".join(pn)}</div>
<ul class="related">{related}</ul>
<div class="close"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""
    trail = [(f"{col.section.path}index.html", col.section.name), (col.list_path(0), col.name)]
    return _page(portal, f"{art.title}_{col.name}_{SITE_NAME}", "gbk" if art.gbk else "utf-8", body,
                 trail=trail, column=col.name, article=art)


def render_static(portal: Portal, slug: str, name: str) -> str:
    if slug == "wzdt":
        rows = []
        for s in portal.sections:
            cols = " ".join(f'<a href="{c.list_path(0)}">{c.name}</a>' for c in s.columns)
            rows.append(f'<dl><dt><a href="{s.path}index.html">{s.name}</a></dt><dd>{cols}</dd></dl>')
        body = "\n".join(rows)
    else:
        body = f"<h2>{name}</h2><p>{AREA}人民政府办公室负责本网站的日常维护。地址：{AREA}政务中心，邮编：650100。</p>"
    return _page(portal, f"{name}_{SITE_NAME}", "utf-8", body, trail=[(f"/{slug}/index.html", name)])


# -- small binary files ---------------------------------------------------------------

_MAGIC = {
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "docx": b"PK\x03\x04\x14\x00\x06\x00",
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "png": b"\x89PNG\r\n\x1a\n",
    "ico": b"\x00\x00\x01\x00\x01\x00",
}


def _blob(name: str, size: int) -> bytes:
    """A few hundred bytes with the right magic number (the crawlers only need a status)."""
    ext = name.rsplit(".", 1)[-1]
    head = _MAGIC.get(ext, b"")
    filler = hashlib.sha256(name.encode()).digest() * (size // 32 + 1)
    return head + filler[: max(0, size - len(head))]


COMMON_JS = """/* TRS WCM pagination helper: createPageHTML(pageCount, currentPage, prefix, suffix) */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var nCurrIndex = _nCurrIndex || 0;
  if (nCurrIndex == 0) { document.write("首页 上一页 "); }
  else {
    document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a> ");
    var prev = nCurrIndex == 1 ? _sPageName + "." + _sPageExt : _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt;
    document.write("<a href=\\"" + prev + "\\">上一页</a> ");
  }
  if (nCurrIndex == _nPageCount - 1) { document.write("下一页 尾页"); }
  else {
    document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\\">下一页</a> ");
    document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\\">尾页</a>");
  }
}
"""


# -- writing --------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _encode(html: str, charset: str) -> bytes:
    return html.encode("gbk" if charset == "gbk" else "utf-8", errors="xmlcharrefreplace")


def write_portal(portal: Portal, site: Path) -> dict:
    """Write every file of the portal under ``site``; return the manifest."""
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    n_bytes = 0
    html_pages = 0

    def put(rel: str, data: bytes) -> None:
        nonlocal n_bytes
        _write(site / rel.lstrip("/"), data)
        n_bytes += len(data)

    def put_page(rel: str, html: str, charset: str) -> None:
        nonlocal html_pages
        put(rel, _encode(html, charset))
        html_pages += 1

    for rel in TEMPLATE_FILES:
        if rel.endswith(".css"):
            put(rel, INLINE_STYLE.removeprefix('<style type="text/css">').removesuffix("</style>").encode() * 4)
        elif rel.endswith(".js"):
            put(rel, COMMON_JS.encode())
        else:
            put(rel, _blob(rel, 900))
    put_page("/index.html", render_home(portal), "utf-8")
    for section in portal.sections:
        put_page(f"{section.path}index.html", render_section(portal, section), "utf-8")
    for slug, name in STATIC_PAGES:
        put_page(f"/{slug}/index.html", render_static(portal, slug, name), "utf-8")
    gbk_pages = 0
    resources = 0
    for column in portal.columns:
        for i in range(column.n_lists):
            html, charset = render_list(portal, column, i)
            put_page(column.list_path(i), html, charset)
            gbk_pages += charset == "gbk"
        arts = column.articles
        for k, art in enumerate(arts):
            prev = arts[k - 1] if k > 0 else None
            nxt = arts[k + 1] if k + 1 < len(arts) else None
            put_page(art.path, render_article(portal, art, prev, nxt), "gbk" if art.gbk else "utf-8")
            gbk_pages += art.gbk
            for name, _ in art.attachments:
                put(art.folder + name, _blob(name, 300 + art.id % 400))
            put(art.folder + art.image, _blob(art.image, 400 + art.id % 500))
            resources += len(art.attachments) + 1
    if html_pages != portal.page_count():
        raise AssertionError(f"wrote {html_pages} pages, planned {portal.page_count()}")
    missing_attachments = sorted(a.folder + a.missing_attachment for a in portal.articles if a.missing_attachment)
    missing_pages = sorted({p for a in portal.articles for p in a.missing_pages})
    linking_missing = sum(1 for a in portal.articles if a.missing_pages)
    # Who links each planted target, and in which encoding: a checker that cannot
    # read GBK pages misses exactly the targets that only GBK pages link.
    linked_from: dict[str, list[dict]] = {}
    for a in portal.articles:
        targets = ([a.folder + a.missing_attachment] if a.missing_attachment else []) + a.missing_pages
        for target in targets:
            linked_from.setdefault(target, []).append({"page": a.path, "gbk": a.gbk})
    only_gbk = sorted(t for t, pages in linked_from.items() if all(p["gbk"] for p in pages))
    return {
        "schema": "govcrawl.bench.portal/1",
        "seed": portal.seed,
        "pages_requested": portal.pages_requested,
        "pages": {
            "total": html_pages,
            "home": 1,
            "sections": len(portal.sections),
            "static": len(STATIC_PAGES),
            "lists": sum(c.n_lists for c in portal.columns),
            "articles": len(portal.articles),
            "gbk": gbk_pages,
        },
        "columns": len(portal.columns),
        "attachments_per_article": portal.attachments,
        "resources": {
            "unique_files_linked_by_articles": resources,
            "template_files": len(TEMPLATE_FILES),
            "per_article": round((resources + len(missing_attachments)) / len(portal.articles), 2),
        },
        "planted_broken": {
            "missing_attachments": missing_attachments,
            "missing_pages": missing_pages,
            "articles_linking_missing_pages": linking_missing,
            "total": len(missing_attachments) + len(missing_pages),
            "linked_from": {t: linked_from[t] for t in sorted(linked_from)},
            "only_on_gbk_pages": only_gbk,
        },
        "departments": [
            {"name": s.department, "path_prefix": s.path} for s in portal.sections if s.department
        ],
        "bytes": n_bytes,
    }


def _key_prefix(pages: int, seed: int, attachments: int) -> str:
    shape = "" if attachments == DEFAULT_ATTACHMENTS else f"-a{attachments}"
    return f"p{pages}-s{seed}{shape}"


def generator_key(pages: int, seed: int, attachments: int = DEFAULT_ATTACHMENTS) -> str:
    """Cache key: the parameters and this file's source, so a changed generator regenerates."""
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]
    return f"{_key_prefix(pages, seed, attachments)}-{digest}"


def ensure_portal(work: Path, pages: int = DEFAULT_PAGES, seed: int = SEED, *, attachments: int = DEFAULT_ATTACHMENTS,
                  log=print) -> tuple[Path, dict]:
    """Generate the portal into ``work/portal-KEY`` unless a complete copy is there; return (dir, manifest)."""
    out = work / f"portal-{generator_key(pages, seed, attachments)}"
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        return out, json.loads(manifest_path.read_text(encoding="utf-8"))
    prefix = f"portal-{_key_prefix(pages, seed, attachments)}-"
    for stale in work.glob(prefix + "*"):  # an older generator's copy of the same shape: keep the disk tidy
        if stale.is_dir() and stale != out and "-" not in stale.name[len(prefix):]:
            shutil.rmtree(stale, ignore_errors=True)
    log(f"generating a {pages}-page portal into {out} …")
    portal = plan_portal(pages, seed, attachments)
    manifest = write_portal(portal, out / "site")
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, manifest_path)  # written last: its presence means the copy is complete
    return out, manifest


# -- nginx ----------------------------------------------------------------------------


# Fields of the benchmark's access log, in order (nginx variable names). The
# request headers show what the crawler asked (conditional or not), the sent_http
# ones which validators nginx answered with.
ACCESS_LOG_FIELDS = (
    "msec", "request_method", "request_uri", "status", "body_bytes_sent", "bytes_sent",
    "http_if_none_match", "http_if_modified_since", "sent_http_etag", "sent_http_last_modified",
)


def write_nginx_conf(conf: Path, *, root: Path, port: int, state: Path, access_log: Path | None = None,
                     headers: dict[str, str] | None = None) -> Path:
    """Write an nginx config that serves ``root`` on 127.0.0.1:``port`` only, all state under ``state``.

    worker_processes 1: the machine the benchmark targets has 2 cores and both
    crawlers under test want them (govcrawl runs a spider process and a link
    checking process). One nginx worker serving small files from the page
    cache with sendfile and keepalive does well over 10,000 requests/s, two
    orders of magnitude above what either crawler asks for, so a second worker
    would only compete with the crawler for CPU. The harness measures nginx's
    own CPU during each run to show it is not the bottleneck.

    No ``open_file_cache``: it keeps a descriptor open per cached file, and
    with ~77,000 files nginx runs out of descriptors ("accept4() failed (24:
    Too many open files)") and stops answering; nginx's CPU is tiny without it.

    No ``charset`` directive: the Content-Type carries no charset, so the
    crawlers must find the encoding of GBK pages in the page itself, as on
    the real sites.

    No access log unless ``access_log`` names a file: the speed benchmark does
    not need one. The incremental benchmark does, because the server's own
    record is the only independent witness of what a crawler downloaded; its
    format (``bench``, tab-separated) is ``ACCESS_LOG_FIELDS``. Buffered,
    flushed within a second: the caller waits for that before it reads.

    ``headers`` are added to every answer (``add_header … always``, 404s
    included). The peer benchmark sends ``LinkChecker: …``: LinkChecker
    throttles each host to at most 10 requests/s with a 0.1–0.6 s random wait
    between any two requests, whatever its ``maxrequestspersecond``, unless
    the server answers with a ``LinkChecker`` header (its documented opt-out
    for one's own server).
    """
    state.mkdir(parents=True, exist_ok=True)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (state / sub).mkdir(exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # the files are ours; don't drop to nobody
    if access_log is None:
        logging = "    access_log off;\n"
    else:
        fields = "\\t".join(f"${name}" for name in ACCESS_LOG_FIELDS)
        logging = (f"    log_format bench '{fields}';\n"
                   f"    access_log {access_log} bench buffer=256k flush=1s;\n")
    extra = "".join(f'        add_header {name} "{value}" always;\n' for name, value in (headers or {}).items())
    conf.write_text(f"""# generated by bench/genportal.py; loopback only
{user}worker_processes 1;
daemon off;
master_process on;
pid {state}/nginx.pid;
error_log {state}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{
        text/html html htm;
        text/css css;
        application/javascript js;
        image/png png;
        image/jpeg jpg jpeg;
        image/x-icon ico;
        application/pdf pdf;
        application/vnd.openxmlformats-officedocument.wordprocessingml.document docx;
        application/vnd.ms-excel xls;
    }}
    default_type application/octet-stream;
{logging}    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server_tokens off;
    client_body_temp_path {state}/client_body;
    proxy_temp_path {state}/proxy;
    fastcgi_temp_path {state}/fastcgi;
    uwsgi_temp_path {state}/uwsgi;
    scgi_temp_path {state}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        index index.html;
{extra}        location / {{ try_files $uri $uri/ =404; }}
    }}
}}
""", encoding="utf-8")
    return conf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the benchmark portal (deterministic).")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "work",
                        help="work directory (default: bench/work)")
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="HTML pages (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--attachments", type=int, default=DEFAULT_ATTACHMENTS,
                        help="attachments per article besides its image (default %(default)s; bench/peers.py uses 3)")
    parser.add_argument("--port", type=int, default=8089, help="port for the nginx config written beside it")
    args = parser.parse_args(argv)
    try:
        out, manifest = ensure_portal(args.out, args.pages, args.seed, attachments=args.attachments)
    except ValueError as exc:
        parser.error(str(exc))
    conf = write_nginx_conf(out / "nginx.conf", root=(out / "site").resolve(), port=args.port,
                            state=(out / "nginx").resolve())
    summary = {k: manifest[k] for k in ("pages", "columns", "resources")}
    summary["planted_broken"] = manifest["planted_broken"]["total"]
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    print(f"site: {out / 'site'}\nnginx: nginx -p {out / 'nginx'} -c {conf} -e {out / 'nginx' / 'error.log'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
