"""Handover summaries for probation (PDF, Markdown, JSON, case-note text) and caseload CSV.

Headless: nothing here imports Textual. The UI and the CLI call `planner.export.service`
(`export_case`, `export_batch`, `export_caseload`); the summary itself is
`planner.export.summary.HandoverSummary`, built by `build_summary`.
"""
