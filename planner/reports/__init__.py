"""Readiness, outcome and release-calendar reports: figures by group that single nobody out.

Each report is built from a :class:`~planner.store.repository.CaseRepository` and a day as
plain data (no formatting): :mod:`planner.reports.readiness`, :mod:`.outcomes` and
:mod:`.calendar`. Every published count goes through the suppression rules of
:mod:`planner.domain.suppression`; a report never holds a name or a prison number.
Formats (:mod:`.text_rows`, :mod:`.csv_file`, :mod:`.json_shape`, :mod:`.pdf`) only lay
out what a report already decided may be shown. Every run is noted in the audit log
without its figures (:mod:`.audit`).
"""
