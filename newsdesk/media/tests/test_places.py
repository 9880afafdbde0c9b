"""Where renditions are public, and the image origins the pages' CSP allows: pure functions."""

from __future__ import annotations

from newsdesk.media.places import custom_domain, image_origins, url_protocol


def test_files_on_this_machine_add_no_origin():
    assert image_origins(media_url="/media/", bucket="", endpoint_url="", region="") == []


def test_a_cdn_in_media_url_is_the_only_image_origin():
    assert image_origins(
        media_url="https://cdn.news.example/photos/", bucket="b", endpoint_url="", region="x"
    ) == ["https://cdn.news.example"]
    assert custom_domain("https://cdn.news.example/photos/") == "cdn.news.example/photos"
    assert url_protocol("https://cdn.news.example/") == "https:"
    assert custom_domain("/media/") is None


def test_a_bucket_is_allowed_at_its_endpoint_or_amazons_bucket_hosts():
    assert image_origins(
        media_url="/media/", bucket="b", endpoint_url="http://127.0.0.1:9000/", region=""
    ) == ["http://127.0.0.1:9000"]
    assert image_origins(media_url="/media/", bucket="b", endpoint_url="", region="eu-west-1") == [
        "https://b.s3.amazonaws.com",
        "https://b.s3.eu-west-1.amazonaws.com",
    ]
