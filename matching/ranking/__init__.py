"""Ranked person ↔ position matches with explanations, and the related-trades table."""
