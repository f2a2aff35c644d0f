"""The FastAPI application, its routes, and the hongyan command line."""
