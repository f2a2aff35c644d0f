"""一窗受理 one-window service: one intake form, tickets routed to the right unit, status by ticket number."""
