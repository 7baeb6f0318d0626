"""``wording``: each rule kind with cases it must flag and look-alikes it must not, and the demo's plants."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from checks.wording import CHECK, EVIDENCE_CHARS, context, in_old_title, sentence_window
from govcrawl.config import ConfigError
from govcrawl.model import DocInfo, ListItem, Severity
from tests.checks.conftest import H, page

NOW = date(2023, 10, 9)


def art(path: str, text: str, published_on: date | None = NOW, **kw):
    """An article page with its visible text and date."""
    return page(path, text=text, published_on=published_on, column=kw.pop("column", "工作动态"), **kw)


def flagged(run_check, pages, settings=None) -> dict[tuple[str, str], object]:
    return {(f.url.removeprefix(H), f.target): f for f in run_check(CHECK, pages, settings=settings)}


# ------------------------------------------------------------------------------------ typos


def test_typos_flagged_with_highlighted_context(run_check):
    pages = [
        art("/a.html", "10月27日，兴庆区召开冬季困难群众救助帮扶工作会议，对今冬明春救助工作进行布署。会议要求……"),
        art("/b.html", "教室内严禁私自按装电暖器等大功率电器，再次按装也不行。"),
        art("/c.html", "会议对下一步工作作出部暑。"),
        art("/d.html", "我们将一如继往地支持，再接再励。"),  # two rules on one page: two findings
    ]
    found = flagged(run_check, pages)
    assert set(found) == {("/a.html", "typo:布署"), ("/b.html", "typo:按装"), ("/c.html", "typo:部暑"),
                          ("/d.html", "typo:一如继往"), ("/d.html", "typo:再接再励")}
    a = found[("/a.html", "typo:布署")]
    assert a.check == "wording" and a.severity == Severity.MAJOR and a.department == "政府办"
    assert a.evidence["found"] == ["布署"] and a.evidence["right"] == "部署" and a.evidence["count"] == 1
    assert a.evidence["contexts"] == ["…救助帮扶工作会议，对今冬明春救助工作进行【布署】。会议要求……"]
    assert "《现代汉语词典》" in a.evidence["source"]
    assert "“布署”应为“部署”" in a.message
    # one finding per page and rule, however many occurrences
    b = found[("/b.html", "typo:按装")]
    assert b.evidence["count"] == 2 and len(b.evidence["contexts"]) == 2
    assert "judged_on" not in b.evidence  # a typo does not depend on the page's date


def test_typo_look_alikes(run_check):
    pages = [
        # the correct words, also right next to each other
        art("/a.html", "对岁末年初安全生产工作进行部署，餐饮场所要全部安装可燃气体报警装置。"),
        # correct longer words that contain a wrong form (not_within)
        art("/b.html", "请按装订线裁剪，按装修标准验收，按装机容量计算，教育部暑期工作会议召开，局部暑热。"),
        art("/c.html", "市委宣传部发布署名文章。"),
        # correct form beside the wrong one: only the wrong one is flagged (and counted)
        art("/d.html", "进行部署，不是布署。"),
        # an allowed phrase (site allow-list) and a page that is not a 2xx HTML page
        art("/e.html", "本文引用原件《关于做好布署工作的通知》。"),
        art("/f.html", "进行布署。", status=404),
    ]
    found = flagged(run_check, pages, settings={"wording": {"allow": ["做好布署工作"]}})
    assert set(found) == {("/d.html", "typo:布署")}
    assert found[("/d.html", "typo:布署")].evidence["count"] == 1


# ------------------------------------------------------------------------------------ plan periods


CURRENT_PLAN_USES = [
    "2023年是全面贯彻党的二十大精神的开局之年，也是实施“十三五”规划承上启下的关键一年。",
    "十三五期间要全面完成棚户区改造任务。",
    "“十三五”时期，我区将着力推进城乡融合发展。",
    "当前正处于“十三五”规划的攻坚阶段。",
    "到“十三五”末，全区森林覆盖率达到20%。",
    "各部门要认真落实“十三五”规划确定的目标任务。",
]
RETROSPECTIVE_PLAN_USES = [
    "回顾“十三五”时期（2016—2020年），我区政务公开标准化规范化水平稳步提升。",
    "十三五期间完成了棚户区改造1.2万户。",
    "“十三五”时期取得的成就令人鼓舞。",
    "2016—2020年即“十三五”期间，全区累计新增就业2万人。",
    "“十三五”规划实施以来，全区经济持续向好。",
    "“十三五”圆满收官、“十四五”开局起步，各项工作要再上新台阶。",
]


@pytest.mark.parametrize("text", CURRENT_PLAN_USES)
def test_plan_period_used_as_current_is_flagged(run_check, text):
    found = flagged(run_check, [art("/ghjh/a.html", text, published_on=date(2023, 3, 1), column="规划计划")])
    assert list(found) == [("/ghjh/a.html", "outdated:十三五")]
    finding = found[("/ghjh/a.html", "outdated:十三五")]
    assert finding.evidence["right"] == "十四五" and finding.evidence["valid_from"] == "2021-01-01"
    assert finding.evidence["judged_on"] == "2023-03-01" and finding.evidence["date_source"] == "页面发布日期"
    assert "【十三五】" in finding.evidence["contexts"][0]


@pytest.mark.parametrize("text", RETROSPECTIVE_PLAN_USES)
def test_plan_period_named_as_past_is_not_flagged(run_check, text):
    assert flagged(run_check, [art("/a.html", text, published_on=date(2023, 3, 1))]) == {}


def test_plan_period_look_alikes_by_date_title_and_column(run_check):
    current = "十三五期间要全面完成棚户区改造任务。"
    pages = [
        # written while 十三五 was the current period
        art("/a.html", current, published_on=date(2019, 5, 6)),
        # inside the title of an old document (no year after the change)
        art("/b.html", "按照《兴庆区“十三五”规划纲要》要求，认真做好今年的各项工作。"),
        # a page in a history/archive column
        art("/c.html", current, column="往期回顾"),
        art("/d.html", current, column="政务公开", breadcrumb=["首页", "历史文件", "2019年"]),
        # the document header's date decides over the page's own
        art("/e.html", current, published_on=None, doc=DocInfo(published_on=date(2020, 12, 30))),
    ]
    assert flagged(run_check, pages) == {}
    # a 《》 title that names a year after the change is a new document's title, and is judged
    titled = art("/f.html", "印发《2023年实施“十三五”规划重点任务分解方案》的通知要求，各部门要抓好落实。")
    assert set(flagged(run_check, [titled])) == {("/f.html", "outdated:十三五")}


def test_undated_pages_are_judged_as_current(run_check):
    home = page("/", text="当前正处于“十三五”规划的攻坚阶段。", list_items=[ListItem(H + "/a.html", "新闻")])
    found = flagged(run_check, [home])
    assert set(found) == {("/", "outdated:十三五")}
    assert found[("/", "outdated:十三五")].evidence["judged_on"] == "2023-11-01"
    assert "检查日期" in found[("/", "outdated:十三五")].evidence["date_source"]


# ------------------------------------------------------------------------------------ superseded bodies


def test_superseded_bodies_flagged_after_their_replacement(run_check):
    pages = [
        art("/a.html", "根据国家工商行政管理总局的统一部署，开展年报公示工作。", published_on=date(2019, 6, 3)),
        art("/b.html", "经国家食药监总局批准，该药品在全国上市。", published_on=date(2018, 5, 1)),
        art("/c.html", "由中国银保监会宁夏监管局指导开展。", published_on=date(2023, 6, 1)),
        art("/d.html", "农业部、国土资源部联合下发通知。", published_on=date(2019, 1, 2)),
    ]
    found = flagged(run_check, pages)
    assert set(found) == {
        ("/a.html", "body:国家工商行政管理总局"),
        ("/b.html", "body:国家食品药品监督管理总局"),
        ("/c.html", "body:中国银行保险监督管理委员会"),
        ("/d.html", "body:农业部"),
        ("/d.html", "body:国土资源部"),
    }
    a = found[("/a.html", "body:国家工商行政管理总局")]
    assert a.evidence["right"] == "国家市场监督管理总局" and a.evidence["valid_from"] == "2018-04-10"
    assert "国务院机构改革方案" in a.evidence["source"] and a.evidence["kind"] == "已撤并机构名称"
    assert found[("/c.html", "body:中国银行保险监督管理委员会")].evidence["found"] == ["中国银保监会"]


def test_superseded_body_look_alikes(run_check):
    pages = [
        # before the new body was unveiled (2018-04-10)
        art("/a.html", "根据国家工商行政管理总局的统一部署开展工作。", published_on=date(2018, 4, 9)),
        # 原…, the reform itself, the old body's decrees, an old document's title, a past year
        art("/b.html", "原国土资源部的职责已划入自然资源部。", published_on=date(2020, 1, 2)),
        art("/c.html", "依据《不动产登记暂行条例实施细则》（国土资源部令第63号）办理。", published_on=date(2020, 1, 2)),
        art("/d.html", "转发《国家工商行政管理总局关于做好个体工商户年报工作的通知》。", published_on=date(2020, 1, 2)),
        art("/e.html", "2017年，环境保护部印发了该项标准。", published_on=date(2020, 1, 2)),
        # generic words and other countries' ministries that contain the old names
        art("/f.html", "各级农业部门、文化部门、生态环境保护部门和环保部门要加强协作，企业文化部负责宣传。",
            published_on=date(2020, 1, 2)),
        art("/g.html", "美国农业部发布报告；泰国国家旅游局来访。", published_on=date(2020, 1, 2)),
        # 自然资源部分别于… contains 资源部 but not the rule's word; 国土资源部门 is generic
        art("/h.html", "农业农村部、文化和旅游部、自然资源部分别于2018年4月挂牌。国土资源部门要配合。",
            published_on=date(2020, 1, 2)),
        # an archive column keeps historical text as it was
        art("/i.html", "国家工商行政管理总局召开会议。", published_on=date(2020, 1, 2), column="档案资料"),
        # 银保监会 before the 2023 reform
        art("/j.html", "中国银保监会宁夏监管局开展检查。", published_on=date(2023, 5, 17)),
    ]
    assert flagged(run_check, pages) == {}


# ------------------------------------------------------------------------------------ flagged terms (site rules)

SITE_RULES = {
    "wording": {
        "rules": [
            {"id": "flagged:某某专用语", "kind": "flagged", "wrong": ["某某专用语"], "source": "测试依据（2023-01-01）",
             "severity": "critical", "columns": ["新闻"], "not_within": ["非某某专用语"]},
            {"id": "typo:布署", "kind": "typo", "wrong": ["布署"], "right": "部署", "source": "本站覆盖",
             "severity": "minor"},
        ],
    }
}


def test_flagged_terms_from_site_rules_with_scope(run_check):
    pages = [
        art("/a.html", "文中出现某某专用语。", column="新闻中心"),
        art("/b.html", "文中出现某某专用语。", column="通知公告"),  # outside the rule's columns
        art("/c.html", "文中出现非某某专用语。", column="新闻中心"),  # inside a correct longer word
        art("/d.html", "进行布署。"),
    ]
    found = flagged(run_check, pages, settings=SITE_RULES)
    assert set(found) == {("/a.html", "flagged:某某专用语"), ("/d.html", "typo:布署")}
    assert found[("/a.html", "flagged:某某专用语")].severity == Severity.CRITICAL
    assert found[("/a.html", "flagged:某某专用语")].evidence["origin"] == "站点配置"
    # a site rule with a shipped id replaces it (here: its severity)
    assert found[("/d.html", "typo:布署")].severity == Severity.MINOR


def test_allow_list_silences_rule_ids(run_check):
    pages = [art("/a.html", "进行布署。当前正处于“十三五”规划的攻坚阶段。")]
    found = flagged(run_check, pages, settings={"wording": {"allow": ["typo:布署"]}})
    assert set(found) == {("/a.html", "outdated:十三五")}
    with pytest.raises(ConfigError, match=r"^sites\.t\.wording\.allow\[1\]: no rule 'typo:部属' in the rule book"):
        run_check(CHECK, pages, settings={"wording": {"allow": ["国土资源部令", "typo:部属"]}})


def test_rules_file_relative_to_the_config_folder(run_check, tmp_path):
    (tmp_path / "extra.yaml").write_text(
        "- {id: 'flagged:测试用语', kind: flagged, wrong: [测试用语], right: 规范用语, source: 测试}\n",
        encoding="utf-8")
    settings = {"config_dir": str(tmp_path), "wording": {"rules_file": "extra.yaml"}}
    found = flagged(run_check, [art("/a.html", "一段测试用语。")], settings=settings)
    assert set(found) == {("/a.html", "flagged:测试用语")}
    assert found[("/a.html", "flagged:测试用语")].evidence["origin"] == "站点规则文件"

    (tmp_path / "bad.yaml").write_text("rules:\n  - {id: 'typo:甲乙', kind: typo, wrong: [甲乙], source: s,"
                                       " valid_from: 2023-02-30}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^sites\.t\.wording\.rules_file: .*bad\.yaml: rules\[0\]\.valid_from: "):
        run_check(CHECK, [art("/a.html", "x")], settings={"config_dir": str(tmp_path),
                                                           "wording": {"rules_file": "bad.yaml"}})
    with pytest.raises(ConfigError, match="file not found"):
        run_check(CHECK, [art("/a.html", "x")], settings={"config_dir": str(tmp_path),
                                                           "wording": {"rules_file": "missing.yaml"}})


# ------------------------------------------------------------------------------------ leaders (name-title)

LEADERS = {
    "wording": {
        "leaders": [
            {"name": "李四", "title": "区长", "from": "2016-01-05", "until": "2021-06-01"},
            {"name": "李四", "title": "区委书记", "from": "2021-06-01", "order": 1},
            {"name": "张三", "title": "区长", "from": "2021-06-01", "order": 2},
            {"name": "王五", "title": "副区长", "from": "2019-03-01", "order": 3},
        ]
    }
}


def test_leader_name_with_a_title_not_held_on_the_page_date(run_check):
    pages = [
        art("/a.html", "区长李四出席会议并讲话。"),
        art("/b.html", "李四区长强调，要抓好落实。"),
        art("/c.html", "会议由李四同志（区长）主持。"),
        art("/d.html", "副区长张三带队检查。"),  # 张三 is 区长, not 副区长
    ]
    found = flagged(run_check, pages, settings=LEADERS)
    assert set(found) == {("/a.html", "name-title:李四"), ("/b.html", "name-title:李四"),
                          ("/c.html", "name-title:李四"), ("/d.html", "name-title:张三")}
    a = found[("/a.html", "name-title:李四")]
    assert a.severity == Severity.CRITICAL and a.evidence["found"] == ["区长李四"]
    assert "区长（2016-01-05 至 2021-06-01）" in a.evidence["holds"] and "区委书记（2021-06-01 起）" in a.evidence["holds"]
    assert "当时职务：区委书记" in a.message
    assert found[("/c.html", "name-title:李四")].evidence["found"] == ["李四同志（区长）"]


def test_leader_look_alikes(run_check):
    pages = [
        art("/a.html", "区委书记李四，区长张三，副区长王五出席。"),  # all correct on the page's date
        art("/b.html", "区长李四出席会议。", published_on=date(2019, 5, 1)),  # correct in 2019
        art("/c.html", "原区长李四、时任区长李四同志。"),  # named as former holder
        art("/d.html", "区政府决定任命张三为区长，免去李四的区长职务。"),  # appointment news: not a pairing
        art("/e.html", "区长李四出席会议。", column="领导信息", breadcrumb=["首页", "往期回顾"]),  # archive
    ]
    assert flagged(run_check, pages, settings=LEADERS) == {}


def test_leader_lists_out_of_protocol_order(run_check):
    pages = [
        art("/a.html", "张三、李四、王五等区领导出席。"),
        art("/b.html", "区长张三，区委书记李四出席。"),
        art("/c.html", "李四（区委书记）、王五（副区长）、张三（区长）参加。"),
        # look-alikes: the configured order; a list the names do not form; an order before anyone had it
        art("/d.html", "李四、张三、王五出席会议。"),
        art("/e.html", "张三同志说，要向李四同志学习。"),
        art("/f.html", "张三、李四出席。", published_on=date(2020, 1, 2)),
    ]
    found = flagged(run_check, pages, settings=LEADERS)
    assert set(found) == {("/a.html", "name-title:排序"), ("/b.html", "name-title:排序"),
                          ("/c.html", "name-title:排序")}
    a = found[("/a.html", "name-title:排序")]
    assert a.evidence["found"] == ["张三、李四、王五"] and a.evidence["expected_order"] == ["李四、张三、王五"]
    assert a.severity == Severity.MAJOR
    # the order rule can be switched off per site
    off = {"wording": {**LEADERS["wording"], "allow": ["name-title:排序"]}}
    assert flagged(run_check, pages, settings=off) == {}


# ------------------------------------------------------------------------------------ helpers


def test_context_window_and_sentence_bounds():
    text = "一" * 30 + "布署" + "二" * 30
    assert context(text, 30, 32) == "…" + "一" * EVIDENCE_CHARS + "【布署】" + "二" * EVIDENCE_CHARS + "…"
    assert context("进行布署。", 2, 4) == "进行【布署】。"
    window, offset = sentence_window("上一句结束。回顾十三五时期。下一句", 8, 11, 20)
    assert window == "回顾十三五时期。" and window[offset:offset + 3] == "十三五"
    assert in_old_title("按照《十三五规划》要求", 3, 6, date(2021, 1, 1))
    assert not in_old_title("按照《2023年十三五规划》要求", 8, 11, date(2021, 1, 1))
    assert not in_old_title("《旧文件》之后的十三五要", 8, 11, date(2021, 1, 1))


# ------------------------------------------------------------------------------------ the demo portal


@cache
def _demo_pages():
    """Facts of every page of the demo portal's main host, extracted as the crawler does."""
    from crawler.demo.portal import build_portal
    from crawler.extract.page import extract_html
    from govcrawl.model import PageFacts
    from tests.demo.helpers import EXT, MAIN, REFUSED

    pages = []
    for url, resource in build_portal(MAIN, EXT, REFUSED).items():
        if not url.startswith(MAIN) or resource.status != 200:
            continue
        if not (resource.content_type or "").startswith("text/html"):
            continue
        facts = PageFacts(url=url, status=200, final_url=url, content_type="text/html")
        extract_html(facts, resource.body, resource.content_type)
        pages.append(facts)
    return MAIN, pages


def test_demo_portal_plants_and_look_alikes():
    """The five planted cases are found (one on a GBK page with no charset, a leader's lapsed title,
    a site rule's retired name) with expected.yaml's departments; the look-alikes and every other
    page of the portal are not."""
    from checks.registry import run_checks
    from crawler.demo.files import config_data, expected_data
    from govcrawl.config import parse_config
    from govcrawl.departments import DepartmentRules
    from govcrawl.facts import SiteFacts
    from tests.demo.helpers import EXT, REFUSED

    main, pages = _demo_pages()
    site = parse_config(config_data(main, EXT, REFUSED)).sites["demo"]
    settings = {**site.model_dump(mode="json"), "hosts": site.hosts()}  # as govcrawl.cli passes them
    facts = SiteFacts.build(pages, homepage=main + "/")
    findings = list(run_checks([CHECK], facts, site_id="demo", today=date(2023, 11, 1),
                               departments=DepartmentRules.from_config(site.owner, site.departments),
                               settings=settings))
    expected = expected_data(main, EXT, REFUSED)
    planted = {(e["url"], e["department"]) for e in expected["expected"] if e["check"] == "wording"}
    assert {(f.url, f.department) for f in findings} == planted
    assert {(f.url.removeprefix(main), f.target) for f in findings} == {
        ("/jyj/tzgg/202310/t20231011_3005.html", "typo:按装"),
        ("/xwzx/ywdt/202310/t20231027_2001.html", "typo:布署"),
        ("/zwgk/ghjh/202303/t20230301_1901.html", "outdated:十三五"),
        ("/xwzx/ywdt/202310/t20231016_2002.html", "name-title:马建国"),  # the demo config's leaders
        ("/zwgk/tzgg/202310/t20231023_1003.html", "flagged:兴庆新区"),  # the demo config's site rule
    }
    look_alikes = {e["url"] for e in expected["not_expected"] if e["check"] == "wording"}
    assert look_alikes == {main + "/xwzx/ywdt/202310/t20231031_2003.html",  # 部署 / 安装 written correctly
                           main + "/zwgk/xxgknb/202301/t20230130_1902.html"}  # 十三五 reviewed as the past,
    # 区长马建国 within his term, 兴庆新区 only inside an old document's title
    assert not look_alikes & {f.url for f in findings}


def test_every_evidence_key_has_a_chinese_label(run_check):
    """The reports show evidence by its labels (and the demo e2e test asserts it for every finding)."""
    pages = [
        art("/a.html", "进行布署。当前正处于“十三五”规划的攻坚阶段。区长李四出席。张三、李四出席。"),
        art("/b.html", "国家工商总局召开会议。", published_on=date(2019, 1, 2)),
    ]
    settings = {"wording": {**LEADERS["wording"], "rules": SITE_RULES["wording"]["rules"][:1]}}
    findings = run_check(CHECK, pages, settings=settings)
    assert {f.target for f in findings} >= {"typo:布署", "outdated:十三五", "name-title:李四", "name-title:排序",
                                           "body:国家工商行政管理总局"}
    for finding in findings:
        assert set(finding.evidence) <= set(CHECK.labels), set(finding.evidence) - set(CHECK.labels)
