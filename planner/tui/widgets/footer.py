"""The footer, fitted to the terminal: at 80 columns the screen's keys are shown whole.

Textual's footer cuts off whatever does not fit ("f1 Key▏", "Step es"). Below `WIDE`
columns this one is compact (less space around each key), leaves out the command
palette's key and Escape's (Escape always goes back, and every dialog says so), shows
the screen's keys in the order the screen lists them (most important first) for as long
as they fit whole, and always ends with F1, which lists every key of the screen. What
does not fit is left out whole, never cut mid-word: it is on the F1 screen and in the
command palette (Ctrl+P).

The footer is rebuilt only when what it shows changes. Textual's rebuilds it each time the
screen's keys are refreshed (every move of the focus, every save), and every rebuild mounts
a dozen widgets, lays out the whole screen again and paints it: most of what a key press
costs on a large screen, for a footer that looks the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator
from itertools import groupby

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

WIDE = 100
HELP_ACTION = "help"  # the app's F1: always shown
LEFT_OUT_WHEN_NARROW = frozenset({"back", "app.back", "dismiss"})


class PlannerFooter(Footer):
    _composed: Hashable = None  # what the footer showed when it was last built

    async def recompose(self) -> None:
        if self._what_it_shows() == self._composed:
            return
        await super().recompose()

    def _what_it_shows(self) -> Hashable:
        """Everything compose reads: the same value twice means the same footer."""
        if not self.is_attached or not self._bindings_ready:
            return None
        keys = tuple(
            (
                binding.key,
                self.app.get_key_display(binding),
                binding.action,
                binding.description,
                binding.show,
                binding.group,
                enabled,
                tooltip,
            )
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
        )
        room = (self.size.width or self.app.size.width) if self.compact else 0
        return (keys, self.compact, self.show_command_palette, room)

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < WIDE
        if self.compact != narrow or self.show_command_palette == narrow:
            self.compact = narrow
            self.show_command_palette = not narrow
            if self._bindings_ready:
                self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        self._composed = self._what_it_shows()
        for widget in self._keys():
            if isinstance(widget, FooterKey):
                _start_styled(widget, self.compact)
            yield widget

    def _keys(self) -> Iterator[Widget]:
        if not self.compact:
            yield from super().compose()
            return
        if not self._bindings_ready:
            return
        shown: dict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        help_key: tuple[Binding, bool, str] | None = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in LEFT_OUT_WHEN_NARROW:
                continue
            if binding.action == HELP_ACTION:
                help_key = help_key or (binding, enabled, tooltip)  # F1, the first of its keys
                continue
            shown[binding.action].append((binding, enabled, tooltip))
        room = self.size.width or self.app.size.width
        if help_key is not None:
            room -= self._width(help_key[0])
        for group, runs in groupby(shown.values(), lambda run: run[0][0].group):
            keys = [run[0] for run in runs]
            if group is not None and len(keys) > 1:
                width = sum(len(self.app.get_key_display(b)) + 1 for b, _, _ in keys)
                width += len(group.description) + 2
                if width > room:
                    break
                room -= width
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for binding, enabled, tooltip in keys:
                        yield self._key(binding, enabled, tooltip or binding.description, "")
                yield FooterLabel(group.description)
                continue
            stop = False
            for binding, enabled, tooltip in keys:
                width = self._width(binding)
                if width > room:
                    stop = True
                    break
                room -= width
                yield self._key(binding, enabled, tooltip, binding.description)
            if stop:
                break
        if help_key is not None:
            binding, enabled, tooltip = help_key
            yield self._key(binding, enabled, tooltip, binding.description)

    def _width(self, binding: Binding) -> int:
        """Columns a compact key takes: 'f1 Keys' and a space."""
        return len(self.app.get_key_display(binding)) + len(binding.description) + 2

    def _key(self, binding: Binding, enabled: bool, tooltip: str, description: str) -> FooterKey:
        key = FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
            classes="" if description else "-grouped",
        )
        return key.data_bind(compact=Footer.compact)


def _start_styled(key: FooterKey, compact: bool) -> None:
    """Mount `key` with the style it ends up with. A FooterKey starts compact and is
    restyled when it mounts and again when bound to the footer's (not compact) value: two
    restyles per key per rebuild, for nothing. Textual's command palette key, never bound,
    stays compact."""
    compact = compact or key.has_class("-command-palette")
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)
