"""The ``newsdesk`` command as a user runs it: a real process on a fresh SQLite data directory."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from newsdesk.newsroom import demo_content

NEWSDESK = Path(sys.executable).with_name("newsdesk")
COMMANDS = ["demo", "serve", "migrate", "loaddemo", "createeditor"]


def cli_env(data_dir: Path) -> dict[str, str]:
    """The environment of a user's shell with a fresh data directory and no database URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(NEWSDESK_DATA_DIR=str(data_dir), NEWSDESK_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    return env


def newsdesk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSDESK), *args],
        env=cli_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=data_dir,
    )


def query(data_dir: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(data_dir / "newsdesk.sqlite3") as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose SQLite database ``newsdesk migrate`` has created."""
    data_dir = tmp_path_factory.mktemp("newsdesk-data")
    result = newsdesk(data_dir, "migrate")
    assert result.returncode == 0, result.stderr
    return data_dir


def test_help_lists_every_command():
    result = subprocess.run([str(NEWSDESK), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in COMMANDS:
        assert f"    {command} " in result.stdout or f"    {command}\n" in result.stdout, command


def test_no_command_prints_usage_and_fails():
    result = subprocess.run([str(NEWSDESK)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "createeditor" in result.stdout


def test_migrate_creates_the_sqlite_database_in_the_data_directory(migrated):
    tables = {row[0] for row in query(migrated, "SELECT name FROM sqlite_master")}
    assert {"newsroom_story", "newsroom_entry", "live_storyevent"} <= tables
    assert newsdesk(migrated, "migrate").returncode == 0


def test_loaddemo_loads_once_then_reports_it_is_loaded(tmp_path):
    assert newsdesk(tmp_path, "migrate").returncode == 0
    first = newsdesk(tmp_path, "loaddemo")
    assert first.returncode == 0, first.stderr
    assert "Loaded the demo newsroom" in first.stdout
    count = "SELECT COUNT(*) FROM newsroom_entry"
    entries = query(tmp_path, count)[0][0]
    assert entries >= 40
    second = newsdesk(tmp_path, "loaddemo")
    assert second.returncode == 0
    assert "already loaded" in second.stdout
    assert query(tmp_path, count)[0][0] == entries


def test_createeditor_with_token_prints_a_working_token_last(migrated):
    result = newsdesk(migrated, "createeditor", "alice", "--role", "reporter", "--token")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("nd_") and " " not in token
    role = query(
        migrated,
        "SELECT j.role FROM newsroom_journalist j JOIN auth_user u ON u.id = j.user_id "
        "WHERE u.username = ?",
        "alice",
    )
    assert role == [("reporter",)]
    check = newsdesk(
        migrated,
        "shell",
        "-c",
        "from newsdesk.api.services import token_authenticate; "
        f"print(token_authenticate(raw={token!r}).username)",
    )
    assert check.stdout.strip().splitlines()[-1] == "alice", check.stderr


def test_createeditor_refuses_a_duplicate_username_clearly(migrated):
    assert newsdesk(migrated, "createeditor", "bob").returncode == 0
    again = newsdesk(migrated, "createeditor", "bob", "--role", "reporter")
    assert again.returncode != 0
    assert "A user called 'bob' already exists." in again.stderr
    assert "Traceback" not in again.stderr
    assert query(migrated, "SELECT COUNT(*) FROM auth_user WHERE username = 'bob'") == [(1,)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@pytest.mark.slow
def test_demo_prints_urls_and_credentials_then_serves_the_newsroom(tmp_path):
    port = free_port()
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(NEWSDESK), "demo", "--port", str(port)],
            env=cli_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        status, home = 0, ""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, home = fetch(f"{base}/")
                break
            except OSError:
                time.sleep(0.2)
        output = log.read_text()
        assert status == 200, output
        assert f"Newsdesk demo newsroom at {base}/" in output
        assert "'editor'" in output and "'newsdesk-demo'" in output
        live_line = next(line for line in output.splitlines() if "Live story:" in line)
        live_url = live_line.split("Live story:", 1)[1].strip()
        assert live_url.startswith(f"{base}/world/europe/")
        assert "Coastal states agree emergency storm-surge pact" in home
        status, page = fetch(live_url)
        assert status == 200
        assert "Coastal states agree emergency storm-surge pact" in page
        assert demo_content.PEOPLE[0].byline in page
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
