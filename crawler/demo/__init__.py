"""The embedded demo portal: a realistic district government site with planted problems.

``portal.build_portal`` builds it in memory, ``server.DemoServer`` serves it on
loopback, ``config.yaml`` configures a crawl of it and ``expected.yaml`` lists
the findings a correct run must produce (see README.md).
"""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
DEMO_CONFIG = DEMO_DIR / "config.yaml"
DEMO_EXPECTED = DEMO_DIR / "expected.yaml"
