"""Accessibility and elder-friendly nodes merged per page and rule, and lifted to templates.

Why: a portal of 100k pages has a few dozen templates. A search box without a
label in the header of one template is one fix for the site owner, not 100k
findings; an article image without alt is one fix for the department that
published the article. So (design of issue 5, contract §4 ``a11y``):

* Nodes come from the static pass over the served HTML (``PageFacts.a11y``,
  every page) and from the browser pass (``SiteFacts.audits``: axe-core and
  govcrawl's own rendered rules, on the sampled pages). Rule ids are axe's, so a
  rule both passes see is one finding per page and rule, never two.
* A node in the shared header/nav/footer that is the same element (rule,
  selector and start tag) on two or more pages is a template problem,
  whatever the page's fingerprint: the header is one piece of markup however
  the article below it is laid out, and DOM fingerprints of real CMS pages
  differ for reasons unrelated to the header.
* A node (rule, selector) present on **every checked page of a template** —
  every page for static nodes, every audited page for browser nodes — with at
  least two such pages, is a template problem too (the body of a list or
  article template).
* A template problem is one finding attributed to the site owner, the other
  pages in ``occurrences``. A node in the template's header/nav/footer is the
  owner's even on a single page.
* Everything else is a page problem of the page's department.

The functions here are pure; both checks call ``rule_groups`` with their own
check id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from checks.a11y_rules import A11Y, ELDER, RULES, STATIC_IMPACT, check_of
from govcrawl.facts import SiteFacts
from govcrawl.model import A11yNode, PageFacts, ValuePool

MIN_TEMPLATE_PAGES = 2  # a "template-wide" node must be seen on at least this many pages
BROWSER = "browser"
STATIC = "static"


def _pass_of(node: A11yNode) -> str:
    return STATIC if node.source == STATIC else BROWSER


def _start_tag(html: str) -> str:
    """The element's start tag, whitespace collapsed: what static and axe nodes of one element share."""
    head = html.split(">", 1)[0]
    return " ".join(head.split()).lower()


def page_nodes(page: PageFacts, site: SiteFacts, check: str) -> list[A11yNode]:
    """The page's nodes for one check, static and browser merged without duplicates.

    A node axe reports and the static pass also found (same rule, same selector
    or same start tag) is kept once, as axe's (it carries impact and help).
    For the elder-friendly check, the static pass's ``meta-viewport`` node (zoom
    disabled) also counts as ``zoom-disabled``: both standards name it.
    """
    audit = site.audits.get(page.url)
    browser = list(audit.nodes) if audit is not None and audit.status == "ok" else []
    if not declares_responsive(page):
        browser = [n for n in browser if n.rule != "reflow"]
    static = list(page.a11y)
    if check == ELDER:
        static += [_as_rule(n, "zoom-disabled") for n in static if n.rule == "meta-viewport"]
        browser += [_as_rule(n, "zoom-disabled") for n in browser if n.rule == "meta-viewport"]
    out: list[A11yNode] = []
    seen: set[tuple[str, str]] = set()
    for node in browser + static:  # browser first: its copy of a shared node wins
        if check_of(node.rule) != check:
            continue
        keys = {(node.rule, "s:" + node.selector)}
        if node.html:
            keys.add((node.rule, "h:" + _start_tag(node.html)))
        if keys & seen:
            continue
        seen |= keys
        out.append(node)
    return out


def declares_responsive(page: PageFacts) -> bool:
    """Does the page declare a viewport as wide as the device (``width=device-width``)?

    ``reflow`` (WCAG 1.4.10: no horizontal scrolling at 320 CSS px) is reported only
    on such pages. Most government portals serve a fixed 1200px desktop layout
    without that declaration and a separate mobile site (政府网站发展指引 asks for
    one); flagging every desktop template for reflow would bury the findings a
    webmaster can act on. A page that declares itself responsive and still
    overflows at 320px has a real, fixable bug.
    """
    viewport = next((v for k, v in page.meta.items() if k.lower() == "viewport"), "")
    return "device-width" in viewport.replace(" ", "").lower()


def _as_rule(node: A11yNode, rule: str) -> A11yNode:
    return A11yNode(rule, node.selector, node.html, node.region, node.impact, node.detail, node.source, node.help)


@dataclass
class RuleGroup:
    """The nodes of one rule on one page, or on every checked page of one template."""

    rule: str
    page: PageFacts  # the page the finding names (``url``)
    nodes: list[A11yNode]
    template_pages: list[str] = field(default_factory=list)  # template problem: every page that shows it
    owner: bool = False  # the site owner's (template problem, or only template-region nodes)

    @property
    def is_template(self) -> bool:
        return bool(self.template_pages)


def rule_groups(site: SiteFacts, check: str = A11Y) -> Iterator[RuleGroup]:
    """Template groups first (one per template and rule), then page groups (one per page and rule)."""
    pages, nodes_of = _nodes_by_page(site, check)
    by_template: dict[str, list[PageFacts]] = defaultdict(list)
    for page in pages:
        if page.template:
            by_template[page.template].append(page)

    lifted: set[tuple[str, str, str]] = set()  # (page url, rule, selector) reported with a template
    # Template pieces by (rule, the pages that show them): pieces of one rule on the same pages
    # (the header's node seen by static and by axe, a body node lifted by fingerprint) are one finding.
    pieces: dict[tuple[str, frozenset[str]], list[A11yNode]] = defaultdict(list)

    # 1. The same element in the shared header/nav/footer on several pages, any fingerprint. Static
    # and axe name the element by different selectors; its start tag is the same.
    region_hits: dict[tuple[str, str], list[tuple[str, A11yNode]]] = defaultdict(list)
    for page in pages:
        for node in nodes_of.get(page.url, ()):
            if node.region.is_template:
                region_hits[node.rule, _start_tag(node.html) or node.selector].append((page.url, node))
    for (rule, _), hits in region_hits.items():
        urls = frozenset(url for url, _ in hits)
        if len(urls) >= MIN_TEMPLATE_PAGES:
            first = {}
            for _url, node in sorted(hits, key=lambda hit: hit[0]):  # by URL, not crawl order: same run, same evidence
                first.setdefault(node.source, node)
            pieces[rule, urls].extend(first.values())
            lifted.update((url, rule, node.selector) for url, node in hits)

    # 2. The same body element on every checked page of one template (fingerprint).
    for members in by_template.values():
        checked = {
            STATIC: [p.url for p in members],
            BROWSER: [p.url for p in members if (a := site.audits.get(p.url)) is not None and a.status == "ok"],
        }
        seen_on: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        example: dict[tuple[str, str, str], A11yNode] = {}
        # By URL: the example node quoted in the evidence (its HTML holds that page's text) must not
        # depend on the order pages happened to be crawled in.
        for page in sorted(members, key=lambda member: member.url):
            for node in nodes_of.get(page.url, ()):
                if (page.url, node.rule, node.selector) in lifted:
                    continue
                key = (node.rule, node.selector, _pass_of(node))
                seen_on[key].add(page.url)
                example.setdefault(key, node)
        for key, urls in seen_on.items():
            rule, selector, kind = key
            where = checked[kind]
            if len(where) >= MIN_TEMPLATE_PAGES and urls >= set(where):
                pieces[rule, frozenset(where)].append(example[key])
                lifted.update((url, rule, selector) for url in where)

    template_groups: list[RuleGroup] = []
    used: set[tuple[str, str]] = set()  # (url, rule) already naming a template group
    for (rule, urls), nodes in sorted(pieces.items(), key=lambda kv: (kv[0][0], -len(kv[0][1]), sorted(kv[0][1]))):
        shown = sorted(urls)
        page = _representative(site, shown, rule, used)
        used.add((page.url, rule))
        template_groups.append(RuleGroup(rule, page, _dedupe(nodes), shown, owner=True))

    # Page groups: what is left; a page group on the representative page of a template
    # group of the same rule is folded into it, so (url, rule) names one finding.
    by_key = {(g.page.url, g.rule): g for g in template_groups}
    page_groups: list[RuleGroup] = []
    for page in pages:
        rest: dict[str, list[A11yNode]] = defaultdict(list)
        for node in nodes_of.get(page.url, ()):
            if (page.url, node.rule, node.selector) not in lifted:
                rest[node.rule].append(node)
        for rule, nodes in rest.items():
            host = by_key.get((page.url, rule))
            if host is not None:
                host.nodes.extend(nodes)
                continue
            owner = all(node.region.is_template for node in nodes)
            page_groups.append(RuleGroup(rule, page, nodes, owner=owner))
    yield from template_groups
    yield from page_groups


def _nodes_by_page(site: SiteFacts, check: str) -> tuple[list[PageFacts], dict[str, list[A11yNode]]]:
    """The site's HTML pages, and each one's nodes for ``check`` (pages without any left out), equal
    nodes of different pages one object.

    Both checks hold every page's nodes until they have grouped them, side by side with
    the other checks. A template's node is decoded afresh for each of its pages; at
    100,000 pages (55,000 with one such node) the two maps held ~80 MiB of copies.
    Nodes are read-only here, so sharing them changes nothing the groups say.

    The nodes are read in the one walk over ``site.html_pages()``: in a streamed check phase
    that walk keeps pace with the other checks, which have the page decoded at that moment.
    A second walk over a list of its own ran behind them and decoded 19,715 of 20,007 pages
    again (20,000 pages).
    """
    pool = ValuePool()
    pages: list[PageFacts] = []
    out: dict[str, list[A11yNode]] = {}
    for page in site.html_pages():
        pages.append(page)
        nodes = page_nodes(page, site, check)
        if nodes:
            out[page.url] = [pool.share(node, _node_key(node)) for node in nodes]
    return pages, out


def _node_key(node: A11yNode) -> tuple:
    return (node.rule, node.selector, node.html, node.region, node.impact, node.detail, node.source, node.help)


def _dedupe(nodes: list[A11yNode]) -> list[A11yNode]:
    """One node per element: axe's copy first (it has impact and help), then static's."""
    out: list[A11yNode] = []
    seen: set[str] = set()
    for node in sorted(nodes, key=lambda n: n.source == STATIC):
        key = _start_tag(node.html) or node.selector
        if key not in seen:
            seen.add(key)
            out.append(node)
    return out


def _representative(site: SiteFacts, urls: list[str], rule: str, used: set[tuple[str, str]]) -> PageFacts:
    """The page a template finding names: the homepage when it is one, else the first URL not yet
    naming another template finding of the same rule (so url and rule identify one finding)."""
    ordered = ([site.homepage] if site.homepage in urls else []) + sorted(urls)
    url = next((u for u in ordered if (u, rule) not in used), ordered[0])
    page = site.page(url)
    assert page is not None
    return page


MAX_EVIDENCE_NODES = 10


def group_evidence(group: RuleGroup, site: SiteFacts) -> dict:
    """Rule, impact, Chinese and English help, the offending elements and the screenshot key."""
    info = RULES.get(group.rule)
    impacts = [n.impact or STATIC_IMPACT.get(n.rule) for n in group.nodes]
    order = ("critical", "serious", "moderate", "minor")
    impact = next((grade for grade in order if grade in impacts), None)
    audit = site.audits.get(group.page.url)
    shots = audit.screenshots if audit is not None else {}
    screenshot = next((f"{n.rule}|{n.selector}" for n in group.nodes if f"{n.rule}|{n.selector}" in shots), None)
    return {
        "rule": group.rule,
        "rule_title": info.title if info else None,
        "impact": impact,
        "help": next((n.help for n in group.nodes if n.help), None),
        "sources": sorted({n.source for n in group.nodes}),
        "node_count": len(group.nodes),
        "nodes": [
            {"selector": n.selector, "html": n.html, "detail": n.detail, "region": str(n.region)}
            for n in group.nodes[:MAX_EVIDENCE_NODES]
        ],
        "template_pages": len(group.template_pages) or None,
        "screenshot": screenshot,
    }


def group_message(group: RuleGroup) -> str:
    """One sentence in Chinese: what, how many, and where when it is the template's."""
    info = RULES.get(group.rule)
    title = info.title if info else (next((n.help for n in group.nodes if n.help), "") or group.rule)
    # axe's failure summaries are English and long: they stay in the evidence; our own details are short.
    first = next((n for n in group.nodes if n.detail and n.source != "axe"), None)
    detail = f"（{first.detail}）" if first is not None else ""
    if group.is_template:
        return (
            f"模板问题：{title}{detail}。使用同一模板的 {len(group.template_pages)} 个已检查页面在相同位置都有，"
            "改模板一处即可。"
        )
    where = "页面公共部分（页头/导航/页脚）：" if group.owner else ""
    return f"{where}{title}{detail}，共 {len(group.nodes)} 处。"
