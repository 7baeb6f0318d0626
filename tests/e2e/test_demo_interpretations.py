"""Policy interpretations on the demo crawl: every pairing route, the working-day gaps, the metrics."""

from __future__ import annotations

import yaml

from crawler.demo.files import expected_data


def _rows(demo_run) -> list[dict]:
    return demo_run.findings["run"]["stats"]["interpretations"]


def test_metrics_are_the_planted_ones(demo_run):
    server = demo_run.server
    expected = expected_data(server.main, server.ext, server.refused)["metrics"]
    metrics = demo_run.findings["summary"]["metrics"]
    for key in ("interpretation_coverage", "interpretation_video_share"):
        assert round(metrics[key], 4) == expected[key]["value"], key
    rows = [r for r in _rows(demo_run) if r["status"] not in ("pending", "undated")]
    cov = expected["interpretation_coverage"]
    assert (sum(1 for r in rows if r["interpretations"]), len(rows)) == (cov["numerator"], cov["denominator"])
    by_dept = demo_run.findings["summary"]["metrics_by_department"]
    assert by_dept["司法局"]["interpretation_coverage"] == 1.0 and by_dept["教育局"]["interpretation_coverage"] < 1
    assert demo_run.findings["summary"]["metric_targets"] == {
        "interpretation_coverage": 1.0, "interpretation_video_share": 0.2,
    }


def test_every_pairing_route_and_gap_is_exercised(demo_run):
    rows = _rows(demo_run)
    vias = {i["via"] for r in rows for i in r["interpretations"]}
    assert vias == {"document-links", "interpretation-links", "title", "doc-number"}
    kinds = {i["kind"] for r in rows for i in r["interpretations"]}
    assert {"text", "graphic", "video"} <= kinds
    gaps = {(r["status"], r["working_days"]) for r in rows}
    for gap in (("on-time", 0), ("on-time", 1), ("on-time", 3), ("late", 4), ("late", 7), ("pending", 3)):
        assert gap in gaps, gap
    statuses = {r["url"].split("/")[-1]: r["status"] for r in rows}
    assert statuses["t20231027_1205.html"] == "pending"
    assert statuses["t20230906_1212.html"] == "missing"


def test_similar_title_interpretation_pairs_with_nothing(demo_run):
    paired = {i["url"].split("/")[-1] for r in _rows(demo_run) for i in r["interpretations"]}
    assert "t20230907_1311.html" not in paired  # 《…管理办法实施细则》 is not 《…管理办法》
    assert "t20230823_1310.html" in paired  # paired by its 原文链接 alone


def test_report_lists_documents_needing_interpretation(demo_run):
    page = (demo_run.out / "report.html").read_text(encoding="utf-8")
    assert "政策解读情况" in page
    assert "银兴政发〔2023〕34号" in page.split("政策解读情况")[1]
    assert "未解读" in page and "超期" in page and "待发布" in page


DOC_2031 = """<html lang="zh-CN"><head><meta charset="utf-8"><title>兴庆区农村供水管理办法</title></head>
<body><div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 行政规范性文件</div>
<table class="xxgk"><tr><td>索引号：</td><td>11640104/2031-00001</td><td>发文机关：</td><td>兴庆区人民政府</td></tr>
<tr><td>文号：</td><td>银兴政规发〔2031〕1号</td><td>有效性：</td><td>有效</td></tr>
<tr><td>成文日期：</td><td>2031-02-25</td><td>发布日期：</td><td>2031-02-27</td></tr></table>
<h1>兴庆区农村供水管理办法</h1><p>第一条 为加强农村供水管理，制定本办法。</p></body></html>"""


def test_unknown_calendar_year_stops_with_the_key(tmp_path):
    """A document in a year chinese-calendar does not know: exit 2 naming the year and the key,
    the crawl kept; with the year configured, the stored run is checked without crawling again."""
    import json
    import subprocess

    from tests.sites import GOVCRAWL, serve, static_handler

    pages = {"/": (200, '<html><body><a href="/gfxwj/t1.html">兴庆区农村供水管理办法</a></body></html>'),
             "/gfxwj/t1.html": (200, DOC_2031)}
    with serve(static_handler(pages)) as base:
        site = {"name": "测试站", "start_urls": [base + "/"], "owner": "办公室", "external_links": {"check": False},
                "crawl": {"concurrency": 2, "delay": 0, "autothrottle": False}}
        config = {"data_dir": str(tmp_path / "data"), "sites": {"t": site}}
        path = tmp_path / "sites.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        result = subprocess.run(
            [str(GOVCRAWL), "run", "t", "-c", str(path), "--today", "2031-03-05", "--out", str(tmp_path / "a"),
             "--progress", "off"],
            capture_output=True, text=True, timeout=300,
        )
    assert result.returncode == 2, result.stderr[-2000:]
    message = result.stderr.strip().splitlines()[-1]
    assert "2031" in message and 'sites.t.calendar."2031"' in message and "govcrawl check t." in message
    run_id = message.split("govcrawl check ")[1].split()[0].rstrip("）")
    site["calendar"] = {2031: {"holidays": ["2031-01-01"], "workdays": []}}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = subprocess.run(
        [str(GOVCRAWL), "check", run_id, "-c", str(path), "--out", str(tmp_path / "b")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    findings = json.loads((tmp_path / "b" / "findings.json").read_text(encoding="utf-8"))
    assert findings["run"]["status"] == "completed"
    # 2031-02-27 (Thu) to 03-05 (Wed): 2/28, 3/3, 3/4, 3/5 = 4 working days > 3, no interpretation.
    assert [f["check"] for f in findings["findings"] if "interpretation" in f["check"]] == ["missing-interpretation"]


def test_due_soon_opens_the_department_sections(demo_run):
    due = {(i["kind"], i["url"].split("/")[-1]): i for i in demo_run.findings["run"]["stats"]["due_soon"]}
    # 银兴政发〔2023〕41号 (2023-10-27) must have its interpretation by 11-01, today.
    assert due["interpretation", "t20231027_1205.html"]["due"] == "2023-11-01"
    # 有效期至2023年11月1日: still in force today, due today.
    assert due["validity", "t20211101_1110.html"]["department"] == "政府办"
    page = (demo_run.out / "report.html").read_text(encoding="utf-8")
    assert "即将到期" in page
