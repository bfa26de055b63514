"""Alerts: new events that someone must act on, routed to the right role and scope."""
