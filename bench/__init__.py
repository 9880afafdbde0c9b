"""Newsdesk benchmark suite: fan-out and pages against nginx+nchan and a plain asyncio anchor."""
