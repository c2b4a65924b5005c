"""Local storage: a crash-safe TinyDB store with a journal, audit log and file lock.

Nothing in this package imports Textual.
"""
