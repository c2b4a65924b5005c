"""A sentence length typed as the court gave it ("2y6m", "18m", "14d"), read back as years,
months and days; what is not a length is shown beside the field when the officer leaves it."""

from __future__ import annotations

from textual import on
from textual.widgets import Input

from planner.domain.errors import InvalidInput
from planner.domain.sentence import SentenceLength, parse_sentence
from planner.tui.widgets.evidence import TextField


class SentenceField(TextField):
    def __init__(self, name: str, label: str, value: SentenceLength | None = None) -> None:
        super().__init__(
            name,
            label,
            value.short if value else "",
            placeholder="e.g. 2y6m, 18m, 14d",
            max_length=40,
            hint="Years, months and days as sentenced: 2y6m, 1y 3m 10d, 18m, 14d",
        )

    def read(self) -> SentenceLength | None:  # type: ignore[override]
        text = self.text
        if not text:
            self.show_error("")
            return None
        try:
            length = parse_sentence(text, self.label)
        except InvalidInput as exc:
            self.show_error(str(exc))
            raise
        self.show_error("")
        return length

    @on(Input.Blurred)
    def _check_on_leaving(self) -> None:
        self.check()
