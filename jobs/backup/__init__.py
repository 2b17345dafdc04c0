"""Backups of a deployment (database and raw store) taken while the daemon runs, and their restore.

    manifest  the backup's table of contents: every file with its size and SHA-256
    database  consistent snapshots: SQLite's online backup API, PostgreSQL's pg_dump; their restore
    take      `reportbox backup`: the database snapshot first, then the raw files it names
    restore   `reportbox restore` into an empty deployment, checksums verified first
"""
