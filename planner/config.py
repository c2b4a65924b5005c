"""Where planner keeps things, and the user's settings (officer name, theme, templates).

Paths are resolved when asked for, never at import time; environment variables override
them so tests and sites can point planner elsewhere:

* ``PLANNER_DB``: the database file (``--db`` overrides this in turn);
* ``PLANNER_CONFIG``: the config file;
* ``PLANNER_OFFICER``: who is acting (``--officer`` overrides this in turn);
* ``PLANNER_TEMPLATES``: extra template folders, separated by the OS path separator.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
import tomlkit
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from tomlkit.exceptions import TOMLKitError

from planner.inputs import MB, InputMissing, InputRefused, read_input
from planner.store.files import atomic_write

APP_NAME = "planner"
MAX_CONFIG_BYTES = MB  # a config file is a few lines


class ConfigError(Exception):
    pass


class Settings(BaseModel):
    """The contents of config.toml."""

    model_config = ConfigDict(extra="ignore")

    officer: str = ""
    theme: str = "textual-dark"
    database: str = ""
    template_dirs: list[str] = Field(default_factory=list)
    default_template: str = "england-wales"
    backups_keep: int = Field(default=14, ge=1, le=365)
    # The smallest number a report shows: any count below it is "fewer than N" (see
    # planner.domain.suppression). A site may raise it, never lower it below 3.
    report_threshold: int = Field(default=5, ge=3, le=100)
    encrypt: bool = False  # encrypt new databases (asks for a passphrase when creating one)
    # Remapped keys of the terminal UI: binding id to keys, e.g. "person.export" = "ctrl+e"
    # (several keys separated by commas). `planner` lists the ids on its help screen (F1).
    keys: dict[str, str] = Field(default_factory=dict)
    # The folders the UI's file pickers last used, to start there next time.
    last_import_folder: str = ""
    last_export_folder: str = ""
    # Saved views of the caseload, after the built-in ones: a name and a filter expression
    # (or a list of conditions that must all hold), e.g. "Mine, no GP" = "assigned = me and
    # health.gp != done". A view named like a built-in one replaces it.
    views: dict[str, str] = Field(default_factory=dict)
    # The caseload's columns, by the names `planner list --columns` takes; empty is the
    # default set.
    columns: list[str] = Field(default_factory=list)

    @field_validator("keys", mode="before")
    @classmethod
    def _flatten_keys(cls, value: Any) -> Any:
        """`person.export = "e"` unquoted in TOML is a table inside a table: flatten it."""
        if not isinstance(value, dict):
            return value
        flat: dict[str, Any] = {}
        for name, keys in value.items():
            if isinstance(keys, dict):
                for inner, inner_keys in cls._flatten_keys(keys).items():
                    flat[f"{name}.{inner}"] = inner_keys
            else:
                flat[str(name)] = keys
        return flat

    @field_validator("views", mode="before")
    @classmethod
    def _view_expressions(cls, value: Any) -> Any:
        """A view is an expression, or a list of conditions joined with "and"; a name
        with a dot written unquoted (a table inside a table) is put back together."""
        if not isinstance(value, dict):
            return value
        views: dict[str, Any] = {}
        for name, expression in value.items():
            if isinstance(expression, dict):
                for inner, inner_expression in cls._view_expressions(expression).items():
                    views[f"{name}.{inner}"] = inner_expression
            elif isinstance(expression, list) and all(isinstance(e, str) for e in expression):
                views[str(name)] = " and ".join(f"{e}" for e in expression if e.strip())
            else:
                views[str(name)] = expression
        return views


def config_path() -> Path:
    override = os.environ.get("PLANNER_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def default_database_path() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "planner.db"


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    try:
        text = read_input(path, limit=MAX_CONFIG_BYTES, what="a config file").decode("utf-8-sig")
        raw: dict[str, Any] = tomllib.loads(text)
    except InputMissing:
        return Settings()
    except InputRefused as exc:
        raise ConfigError(f"config file {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path}: is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"config file {path}: {where}: {first['msg']}") from None


def save_setting(key: str, value: str | list[str], path: Path | None = None) -> Path:
    """Write one top-level setting (a string, or a list of them) into the config file and
    change nothing else in it: the officer's comments, the layout and every other key
    stay as they were."""
    path = path or config_path()
    try:
        text = read_input(path, limit=MAX_CONFIG_BYTES, what="a config file").decode("utf-8-sig")
    except InputMissing:
        text = ""
    except InputRefused as exc:
        raise ConfigError(f"config file {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path}: is not UTF-8 text; save it as UTF-8") from None
    try:
        document = tomlkit.parse(text)
        document[key] = value
        data = tomlkit.dumps(document).encode()
    except TOMLKitError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, [data])
    return path


def resolve_database(cli_value: str | None, settings: Settings) -> Path:
    for candidate in (cli_value, os.environ.get("PLANNER_DB"), settings.database):
        if candidate:
            return Path(candidate).expanduser()
    return default_database_path()


def resolve_officer(cli_value: str | None, settings: Settings) -> str:
    for candidate in (cli_value, os.environ.get("PLANNER_OFFICER"), settings.officer):
        if candidate and candidate.strip():
            return candidate.strip()
    return ""


def template_dirs(settings: Settings) -> list[Path]:
    dirs = [Path(d).expanduser() for d in settings.template_dirs]
    env = os.environ.get("PLANNER_TEMPLATES")
    if env:
        dirs = [Path(d).expanduser() for d in env.split(os.pathsep) if d] + dirs
    return dirs
