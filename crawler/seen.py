"""The set of URLs a crawl has already routed, at a fraction of the memory of the strings.

The spider remembers every URL it has decided about (pages, and the
attachments, images and outside links it sends to the resource lane): about
five per page on a government portal, so 500,000 for a 100,000-page one. As a
``set`` of strings that is 153-160 bytes each (URLs of ~80 characters, 60,000
and 200,000 of them, traced), ~80 MB held by the crawl process to its end, the
main part of its growth per page. Kept as 64-bit fingerprints it is 70-77.

The fingerprint is Python's own string hash (SipHash, 64 bits, keyed per
process, and cached on the string, so computing it is free for a URL that was
hashed before). Two different URLs would have to collide for one to be skipped:
with a million URLs the chance is about 3 in 100 million, and the per-process
key means no page can be built to collide on purpose. The set is never
persisted: a resumed crawl rebuilds it from the store.
"""

from __future__ import annotations

from collections.abc import Iterable


class SeenUrls:
    """``add``, ``update`` and ``in`` of a set of URLs; the URLs themselves are not kept."""

    __slots__ = ("_keys",)

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._keys: set[int] = set(map(hash, urls))

    def add(self, url: str) -> None:
        self._keys.add(hash(url))

    def update(self, urls: Iterable[str]) -> None:
        self._keys.update(map(hash, urls))

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and hash(url) in self._keys

    def __len__(self) -> int:
        return len(self._keys)
