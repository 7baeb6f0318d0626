"""``missing-metadata``: government-site meta tags of 政府网站发展指引 (国办发〔2017〕47号).

The guideline asks every page of a government portal to carry machine-readable
meta tags so that the national search and inspection platforms can index it:
SiteName/SiteDomain/SiteIDCode everywhere, ColumnName/ColumnType on column and
article pages, ArticleTitle/PubDate/ContentSource on article pages. We read
``PageFacts.meta`` (the served HTML, not the rendered DOM) because the
platforms read the served HTML too.

Findings (contract §4: url = the page):

* target null: required tags absent or empty; evidence lists which ones.
* target ``SiteIDCode``: a SiteIDCode that is neither 10 digits nor ``bm`` + 8
  digits; 10 digits that do not begin with the site's 6-digit region code
  (``region_code`` in the config; without it, with a GB/T 2260 province code);
  or one that differs from the 网站标识码 printed in the page's footer. The
  code is issued by the national 政府网站信息报送系统 as region code + serial,
  so a wrong prefix is the sign of a template copied from another site.
* target ``SiteDomain``: a SiteDomain that names another host than the site's
  (the site's allowed hosts), again a copied template.
* target ``PubDate``: a PubDate not written ``YYYY-MM-DD[ HH:MM[:SS]]``.
* target ``future-date``: a 发布日期 after the crawl date (``ctx.today``).
* target ``date-order``: a 发布日期 before the 成文日期.

The two date findings are ``major``: a forged or mistyped date is treated as a
serious error by the national inspection indicators (伪造发稿日期).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, PageFacts, Severity

CHECK = Check(
    id="missing-metadata",
    title="缺少政府网站元数据",
    severity=Severity.MINOR,
    basis="政府网站发展指引（国办发〔2017〕47号）附件 政府网站页面元数据规范",
    fix="在页面模板的<head>中补齐 SiteName、SiteDomain、SiteIDCode（所有页面），ColumnName、ColumnType（栏目页和文章页），"
    "ArticleTitle、PubDate、ContentSource（文章页）；网站标识码以本地行政区划代码开头并与页脚一致，"
    "SiteDomain 写本站域名，PubDate 写作 YYYY-MM-DD HH:MM，"
    "核对发布日期不晚于检查日期、不早于成文日期。",
    summary="服务器返回的 HTML 缺少《政府网站发展指引》要求的元数据标签，或网站标识码格式错误、不以本地行政区划代码开头、"
    "与页脚不一致，或 SiteDomain 不是本站域名，"
    "或 PubDate 格式不规范，或发布日期晚于检查日期、早于成文日期。",
    evidence_labels={
        "missing": "缺少的标签",
        "page_kind": "页面类型",
        "site_id_code": "SiteIDCode 值",
        "footer_code": "页脚网站标识码",
        "problem": "问题",
        "pub_date": "PubDate 值",
        "published_on": "发布日期",
        "written_on": "成文日期",
        "crawl_date": "检查日期",
        "expected_region": "应有的行政区划代码",
        "site_domain": "SiteDomain 值",
        "site_hosts": "本站域名",
    },
)

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnType")
ARTICLE_TAGS = ("ArticleTitle", "PubDate", "ContentSource")

KIND_LABEL = {"home": "首页", "column": "栏目页", "article": "文章页", "page": "其他页面"}

_SITE_ID_CODE = re.compile(r"\d{10}|bm\d{8}")
_PUB_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?")
# First two digits of GB/T 2260 administrative region codes: the 31 mainland provinces, 71, 81, 82.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_FOOTER_CODE = re.compile(r"网站标识码\s*[：:]?\s*([A-Za-z0-9]+)")


def meta_value(page: PageFacts, name: str) -> str | None:
    """The non-empty content of a meta tag, matching the name case-insensitively.

    Names are kept as written; CMSs differ in case (``sitename``) and the
    platforms accept either, so case is not the problem we report.
    """
    wanted = name.lower()
    for key, value in page.meta.items():
        if key.lower() == wanted and value and value.strip():
            return value.strip()
    return None


def page_kind(page: PageFacts, homepage: str | None) -> str:
    """Which tag set the guideline requires of this page: home, column, article or page.

    List pages (items or pagination) are column pages; a page with a document
    header, an ArticleTitle, or a single dated text is an article page; any
    other page inside a column (a static column page such as 机构职能) is a
    column page too.
    """
    if page.url == homepage or (page.final_url is not None and page.final_url == homepage):
        return "home"
    if page.list_items or page.pagination:
        return "column"
    if page.doc is not None or meta_value(page, "ArticleTitle") or page.published_on is not None:
        return "article"
    if page.column or meta_value(page, "ColumnName"):
        return "column"
    return "page"


def required_tags(kind: str) -> tuple[str, ...]:
    """The tags the guideline requires for a page kind."""
    if kind == "article":
        return SITE_TAGS + COLUMN_TAGS + ARTICLE_TAGS
    if kind == "column":
        return SITE_TAGS + COLUMN_TAGS
    return SITE_TAGS


def wears_site_template(page: PageFacts) -> bool:
    """Whether the page is part of the site's templated pages.

    A bare body with neither a single meta tag nor any header/nav/footer link
    (an error body served with 200, a print view, an embedded fragment) is not
    a page the site's templates produce, so demanding template meta tags of it
    would only be noise.
    """
    return bool(page.meta) or any(link.region.is_template for link in page.links)


def valid_site_id_code(code: str) -> bool:
    """10 digits (region code + serial) or ``bm`` + 8 digits (departments)."""
    return _SITE_ID_CODE.fullmatch(code) is not None


def footer_code(page: PageFacts) -> str | None:
    """The 网站标识码 printed on the page (normally in the footer), if any."""
    found = _FOOTER_CODE.findall(page.text)
    return found[-1] if found else None


def published_date(page: PageFacts) -> date | None:
    """The page's 发布日期: the header field first, then the page date (contract "Dates of a page")."""
    if page.doc is not None and page.doc.published_on is not None:
        return page.doc.published_on
    return page.published_on


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    for page in site.html_pages():
        if not wears_site_template(page):
            continue
        kind = page_kind(page, site.homepage)
        missing = [tag for tag in required_tags(kind) if meta_value(page, tag) is None]
        if missing:
            yield ctx.finding(
                url=page.url,
                message=f"{KIND_LABEL[kind]}缺少政府网站元数据标签：{'、'.join(missing)}。",
                evidence={"missing": missing, "page_kind": KIND_LABEL[kind]},
                site=site,
            )
        yield from _site_id_code(page, ctx, site)
        yield from _site_domain(page, ctx, site)
        yield from _pub_date(page, ctx, site)
        yield from _date_order(page, ctx, site)


def _site_id_code(page: PageFacts, ctx: CheckContext, site: SiteFacts) -> Iterator[Finding]:
    code = meta_value(page, "SiteIDCode")
    if code is None:
        return
    printed = footer_code(page)
    region = ctx.settings.get("region_code")
    problems = []
    if not valid_site_id_code(code):
        problems.append("格式不符（应为10位数字或bm加8位数字）")
    elif code.isdigit() and region and not code.startswith(region):
        problems.append(f"前6位不是本站行政区划代码 {region}")
    elif code.isdigit() and not region and code[:2] not in _PROVINCES:
        problems.append(f"前2位“{code[:2]}”不是有效的省级行政区划代码")
    if printed is not None and printed != code:
        problems.append(f"与页脚网站标识码“{printed}”不一致")
    if not problems:
        return
    problem = "，".join(problems)
    yield ctx.finding(
        url=page.url,
        target="SiteIDCode",
        message=f"网站标识码 SiteIDCode“{code}”{problem}。",
        evidence={"site_id_code": code, "footer_code": printed, "expected_region": region, "problem": problem},
        site=site,
    )


def domain_host(value: str) -> str:
    """The host a SiteDomain value names: scheme, path and port dropped, lower case.

    Portals write it as ``www.example.gov.cn``, sometimes with ``http://`` or a
    trailing slash; those are not the problem we report.
    """
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip().lower()).split("/", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _site_domain(page: PageFacts, ctx: CheckContext, site: SiteFacts) -> Iterator[Finding]:
    value = meta_value(page, "SiteDomain")
    hosts = [h.lower() for h in ctx.settings.get("hosts", [])]
    if value is None or not hosts or domain_host(value) in hosts:
        return
    yield ctx.finding(
        url=page.url,
        target="SiteDomain",
        message=f"SiteDomain“{value}”不是本站域名（{'、'.join(hosts)}），页面模板可能复制自其他网站。",
        evidence={"site_domain": value, "site_hosts": hosts},
        site=site,
    )


def _pub_date(page: PageFacts, ctx: CheckContext, site: SiteFacts) -> Iterator[Finding]:
    value = meta_value(page, "PubDate")
    if value is None or _PUB_DATE.fullmatch(value):
        return
    yield ctx.finding(
        url=page.url,
        target="PubDate",
        message=f"PubDate“{value}”不是 YYYY-MM-DD HH:MM 格式。",
        evidence={"pub_date": value},
        site=site,
    )


def _date_order(page: PageFacts, ctx: CheckContext, site: SiteFacts) -> Iterator[Finding]:
    published = published_date(page)
    if published is None:
        return
    written = page.doc.written_on if page.doc is not None else None
    if published > ctx.today:
        yield ctx.finding(
            url=page.url,
            target="future-date",
            message=f"发布日期 {published.isoformat()} 晚于检查日期 {ctx.today.isoformat()}，疑似伪造或录入错误。",
            evidence={"published_on": published.isoformat(), "crawl_date": ctx.today.isoformat()},
            severity=Severity.MAJOR,
            site=site,
        )
    if written is not None and published < written:
        yield ctx.finding(
            url=page.url,
            target="date-order",
            message=f"发布日期 {published.isoformat()} 早于成文日期 {written.isoformat()}，疑似伪造或录入错误。",
            evidence={"published_on": published.isoformat(), "written_on": written.isoformat()},
            severity=Severity.MAJOR,
            site=site,
        )
