"""Feeds, sitemaps, robots.txt, embeds, oEmbed and search (the publishing surface)."""

from django.urls import path

from . import embed, feeds, robots, search, sitemaps

app_name = "publishing"

urlpatterns = [
    path("feeds/rss.xml", feeds.SiteFeed(), name="site_rss"),
    path("feeds/atom.xml", feeds.SiteAtomFeed(), name="site_atom"),
    path("feeds/section/<path:section_path>/rss.xml", feeds.SectionFeed(), name="section_rss"),
    path(
        "feeds/section/<path:section_path>/atom.xml",
        feeds.SectionAtomFeed(),
        name="section_atom",
    ),
    path("feeds/story/<int:story_id>/rss.xml", feeds.StoryFeed(), name="story_rss"),
    path("feeds/story/<int:story_id>/atom.xml", feeds.StoryAtomFeed(), name="story_atom"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.sitemap_news, name="sitemap_news"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap"),
    path("robots.txt", robots.robots_txt, name="robots"),
    path("embed/<int:story_id>/", embed.embed_view, name="embed"),
    path("oembed", embed.oembed_view, name="oembed"),
    path("search", search.search_view, name="search"),
]
