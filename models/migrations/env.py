"""Alembic environment: run with the engine (and connection) reportbox hands in."""

from alembic import context

from models.schema import Base

config = context.config
connection = config.attributes.get("connection")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table copies for ALTER
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    with config.attributes["engine"].begin() as new_connection:
        _run(new_connection)
