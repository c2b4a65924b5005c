"""The keys of the caseload screen (every binding has an id, so a site can remap it).

The footer shows them in this order for as long as they fit (at 80 columns, the first
few); F1 lists every one. Saved views are picked with `v` and then their number, so the
number keys 7, 2 and 8 keep choosing the release windows. (A staff view, when there is
one, takes a key of its own here: `S` is left free for it.)
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

_WINDOWS = Binding.Group("Window")

CASELOAD_BINDINGS: list[BindingType] = [
    Binding(
        "slash",
        "search",
        "Search",
        tooltip="Find anyone by name or prison number, whatever the window or filter",
        id="caseload.search",
    ),
    Binding(
        "f",
        "filter",
        "Filter",
        tooltip="Filter by any item, evidence, flag or field, as planner list --where does",
        id="caseload.filter",
    ),
    Binding(
        "v",
        "views",
        "Views",
        tooltip="Saved views (then their number): no bank account, ID not received…",
        id="caseload.views",
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
        tooltip="Due for release in the next 12 weeks, and anyone else needing action now",
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
        "m",
        "scope('mine')",
        "Mine/all",
        tooltip="My caseload, or everyone's cases (again to switch back)",
        id="caseload.mine",
    ),
    Binding(
        "u",
        "scope('unassigned')",
        "Unassigned",
        tooltip="Cases no officer has yet (again for everyone's)",
        show=False,
        id="caseload.unassigned",
    ),
    Binding(
        "space",
        "mark",
        "Mark",
        tooltip="Mark or unmark the highlighted person (✔), to assign several at once",
        show=False,
        id="caseload.mark",
    ),
    Binding(
        "A",
        "assign",
        "Assign",
        tooltip="Assign the marked people (or the highlighted one) to an officer",
        show=False,  # the line above the table says so once someone is marked
        id="caseload.assign",
    ),
    Binding(
        "C",
        "columns",
        "Columns",
        tooltip="Choose the columns: any item's status, evidence, the COM, next due…",
        show=False,
        id="caseload.columns",
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
    Binding(
        "o",
        "window('release_passed')",
        "Release passed",
        tooltip="Release date passed but still active",
        show=False,
        id="caseload.release_passed",
    ),
    Binding(
        "l",
        "location",
        "Location",
        tooltip="Only one wing or location",
        show=False,
        id="caseload.location",
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
        "I",
        "insights",
        "Insights",
        tooltip="Readiness, outcomes and the release calendar by group, with charts",
        id="caseload.insights",
    ),
    Binding(
        "X",
        "export_csv",
        "Export CSV",
        show=False,
        tooltip="This view (its rows and columns) or the whole caseload, as CSV",
        id="caseload.export_csv",
    ),
    Binding(
        "x",
        "export",
        "Export",
        show=False,  # at 80 columns the footer has no room left: F1 and Ctrl+P list it
        tooltip="Handover summaries of the people shown, one file each",
        id="caseload.export",
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
        "T",
        "transfer_in",
        "Transfer in",
        show=False,
        tooltip="Receive a person's record from another prison (a transfer file)",
        id="caseload.transfer_in",
    ),
    Binding(
        "f5",
        "clear_filter",
        "Clear filter",
        show=False,
        tooltip="Clear the filter bar's filter (or saved view)",
        id="caseload.clear_filter",
    ),
    Binding(
        "ctrl+r",
        "reload",
        "Reload",
        show=False,
        tooltip="Read the database again (it is also read whenever it changes)",
        id="caseload.reload",
    ),
    Binding(
        "escape",
        "clear",
        "Clear",
        show=False,
        tooltip="Clear the search; again, the filter; again, the window and other choices",
        id="caseload.clear",
    ),
    Binding("q", "app.quit", "Quit", show=False, tooltip="Leave planner", id="caseload.quit"),
]
