"""The crawl process reads the site's config from a plain copy (crawler.plainsite), never loading pydantic."""

from __future__ import annotations

import pickle
import subprocess
import sys
from types import SimpleNamespace

from crawler.demo.files import config_data
from crawler.plainsite import PlainSite, plain_site
from govcrawl.config import get_site, load_config, parse_config

HOSTS = ("http://127.0.0.1:8001", "http://127.0.0.1:8002", "http://127.0.0.1:8003")


def _as_data(value):
    """A plain copy back to the shape of ``model_dump()``."""
    if isinstance(value, SimpleNamespace):
        return {k: _as_data(v) for k, v in vars(value).items() if k != "host_list"}
    if isinstance(value, list | tuple):
        return [_as_data(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_data(v) for k, v in value.items()}
    return value


def _sites():
    demo = parse_config(config_data(*HOSTS))
    shipped, _ = load_config("config/sites.yaml")
    return [*demo.sites.values(), *shipped.sites.values()]


def test_the_copy_holds_every_validated_value_and_the_hosts():
    for site in _sites():
        copy = plain_site(site)
        assert _as_data(copy) == _as_data(site.model_dump(by_alias=False))  # attribute names, as code reads them
        assert copy.hosts() == site.hosts()
        assert copy.crawl.delay == site.crawl.delay and copy.limits.max_pages == site.limits.max_pages
        assert plain_site(copy) is copy


def test_a_changed_value_shows_in_the_copy():
    """The copy is made from the validated model, not from defaults (so the test above can fail)."""
    data = config_data(*HOSTS)
    site_id = next(iter(data["sites"]))
    data["sites"][site_id].setdefault("crawl", {})["delay"] = 7.5
    site = get_site(parse_config(data), site_id)
    assert plain_site(site).crawl.delay == 7.5


def test_the_copy_unpickles_without_pydantic():
    site = next(iter(parse_config(config_data(*HOSTS)).sites.values()))
    blob = pickle.dumps(plain_site(site))
    script = ("import pickle, sys\n"
              "import crawler.runner, crawler.spiders.portal, crawler.apart\n"
              f"site = pickle.loads({blob!r})\n"
              "print(type(site).__name__, site.hosts(), 'pydantic' in sys.modules, 'govcrawl.config' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.split()[0] == PlainSite.__name__
    assert out.split()[-2:] == ["False", "False"], out
    # the model itself would have needed both
    script = f"import pickle, sys\npickle.loads({pickle.dumps(site)!r})\nprint('pydantic' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip() == "True"
