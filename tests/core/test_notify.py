"""Notifications: real SMTP and a real webhook endpoint on loopback; failures reported, never raised."""

import base64
import hashlib
import hmac
import urllib.parse

from govcrawl.notify import DepartmentSummary, dingtalk_url, send_email, send_webhook
from tests.notifyhelpers import free_port, robot, smtp_server

ROWS = [DepartmentSummary("政府办", 2, 5, 1), DepartmentSummary("司法局", 0, 3, 2)]


def test_email_per_recipient_with_their_departments():
    with smtp_server() as (port, inbox):
        settings = {"host": "127.0.0.1", "port": port, "tls": "none", "sender": "govcrawl@xq.example",
                    "recipients": {"司法局": ["sfj@xq.example"], "*": ["office@xq.example"]}}
        results = send_email(settings, "兴庆区人民政府", "2023-11-01", ROWS, "https://intranet/r/report.html")
    assert results == ["邮件已发送：sfj@xq.example", "邮件已发送：office@xq.example"]
    mails = {tuple(to): msg for to, msg in inbox}
    sfj = mails["sfj@xq.example",].get_content()
    assert "司法局：新发现 0 条，未整改 3 条，已整改 2 条" in sfj and "政府办" not in sfj
    office = mails["office@xq.example",]
    assert "政府办：新发现 2 条" in office.get_content() and office["Subject"].endswith("有新问题")
    assert "https://intranet/r/report.html" in office.get_content()


def test_email_failure_is_a_status_line():
    settings = {"host": "127.0.0.1", "port": free_port(), "tls": "none", "sender": "g@x", "timeout": 3,
                "recipients": {"*": ["office@xq.example"]}}
    [result] = send_email(settings, "站", "2023-11-01", ROWS, "r")
    assert result.startswith("邮件发送失败：office@xq.example")


def test_wecom_and_signed_dingtalk(monkeypatch):
    monkeypatch.setenv("DING_SECRET", "SEC123")
    with robot() as (base, received):
        ok = send_webhook({"kind": "wecom", "url": base + "/cgi-bin/webhook/send?key=K"}, "站", "2023-11-01",
                          ROWS, "r")
        ding = send_webhook({"kind": "dingtalk", "url": base + "/robot/send?access_token=T",
                             "secret_env": "DING_SECRET", "departments": ["司法局"]}, "站", "2023-11-01", ROWS, "r")
    assert ok.startswith("wecom 机器人已发送") and "key=K" not in ok  # the key is never logged
    assert ding.startswith("dingtalk 机器人已发送")
    (wecom_path, wecom), (ding_path, ding_body) = received
    assert wecom["msgtype"] == "markdown" and "政府办：新发现 2 条" in wecom["markdown"]["content"]
    assert "政府办" not in ding_body["markdown"]["text"] and "司法局" in ding_body["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(ding_path).query)
    stamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(b"SEC123", f"{stamp}\nSEC123".encode(), hashlib.sha256).digest()).decode()
    assert sign == expected and query["access_token"] == ["T"]


def test_dingtalk_signature_is_deterministic_for_a_timestamp():
    url = dingtalk_url("https://oapi.example/robot/send?access_token=T", "s", now_ms=1700000000000)
    assert url.startswith("https://oapi.example/robot/send?access_token=T&timestamp=1700000000000&sign=")


def test_robot_rejection_and_unreachable_robot_are_status_lines():
    with robot({"errcode": 310000, "errmsg": "sign not match"}) as (base, _):
        rejected = send_webhook({"kind": "dingtalk", "url": base + "/robot/send"}, "站", "d", ROWS, "r")
    assert "拒绝" in rejected and "310000" in rejected
    down = send_webhook({"kind": "wecom", "url": f"http://127.0.0.1:{free_port()}/x", "timeout": 3}, "站", "d",
                        ROWS, "r")
    assert "发送失败" in down
