"""The docs are part of the contract: every setting, CLI command and event kind is documented."""

from __future__ import annotations

import re
from pathlib import Path

from newsdesk import conf
from newsdesk.live import kinds

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_every_setting_is_documented_and_every_documented_setting_exists():
    text = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"`NEWSDESK_([A-Z0-9_]+)`", text))
    assert set(conf.SETTINGS) - documented == set(), "settings missing from docs/configuration.md"
    assert documented - set(conf.SETTINGS) == set(), "docs/configuration.md names unknown settings"


def test_settings_module_reads_only_declared_settings():
    source = (ROOT / "newsdesk" / "config" / "settings.py").read_text()
    read = set(re.findall(r'_env(?:_bool)?\("([A-Z0-9_]+)"', source))
    assert read - set(conf.SETTINGS) == set()


def test_readme_configuration_table_lists_every_setting():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in conf.SETTINGS if f"NEWSDESK_{name}" not in readme]
    assert missing == []


def test_every_cli_command_is_documented():
    text = (DOCS / "cli.md").read_text()
    for command in ["demo", "serve", "migrate", "loaddemo", "createeditor"]:
        assert f"newsdesk {command}" in text


def test_every_event_kind_is_documented():
    text = (DOCS / "events.md").read_text()
    for kind in (*kinds.LOGGED, *kinds.STREAM_ONLY):
        assert f"`{kind}`" in text, kind
