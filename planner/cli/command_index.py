"""Every `planner` command: where it lives and its line in `planner --help`.

Kept beside the commands' own help by tests/unit/test_cli_lazy.py: change a command's
first help sentence and that test names the line to change here.
"""

from __future__ import annotations

from planner.cli.lazy_group import LazyCommand

_CASES = "planner.cli.cases"
_DATA = "planner.cli.data"
_VIEWS = "planner.cli.views"
_ASSIGNMENT = "planner.cli.assignment"
_VOCABULARY = "planner.cli.vocabulary"

COMMANDS: dict[str, LazyCommand] = {
    "add": LazyCommand(_CASES, "add", "Add a person and open their checklist."),
    "assign": LazyCommand(
        _ASSIGNMENT, "assign", "Put people in an officer's caseload (every assignment is audited)."
    ),
    "backup": LazyCommand(_DATA, "backup", "Take a verified backup now, or list backups (--list)."),
    "demo": LazyCommand(
        "planner.cli.demo", "demo_command", "Write a sample caseload to try planner out."
    ),
    "doctor": LazyCommand(
        "planner.cli.doctor",
        "doctor",
        "Check the database, its journal, its audit log and its backups, and say what to do.",
    ),
    "export": LazyCommand(
        "planner.cli.export",
        "export",
        "Write handover summaries for probation: who, when, where, what is booked for release "
        "day, every checklist section with its evidence, and what is still open, most urgent "
        "first.",
    ),
    "fields": LazyCommand(
        _VOCABULARY, "fields", "List each item's evidence fields: names, types and choices."
    ),
    "follow-up": LazyCommand(
        "planner.cli.outcomes",
        "follow_up",
        "Record follow-ups after release (in work six weeks on, say), each as MEASURE=ANSWER.",
    ),
    "gaps": LazyCommand(_VIEWS, "gaps", "Every gap across the caseload, most urgent first."),
    "history": LazyCommand(
        _VIEWS,
        "history",
        "The audit trail of a person, newest change first: who changed what, when, from what, "
        "to what (as the UI's history screen lists it).",
    ),
    "import": LazyCommand(
        "planner.cli.importing", "import_command", "Import a releases-due list (CSV)."
    ),
    "init": LazyCommand(
        _DATA, "init", "Create a new, empty database at --db (or the default place)."
    ),
    "list": LazyCommand(
        _VIEWS, "list_", "List people by release date, with readiness and gap counts."
    ),
    "migrate": LazyCommand(
        "planner.cli.migrate",
        "migrate",
        "Copy the database file (--db) to a server (--to postgresql://...), or a server's "
        "cases (--from postgresql://...) to a new file (--to FILE).",
    ),
    "passphrase": LazyCommand(
        _DATA,
        "passphrase",
        "Change the passphrase of an encrypted database, or encrypt a plain one.",
    ),
    "purge": LazyCommand(
        _DATA, "purge", "Remove people who have left, under your retention rule, for good."
    ),
    "server": LazyCommand(
        "planner.cli.server",
        "server",
        "Set up a PostgreSQL server database for a team (run by its administrator).",
    ),
    "release": LazyCommand(
        "planner.cli.outcomes",
        "release",
        "Record what happened on release day, and mark the person released.",
    ),
    "report": LazyCommand(
        "planner.cli.report",
        "report",
        "Readiness, outcomes and the release calendar, by group, with small numbers hidden.",
    ),
    "restore": LazyCommand(_DATA, "restore_command", "Put a backup in place of the database."),
    "set": LazyCommand(_CASES, "set_", "Record an item's status and evidence."),
    "show": LazyCommand(_VIEWS, "show", "Show a person, every checklist item and every flag."),
    "staff": LazyCommand(
        _ASSIGNMENT, "staff", "Each officer's caseload, and the unassigned, to balance work."
    ),
    "templates": LazyCommand(
        "planner.cli.templates", "templates", "List the checklist templates this site can use."
    ),
    "transfer": LazyCommand(
        "planner.cli.transfer",
        "transfer",
        "Move a person's record to another prison, or receive one, in an encrypted file.",
    ),
    "unassign": LazyCommand(
        _ASSIGNMENT, "unassign", "Take people out of whichever caseload they are in (audited)."
    ),
    "update": LazyCommand(
        _CASES,
        "update",
        "Change a person's details, contacts, circumstances or state (every change is audited).",
    ),
    "views": LazyCommand(
        _VOCABULARY,
        "views",
        "List the saved views: the built-in ones, then the config file's [views].",
    ),
}
