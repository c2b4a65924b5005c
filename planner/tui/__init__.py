"""The terminal UI: caseload, person, guided walk-through and gap panel, keyboard first.

Build the app with :func:`planner.tui.app.make_app`; nothing happens at import time.
"""
