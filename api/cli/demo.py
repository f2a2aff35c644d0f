"""Commands of this module are added to the groups in api.cli.groups."""
