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

from collections.abc import Mapping

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


def binding_owners() -> list[type[DOMNode]]:
    """Every class of planner's UI that declares keys."""
    from planner.tui.app import PlannerApp
    from planner.tui.screens.caseload import CaseloadScreen
    from planner.tui.screens.conflict import ConflictScreen
    from planner.tui.screens.export_dialog import ExportDialog
    from planner.tui.screens.help import HelpScreen
    from planner.tui.screens.history import HistoryScreen
    from planner.tui.screens.import_csv import ImportScreen
    from planner.tui.screens.item_editor import ItemEditor
    from planner.tui.screens.person import PersonScreen
    from planner.tui.screens.person_form import PersonFormScreen
    from planner.tui.screens.prompts import ConfirmScreen, OfficerPrompt, PickerScreen, TextPrompt
    from planner.tui.screens.staff import StaffScreen
    from planner.tui.screens.walkthrough import WalkThroughScreen
    from planner.tui.widgets.case_table import CaseTable

    return [
        PlannerApp,
        CaseloadScreen,
        PersonScreen,
        WalkThroughScreen,
        HistoryScreen,
        StaffScreen,
        ItemEditor,
        ConflictScreen,
        PersonFormScreen,
        ImportScreen,
        ExportDialog,
        HelpScreen,
        PickerScreen,
        TextPrompt,
        ConfirmScreen,
        OfficerPrompt,
        CaseTable,
    ]


def known_binding_ids() -> set[str]:
    return {
        binding.id
        for owner in binding_owners()
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }


def checked_keymap(keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The usable part of a `[keys]` table, and a line for each problem with it."""
    known = known_binding_ids()
    usable: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, key_list in keys.items():
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
    """Keys in Textual's long form ('question_mark', not '?'), as a keymap compares them."""
    normal = App._normalize_keymap({"keys": key_list})["keys"]
    return [k.strip() for k in normal.split(",") if k.strip()]
