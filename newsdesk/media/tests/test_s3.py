"""Renditions in an S3-compatible bucket: a real moto server process, a real newsdesk server.

There is no S3 server in Debian's packages, so the test starts moto in server
mode (``moto_server``, installed with the dev dependencies) on a free port,
makes a bucket, and runs ``newsdesk serve`` with NEWSDESK_MEDIA_S3_* pointing
at it. A photo uploaded through the API must land in the bucket with its
immutable caching header, and its public URL must answer with the bytes.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from conftest import free_port, skip_or_fail, start_server

from . import images

BUCKET = "newsdesk-photos"


@pytest.fixture
def s3_server(tmp_path: Path):
    """A moto S3 server process on a free port, with an empty bucket."""
    binary = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(binary).exists():
        skip_or_fail("s3", "moto_server is not installed (pip install 'moto[server]')")
    port = free_port()
    log = (tmp_path / "moto.log").open("wb")
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "moto.log").read_text()) from None
                time.sleep(0.1)
        client = _boto(endpoint)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def _boto(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.mark.slow
def test_an_upload_lands_in_the_bucket_with_immutable_public_urls(
    s3_server, transactional_db, editor, token_for
):
    token = token_for(editor)
    server = start_server(
        env={
            "NEWSDESK_MEDIA_S3_BUCKET": BUCKET,
            "NEWSDESK_MEDIA_S3_ENDPOINT_URL": s3_server,
            "NEWSDESK_MEDIA_S3_REGION": "eu-west-1",
            "NEWSDESK_MEDIA_S3_ACCESS_KEY_ID": "testing",
            "NEWSDESK_MEDIA_S3_SECRET_ACCESS_KEY": "testing",
            "NEWSDESK_MEDIA_S3_ACL": "public-read",
        }
    )
    try:
        response = httpx.post(
            f"{server.url}/api/media",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("quay.jpg", images.jpeg(1300, 900), "image/jpeg")},
            data={"alt": "The quay at dawn"},
            timeout=30,
        )
    finally:
        server.stop()
    assert response.status_code == 201, server.output()
    photo = response.json()
    keys = {
        item["Key"]
        for item in _boto(s3_server).list_objects_v2(Bucket=BUCKET, Prefix="media/")["Contents"]
    }
    assert len(keys) == len(photo["renditions"]) == 8
    for rendition in photo["renditions"]:
        url = rendition["url"]
        assert url.startswith(f"{s3_server}/{BUCKET}/media/"), url
        assert "Signature" not in url and "X-Amz" not in url  # public, never expiring
        got = httpx.get(url, timeout=10)
        assert got.status_code == 200
        assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
        picture = Image.open(io.BytesIO(got.content))
        assert picture.size == (rendition["width"], rendition["height"])
        assert dict(picture.getexif()) == {}
