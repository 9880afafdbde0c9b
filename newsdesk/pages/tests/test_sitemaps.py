"""sitemap.xml (index and sitemaps), the Google News sitemap and robots.txt.

The XML is validated with lxml against XML Schemas holding the required parts
of sitemaps.org's sitemap 0.9 and siteindex schemas and Google's news 0.9
schema (the published schemas, reduced to their elements and types).
"""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from lxml import etree

from newsdesk.newsroom import services
from newsdesk.newsroom.models import Story

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SM, "news": NEWS}

W3C_DATETIME = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?"

SITEMAP_XSD = f"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{SM}"
           xmlns="{SM}" elementFormDefault="qualified">
  <xs:simpleType name="tLoc"><xs:restriction base="xs:anyURI">
    <xs:minLength value="12"/><xs:maxLength value="2048"/>
    <xs:pattern value="https?://.+"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="tLastmod"><xs:restriction base="xs:string">
    <xs:pattern value="{W3C_DATETIME}"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="tChangeFreq"><xs:restriction base="xs:string">
    <xs:enumeration value="always"/><xs:enumeration value="hourly"/>
    <xs:enumeration value="daily"/><xs:enumeration value="weekly"/>
    <xs:enumeration value="monthly"/><xs:enumeration value="yearly"/>
    <xs:enumeration value="never"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="tPriority"><xs:restriction base="xs:decimal">
    <xs:minInclusive value="0.0"/><xs:maxInclusive value="1.0"/></xs:restriction></xs:simpleType>
  <xs:element name="urlset"><xs:complexType><xs:sequence>
    <xs:element name="url" minOccurs="0" maxOccurs="50000"><xs:complexType><xs:sequence>
      <xs:element name="loc" type="tLoc"/>
      <xs:element name="lastmod" type="tLastmod" minOccurs="0"/>
      <xs:element name="changefreq" type="tChangeFreq" minOccurs="0"/>
      <xs:element name="priority" type="tPriority" minOccurs="0"/>
      <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <xs:element name="sitemapindex"><xs:complexType><xs:sequence>
    <xs:element name="sitemap" maxOccurs="50000"><xs:complexType><xs:sequence>
      <xs:element name="loc" type="tLoc"/>
      <xs:element name="lastmod" type="tLastmod" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""

NEWS_XSD = f"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NEWS}"
           xmlns="{NEWS}" elementFormDefault="qualified">
  <xs:element name="news"><xs:complexType><xs:sequence>
    <xs:element name="publication"><xs:complexType><xs:sequence>
      <xs:element name="name" type="nonEmpty"/>
      <xs:element name="language"><xs:simpleType><xs:restriction base="xs:language">
        <xs:pattern value="[a-z]{{2,3}}|zh-cn|zh-tw"/></xs:restriction></xs:simpleType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
    <xs:element name="publication_date"><xs:simpleType><xs:restriction base="xs:string">
      <xs:pattern value="{W3C_DATETIME}"/></xs:restriction></xs:simpleType></xs:element>
    <xs:element name="title" type="nonEmpty"/>
  </xs:sequence></xs:complexType></xs:element>
  <xs:simpleType name="nonEmpty"><xs:restriction base="xs:string">
    <xs:minLength value="1"/></xs:restriction></xs:simpleType>
</xs:schema>"""

SITEMAP_SCHEMA = etree.XMLSchema(etree.fromstring(SITEMAP_XSD.encode()))
NEWS_SCHEMA = etree.XMLSchema(etree.fromstring(NEWS_XSD.encode()))


def fetch_xml(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"].startswith("application/xml")
    doc = etree.fromstring(response.content)
    assert SITEMAP_SCHEMA.validate(doc), SITEMAP_SCHEMA.error_log
    return doc


def path_of(url: str) -> str:
    assert url.startswith("http://testserver/")
    return url[len("http://testserver") :]


@pytest.fixture
def stories(section, editor, live_story, article):
    """A live story, an article, a draft and a story published three days ago."""
    services.story_create(
        section=section, headline="Still a draft", author=editor, live=False, status="draft"
    )
    old = services.story_create(section=section, headline="Old news", author=editor, live=False)
    three_days = datetime.timedelta(days=3)
    Story.objects.filter(pk=old.pk).update(
        published_at=F("published_at") - three_days,
        created_at=F("created_at") - three_days,
        updated_at=F("updated_at") - three_days,
    )
    old.refresh_from_db()
    return {"live": live_story, "article": article, "old": old}


def test_sitemap_index_lists_valid_sitemaps_of_sections_and_visible_stories(client, stories):
    index = fetch_xml(client, "/sitemap.xml")
    assert index.tag == f"{{{SM}}}sitemapindex"
    locations = [path_of(loc) for loc in index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)]
    assert locations == ["/sitemap-sections.xml", "/sitemap-stories.xml", "/sitemap-news.xml"]

    story_map = fetch_xml(client, "/sitemap-stories.xml")
    urls = [path_of(u) for u in story_map.xpath("//sm:url/sm:loc/text()", namespaces=NS)]
    assert urls == [
        stories["article"].get_absolute_url(),
        stories["live"].get_absolute_url(),
        stories["old"].get_absolute_url(),
    ]
    live_url = story_map.xpath("//sm:url[1]/following-sibling::sm:url[1]", namespaces=NS)[0]
    assert live_url.findtext(f"{{{SM}}}changefreq") == "always"
    lastmod = datetime.datetime.fromisoformat(live_url.findtext(f"{{{SM}}}lastmod"))
    assert lastmod == stories["live"].updated_at

    section_map = fetch_xml(client, "/sitemap-sections.xml")
    assert [path_of(u) for u in section_map.xpath("//sm:loc/text()", namespaces=NS)] == [
        "/world/",
        "/world/asia/",
    ]
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_news_sitemap_lists_the_last_two_days_with_news_elements(client, stories):
    doc = fetch_xml(client, "/sitemap-news.xml")
    assert doc.nsmap.get("news") == NEWS

    urls = doc.xpath("//sm:url", namespaces=NS)
    assert [path_of(u.findtext(f"{{{SM}}}loc")) for u in urls] == [
        stories["article"].get_absolute_url(),
        stories["live"].get_absolute_url(),
    ]
    for url in urls:
        news = url.find(f"{{{NEWS}}}news")
        assert news is not None
        assert NEWS_SCHEMA.validate(etree.ElementTree(news)), NEWS_SCHEMA.error_log
    first = urls[0].find(f"{{{NEWS}}}news")
    assert first.findtext("news:publication/news:name", namespaces=NS) == "The Newsdesk Times"
    assert first.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert first.findtext("news:title", namespaces=NS) == stories["article"].headline
    published = datetime.datetime.fromisoformat(
        first.findtext("news:publication_date", namespaces=NS)
    )
    assert published == stories["article"].published_at


def test_sitemap_locations_use_the_configured_site_url(client, stories, monkeypatch):
    monkeypatch.setenv("NEWSDESK_SITE_URL", "https://news.example")
    for path in ("/sitemap.xml", "/sitemap-stories.xml", "/sitemap-news.xml"):
        doc = etree.fromstring(client.get(path).content)
        locations = doc.xpath("//sm:loc/text()", namespaces=NS)
        assert locations and all(loc.startswith("https://news.example/") for loc in locations)


def test_sitemap_escapes_headlines(client, section, editor):
    services.story_create(section=section, headline="Cats & dogs <live>", author=editor, live=True)
    doc = fetch_xml(client, "/sitemap-news.xml")
    assert doc.xpath("//news:title/text()", namespaces=NS) == ["Cats & dogs <live>"]


def test_robots_txt_allows_readers_pages_and_points_to_the_sitemaps(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ("/desk/", "/admin/", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    # Every listed sitemap answers.
    for line in lines:
        if line.startswith("Sitemap: "):
            assert client.get(path_of(line.split(" ", 1)[1])).status_code == 200
