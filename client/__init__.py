"""Thin, independent clients: one module per provider, and sandbox.py for the admin API.

Each offers a blocking client (``TranzzoClient``) and an awaiting one (``AsyncTranzzoClient``)
built from one implementation of its calls (see ``_transport``). ``Request``, ``Answer`` and
``Flow`` are the types a call is written in, for those who add their own.
"""

from ._transport import Answer, Flow, Request

__all__ = ["Answer", "Flow", "Request"]
