"""expected.yaml and config.yaml agree with the portal, the contract and each other."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urljoin

import chinese_calendar
import pytest

from crawler.demo import files
from crawler.demo.portal import build_site, is_normative, lookup, needs_interpretation
from crawler.urls import normalise
from govcrawl.config import parse_config
from tests.demo.helpers import EXT, MAIN, REFUSED, all_links, anchors_of, crawl, html_pages

# Contract §4, in catalogue order.
CHECK_IDS = (
    "broken-link",
    "broken-anchor",
    "link-unverified",
    "missing-validity",
    "expired-document",
    "stale-column",
    "empty-column",
    "missing-interpretation",
    "late-interpretation",
    "a11y",
    "elder-friendly",
    "missing-metadata",
    "privacy-leak",
    "intranet-link",
    "short-consultation",
    "unsafe-link",
    "hidden-link",
    "wording",
    "backdated-post",
    "unanswered-message",
    "late-reply",
    "site-unavailable",
)
TODAY = date(2023, 11, 1)


@pytest.fixture(scope="module")
def site():
    return build_site(MAIN, EXT, REFUSED)


@pytest.fixture(scope="module")
def expected():
    return files.expected_data(MAIN, EXT, REFUSED)


@pytest.fixture(scope="module")
def config():
    return parse_config(files.config_data(MAIN, EXT, REFUSED))


def _urls(entry: dict) -> list[str]:
    out = [entry.get("url"), entry.get("target"), *(entry.get("url_aliases") or [])]
    alt = entry.get("alternative") or {}
    out += [alt.get("url"), alt.get("target")]
    return [u for u in out if isinstance(u, str) and u.startswith("http")]


def test_check_ids_are_the_contracts(expected):
    used = {e["check"] for e in expected["expected"] + expected["not_expected"] + expected["not_plantable"]}
    assert used <= set(CHECK_IDS)
    # every check is planted, except the one that needs days of probes
    assert {e["check"] for e in expected["expected"]} == set(CHECK_IDS) - {"site-unavailable"}
    assert [e["check"] for e in expected["not_plantable"]] == ["site-unavailable"]


def test_every_entry_is_explained(expected):
    for entry in expected["expected"] + expected["not_expected"]:
        assert entry.get("note"), entry
        assert "url" in entry and "target" in entry, entry
    for entry in expected["expected"]:
        assert entry.get("department"), entry
        assert set(entry.get("match") or ["check", "department", "url", "target"]) <= {
            "check",
            "department",
            "url",
            "target",
        }


def test_config_is_valid_and_departments_known(config, expected):
    site_config = config.sites["demo"]
    assert site_config.start_urls == [MAIN + "/"]
    assert site_config.crawl.obey_robots and site_config.external_links.allow_private
    known = {site_config.owner} | {d.name for d in site_config.departments}
    assert expected["owner"] == site_config.owner
    for entry in expected["expected"]:
        assert entry["department"] in known, entry
    # every department of the config has at least one planted finding
    assert {e["department"] for e in expected["expected"]} == known


def test_urls_are_normalised(expected):
    for entry in expected["expected"] + expected["not_expected"]:
        for url in _urls(entry):
            base, fragment = normalise(url)
            assert (base + (f"#{fragment}" if fragment else "")) == url, url


def test_main_and_ext_urls_exist_or_are_deliberately_broken(site, expected):
    broken = {e["target"] for e in expected["expected"] if e["check"] in ("broken-link", "link-unverified")}
    for entry in expected["expected"] + expected["not_expected"]:
        for url in _urls(entry):
            url = url.split("#", 1)[0]
            if not url.startswith((MAIN, EXT)):
                continue
            resource = site.resources.get(url)
            if url in broken:
                ok = resource is None or resource.status >= 400 or resource.redirect
                assert ok, f"{url} is expected broken but serves {resource.status}"
            else:
                assert resource is not None and resource.status < 400, url


def test_expected_pages_are_reachable_by_a_robots_obeying_crawl(site, expected):
    reached = crawl(site.resources)
    for entry in expected["expected"]:
        url = entry["url"]
        if url.startswith(MAIN) and entry["check"] != "backdated-post":
            assert url in reached, f"{entry['check']}: {url} not reachable"
    assert not any("/admin/" in u for u in reached)


def test_script_only_list_pages(site):
    """tzgg/index_1.html … exist only in the createPageHTML() script; one planted article is behind them."""
    with_scripts = crawl(site.resources)
    without_scripts = crawl(site.resources, scripts=False)
    planted = MAIN + "/zwgk/tzgg/202303/t20230310_1006.html"
    assert planted in with_scripts and planted not in without_scripts
    assert MAIN + "/zwgk/tzgg/index_2.html" not in without_scripts
    assert MAIN + "/zwgk/zcjd/index_1.html" in without_scripts  # this column also renders <a> pagers


def test_footer_occurrences_bound(site, expected):
    entry = next(e for e in expected["expected"] if e["target"] == MAIN + "/wzdt/index.html")
    reached = crawl(site.resources)
    pages = html_pages(site.resources)
    with_footer = {u for u, text in pages.items() if u in reached and 'href="/wzdt/index.html"' in text}
    distinct = {u.removesuffix("index.html") for u in with_footer}
    assert len(distinct) > entry["occurrences_at_least"]


# --- the date rules, recomputed from the model with chinese-calendar ---------------------------


def _working_days(after: date, until: date) -> int:
    days, day = 0, after + timedelta(days=1)
    while day <= until:
        days += chinese_calendar.is_workday(day)
        day += timedelta(days=1)
    return days


def _pairs(site):
    by_doc: dict[str, list] = {}
    for interp in site.interpretations():
        if interp.interp_of is not None:
            by_doc.setdefault(interp.interp_of.path, []).append(interp)
    return by_doc


def test_interpretation_timing_matches_expected(site, expected):
    pairs = _pairs(site)
    late, missing, need, covered, video, paired = set(), set(), 0, 0, 0, 0
    for doc in site.documents():
        interps = pairs.get(doc.path, [])
        for interp in interps:
            if _working_days(doc.day, interp.day) > 3:
                late.add((MAIN + doc.path, MAIN + interp.path))
        if not needs_interpretation(doc):
            continue
        pending = not interps and _working_days(doc.day, TODAY) <= 3
        if not interps and not pending:
            missing.add(MAIN + doc.path)
        if not pending:
            need += 1
            covered += bool(interps)
        paired += len(interps)
        video += sum(i.interp_kind == "video" for i in interps)
    exp = expected["expected"]
    assert late == {(e["url"], e["target"]) for e in exp if e["check"] == "late-interpretation"}
    assert missing == {e["url"] for e in exp if e["check"] == "missing-interpretation"}
    metrics = expected["metrics"]
    assert (covered, need) == (
        metrics["interpretation_coverage"]["numerator"],
        metrics["interpretation_coverage"]["denominator"],
    )
    assert (video, paired) == (
        metrics["interpretation_video_share"]["numerator"],
        metrics["interpretation_video_share"]["denominator"],
    )
    assert round(covered / need, 4) == metrics["interpretation_coverage"]["value"]
    assert round(video / paired, 4) == metrics["interpretation_video_share"]["value"]


def test_the_2023_holiday_plants():
    """The two look-alikes around National Day 2023 really sit on both sides of the line."""
    assert _working_days(date(2023, 9, 27), date(2023, 10, 9)) == 4  # late
    assert _working_days(date(2023, 9, 27), date(2023, 10, 8)) == 3  # on time (调休 Sunday)
    assert _working_days(date(2023, 9, 22), date(2023, 10, 8)) > 3  # late only if counted from 成文日期
    assert _working_days(date(2023, 10, 26), TODAY) == 4 and _working_days(date(2023, 10, 27), TODAY) == 3
    assert _working_days(date(2023, 9, 27), date(2023, 10, 9)) <= 5  # the on-time letter 1704
    assert _working_days(date(2023, 8, 1), date(2023, 9, 20)) > 5  # the late letter 1703


_END = re.compile(r"有效期至(\d{4})年(\d{1,2})月(\d{1,2})日")
_SINCE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起(?:施行|试行)，(?:有效期|试行期)(\d+)年")


def _validity_end(text: str) -> date | None:
    if m := _END.search(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _SINCE.search(text):
        start = date(int(m[1]), int(m[2]), int(m[3]))
        return start.replace(year=start.year + int(m[4])) - timedelta(days=1)
    return None


def test_validity_plants_match_expected(site, expected):
    missing, expired = set(), set()
    for doc in site.documents():
        fields = doc.doc
        if not is_normative(doc):
            continue
        end = _validity_end(doc.body)
        marked = fields.validity or fields.status_label or end is not None
        if not marked:
            missing.add(MAIN + doc.path)
        withdrawn = (fields.validity in ("失效", "废止")) or (fields.status_label or "").endswith("废止")
        if end is not None and end < TODAY and not withdrawn:
            expired.add(MAIN + doc.path)
    exp = expected["expected"]
    assert missing == {e["url"] for e in exp if e["check"] == "missing-validity"}
    assert expired == {e["url"] for e in exp if e["check"] == "expired-document"}


# --- text plants: only where they were planted ----------------------------------------------------

_ID = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3})([\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<![\d*])1[3-9]\d{9}(?![\d*])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _valid_id(match: re.Match) -> bool:
    digits = "".join(match.groups()[:3])
    check = "10X98765432"[sum(int(c) * w for c, w in zip(digits, _WEIGHTS, strict=True)) % 11]
    try:
        date(int(match[2][:4]), int(match[2][4:6]), int(match[2][6:]))
    except ValueError:
        return False
    return check == match[4].upper()


def _visible(text: str) -> str:
    import lxml.html

    doc = lxml.html.fromstring(text)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(doc.itertext())


def test_privacy_plants_only_where_planted(site, expected):
    ids, mobiles, cards = set(), set(), set()
    for url, text in html_pages(site.resources).items():
        visible = _visible(text)
        if any(_valid_id(m) for m in _ID.finditer(visible)):
            ids.add(url)
        if _MOBILE.search(visible):
            mobiles.add(url)
        if re.search(r"银行卡号.{0,80}?\d{16,19}", visible, re.S):
            cards.add(url)
    for url, resource in site.resources.items():  # Word attachments: the text inside the zip
        if url.endswith(".docx"):
            import zipfile
            from io import BytesIO

            with zipfile.ZipFile(BytesIO(resource.body)) as docx:
                text = re.sub(r"<[^>]+>", " ", docx.read("word/document.xml").decode("utf-8"))
            if any(_valid_id(m) for m in _ID.finditer(text)):
                ids.add(url)
    exp = {(e["url"], e["target"]) for e in expected["expected"] if e["check"] == "privacy-leak"}
    trap = MAIN + "/admin/login.html"  # behind robots.txt
    assert {(u, "id-card") for u in ids - {trap}} | {(u, "mobile") for u in mobiles} | {
        (u, "bank-card") for u in cards
    } == exp
    assert trap in ids


def test_wording_plants_only_where_planted(site, expected):
    found = set()
    for url, text in html_pages(site.resources).items():
        visible = _visible(text)
        if "按装" in visible or "布署" in visible:
            found.add(url)
        if "十三五" in visible and "2016—2020" not in visible:
            found.add(url)
        if "区长马建国" in visible and "2023-01-30" not in text and "2023年1月30日" not in text:
            found.add(url)  # name-title: the look-alike is the annual report of 2023-01-30, within his term
        if "兴庆新区" in visible and "《关于设立兴庆新区" not in visible:
            found.add(url)  # flagged: the look-alike names it only inside an old document's title
    assert found == {e["url"] for e in expected["expected"] if e["check"] == "wording"}


def test_hanweb_lists_have_no_static_links(site):
    import lxml.html

    page = site.resources[MAIN + "/wjj/col/col2102/"].body.decode("utf-8")
    doc = lxml.html.fromstring(page)
    items = [h for h in doc.xpath("//a/@href") if "/wjj/art/" in h]
    assert items == [] and "<datastore>" in page and "art_2102_10451.html" in page


def test_gbk_subsite_is_gbk(site):
    pages = [
        (u, r) for u, r in site.resources.items() if u.startswith(MAIN + "/jyj/") and u.endswith(".html")
    ]
    assert len(pages) > 20
    for _url, res in pages:
        res.body.decode("gbk")  # strict: raises on any non-GBK byte sequence
    declared = {u: (r.content_type, b"charset" in r.body.lower()) for u, r in pages}
    assert declared[MAIN + "/jyj/zcwj/202309/t20230905_3003.html"] == ("text/html", True)
    assert declared[MAIN + "/jyj/tzgg/202310/t20231011_3005.html"] == ("text/html", False)


# --- link outcomes, recomputed from the resource map ------------------------------------------------

_INTRANET = ("http://10.", "http://192.168.", "http://oa/", "http://xxgk.xqgov.local/")


def _outcome(resources, url: str) -> str:
    """ok | broken | unverified | excluded, following redirects like a link checker (max 10)."""
    if url.startswith(_INTRANET):
        return "excluded"
    if url.startswith(REFUSED):
        return "broken"
    if url.startswith(MAIN + "/admin/"):
        return "excluded"  # robots.txt
    seen = [url]
    for _ in range(11):
        base = MAIN if url.startswith(MAIN) else EXT
        found = lookup(resources, base, url[len(base) :])
        if found is None:
            return "broken"
        res = found[1]
        if not res.redirect:
            if 200 <= res.status < 300:
                return "ok"
            if base == EXT and res.status in (401, 403, 429):
                return "unverified"
            return "broken"
        url = res.redirect
        if url in seen:
            return "broken"  # loop
        seen.append(url)
    return "broken"  # more than 10 redirects


def test_link_outcomes_match_expected(site, expected):
    reached = crawl(site.resources)
    pages = {u: t for u, t in html_pages(site.resources).items() if u in reached}
    broken, unverified, excluded, bad_anchors = set(), set(), set(), set()
    for page_url, text in pages.items():
        for target, fragment in all_links(page_url, text):
            state = _outcome(site.resources, target)
            {"broken": broken, "unverified": unverified, "excluded": excluded}.get(state, set()).add(target)
            if state == "ok" and fragment and fragment != "top" and target in pages:
                if fragment not in anchors_of(pages[target]):
                    bad_anchors.add((page_url, f"{target}#{fragment}"))
    exp = expected["expected"]
    assert broken == {e["target"] for e in exp if e["check"] == "broken-link"}
    assert unverified == {e["target"] for e in exp if e["check"] == "link-unverified"}
    assert excluded - {MAIN + "/admin/login.html"} == {
        e["target"] for e in exp if e["check"] == "intranet-link"
    }
    assert bad_anchors == {(e["url"], e["target"]) for e in exp if e["check"] == "broken-anchor"}


def _department_of(rules, page_url: str, text: str) -> str:
    import lxml.html

    from govcrawl.model import PageFacts

    doc = lxml.html.fromstring(text)
    meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
    return rules.for_page(page_url, PageFacts(url=page_url, status=200, meta=meta))


def test_link_finding_departments(site, expected, config):
    """The department written for each link finding follows contract §2 (template links -> owner)."""
    import lxml.html

    from govcrawl.departments import DepartmentRules

    site_config = config.sites["demo"]
    rules = DepartmentRules.from_config(site_config.owner, site_config.departments)
    reached = crawl(site.resources)
    found: dict[str, set[tuple[str, str]]] = {}
    for page_url, text in html_pages(site.resources).items():
        if page_url not in reached:
            continue
        body_dept = _department_of(rules, page_url, text)
        doc = lxml.html.fromstring(text)
        template = set()
        for region in doc.xpath(
            '//head | //div[@id="header"] | //div[@class="nav"] | //div[@class="footer"]'
        ):
            for raw in region.xpath(".//@href | .//@src"):
                normal = normalise(urljoin(page_url, raw.strip()))
                if normal is not None:
                    template.add(normal[0])
        for target, _fragment in all_links(page_url, text):
            state = _outcome(site.resources, target)
            check = {
                "broken": "broken-link",
                "unverified": "link-unverified",
                "excluded": "intranet-link",
            }.get(state)
            if check is None or target == MAIN + "/admin/login.html":
                continue
            dept = site_config.owner if target in template else body_dept
            found.setdefault(check, set()).add((dept, target))
    for check in ("broken-link", "link-unverified", "intranet-link"):
        want = {(e["department"], e["target"]) for e in expected["expected"] if e["check"] == check}
        assert found[check] == want, check
