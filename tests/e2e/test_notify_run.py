"""A real run sends its summary to a local SMTP server and a local robot; a dead endpoint never fails the run."""

from __future__ import annotations

from govcrawl.store import Store
from tests.notifyhelpers import free_port, robot, smtp_server
from tests.sites import crawl, serve, static_handler

PAGES = {
    "/": (200, '<html lang="zh-CN"><head><title>首页</title></head><body><a href="/a.html">通知</a></body></html>'),
    "/a.html": (200, '<html lang="zh-CN"><head><title>通知</title></head><body><a href="/x.pdf">附件</a></body></html>'),
}


def notes(tmp_path, findings) -> list[str]:
    """What the run logged about its notifications (sent after the reports, kept in the run's stats)."""
    with Store(tmp_path / "data" / "t.sqlite", create=False) as store:
        return store.get_run(findings["run"]["id"]).stats["notifications"]


def test_run_notifies_by_email_and_robot(tmp_path):
    with serve(static_handler(PAGES)) as base, smtp_server() as (port, inbox), robot() as (hook, received):
        notify = {
            "report_url": "https://intranet.example/govcrawl/{folder}/report.html",
            "email": {"host": "127.0.0.1", "port": port, "tls": "none", "sender": "govcrawl@xq.example",
                      "recipients": {"*": ["office@xq.example"]}},
            "webhooks": [{"kind": "wecom", "url": hook + "/cgi-bin/webhook/send?key=K"}],
        }
        findings, _ = crawl(base, tmp_path, notify=notify)
    assert notes(tmp_path, findings) == ["邮件已发送：office@xq.example",
                                                         f"wecom 机器人已发送：{hook}/cgi-bin/webhook/send"]
    [(to, mail)] = inbox
    assert "办公室：新发现" in mail.get_content() and "https://intranet.example/govcrawl/out/report.html" in mail.get_content()
    assert "办公室：新发现" in received[0][1]["markdown"]["content"]
    assert "检查不完整" not in mail["Subject"] + mail.get_content()  # the homepage was read


def test_a_night_with_the_homepage_down_says_so_first(tmp_path):
    # The start page answers 404: the morning message must not read as "nothing new, all fine".
    with (serve(static_handler({"/a.html": PAGES["/a.html"]})) as base, smtp_server() as (port, inbox),
          robot() as (hook, received)):
        notify = {"email": {"host": "127.0.0.1", "port": port, "tls": "none", "sender": "govcrawl@xq.example",
                            "recipients": {"*": ["office@xq.example"]}},
                  "webhooks": [{"kind": "dingtalk", "url": hook + "/robot/send?access_token=T"}]}
        crawl(base, tmp_path, notify=notify)
    [(to, mail)] = inbox
    assert mail["Subject"].endswith("：检查不完整")
    body = mail.get_content()
    assert f"检查不完整：起始页无法读取：{base}/（HTTP 404）" in body
    assert body.index("检查不完整") < body.index("报告：")
    assert f"**检查不完整**：起始页无法读取：{base}/（HTTP 404）" in received[0][1]["markdown"]["text"]


def test_dead_endpoints_do_not_fail_the_run(tmp_path):
    with serve(static_handler(PAGES)) as base:
        notify = {"email": {"host": "127.0.0.1", "port": free_port(), "tls": "none", "sender": "g@x", "timeout": 3,
                            "recipients": {"*": ["office@xq.example"]}},
                  "webhooks": [{"kind": "dingtalk", "url": f"http://127.0.0.1:{free_port()}/robot/send", "timeout": 3}]}
        findings, _ = crawl(base, tmp_path, notify=notify)  # asserts exit status 0
    logged = notes(tmp_path, findings)
    assert logged[0].startswith("邮件发送失败") and "发送失败" in logged[1]
    assert (tmp_path / "out" / "report.html").exists()
