"""Thin, independent clients: one module per provider, and sandbox.py for the admin API."""
