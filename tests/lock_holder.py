"""A separate process that holds the lock a writer takes (an exclusive flock on the
journal) until told to let go: run ``python -c HOLDER JOURNAL``; it prints "held" once it
has the lock and releases it when a line arrives on its standard input."""

HOLDER = """
import sys
from pathlib import Path
from planner.store.locking import DatabaseLock
lock = DatabaseLock(Path(sys.argv[1]), timeout=10)
lock.acquire()
print("held", flush=True)
sys.stdin.readline()
lock.release()
"""
