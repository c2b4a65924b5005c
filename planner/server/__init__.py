"""Team mode: the store on a PostgreSQL server (see :mod:`planner.server.store`)."""
