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


def test_docs_say_what_each_setting_allows():
    rows = {
        match[0]: match[1]
        for match in re.findall(
            r"^\| `NEWSDESK_([A-Z0-9_]+)` \|.*\| ([^|]+) \|$",
            (DOCS / "configuration.md").read_text(),
            re.M,
        )
    }
    expected = {name: setting.parse.allowed for name, setting in conf.SETTINGS.items()}
    wrong = {name: allowed for name, allowed in expected.items() if rows.get(name) != allowed}
    assert wrong == {}, "the last column of docs/configuration.md should read as given here"


# conf.get("NAME"), conf.get_int("NAME")... anywhere in the package.
_READ = re.compile(r"conf\.(get|get_int|get_float|get_bool|get_str|value)\(\s*[\"']([A-Z0-9_]+)")


def test_code_reads_only_declared_settings_through_accessors_of_their_type():
    reads = [
        (path.relative_to(ROOT), accessor, name)
        for path in (ROOT / "newsdesk").rglob("*.py")
        for accessor, name in _READ.findall(path.read_text())
    ]
    assert len(reads) > 50
    undeclared = [read for read in reads if read[2] not in conf.SETTINGS]
    assert undeclared == []
    for _path, accessor, name in reads:
        getattr(conf, accessor)(name)  # TypeError when the type does not match


def test_settings_module_reads_no_environment_variable_itself():
    source = (ROOT / "newsdesk" / "config" / "settings.py").read_text()
    assert "os.environ" not in source and "getenv" not in source


def test_readme_configuration_table_lists_every_setting():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in conf.SETTINGS if f"NEWSDESK_{name}" not in readme]
    assert missing == []


def _cli_help_commands(capsys) -> set[str]:
    from newsdesk import cli

    assert cli.main(["--help"]) == 0
    listing = capsys.readouterr().out.split("COMMAND", 2)[-1]
    return set(re.findall(r"^    ([a-z]+)\b", listing, re.M))


def test_every_cli_command_and_every_newsdesk_management_command_is_documented(capsys):
    from django.core.management import get_commands

    listed = _cli_help_commands(capsys)
    ours = {name for name, app in get_commands().items() if app.startswith("newsdesk.")}
    assert {"demo", "serve", "migrate"} <= listed
    assert ours, "no management command found in the newsdesk apps"
    assert ours - listed == set(), "management commands missing from `newsdesk --help`"
    text = (DOCS / "cli.md").read_text()
    assert [c for c in sorted(listed | ours) if f"`newsdesk {c}" not in text] == []


def test_every_event_kind_is_documented():
    text = (DOCS / "events.md").read_text()
    for kind in (*kinds.LOGGED, *kinds.STREAM_ONLY):
        assert f"`{kind}`" in text, kind
