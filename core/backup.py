"""Backup and restore of the whole installation: the database and the media folder, with a
manifest that lets a restore prove it got back what was saved. See docs/operations-backup.md.

A backup is one directory::

    zeroottanta-20250101-031500/
        database.dump      PostgreSQL: ``pg_dump --format=custom``
        database.sqlite3   SQLite: a copy made with the online backup API
        media.tar.gz       MEDIA_ROOT (documents, uploads, imports)
        manifest.json      when, versions, migrations, rows per table, checksums

Both vendors read the figures of the manifest from the very state that was saved: on
PostgreSQL the counts run in a REPEATABLE READ transaction whose snapshot ``pg_dump
--snapshot`` then dumps; on SQLite they are read from the copy itself.

Restore goes into a FRESH database and media folder (a non-empty one is refused unless
``force``), checks the checksums first and the rows per table after.

Runs as the role that owns the tables (the web role cannot read everything nor create tables):
docs/operations-database-roles.md.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tomllib
import uuid
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
FORMAT_VERSION = 1
PG_DUMP = os.environ.get("PG_DUMP", shutil.which("pg_dump") or "/usr/bin/pg_dump")
PG_RESTORE = os.environ.get("PG_RESTORE", shutil.which("pg_restore") or "/usr/bin/pg_restore")


class BackupError(Exception):
    """A backup or restore that must stop; the message says why (for the operator, in English
    like the rest of the command line)."""


# --- small helpers ----------------------------------------------------------------------------


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def app_version():
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    version = {"version": "", "commit": ""}
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
        version["version"] = tomllib.loads(pyproject.read_text())["project"]["version"]
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [shutil.which("git") or "/usr/bin/git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if result.returncode == 0:
            version["commit"] = result.stdout.strip()
    return version


def versions():
    import sys

    import django
    import wagtail

    return {
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "app": app_version(),
    }


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def table_counts(cursor, table_names):
    counts = {}
    for name in sorted(table_names):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - our tables
        counts[name] = cursor.fetchone()[0]
    return counts


def migration_state(cursor):
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def _pg_env(config):
    """libpq's environment for ``config`` (a Django DATABASES entry): the password travels in
    PGPASSWORD, never in the command line that ``ps`` shows."""
    env = dict(os.environ)
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        value = config.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    options = config.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    return env


def _run(argv, env):
    # Our own pg_dump/pg_restore argv: no shell, no user text.
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()}")
    return result


@contextlib.contextmanager
def database_connection(database_url):
    """A Django connection to ``database_url`` under a throw-away alias, closed afterwards:
    the ORM can read the restored database with ``.using(alias)``. The connection is handed to
    the handler directly, not added to DATABASES: the settings stay as they are."""
    alias = f"backup_{uuid.uuid4().hex[:8]}"
    configured = connections.configure_settings(
        {"default": connections.settings["default"], alias: dj_database_url.parse(database_url)}
    )[alias]
    connections[alias] = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, alias)
    try:
        yield alias
    finally:
        connection = connections[alias]
        with contextlib.suppress(Exception):
            connection.close()
        del connections[alias]


def database_figures(alias):
    """Rows per table and the migration state of the database behind ``alias``."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        return table_counts(cursor, names), migration_state(cursor)


# --- media ------------------------------------------------------------------------------------


def media_checksums(root):
    root = Path(root)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _archive_media(root, archive):
    root = Path(root)
    with tarfile.open(archive, "w:gz") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)


def _is_empty_dir(path):
    path = Path(path)
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# --- backup -----------------------------------------------------------------------------------


def _backup_sqlite(connection, target):
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        # One self-contained file, whatever journal the live database uses.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    return sqlite_figures(target)


def sqlite_figures(path):
    """Rows per table (SQLite's own tables aside) and the migration state of a database file."""
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        names = [row[0] for row in cursor.fetchall()]
        return table_counts(cursor, names), migration_state(cursor)
    finally:
        copy.close()


def _backup_postgresql(alias, target):
    """Counts and pg_dump from one snapshot, so the manifest describes exactly the dump."""
    connection = connections.create_connection(alias)
    try:
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            names = connection.introspection.table_names(cursor)
            counts = table_counts(cursor, names)
            migrations = migration_state(cursor)
            _run(
                [PG_DUMP, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                _pg_env(connection.settings_dict),
            )
        connection.rollback()
    finally:
        connection.close()
    return counts, migrations


def backup(dest_dir, *, using="default", media_root=None, now=None):
    """Write a backup directory under ``dest_dir``; returns its path."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    target = Path(dest_dir) / f"zeroottanta-{stamp}"
    if target.exists():
        raise BackupError(f"{target} already exists")
    target.mkdir(parents=True)
    connection = connections[using]
    vendor = connection.vendor
    if vendor == "sqlite":
        database_file = SQLITE_FILE
        counts, migrations = _backup_sqlite(connection, target / database_file)
    elif vendor == "postgresql":
        database_file = PG_DUMP_FILE
        counts, migrations = _backup_postgresql(using, target / database_file)
    else:
        raise BackupError(f"no backup for the {vendor} database")
    _archive_media(media_root, target / MEDIA_ARCHIVE)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.astimezone(datetime.UTC).isoformat(),
        "versions": versions(),
        "database": {
            "vendor": vendor,
            "file": database_file,
            "sha256": sha256_of(target / database_file),
        },
        "migrations": migrations,
        "tables": counts,
        "media": {
            "file": MEDIA_ARCHIVE,
            "sha256": sha256_of(target / MEDIA_ARCHIVE),
            "files": media_checksums(media_root),
        },
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return target


# --- restore ----------------------------------------------------------------------------------


def read_manifest(backup_dir):
    backup_dir = Path(backup_dir)
    try:
        manifest = json.loads((backup_dir / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{backup_dir / MANIFEST} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for part in (manifest["database"], manifest["media"]):
        path = backup_dir / part["file"]
        if not path.is_file() or sha256_of(path) != part["sha256"]:
            raise BackupError(f"{path} is missing or its checksum does not match the manifest")
    return manifest


def unknown_migrations(manifest):
    """Migrations the backup has applied that this code does not know (a backup from a newer
    release): restoring it under this code would leave tables the code cannot read."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )


def _target_is_empty(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_sqlite(source, config):
    target = config["NAME"]
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        # Page by page into the target: its old contents and journal go as a whole.
        source_connection.backup(destination)
    finally:
        destination.close()
        source_connection.close()


# The purge function must stay out of PUBLIC's reach (migration casework/0009); restoring
# without privileges would leave PostgreSQL's default EXECUTE to PUBLIC on it.
PG_AFTER_RESTORE = """
DO $$
BEGIN
    IF to_regprocedure('casework_auditevent_purge(timestamptz)') IS NOT NULL THEN
        REVOKE ALL ON FUNCTION casework_auditevent_purge(timestamptz) FROM PUBLIC;
    END IF;
END
$$
"""


def _restore_postgresql(source, alias, force):
    connection = connections[alias]
    argv = [
        PG_RESTORE,
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--exit-on-error",
        "--single-transaction",
    ]
    if force:
        argv += ["--clean", "--if-exists"]
    argv += [f"--dbname={connection.settings_dict['NAME']}", str(source)]
    env = _pg_env(connection.settings_dict)
    env.pop("PGDATABASE", None)
    _run(argv, env)
    with connection.cursor() as cursor:
        cursor.execute(PG_AFTER_RESTORE)


def _restore_media(archive, media_root, expected):
    media_root = Path(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(media_root, filter="data")
    restored = media_checksums(media_root)
    wrong = sorted(name for name, digest in expected.items() if restored.get(name) != digest)
    if wrong:
        raise BackupError(f"media files differ after the restore: {', '.join(wrong[:10])}")


def restore(backup_dir, *, database_url, media_root, force=False):
    """Restore ``backup_dir`` into the (empty) database at ``database_url`` and the (empty)
    ``media_root``; returns the manifest after checking the rows per table against it."""
    backup_dir = Path(backup_dir)
    manifest = read_manifest(backup_dir)
    config = dj_database_url.parse(database_url)
    vendor = {"django.db.backends.sqlite3": "sqlite"}.get(config["ENGINE"], "postgresql")
    if "postgresql" not in config["ENGINE"] and vendor != "sqlite":
        raise BackupError(f"no restore into {config['ENGINE']}")
    if vendor != manifest["database"]["vendor"]:
        raise BackupError(
            f"the backup is of a {manifest['database']['vendor']} database, the target is {vendor}"
        )
    if not force and not _is_empty_dir(media_root):
        raise BackupError(f"{media_root} is not empty (use --force to write into it)")
    source = backup_dir / manifest["database"]["file"]
    with database_connection(database_url) as alias:
        if not force and not _target_is_empty(alias):
            raise BackupError("the target database is not empty (use --force to replace it)")
        if vendor == "sqlite":
            connections[alias].close()
            _restore_sqlite(source, config)
            counts, migrations = sqlite_figures(config["NAME"])
        else:
            _restore_postgresql(source, alias, force)
            counts, migrations = database_figures(alias)
    if counts != manifest["tables"]:
        different = sorted(
            name
            for name in set(counts) | set(manifest["tables"])
            if counts.get(name) != manifest["tables"].get(name)
        )
        raise BackupError(f"rows per table differ after the restore: {', '.join(different)}")
    if migrations != manifest["migrations"]:
        raise BackupError("the migration state differs after the restore")
    _restore_media(backup_dir / manifest["media"]["file"], media_root, manifest["media"]["files"])
    return manifest
