"""Config validation: every error names the key path (contract §2)."""

import pytest

from govcrawl.config import ConfigError, load_config, parse_config

BASE = {
    "sites": {
        "x": {
            "name": "测试区人民政府",
            "start_urls": ["https://www.example.gov.cn/"],
            "owner": "政府办",
            "departments": [
                {"name": "司法局", "path_prefix": "/sfj/"},
                {"name": "财政局", "source": ["财政局", "兴庆区财政局"]},
            ],
        }
    }
}


def _with(path: list, value):
    import copy

    data = copy.deepcopy(BASE)
    node = data
    for key in path[:-1]:
        node = node[key] if isinstance(key, int) else node.setdefault(key, {})
    node[path[-1]] = value
    return data


def test_valid_config_and_defaults():
    config = parse_config(BASE)
    site = config.sites["x"]
    assert site.crawl.concurrency == 4 and site.crawl.delay == 0.25
    assert site.crawl.autothrottle and site.crawl.obey_robots
    assert site.limits.max_pages == 100_000
    assert site.hosts() == ["www.example.gov.cn"]
    assert site.departments[1].source == ["财政局", "兴庆区财政局"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["sites", "x", "departments", 1, "path_prefix"], "sfj/", "sites.x.departments[1].path_prefix: must start with \"/\""),
        (["sites", "x", "crawl", "concurrency"], 0, "sites.x.crawl.concurrency:"),
        (["sites", "x", "crawl", "speed"], 3, "sites.x.crawl.speed: unknown key"),
        (["sites", "x", "start_urls"], ["ftp://a/"], "sites.x.start_urls:"),
        (["sites", "x", "limits", "max_pages"], "many", "sites.x.limits.max_pages:"),
        (["sites", "x", "interpretation", "required_doc_numbers"], ["(unclosed"], "sites.x.interpretation.required_doc_numbers: not a regular expression"),
        (["sites", "x", "messages", "channels"], [{"name": "信箱", "limit_days": 5}], "sites.x.messages.channels[0]: needs path_prefix or column"),
        (["sites", "x", "messages", "channels"], [{"name": "信箱", "path_prefix": "hdjl/"}], "sites.x.messages.channels[0].path_prefix: must start with \"/\""),
        (["sites", "x", "messages", "channels"], [{"name": "信箱", "column": "信箱", "limit_days": 0}], "sites.x.messages.channels[0].limit_days:"),
        (["sites", "x", "availability", "timeout"], 0, "sites.x.availability.timeout:"),
        (["sites", "x", "availability", "threshold"], 5, "sites.x.availability.threshold:"),
        (["sites", "x", "availability", "key_pages"], ["zwgk/"], "sites.x.availability.key_pages: not a path"),
    ],
)
def test_errors_name_the_key(path, value, message):
    with pytest.raises(ConfigError) as err:
        parse_config(_with(path, value))
    assert str(err.value).startswith(message.split(":")[0])
    assert message in str(err.value)


def test_missing_owner():
    data = _with(["sites", "x", "name"], "n")
    del data["sites"]["x"]["owner"]
    with pytest.raises(ConfigError, match=r"^sites\.x\.owner: required key is missing$"):
        parse_config(data)


def test_department_without_rule():
    with pytest.raises(ConfigError, match=r"sites\.x\.departments\[0\]: needs path_prefix or source"):
        parse_config(_with(["sites", "x", "departments"], [{"name": "空规则"}]))


def test_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sites: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_shipped_config_is_valid():
    config, _ = load_config("config/sites.yaml")
    assert "demo" in config.sites


def test_sites_remember_the_folder_of_their_config_file(tmp_path):
    """Files a site names (wording.rules_file) resolve against the config's folder, not cron's cwd."""
    from govcrawl.cli import _check_settings

    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "sites.yaml"
    path.write_text('sites:\n  x:\n    name: 站\n    owner: 办公室\n    start_urls: ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    config, _ = load_config(path)
    assert _check_settings(config.sites["x"])["config_dir"] == str((tmp_path / "conf").resolve())


def test_messages_availability_and_aliases():
    data = _with(["sites", "x", "messages", "channels"], [{"name": "区长信箱", "path_prefix": "/hdjl/", "limit_days": 5}])
    data["sites"]["x"]["departments"][0]["aliases"] = "兴庆区司法局"
    data["sites"]["x"]["availability"] = {"key_pages": ["/zwgk/", "https://www.example.gov.cn/hdjl/"]}
    site = parse_config(data).sites["x"]
    assert site.messages.channels[0].limit_days == 5 and site.departments[0].aliases == ["兴庆区司法局"]
    assert site.availability.timeout == 15 and site.availability.threshold == 0.05
    assert parse_config(BASE).sites["x"].messages.channels == []
