"""What every schemathesis suite checks of the answers it gets."""

from __future__ import annotations

from schemathesis import checks

#: No 5xx; only documented statuses and content types; bodies match their documented schema;
#: requests built to break the schema are refused.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
