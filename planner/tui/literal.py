"""Stored text on screen: shown as it is, never read as markup or terminal control.

Textual reads a plain string given to a Static, a Label, a border title, a notification or
a DataTable cell as content markup (a name of `[/]` raised MarkupError; `[link=...]` made
a live link), and Rich reads one in a Table cell. So whatever holds text someone typed
(a name, a reason, a path, a template title) reaches a widget through these: `literal`
where a widget takes content, `literal_text` where Rich draws it (tables, option
prompts). Both show what must not reach a terminal (ESC, bidi overrides) as its code.
Notifications go through `toast`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.widget import Widget

from planner.domain.text import visible


def literal(value: object, *, multiline: bool = False) -> Content:
    """Content showing `value` exactly (newlines and tabs kept when `multiline`)."""
    return Content(visible(str(value), multiline=multiline))


def literal_text(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """Rich Text showing `value` exactly, in `style`."""
    return Text(visible(str(value), multiline=multiline), style)


def toast(
    widget: Widget | App[Any],
    message: str,
    *,
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """A notification showing `message` as it is (names, paths and errors go into them)."""
    widget.notify(visible(message), severity=severity, timeout=timeout, markup=False)
