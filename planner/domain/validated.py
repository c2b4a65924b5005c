"""Models whose rules hold for every change, and records read back as they were stored.

pydantic's ``model_copy(update=...)`` trusts the update: a copy could hold a value the
model refuses (a control character in the notes, a release date in the year 9999), be
written, and then fail to validate each time it is read back. Every model the store keeps
derives from `ValidatedModel`, so the model is the one place its rules are kept, whoever
makes the change.

A rule added to a model must not lock away a record saved before it existed: validated
with ``context=STORED_RECORD``, rules made with `for_new_values` take a stored value as
it is (the views show what they would refuse as codes). The rule applies again as soon as
the record is changed, so an officer fixes the value with the change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo

T = TypeVar("T")

STORED_RECORD: Final[dict[str, bool]] = {"stored_record": True}


def read_back(info: ValidationInfo) -> bool:
    """Whether this validation reads back a stored record (see STORED_RECORD)."""
    return isinstance(info.context, dict) and bool(info.context.get("stored_record"))


def for_new_values(rule: Callable[[T], T]) -> AfterValidator:
    """An annotation applying `rule` to every value but one read back from storage."""

    def validate(value: T, info: ValidationInfo) -> T:
        return value if read_back(info) else rule(value)

    return AfterValidator(validate)


class ValidatedModel(BaseModel):
    # Each model's validator is built when it is first used, not when its module is
    # imported: the UI paints its first screen before any record is read (the build then
    # happens in the worker that reads them), and a command builds only what it uses.
    model_config = ConfigDict(defer_build=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with `update` applied, validated; ValidationError names what is wrong.

        Unchanged parts that are models themselves are taken as they are (pydantic does
        not validate a model instance again), so the cost is that of the fields changed.
        """
        copied = super().model_copy(deep=deep)
        if not update:
            return copied
        return self.model_validate({**dict(copied), **update})
