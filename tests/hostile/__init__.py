"""Hostile input: pages, servers, configs and output paths that try to break govcrawl (issue 8)."""
