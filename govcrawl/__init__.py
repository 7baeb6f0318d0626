"""govcrawl: nightly compliance crawler for Chinese government portals (shared core)."""

__version__ = "0.1.0"
