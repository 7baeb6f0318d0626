"""The Scrapy project: fetch, decode and extract facts. It never judges."""
