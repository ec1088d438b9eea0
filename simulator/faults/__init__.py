"""Injected faults: HTTP errors in the provider's own envelope, latency, resets, webhook chaos."""
