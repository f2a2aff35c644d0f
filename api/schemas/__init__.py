"""Request and response models of the API, one module per area (the routes in api/routes use them)."""
