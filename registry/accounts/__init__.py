"""Real-name accounts, login and sessions, and the scoped, masked view of residents (area scoping by RLS)."""
