"""After a run: a short summary per department by email and to office group robots.

Webmasters do not open a report to learn that nothing changed; they open it when
a message says "司法局：新发现 3 条". So after each run govcrawl can send, per
department, the new / open / fixed counts and the report's address:

* email over SMTP (``ssl`` on 465, ``starttls`` on 587, or ``none`` for a relay
  on the intranet); credentials come from environment variables named in the
  config, never from the file itself;
* group robots of the office chat tools: 企业微信 (WeCom) and 钉钉 (DingTalk)
  webhooks, both as markdown messages; DingTalk's "加签" option signs the URL
  with HMAC-SHA256 over ``timestamp + "\\n" + secret`` (DingTalk's documented
  scheme), the secret again from an environment variable.

A notification is a courtesy, the run is the record: every failure (server
down, wrong password, robot rejecting the message) is reported back as text for
the log and the run's statistics, never raised.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import smtplib
import ssl
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class DepartmentSummary:
    department: str
    new: int
    open: int
    fixed: int

    @property
    def total(self) -> int:
        return self.new + self.open

    def line(self) -> str:
        return f"{self.department}：新发现 {self.new} 条，未整改 {self.open} 条，已整改 {self.fixed} 条"


def summarise(findings: list, fixed: list, departments: list[str]) -> list[DepartmentSummary]:
    """Counts per department (configured order; waived findings are not counted)."""
    out = []
    for dept in departments:
        mine = [f for f in findings if f.department == dept and not f.waiver]
        out.append(DepartmentSummary(
            dept,
            sum(1 for f in mine if f.status in ("new", "reopened")),
            sum(1 for f in mine if f.status not in ("new", "reopened")),
            sum(1 for f in fixed if f.department == dept),
        ))
    return out


def message_text(site_name: str, night: str, rows: list[DepartmentSummary], report: str,
                 warning: str | None = None) -> tuple[str, str]:
    """(title, markdown body) of one message; ``warning``: why the night's check is incomplete, said first."""
    title = f"{site_name} 网站检查 {night}"
    lines = [f"### {title}", ""]
    if warning:  # a morning list of "0 new problems" must not hide that the homepage was down
        lines += [f"**检查不完整**：{warning}", ""]
    lines += [f"- {row.line()}" for row in rows]
    lines += ["", f"报告：{report}"]
    return title, "\n".join(lines)


def send_email(settings: Mapping, site_name: str, night: str, summaries: list[DepartmentSummary],
               report: str, warning: str | None = None) -> list[str]:
    """One email per recipient, listing the departments they follow; returns one status line per email."""
    results = []
    wanted: dict[str, list[DepartmentSummary]] = {}
    for dept, addresses in (settings.get("recipients") or {}).items():
        rows = summaries if dept == "*" else [s for s in summaries if s.department == dept]
        for address in addresses:
            for row in rows:
                if row not in wanted.setdefault(address, []):
                    wanted[address].append(row)
    user = os.environ.get(settings.get("username_env") or "", "") or None
    password = os.environ.get(settings.get("password_env") or "", "") or None
    for address, rows in wanted.items():
        title, body = message_text(site_name, night, rows, report, warning)
        mail = EmailMessage()
        mail["Subject"] = title + ("：检查不完整" if warning else "：有新问题" if any(r.new for r in rows) else "")
        mail["From"] = settings["sender"]
        mail["To"] = address
        mail.set_content(body.replace("### ", "").replace("**", ""))  # plain text: no markdown marks
        try:
            _smtp_send(settings, mail, user, password)
            results.append(f"邮件已发送：{address}")
        except (OSError, smtplib.SMTPException) as exc:
            results.append(f"邮件发送失败：{address}（{exc.__class__.__name__}: {exc}）")
    return results


def _smtp_send(settings: Mapping, mail: EmailMessage, user: str | None, password: str | None) -> None:
    host, port, tls = settings["host"], int(settings.get("port") or 25), settings.get("tls") or "starttls"
    timeout = float(settings.get("timeout") or 20)
    if tls == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        if user and password:
            server.login(user, password)
        server.send_message(mail)


def dingtalk_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """The webhook URL signed as DingTalk's 加签 option requires (timestamp and sign parameters)."""
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


def send_webhook(hook: Mapping, site_name: str, night: str, summaries: list[DepartmentSummary],
                 report: str, warning: str | None = None) -> str:
    """Post one markdown message to a WeCom or DingTalk robot; returns a status line."""
    wanted = hook.get("departments")
    rows = [s for s in summaries if not wanted or s.department in wanted]
    title, body = message_text(site_name, night, rows, report, warning)
    url = hook["url"]
    if hook["kind"] == "dingtalk":
        payload = {"msgtype": "markdown", "markdown": {"title": title, "text": body}}
        secret = os.environ.get(hook.get("secret_env") or "", "")
        if secret:
            url = dingtalk_url(url, secret)
    else:  # wecom
        payload = {"msgtype": "markdown", "markdown": {"content": body}}
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"}
    )
    shown = hook["url"].split("?", 1)[0]  # never log the robot's key
    try:
        with urllib.request.urlopen(request, timeout=float(hook.get("timeout") or 10)) as answer:
            reply = json.loads(answer.read() or b"{}")
    except (OSError, ValueError) as exc:
        return f"{hook['kind']} 机器人发送失败：{shown}（{exc.__class__.__name__}: {exc}）"
    if reply.get("errcode", 0) != 0:
        return f"{hook['kind']} 机器人拒绝了消息：{shown}（{reply.get('errcode')} {reply.get('errmsg', '')}）"
    return f"{hook['kind']} 机器人已发送：{shown}"
