"""Reproducible cases: a tenant's whole state as one versioned JSON document, and back."""

from .document import FORMAT, VERSION, CaseDocument, InvalidCase, parse_case
from .export import export_case
from .restore import IdsInUse, Restored, restore_case

__all__ = [
    "FORMAT",
    "VERSION",
    "CaseDocument",
    "IdsInUse",
    "InvalidCase",
    "Restored",
    "export_case",
    "parse_case",
    "restore_case",
]
