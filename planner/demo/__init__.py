"""The sample caseload: invented people at every stage before release, for training,
trying planner out and benchmarks. It writes through the ordinary store API, above the
store and below the interfaces; nothing here is ever mixed into real records."""

from planner.demo.caseload import DEMO_PRISON, MAX_COUNT, DemoCase, DemoItem, build_demo_caseload
from planner.demo.database import (
    DEMO_OFFICER,
    DemoCheck,
    DemoRefused,
    check_database,
    is_demo_database,
    write_demo,
)

__all__ = [
    "DEMO_OFFICER",
    "DEMO_PRISON",
    "MAX_COUNT",
    "DemoCase",
    "DemoCheck",
    "DemoItem",
    "DemoRefused",
    "build_demo_caseload",
    "check_database",
    "is_demo_database",
    "write_demo",
]
