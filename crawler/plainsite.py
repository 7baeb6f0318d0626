"""The site's config as plain attributes, for the crawl process.

The crawl runs in a child process (``crawler.apart``) that gets the site's
config by pickle. A pydantic model unpickles only with pydantic and the config
models imported: 7 MiB of the crawl process's RSS (63 against 70 MiB after its
imports, measured), held all night for values it only reads. ``plain_site``
copies the validated values into simple namespaces that read the same
(``site.crawl.delay``, ``site.hosts()``); validation stays in ``govcrawl.config``,
in the process that loaded the file.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


class Section(SimpleNamespace):
    """One config section: its validated fields as attributes."""


class PlainSite(Section):
    """A ``govcrawl.config.Site`` as plain data; ``hosts()`` as the model computes it."""

    def hosts(self) -> list[str]:
        return list(self.host_list)


def _plain(value: Any) -> Any:
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        return Section(**{name: _plain(getattr(value, name)) for name in fields})
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def plain_site(site: Any) -> PlainSite:
    """``site`` (a ``govcrawl.config.Site``) copied into plain namespaces; a copy is returned as it is."""
    if isinstance(site, PlainSite):
        return site
    return PlainSite(**vars(_plain(site)), host_list=tuple(site.hosts()))
