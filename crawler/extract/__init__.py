"""Pure extraction: response bytes -> the HTML-derived fields of ``PageFacts``.

Nothing here fetches, judges or imports Scrapy: the crawler hands over bytes and
the checks later read facts. The page is decoded once (``encoding``), parsed
once with lxml and walked once (``scan``); every other module reads what that
walk collected:

- ``links``      links checked by the contract, normalised by ``crawler.urls``
- ``regions``    header / nav / footer / body of each link (template ownership)
- ``docinfo``    the 信息公开 header fields (DocInfo), the date next to the title
- ``dates``      Chinese and ISO dates -> ``datetime.date`` (reused by the checks)
- ``columns``    breadcrumb, column name, heading, dated list rows
- ``pagination`` createPageHTML / countPage scripts and 下一页 links
- ``messages``   public messages of message boards (留言/来信/诉求) -> ``page.messages``
- ``a11y``       static accessibility pass (axe-core rule ids) -> ``page.a11y``
- ``template``   template fingerprint of the DOM skeleton -> ``page.template``

``page.extract_html`` puts them together. It never raises: bytes that are
not HTML, or a parser failure, end as a short ``page.error`` and empty facts,
because one broken page must not stop a 100k-page crawl.

This package's own module holds only the two constants others need: the
``govcrawl`` command reads ``FACTS_VERSION`` without loading lxml and the
extraction modules (5 MiB, for as long as the crawl runs).
"""

# Bump when extraction changes what it stores for the same bytes: a page that
# answers 304 keeps last night's facts only if they were extracted by this version.
FACTS_VERSION = 2  # 2: page.messages (政民互动 messages)

MAX_TEXT_CHARS = 200_000  # page.text cap: enough for any 公文, bounded for the store
