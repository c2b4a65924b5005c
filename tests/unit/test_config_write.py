"""Writing one setting changes that key only: comments, layout and other keys are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.config import ConfigError, load_settings, save_setting

OFFICERS_FILE = """\
# planner settings for C wing
officer = "Sam Jones"   # who I am

[keys]
"person.export" = "ctrl+e"  # easier to reach
"""


def test_one_key_is_added_and_everything_else_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(OFFICERS_FILE, encoding="utf-8")
    save_setting("last_export_folder", "/home/sam/handovers", path)
    text = path.read_text(encoding="utf-8")
    assert "# planner settings for C wing" in text and "# who I am" in text
    assert "# easier to reach" in text
    settings = load_settings(path)
    assert settings.last_export_folder == "/home/sam/handovers"
    assert settings.officer == "Sam Jones" and settings.keys == {"person.export": "ctrl+e"}
    save_setting("last_export_folder", "/home/sam/other", path)
    assert path.read_text(encoding="utf-8").count("last_export_folder") == 1
    assert load_settings(path).last_export_folder == "/home/sam/other"


def test_a_missing_file_is_made_with_that_key(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_setting("theme", "ansi-dark", path)
    assert load_settings(path).theme == "ansi-dark"


def test_a_damaged_file_is_left_alone_with_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('officer = "unclosed\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="config file"):
        save_setting("theme", "ansi-dark", path)
    assert path.read_text(encoding="utf-8") == 'officer = "unclosed\n'


def test_a_list_setting_goes_above_the_tables_and_replaces_itself(tmp_path: Path) -> None:
    """The caseload's chosen columns are a list; a file with tables keeps them readable."""
    path = tmp_path / "config.toml"
    path.write_text(OFFICERS_FILE, encoding="utf-8")
    save_setting("columns", ["number", "name", "bank.account"], path)
    save_setting("columns", ["number", "com"], path)
    text = path.read_text(encoding="utf-8")
    assert text.count("columns") == 1 and "# easier to reach" in text
    settings = load_settings(path)
    assert settings.columns == ["number", "com"]
    assert settings.keys == {"person.export": "ctrl+e"}
