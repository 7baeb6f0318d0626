"""Findings of one check that say the same thing share one message and one evidence object.

A template-wide problem is one finding per page (a meta tag copied from another site's template:
100,000 findings on a 100,000-page portal); holding one copy of what repeats keeps the check phase's
memory down. Sharing must never mix up findings that differ.
"""

from datetime import date

from checks.missing_metadata import CHECK
from checks.registry import CheckContext
from govcrawl.model import ValuePool
from tests.checks.conftest import RULES, H


def _ctx() -> CheckContext:
    return CheckContext("t", CHECK, date(2023, 11, 1), RULES)


def test_equal_messages_and_evidence_are_one_object():
    ctx = _ctx()
    first = ctx.finding(url=H + "/a.html", message="SiteDomain“www.x.gov.cn”不是本站域名" + "。",
                        evidence={"site_domain": "www.x.gov.cn", "site_hosts": ["www.xq.gov.cn"]})
    second = ctx.finding(url=H + "/b.html", message="SiteDomain“www.x.gov.cn”不是本站域名。",
                         evidence={"site_hosts": ["www.xq.gov.cn"], "site_domain": "www.x.gov.cn"})
    assert first.message is second.message and first.evidence is second.evidence
    assert first.url != second.url and first.id != second.id


def test_different_evidence_stays_apart():
    ctx = _ctx()
    one = ctx.finding(url=H + "/a.html", message="缺少", evidence={"missing": ["SiteName"]})
    two = ctx.finding(url=H + "/b.html", message="缺少", evidence={"missing": ["SiteName", "SiteDomain"]})
    three = ctx.finding(url=H + "/c.html", message="缺少", evidence={"missing": ["SiteName"], "n": 1})
    assert one.evidence == {"missing": ["SiteName"]}
    assert two.evidence == {"missing": ["SiteName", "SiteDomain"]}
    assert three.evidence == {"missing": ["SiteName"], "n": 1}
    assert one.message is two.message is three.message


def test_the_memo_is_bounded():
    ctx = _ctx()
    ctx._seen = ValuePool(limit=10)
    made = [ctx.finding(url=f"{H}/{n}.html", message=f"第{n}条", evidence={"n": n}) for n in range(100)]
    assert len(ctx._seen) == 10
    assert [f.message for f in made] == [f"第{n}条" for n in range(100)]
    assert [f.evidence for f in made] == [{"n": n} for n in range(100)]
