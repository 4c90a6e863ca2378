"""Command line for running an installation: the database role of the application (flask db grant-app-role)."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask_migrate.cli import db as db_group

from .extensions import db


@click.command("grant-app-role")
@click.option("--role", required=True, help="The role the application connects as, e.g. cofund_app")
@click.option("--print-sql", is_flag=True, help="Print the SQL instead of running it (for a DBA)")
def grant_app_role_command(role, print_sql):
    """Give the application's PostgreSQL role exactly what it needs (run as the owner of the tables).

    The role must exist, and may not be a superuser, have CREATEROLE or BYPASSRLS, or be (a member of) the
    owner. It gets SELECT, INSERT, UPDATE and DELETE on the business tables, and only SELECT and INSERT on
    audit_event: it cannot change, delete, truncate or un-trigger the audit trail. Run it again after
    every `flask db upgrade`."""
    from .services import db_roles
    with db.engine.begin() as conn:
        try:
            if print_sql:
                statements = db_roles.grant_statements(conn, role)
                problems = db_roles.role_problems(conn, role) if conn.dialect.name == "postgresql" else []
            else:
                statements, problems = db_roles.grant_app_role(conn, role), []
        except db_roles.RoleError as error:
            click.echo(f"Refused: {error}", err=True)
            sys.exit(1)
    if print_sql:
        click.echo(";\n".join(statements) + ";")
        for problem in problems:
            click.echo(f"-- WARNING: {problem}", err=True)
        return
    click.echo(f"Role {role} has the application's privileges on database {db.engine.url.database} "
               f"({len(statements)} statements).")


def register_operations_cli(app: Flask) -> None:
    if "grant-app-role" not in db_group.commands:
        db_group.add_command(grant_app_role_command)
