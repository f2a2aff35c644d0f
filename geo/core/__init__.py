"""Application core: settings, domain errors, database, embedded cluster, migrations, row-level scope, CRS."""
