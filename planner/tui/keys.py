"""Remapped keys: the config file's `[keys]` table, checked against every binding's id.

Every binding in planner has an id ("screen.action", e.g. "person.export"); a site or an
officer can give it other keys in the config file:

    [keys]
    "person.export" = "ctrl+e"
    "caseload.search" = "slash,ctrl+f"

An id no binding has is reported (a typo would otherwise silently do nothing), and so is
an action left with no key because a remapped one took all of its keys on its screen; the
rest still apply.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

from textual.binding import Binding
from textual.dom import DOMNode


def binding_owners() -> list[type[DOMNode]]:
    """Every class of planner's UI that declares keys of its own: found by importing
    every module of planner.tui, so a new screen's keys can be remapped without being
    listed anywhere."""
    import planner.tui

    for module in pkgutil.walk_packages(planner.tui.__path__, "planner.tui."):
        importlib.import_module(module.name)
    owners: list[type[DOMNode]] = []
    seen: set[type[DOMNode]] = set()
    waiting: list[type[DOMNode]] = [DOMNode]
    while waiting:
        for owner in waiting.pop().__subclasses__():
            if owner in seen:
                continue
            seen.add(owner)
            waiting.append(owner)
            if owner.__module__.startswith("planner.tui.") and "BINDINGS" in vars(owner):
                owners.append(owner)
    return sorted(owners, key=lambda owner: (owner.__module__, owner.__qualname__))


def known_binding_ids() -> set[str]:
    return {
        binding.id
        for owner in binding_owners()
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }


# Ids renamed since a release; an officer's config file may still use the old one.
RENAMED_IDS = {"caseload.overdue": "caseload.release_passed"}


def checked_keymap(keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The usable part of a `[keys]` table, and a line for each problem with it."""
    known = known_binding_ids()
    usable: dict[str, str] = {}
    problems: list[str] = []
    for given_id, key_list in keys.items():
        binding_id = RENAMED_IDS.get(given_id, given_id)
        if binding_id != given_id:
            problems.append(f"{given_id!r} is now called {binding_id!r}: used as that")
        wanted = ",".join(k.strip() for k in key_list.split(",") if k.strip())
        if binding_id not in known:
            problems.append(f"no key has the id {binding_id!r}")
        elif not wanted:
            problems.append(f"{binding_id!r} is given no key")
        else:
            usable[binding_id] = wanted
    return usable, problems + keyless(usable)


def keyless(keymap: Mapping[str, str]) -> list[str]:
    """Actions whose every key a remapped action of the same screen has taken."""
    problems: list[str] = []
    for owner in binding_owners():
        bindings = {b.id: b for b in owner.BINDINGS if isinstance(b, Binding) and b.id is not None}
        taken = {
            key: binding_id
            for binding_id in bindings
            if binding_id in keymap
            for key in _keys(keymap[binding_id])
        }
        for binding_id, binding in bindings.items():
            own = _keys(binding.key)
            if binding_id in keymap or not own or any(k not in taken for k in own):
                continue
            problems.append(
                f"{taken[own[0]]!r} took {own[0]}, so {binding_id!r} ({binding.description}) "
                "has no key: give it one"
            )
    return problems


def _keys(key_list: str) -> list[str]:
    """The keys of a list in Textual's long form ("question_mark", not "?"), as a keymap
    compares them."""
    keys = [k.strip() for k in key_list.split(",") if k.strip()]
    return [b.key for b in Binding.make_bindings([Binding(",".join(keys), "keys")])] if keys else []
