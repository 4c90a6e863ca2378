"""The PostgreSQL role the application runs under in production (DESIGN.md section 3).

Whoever owns a table can disable or drop its triggers, and a superuser can also skip them with
``SET session_replication_role = replica``; the append-only triggers of the audit trail only hold against a
role that is neither. So in production two roles use the database:

- the owner (it owns the tables): runs ``flask db upgrade``, ``flask db grant-app-role`` and ``flask
  restore``, and nothing else;
- the application role (``DATABASE_URL`` of the web workers and of every other ``flask`` command): no
  superuser, no CREATEROLE, no BYPASSRLS, not a member of the owner; SELECT, INSERT, UPDATE and DELETE on
  the business tables, only SELECT and INSERT on ``audit_event``, only SELECT on ``alembic_version``, and
  USAGE on the sequences. Not TRUNCATE, not TRIGGER, nothing to create.

``grant_statements`` is the SQL; ``grant_app_role`` checks the role and runs it (idempotent: every privilege
of the role on the tables is revoked first, so it also takes back what was granted by hand). Run it after
every ``flask db upgrade``, so that new tables are granted too.
"""
from __future__ import annotations

import re

from sqlalchemy import inspect, text

APPEND_ONLY = ("audit_event",)  # SELECT and INSERT only
READ_ONLY = ("alembic_version",)  # SELECT only
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class RoleError(ValueError):
    """The role cannot be used as the application role; the message says why and what to do."""


def _quoted(conn, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def grant_statements(conn, role: str) -> list[str]:
    """The SQL that gives ``role`` exactly the application's privileges on the tables that exist now."""
    if not _ROLE_NAME.fullmatch(role):
        raise RoleError(f"{role!r} is not a plain role name (lower-case letters, digits and _)")
    r = _quoted(conn, role)
    tables = sorted(inspect(conn).get_table_names(schema="public"))
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
    ]
    for table in tables:
        privileges = ("SELECT, INSERT" if table in APPEND_ONLY else "SELECT" if table in READ_ONLY
                      else "SELECT, INSERT, UPDATE, DELETE")
        statements.append(f"GRANT {privileges} ON TABLE public.{_quoted(conn, table)} TO {r}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}")
    return statements


def role_problems(conn, role: str) -> list[str]:
    """Why ``role`` could still rewrite the audit trail (or cannot be found); empty when it is fit."""
    found = conn.execute(text(
        "SELECT rolsuper, rolcreaterole, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = :role"),
        {"role": role}).first()
    if found is None:
        return [f"role {role} does not exist: create it first, e.g. CREATE ROLE {role} LOGIN PASSWORD '...'"]
    problems = []
    if found.rolsuper:
        problems.append(f"{role} is a superuser: it can disable triggers and skip them "
                        "(session_replication_role); use a plain role")
    if found.rolcreaterole:
        problems.append(f"{role} has CREATEROLE: it could make itself a member of the owner; ALTER ROLE {role} "
                        "NOCREATEROLE")
    if found.rolbypassrls:
        problems.append(f"{role} has BYPASSRLS; ALTER ROLE {role} NOBYPASSRLS")
    owners = conn.execute(text(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' "
        "AND pg_has_role(:role, tableowner, 'MEMBER')"), {"role": role}).scalars().all()
    if conn.execute(text("SELECT has_schema_privilege(:role, 'public', 'CREATE')"), {"role": role}).scalar():
        problems.append(f"{role} may create objects in schema public (PostgreSQL before 15 lets everyone): as "
                        "the owner of the schema, REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    if owners:
        problems.append(f"{role} owns the tables or is a member of their owner ({', '.join(owners)}): the "
                        "owner can disable the audit trail's triggers; run the application under another role")
    return problems


def grant_app_role(conn, role: str) -> list[str]:
    """Check the role and give it exactly the application's privileges; the statements run, in order."""
    if conn.dialect.name != "postgresql":
        raise RoleError("database roles exist on PostgreSQL only; SQLite has no roles to set up")
    me = conn.execute(text("SELECT current_user")).scalar()
    if not conn.execute(text("SELECT coalesce(bool_and(pg_has_role(current_user, tableowner, 'USAGE')), true) "
                             "FROM pg_tables WHERE schemaname = 'public'")).scalar():
        raise RoleError(f"{me} does not own the tables: run this as their owner, as flask db upgrade is run")
    problems = role_problems(conn, role)
    if problems:
        raise RoleError("; ".join(problems))
    statements = grant_statements(conn, role)
    for statement in statements:
        conn.execute(text(statement))
    return statements
