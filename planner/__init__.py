"""planner: offline pre-release resettlement planning."""

# Kept in step with pyproject.toml by a test; reading package metadata at import time
# cost every start about 30 ms.
__version__ = "0.1.0"
