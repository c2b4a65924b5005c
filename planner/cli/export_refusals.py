"""How the command line words an export it refused."""

from __future__ import annotations

from planner.export.files import InvalidExport, OutputExists


def refusal(exc: InvalidExport) -> str:
    """The one line for a refused export, with the command line's way past it."""
    if isinstance(exc, OutputExists):
        return f"{exc}; use --force to replace {'it' if exc.existing == 1 else 'them'}"
    return str(exc)
