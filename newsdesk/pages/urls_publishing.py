"""Feeds, sitemaps, robots.txt, embeds, oEmbed and search (the publishing surface)."""

app_name = "publishing"

urlpatterns: list = []
