"""Tranzzo fixtures reused by the service tests."""

from tests.providers.tranzzo.conftest import tranzzo

__all__ = ["tranzzo"]
