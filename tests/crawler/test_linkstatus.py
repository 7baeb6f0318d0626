"""Contract §4 "Broken": the status classification, case by case."""

import pytest

from crawler.linkstatus import classify
from govcrawl.model import LinkState


@pytest.mark.parametrize(
    ("status", "internal", "state"),
    [
        (200, False, LinkState.OK), (301, True, LinkState.OK), (204, True, LinkState.OK),
        (404, False, LinkState.BROKEN), (410, False, LinkState.BROKEN), (500, False, LinkState.BROKEN),
        (503, True, LinkState.BROKEN), (404, True, LinkState.BROKEN),
        (401, False, LinkState.UNVERIFIED), (403, False, LinkState.UNVERIFIED), (429, False, LinkState.UNVERIFIED),
        # on the site itself any non-2xx/3xx is broken, bot block or not
        (403, True, LinkState.BROKEN), (429, True, LinkState.BROKEN), (400, True, LinkState.BROKEN),
        # external 4xx the contract does not name: neither broken nor unverified
        (400, False, LinkState.UNJUDGED), (405, False, LinkState.UNJUDGED), (451, False, LinkState.UNJUDGED),
    ],
)
def test_classify(status, internal, state):
    assert classify(status, internal=internal)[0] is state


def test_no_response_is_broken_with_its_reason():
    assert classify(None, internal=False, error="连接被拒绝") == (LinkState.BROKEN, "连接被拒绝")
