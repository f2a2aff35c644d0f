"""The workbench's routes, one module per job: account (login, password, language), residents, review."""
