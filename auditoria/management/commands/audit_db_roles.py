"""`python manage.py audit_db_roles`: the PostgreSQL roles of a deployment, so that the application's
role does not own the audit table (it may only INSERT and SELECT there).

- the owner role (default `migraciones_owner`) owns every table, sequence and the trigger function:
  run `migrate` as this role;
- the application role (default `migraciones_app`) is what DATABASE_URL uses at run time: SELECT,
  INSERT, UPDATE and DELETE on the other tables, only SELECT and INSERT on auditoria_auditentry, and
  no ownership, so it can neither DELETE, UPDATE nor TRUNCATE the audit log, nor drop or disable its
  triggers.

Prints the SQL (for a DBA) or, with --execute, runs it on the default database (needs a superuser
or a role with CREATEROLE that is a member of the owner role). Run it after `migrate` each time
(idempotent). Passwords are set by the DBA: `ALTER ROLE migraciones_app PASSWORD '...'`.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

AUDIT_TABLE = "auditoria_auditentry"


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name[0].isalpha():
        raise CommandError(f"nombre de rol no válido: {name!r}")
    return f'"{name}"'


def roles_sql(*, owner: str, app: str, tables: list[str]) -> list[str]:
    o, a = _ident(owner), _ident(app)
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') "
        f"THEN CREATE ROLE {o} LOGIN; END IF; END $$",
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') "
        f"THEN CREATE ROLE {a} LOGIN NOINHERIT; END IF; END $$",
        # The application's role must not inherit the owner's rights through membership.
        f"DO $$ BEGIN IF pg_has_role('{app}', '{owner}', 'MEMBER') THEN "
        f"RAISE EXCEPTION 'the application role must not be a member of the owner role'; END IF; END $$",
    ]
    statements += [f'ALTER TABLE "{table}" OWNER TO {o}' for table in tables]
    statements += [
        f"ALTER FUNCTION auditoria_refuse_change() OWNER TO {o}",
        f"GRANT USAGE ON SCHEMA public TO {a}",
        f"REVOKE CREATE ON SCHEMA public FROM {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {a}",
        f"REVOKE ALL ON {AUDIT_TABLE} FROM {a}",
        f"REVOKE ALL ON {AUDIT_TABLE} FROM PUBLIC",
        f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {a}",
        # Tables that later migrations create (as the owner) reach the application the same way.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {a}",
    ]
    return statements


class Command(BaseCommand):
    help = ("Crea (o ajusta) el rol propietario y el rol de la aplicación en PostgreSQL: la aplicación "
            "solo puede INSERT y SELECT en la tabla de auditoría.")

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="migraciones_owner")
        parser.add_argument("--app", default="migraciones_app")
        parser.add_argument("--execute", action="store_true", help="ejecutar en la base de datos (si no, imprime el SQL)")

    def handle(self, *args, owner, app, execute, **options):
        if connection.vendor != "postgresql":
            raise CommandError("solo para PostgreSQL (DATABASE_URL)")
        if owner == app:
            raise CommandError("el rol de la aplicación debe ser distinto del propietario")
        tables = sorted(connection.introspection.table_names(include_views=False))
        statements = roles_sql(owner=owner, app=app, tables=tables)
        if not execute:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"OK: {owner} es propietario de {len(tables)} tablas; {app} solo inserta y lee "
                          f"{AUDIT_TABLE}")
