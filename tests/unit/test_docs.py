"""The README and the domain reference a clone of the repository holds."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_the_readme_points_at_is_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../" not in readme  # nothing outside the clone
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    assert "docs/domain.md" in links
    for link in links:
        if "://" not in link:
            assert (ROOT / link).is_file(), link


def test_the_domain_reference_names_a_source_for_each_item() -> None:
    text = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    for source in (
        "National Audit Office",
        "HM Inspectorate of Probation",
        "Offenders (Day of Release from Detention) Act 2023",
        "Homelessness Reduction Act 2017",
        "GOV.UK",
    ):
        assert source in text, source
    table = text.split("## The checklist, item by item", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 22  # the header and one row for each item of the default template
    for row in rows[1:]:
        assert row.rstrip(" |").rsplit("|", 1)[1].strip(), row  # a source in the last column
