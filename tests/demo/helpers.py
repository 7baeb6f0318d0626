"""Offline helpers for auditing the demo portal from its resource map (no network)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.demo.portal import Resource, lookup
from crawler.urls import normalise

MAIN = "http://127.0.0.1:8480"
EXT = "http://127.0.0.2:8481"
REFUSED = "http://127.0.0.2:8409"

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)
_CREATE_PAGE = re.compile(r'createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)')
_COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_LINK_XPATH = (
    "//a/@href | //img/@src | //link/@href | //script/@src | //iframe/@src | //object/@data"
    " | //embed/@src | //video/@src | //audio/@src | //source/@src"
)


def decode(resource: Resource) -> str:
    """Decode an HTML body the way a careful crawler must: header, then meta, then GBK fallback."""
    ctype = resource.content_type or ""
    if "charset=" in ctype:
        return resource.body.decode(ctype.split("charset=", 1)[1])
    found = _META_CHARSET.search(resource.body[:2048])
    if found:
        return resource.body.decode(found.group(1).decode())
    try:
        return resource.body.decode("utf-8")
    except UnicodeDecodeError:
        return resource.body.decode("gbk")


def html_pages(resources: dict[str, Resource], base: str = MAIN) -> dict[str, str]:
    """Every 200 HTML page of one host, decoded."""
    return {
        url: decode(res)
        for url, res in resources.items()
        if url.startswith(base) and res.status == 200 and (res.content_type or "").startswith("text/html")
    }


def links_of(url: str, text: str, *, scripts: bool = True) -> list[str]:
    """Absolute link targets of a page (fragment dropped); optionally the script-only ones too."""
    doc = lxml.html.fromstring(text)
    out = [urljoin(url, h.strip()) for h in doc.xpath(_LINK_XPATH) if h.strip()]
    if scripts:
        for script in doc.xpath("//script[not(@src)]/text()"):
            for count, _index, name, ext in _CREATE_PAGE.findall(script):
                out += [
                    urljoin(url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}")
                    for i in range(int(count))
                ]
            for count in _COUNT_PAGE.findall(script):
                out += [
                    urljoin(url, "index.html" if i == 0 else f"index_{i}.html") for i in range(int(count))
                ]
        for xml in doc.xpath('//script[@type="text/xml"]/text()'):
            for record in _CDATA.findall(xml):
                if record.strip():
                    out += [urljoin(url, h) for h in lxml.html.fromstring(record).xpath("//a/@href")]
    result = []
    for link in out:
        normal = normalise(link)
        if normal is not None:
            result.append(normal[0])
    return result


def crawl(resources: dict[str, Resource], base: str = MAIN, *, scripts: bool = True) -> set[str]:
    """Breadth-first walk of the main site from "/", obeying robots.txt (Disallow: /admin/)."""
    seen: set[str] = set()
    queue = deque([base + "/"])
    while queue and len(seen) < 5000:  # bounded: the portal has a few hundred pages
        url = queue.popleft()
        if url in seen or not url.startswith(base) or urlsplit(url).path.startswith("/admin/"):
            continue
        seen.add(url)
        target = url[len(base) :] or "/"
        found = lookup(resources, base, target)
        if found is None:
            continue
        res = found[1]
        if res.redirect:
            queue.append(res.redirect)
        elif res.status == 200 and (res.content_type or "").startswith("text/html"):
            queue.extend(links_of(url, decode(res), scripts=scripts))
    return seen


def all_links(url: str, text: str) -> list[tuple[str, str | None]]:
    """(absolute URL without fragment, fragment) for every checked link tag of a page (contract §4)."""
    doc = lxml.html.fromstring(text)
    out = []
    for raw in doc.xpath(_LINK_XPATH):
        raw = raw.strip()
        if not raw or raw.lower().startswith(("javascript:", "mailto:", "tel:")):
            continue
        if raw.startswith("#"):
            own = normalise(url)
            out.append((own[0], raw[1:] or None))
            continue
        normal = normalise(urljoin(url, raw))
        if normal is not None:
            out.append(normal)
    return out


def anchors_of(text: str) -> set[str]:
    doc = lxml.html.fromstring(text)
    return set(doc.xpath("//@id")) | set(doc.xpath("//a/@name"))
