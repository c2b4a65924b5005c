"""The headless domain: people, checklists, templates, gap rules, release-day calendar.

Nothing in this package imports Textual; it runs and is tested with no terminal.
"""
