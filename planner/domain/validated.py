"""A model whose changed copies are checked like new ones.

pydantic's ``model_copy(update=...)`` trusts the update: a copy could hold a value the
model refuses (a control character in the notes, a release date in the year 9999), be
written, and then fail to validate each time it is read back. Every model the store keeps
derives from this, so the model is the one place its rules are kept, whoever makes the
change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel


class ValidatedModel(BaseModel):
    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with `update` applied, validated; ValidationError names what is wrong.

        Unchanged parts that are models themselves are taken as they are (pydantic does
        not validate a model instance again), so the cost is that of the fields changed.
        """
        copied = super().model_copy(deep=deep)
        if not update:
            return copied
        return self.model_validate({**dict(copied), **update})
