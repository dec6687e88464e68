"""Policy rules, alerts and their email deliveries (see rules.py, build.py, notify.py)."""
