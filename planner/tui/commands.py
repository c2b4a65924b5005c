"""The keys of the current screen, for the help screen and the command palette."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import ActiveBinding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


def screen_bindings(screen: Screen[object]) -> list[ActiveBinding]:
    """The bindings active on `screen` (focused widget, screen, app), each action once."""
    seen: set[str] = set()
    found: list[ActiveBinding] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system or binding.action in seen:
            continue
        seen.add(binding.action)
        found.append(active)
    return found


class ScreenCommands(Provider):
    """Every action of the screen the palette was opened from, with its key."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        commands: list[tuple[str, str, Callable[[], object]]] = []
        for active in screen_bindings(self.screen):
            if not active.enabled:
                continue
            binding = active.binding
            title = f"{binding.description} ({app.get_key_display(binding)})"
            commands.append(
                (title, binding.tooltip, partial(app.run_action, binding.action, active.node))
            )
        return commands

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
