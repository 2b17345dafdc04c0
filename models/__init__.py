"""Storage: the schema, the engine, migrations and the named queries every command uses."""
