"""The web portals: FastAPI, server-rendered Jinja2 pages with htmx, and a JSON API, all
behind the same authorisation (``guard.py``) and audit."""
