"""The wording rule book: the shipped file's content, its validation, merging and the one-pass automaton."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date

import pytest

from checks.wording_rules import ORDER_RULE, SCHEMA, load_book, parse_book, rule_label, shipped_text
from govcrawl.config import ConfigError, parse_config, yaml_load

SITE = {"name": "测试区人民政府", "start_urls": ["https://www.example.gov.cn/"], "owner": "政府办"}


def test_shipped_book_is_valid_dated_and_cited():
    book = parse_book(shipped_text(), "checks/data/wording.yaml")
    assert book.schema_ == SCHEMA and book.version and isinstance(book.updated, date)
    assert {"历史", "档案", "往期", "回顾"} <= set(book.archive_columns)
    kinds = Counter(r.kind for r in book.rules)
    assert kinds["typo"] >= 20 and kinds["outdated"] >= 15
    for rule in book.rules:
        assert rule.source.strip(), rule.id
        assert rule.id.split(":", 1)[0] in ("typo", "outdated", "body"), rule.id
        if rule.kind == "typo":
            # typos are wrong whenever written, and never the right word
            assert rule.valid_from is None and rule.right and rule.right not in rule.wrong, rule.id
        else:
            assert rule.valid_from is not None and rule.note, rule.id
        if rule.id.startswith("outdated:"):
            assert rule.only_when and rule.not_when, rule.id  # current vs retrospective use
    bodies = {r.id: r for r in book.rules if r.id.startswith("body:")}
    assert bodies["body:国家工商行政管理总局"].valid_from == date(2018, 4, 10)
    assert bodies["body:国土资源部"].right == "自然资源部"
    assert bodies["body:国家卫生和计划生育委员会"].valid_from == date(2018, 3, 27)
    assert bodies["body:中国银行保险监督管理委员会"].valid_from == date(2023, 5, 18)
    assert all("机构改革方案" in r.source for r in bodies.values())


def test_no_right_form_is_flagged_while_it_is_right():
    """A rule's right form passes the book clean — unless it is itself superseded later (十二五 is
    the right form for a 2012 page and the wrong one for a 2023 page: a later rule)."""
    book = load_book()
    for rule in book.rules:
        if not rule.right:
            continue
        scan = book.scan(rule.right)
        for index, spans in scan.wrong.items():
            other = book.rules[index]
            for start, stop, _ in spans:
                if any(s <= start and stop <= e for s, e in scan.excepts.get(index, [])):
                    continue
                assert other.valid_from is not None and rule.valid_from is not None, (rule.id, other.id)
                assert other.valid_from > rule.valid_from, (rule.id, other.id)


def test_one_pass_finds_every_key_by_role():
    settings = {"wording": {"allow": ["做好布署工作"], "leaders": [{"name": "张三", "title": "区长"}]}}
    book = load_book(settings)
    scan = book.scan("区长张三要求做好布署工作，教育部暑期，中国银保监会和银保监会。")
    forms = sorted(form for spans in scan.wrong.values() for _, _, form in spans)
    assert forms == ["中国银保监会", "布署", "部暑", "银保监会", "银保监会"]  # nested keys all reported
    assert scan.names == [(2, 4, "张三")] and scan.titles == [(0, 2, "区长")]
    assert scan.allows == [(6, 12)]
    typo = next(i for i, r in enumerate(book.rules) if r.id == "typo:部暑")
    assert scan.excepts[typo] == [(15, 18)]  # 部暑期 contains the wrong form: a correct word


def test_book_is_built_once_per_content():
    settings = {"wording": {"allow": ["typo:布署"]}}
    first = load_book(settings, "x")
    assert load_book(copy.deepcopy(settings), "x") is first
    assert load_book({"wording": {"allow": ["typo:按装"]}}, "x") is not first
    assert "typo:布署" not in first.by_id and "typo:布署" in first.allow_ids


def test_site_rules_override_and_extend():
    settings = {"wording": {"rules": [
        {"id": "typo:布署", "kind": "typo", "wrong": ["布署"], "right": "部署", "source": "本站", "severity": "minor"},
        {"id": "flagged:甲乙", "kind": "flagged", "wrong": "甲乙", "source": "本站"},
    ]}}
    book = load_book(settings)
    assert book.by_id["typo:布署"].severity == "minor" and book.by_id["typo:布署"].origin == "站点配置"
    assert book.by_id["flagged:甲乙"].wrong == ("甲乙",)
    assert book.by_id["typo:按装"].origin.startswith("规则库")
    assert len(book.rules) == len(load_book().rules) + 1


def test_right_form_containing_the_wrong_one_is_not_flagged():
    rule = {"id": "outdated:卫健委", "kind": "outdated", "wrong": ["卫健委"], "right": "区卫健委", "source": "测"}
    book = load_book({"wording": {"rules": [rule]}})
    assert "区卫健委" in book.by_id["outdated:卫健委"].not_within


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valid_from": "2023-13-01"}, r"sites\.demo\.wording\.rules\[0\]\.valid_from: "),
        ({"kind": "spelling"}, r"sites\.demo\.wording\.rules\[0\]\.kind: "),
        ({"id": "布署"}, r"sites\.demo\.wording\.rules\[0\]\.id: must look like"),
        ({"source": ""}, r"sites\.demo\.wording\.rules\[0\]\.source: "),
        ({"wrong": []}, r"sites\.demo\.wording\.rules\[0\]\.wrong: "),
        ({"right": "布署"}, r"sites\.demo\.wording\.rules\[0\]\.right: '布署' is also listed as a wrong form"),
        ({"valid_from": "2023-01-01", "valid_until": "2022-01-01"},
         r"sites\.demo\.wording\.rules\[0\]\.valid_until: 2022-01-01 is not after valid_from"),
        ({"not_within": ["部署"]}, r"sites\.demo\.wording\.rules\[0\]\.not_within: '部署' contains none"),
        ({"not_when": ["(("]}, r"sites\.demo\.wording\.rules\[0\]\.not_when: not a regular expression"),
        ({"severity": "fatal"}, r"sites\.demo\.wording\.rules\[0\]\.severity: "),
        ({"colour": "red"}, r"sites\.demo\.wording\.rules\[0\]\.colour: unknown key"),
    ],
)
def test_site_rule_errors_name_the_key_path(change, message):
    rule = {"id": "typo:布署", "kind": "typo", "wrong": ["布署"], "right": "部署", "source": "本站", **change}
    data = {"sites": {"demo": {**SITE, "wording": {"rules": [rule]}}}}
    with pytest.raises(ConfigError, match=f"^{message}"):
        parse_config(data)


def test_leader_and_wording_key_errors():
    def config(wording):
        return {"sites": {"demo": {**SITE, "wording": wording}}}

    with pytest.raises(ConfigError, match=r"^sites\.demo\.wording\.leaders\[0\]\.until: 2020-01-01 is not after"):
        parse_config(config({"leaders": [{"name": "张三", "title": "区长", "from": "2021-06-01",
                                          "until": "2020-01-01"}]}))
    with pytest.raises(ConfigError, match=r"^sites\.demo\.wording\.leaders\[0\]\.order: "):
        parse_config(config({"leaders": [{"name": "张三", "title": "区长", "order": 0}]}))
    with pytest.raises(ConfigError, match=r"^sites\.demo\.wording\.leaders\[0\]\.name: "):
        parse_config(config({"leaders": [{"name": "张", "title": "区长"}]}))
    with pytest.raises(ConfigError, match=r"^sites\.demo\.wording\.rules: duplicate rule id 'typo:x'"):
        rule = {"id": "typo:x", "kind": "typo", "wrong": ["x"], "source": "s"}
        parse_config(config({"rules": [rule, rule]}))
    with pytest.raises(ConfigError, match=r"^sites\.demo\.wording\.rulez: unknown key"):
        parse_config(config({"rulez": []}))
    site = parse_config(config({"leaders": [{"name": "张三", "title": "区长", "from": "2021-06-01", "order": 2}],
                                "allow": ["国土资源部令"], "rules_file": "wording-extra.yaml"})).sites["demo"]
    dumped = site.model_dump(mode="json")["wording"]
    # the check reads the dumped config: the leader's start date keeps its YAML name
    assert dumped["leaders"] == [{"name": "张三", "title": "区长", "from": "2021-06-01", "until": None, "order": 2}]
    assert parse_config({"sites": {"demo": SITE}}).sites["demo"].wording.rules == []


def test_book_file_errors_name_file_and_key():
    good = yaml_load(shipped_text())
    broken = copy.deepcopy(good)
    broken["rules"][3]["valid_from"] = "2023-02-30"
    import yaml

    with pytest.raises(ConfigError, match=r"^book\.yaml: rules\[3\]\.valid_from: "):
        parse_book(yaml.safe_dump(broken, allow_unicode=True), "book.yaml")
    with pytest.raises(ConfigError, match=r"^book\.yaml: schema: "):
        parse_book("schema: other/1\nrules: []\n", "book.yaml")
    with pytest.raises(ConfigError, match=r"^book\.yaml: rules: duplicate rule id"):
        parse_book("- {id: 'typo:x', kind: typo, wrong: [x], source: s}\n" * 2, "book.yaml")
    with pytest.raises(ConfigError, match=r"^book\.yaml: not valid YAML line \d+: "):
        parse_book("rules:\n  - [", "book.yaml")
    with pytest.raises(ConfigError, match=r"^book\.yaml: not valid YAML line 2: duplicate key 'right'"):
        parse_book("- {id: 'typo:x', kind: typo, wrong: [x], source: s, right: y,\n   right: z}\n", "book.yaml")
    assert parse_book("", "empty.yaml").rules == []


def test_labels_and_order_rule_id():
    assert rule_label("typo:布署", "typo") == "错别字"
    assert rule_label("body:国土资源部", "outdated") == "已撤并机构名称"
    assert rule_label("outdated:十三五", "outdated") == "过时表述"
    assert rule_label("name-title:张三", "name-title") == "领导姓名职务"
    assert ORDER_RULE.startswith("name-title:")
