"""The keys of the caseload screen (every binding has an id, so a site can remap it)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

_WINDOWS = Binding.Group("Window")

CASELOAD_BINDINGS: list[BindingType] = [
    Binding(
        "slash",
        "search",
        "Search",
        tooltip="Type a name or prison number",
        id="caseload.search",
    ),
    Binding(
        "7",
        "window('7')",
        "7 days",
        tooltip="Due for release in the next 7 days",
        group=_WINDOWS,
        id="caseload.window_7",
    ),
    Binding(
        "2",
        "window('28')",
        "28 days",
        tooltip="Due for release in the next 28 days",
        group=_WINDOWS,
        id="caseload.window_28",
    ),
    Binding(
        "8",
        "window('84')",
        "84 days",
        tooltip="Due for release in the next 12 weeks",
        group=_WINDOWS,
        id="caseload.window_84",
    ),
    Binding(
        "a",
        "window('all')",
        "All",
        tooltip="Everyone, released and transferred too",
        group=_WINDOWS,
        id="caseload.window_all",
    ),
    Binding(
        "c",
        "toggle_critical",
        "Critical",
        tooltip="Only people with critical flags (again to undo)",
        id="caseload.critical",
    ),
    Binding(
        "o",
        "window('overdue')",
        "Release passed",
        tooltip="Release date passed but still active",
        show=False,
        id="caseload.overdue",
    ),
    Binding(
        "l",
        "location",
        "Location",
        tooltip="Only one wing or location",
        show=False,
        id="caseload.location",
    ),
    Binding(
        "s",
        "sort",
        "Sort",
        tooltip="Sort by a column (choose it again to reverse)",
        id="caseload.sort",
    ),
    Binding(
        "r",
        "reverse",
        "Reverse",
        show=False,
        tooltip="Reverse the sort order",
        id="caseload.reverse",
    ),
    Binding("n", "add_person", "Add", tooltip="Add a person", id="caseload.add"),
    Binding(
        "S",
        "staff",
        "Staff",
        show=False,
        tooltip="Caseloads by officer and the unassigned, with critical flags",
        id="caseload.staff",
    ),
    Binding(
        "x",
        "export",
        "Export",
        show=False,  # at 80 columns the footer has no room left: F1 and Ctrl+P list it
        tooltip="Handover summaries of the people due soon, one file each",
        id="caseload.export",
    ),
    Binding(
        "X",
        "export_csv",
        "Caseload CSV",
        show=False,
        tooltip="The caseload as a spreadsheet (CSV)",
        id="caseload.export_csv",
    ),
    Binding(
        "i",
        "import_csv",
        "Import",
        tooltip="Import people from a CSV file",
        show=False,
        id="caseload.import",
    ),
    Binding(
        "f5",
        "reload",
        "Reload",
        show=False,
        tooltip="Read the database again",
        id="caseload.reload",
    ),
    Binding(
        "escape",
        "clear",
        "Clear",
        show=False,
        tooltip="Clear the search and filters",
        id="caseload.clear",
    ),
    Binding("q", "app.quit", "Quit", show=False, tooltip="Leave planner", id="caseload.quit"),
]
