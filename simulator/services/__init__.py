"""Async use cases over the engine and the store: one unit of work per command."""
