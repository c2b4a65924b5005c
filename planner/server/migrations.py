"""The server's schema, created and upgraded by planner itself.

Each migration is numbered and applied once, in order, in one transaction with its row
in ``schema_version``; a server whose schema is newer than this planner knows is refused
(as the file store refuses a newer file). Applying them needs an administrator's role
(``planner server init``); an officer's planner only checks the version.

The roles (cluster-wide, so made only if missing):

* ``planner_officer``: the application's role. Officers log in as roles that are members
  of it; row-level security lets each see and change only the cases of the prisons
  ``prison_members`` lists for them, which they cannot change themselves.
* ``planner_regional``: reads every prison's cases (and may note report runs, and the
  exports they make in each person's history).
* ``planner_admin``: every case; runs migrations and retention purges.

The audit table is append-only for all of them: the grants give INSERT and SELECT only,
and a trigger refuses UPDATE, DELETE and TRUNCATE as a second wall (a retention purge by
an administrator is the one delete it lets through).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.errors

from planner.store.errors import NewerSchema, StoreError

OFFICER_ROLE = "planner_officer"
REGIONAL_ROLE = "planner_regional"
ADMIN_ROLE = "planner_admin"
PURGE_SETTING = "planner.purging"


class SchemaBehind(StoreError):
    """The server's schema is older than this planner's and this role cannot upgrade it."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


_ROLES = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OFFICER_ROLE}') THEN
        CREATE ROLE {OFFICER_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{REGIONAL_ROLE}') THEN
        CREATE ROLE {REGIONAL_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ADMIN_ROLE}') THEN
        CREATE ROLE {ADMIN_ROLE} NOLOGIN;
    END IF;
END
$$;
"""

_MINE = "prison IN (SELECT m.prison FROM planner.prison_members m WHERE m.role_name = current_user)"

_SCHEMA = f"""
CREATE TABLE planner.meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO planner.meta VALUES ('db_id', md5(random()::text || clock_timestamp()::text));

CREATE TABLE planner.prison_members (
    role_name name NOT NULL,
    prison text NOT NULL,
    PRIMARY KEY (role_name, prison)
);

CREATE TABLE planner.change_counter (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    value bigint NOT NULL
);
INSERT INTO planner.change_counter VALUES (true, 0);

CREATE TABLE planner.cases (
    number text PRIMARY KEY,
    prison text NOT NULL,
    record jsonb NOT NULL,
    rev integer NOT NULL,
    surname text NOT NULL,
    forename text NOT NULL,
    location text NOT NULL,
    release_date date,
    release_kind text NOT NULL,
    state text NOT NULL,
    assigned_to text NOT NULL,
    template_key text NOT NULL,
    engine integer NOT NULL,
    applicable integer NOT NULL,
    resolved integer NOT NULL,
    quiet_rules integer,
    quiet integer,
    assessment text NOT NULL,
    changed bigint NOT NULL
);
CREATE INDEX cases_changed ON planner.cases (changed);
CREATE INDEX cases_prison ON planner.cases (prison);

CREATE TABLE planner.templates (
    key text PRIMARY KEY,
    document jsonb NOT NULL,
    fingerprint text NOT NULL
);

CREATE TABLE planner.audit (
    id bigserial PRIMARY KEY,
    seq bigint NOT NULL,
    at timestamptz NOT NULL,
    by text NOT NULL,
    db_role name NOT NULL DEFAULT current_user,
    prison text,
    case_number text,
    item text,
    field text NOT NULL,
    old jsonb,
    new jsonb
);
CREATE INDEX audit_case ON planner.audit (case_number);

CREATE FUNCTION planner.audit_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('{PURGE_SETTING}', true) = 'on'
       AND pg_has_role(current_user, '{ADMIN_ROLE}', 'MEMBER') THEN
        RETURN OLD;  -- a retention purge by an administrator
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON planner.audit
    FOR EACH ROW EXECUTE FUNCTION planner.audit_is_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON planner.audit
    FOR EACH STATEMENT EXECUTE FUNCTION planner.audit_is_append_only();

ALTER TABLE planner.cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE planner.cases FORCE ROW LEVEL SECURITY;
CREATE POLICY officer_cases ON planner.cases TO {OFFICER_ROLE}
    USING ({_MINE}) WITH CHECK ({_MINE});
CREATE POLICY regional_cases ON planner.cases FOR SELECT TO {REGIONAL_ROLE} USING (true);
CREATE POLICY admin_cases ON planner.cases TO {ADMIN_ROLE} USING (true) WITH CHECK (true);

ALTER TABLE planner.audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE planner.audit FORCE ROW LEVEL SECURITY;
CREATE POLICY officer_audit_read ON planner.audit FOR SELECT TO {OFFICER_ROLE}
    USING (prison IS NULL OR {_MINE});
CREATE POLICY officer_audit_add ON planner.audit FOR INSERT TO {OFFICER_ROLE}
    WITH CHECK ((prison IS NULL OR {_MINE}) AND db_role = current_user);
CREATE POLICY regional_audit_read ON planner.audit FOR SELECT TO {REGIONAL_ROLE} USING (true);
CREATE POLICY regional_audit_add ON planner.audit FOR INSERT TO {REGIONAL_ROLE}
    WITH CHECK (prison IS NULL AND db_role = current_user);
CREATE POLICY admin_audit ON planner.audit TO {ADMIN_ROLE} USING (true) WITH CHECK (true);

GRANT USAGE ON SCHEMA planner TO {OFFICER_ROLE}, {REGIONAL_ROLE}, {ADMIN_ROLE};
GRANT SELECT ON planner.meta, planner.prison_members, planner.change_counter,
    planner.templates, planner.cases, planner.audit
    TO {OFFICER_ROLE}, {REGIONAL_ROLE}, {ADMIN_ROLE};
GRANT INSERT, UPDATE, DELETE ON planner.cases TO {OFFICER_ROLE}, {ADMIN_ROLE};
GRANT UPDATE ON planner.change_counter TO {OFFICER_ROLE}, {REGIONAL_ROLE}, {ADMIN_ROLE};
GRANT INSERT ON planner.templates TO {OFFICER_ROLE}, {ADMIN_ROLE};
GRANT INSERT ON planner.audit TO {OFFICER_ROLE}, {REGIONAL_ROLE}, {ADMIN_ROLE};
GRANT DELETE ON planner.audit TO {ADMIN_ROLE};
GRANT USAGE ON SEQUENCE planner.audit_id_seq TO {OFFICER_ROLE}, {REGIONAL_ROLE}, {ADMIN_ROLE};
GRANT INSERT, DELETE ON planner.prison_members TO {ADMIN_ROLE};
"""

# An audit entry copied from a database file keeps its change number there (the entries
# of a batch of cases are all written by one change of the server).
_COPIED_CHANGE = "ALTER TABLE planner.audit ADD COLUMN copied_change bigint;"

# A regional manager who exports a person's summary notes it in the person's history:
# an export note (planner.domain.history.EXPORTED_FIELD, written out here: a migration's
# SQL never changes once applied) on an existing case, carrying that case's prison (so
# only that prison's officers, and regional managers, read it), as their own role. Other
# entries they add stay about the database as a whole (prison NULL: a report run).
_REGIONAL_EXPORT_NOTES = f"""
DROP POLICY regional_audit_add ON planner.audit;
CREATE POLICY regional_audit_add ON planner.audit FOR INSERT TO {REGIONAL_ROLE}
    WITH CHECK (
        db_role = current_user
        AND (
            prison IS NULL
            OR (
                field = 'export.written' AND item IS NULL AND coalesce(old, 'null') = 'null'
                AND prison = (SELECT c.prison FROM planner.cases c WHERE c.number = case_number)
            )
        )
    );
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "cases, templates, the audit log, prisons and their roles", _ROLES + _SCHEMA),
    Migration(2, "the change number an audit entry copied from a file had there", _COPIED_CHANGE),
    Migration(3, "regional managers note the exports they make", _REGIONAL_EXPORT_NOTES),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def _schema_version(conn: psycopg.Connection[Any]) -> int | None:
    """The schema version on the server; None when planner's schema is not there."""
    row = conn.execute("SELECT to_regclass('planner.schema_version') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return None
    found = conn.execute("SELECT max(version) FROM planner.schema_version").fetchone()
    return int(found[0]) if found is not None and found[0] is not None else 0


def apply_migrations(conn: psycopg.Connection[Any]) -> list[int]:
    """Bring the schema up to this planner's version; returns the versions applied.

    NewerSchema when the server's is newer; a role without the right to create tables or
    roles raises psycopg's InsufficientPrivilege, which the caller reports."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('planner.migrations'))")
        version = _schema_version(conn)
        _refuse_newer(version)
        conn.execute("CREATE SCHEMA IF NOT EXISTS planner")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS planner.schema_version (version integer PRIMARY KEY,"
            " description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied: list[int] = []
        for migration in MIGRATIONS:
            if version is not None and migration.version <= version:
                continue
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO planner.schema_version (version, description) VALUES (%s, %s)",
                (migration.version, migration.description),
            )
            applied.append(migration.version)
        conn.execute(
            f"GRANT SELECT ON planner.schema_version TO {OFFICER_ROLE}, {REGIONAL_ROLE}, "
            f"{ADMIN_ROLE}"
        )
    return applied


def check_schema(conn: psycopg.Connection[Any]) -> None:
    """Refuse a server whose schema this planner cannot use: newer (NewerSchema), or
    older / missing when this role may not upgrade it (SchemaBehind)."""
    version = _schema_version(conn)
    _refuse_newer(version)
    if version == SCHEMA_VERSION:
        return
    try:
        apply_migrations(conn)
    except psycopg.errors.InsufficientPrivilege:
        have = "no planner schema" if version is None else f"planner's schema version {version}"
        raise SchemaBehind(
            f"the server database holds {have}, and this planner needs version "
            f"{SCHEMA_VERSION}: an administrator must run 'planner server init'"
        ) from None


def _refuse_newer(version: int | None) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise NewerSchema(
            f"the server database's schema is version {version}, newer than this planner "
            f"knows ({SCHEMA_VERSION}): upgrade planner to use it"
        )
