"""Command line for running an installation: the database role of the application (flask db grant-app-role),
and backup and restore (flask backup, flask restore)."""
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


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="The backup file to write")
def backup_command(out):
    """Write a backup: a consistent snapshot of the database, the evidence files, the checkpoint log of the
    audit trail, and a manifest of SHA-256 hashes signed with the audit key (app/services/backup.py).

    The file holds personal data and password hashes: it is written with mode 0600; keep it so. The signing
    key is not in it: back that up apart."""
    from .services.backup import BackupError, make_backup
    try:
        result = make_backup(out)
    except BackupError as error:
        click.echo(f"Refused: {error}", err=True)
        sys.exit(1)
    click.echo(f"Backup written to {result.path}: {result.rows} rows in {result.tables} tables, "
               f"{result.documents} evidence files, {result.exports} export files, audit chain of "
               f"{result.audit_count} events, head {result.audit_head}.")


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False))
def restore_command(backup_file):
    """Restore a backup onto an empty database (run as the owner of the tables, like flask db upgrade).

    Everything is checked first (the manifest's signature with this installation's audit key, every hash,
    an empty database, no checkpoint log yet); a damaged backup is refused and nothing changes. The
    restored audit chain must verify against the backup's checkpoints and end at the manifest's head."""
    from .services.restore import RestoreRefused, restore_backup
    try:
        result = restore_backup(backup_file)
    except RestoreRefused as error:
        click.echo(f"Refused: {error}. Nothing was changed.", err=True)
        sys.exit(1)
    click.echo(f"Restored {result.rows} rows in {result.tables} tables, {result.documents} evidence files and "
               f"{result.exports} export files. "
               f"Audit chain: {result.audit_count} events, head {result.audit_head}; {result.verify_message}.")


def register_operations_cli(app: Flask) -> None:
    if "grant-app-role" not in db_group.commands:
        db_group.add_command(grant_app_role_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
