"""What every command needs: settings, the database path, who is acting, and today."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click

from planner.config import Settings, resolve_database, resolve_officer, template_dirs
from planner.domain.template_loading import TemplateLibrary
from planner.store.codec import Codec
from planner.store.repository import CaseStore


@dataclass
class Env:
    settings: Settings
    db_path: Path
    officer: str
    today: date
    db_from_user: bool = False
    codec_factory: object = None
    _library: TemplateLibrary | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls, settings: Settings, db: str | None, officer: str | None, today: date | None
    ) -> Env:
        return cls(
            settings=settings,
            db_path=resolve_database(db, settings),
            officer=resolve_officer(officer, settings),
            today=today or date.today(),
            db_from_user=db is not None,
        )

    @property
    def templates(self) -> TemplateLibrary:
        if self._library is None:
            self._library = TemplateLibrary(template_dirs(self.settings))
        return self._library

    def codec(self, *, creating: bool) -> Codec | None:
        """The codec to open the database with (encryption plugs in here)."""
        return None

    def open_store(self, *, create: bool = True) -> CaseStore:
        if not create and not self.db_path.exists():
            raise click.ClickException(
                f"no database at {self.db_path}: add people with 'planner add', "
                "'planner import' or 'planner demo' first"
            )
        creating = not self.db_path.exists()
        return CaseStore(
            self.db_path,
            officer=self.officer or "unknown officer",
            codec=self.codec(creating=creating),
        )


pass_env = click.make_pass_decorator(Env)
