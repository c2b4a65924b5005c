"""Moving a person's record to another prison: the sealed transfer file, reading it back,
and receiving it (see :mod:`planner.transfer.service`)."""
