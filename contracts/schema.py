"""What every schemathesis suite checks of the answers it gets."""

from __future__ import annotations

from collections.abc import Mapping

from schemathesis import Case, checks
from schemathesis.core.parameters import ParameterLocation

#: No 5xx; only documented statuses and content types; bodies match their documented schema;
#: requests built to break the schema are refused.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


def headers_for(
    case: Case, credentials: Mapping[str, str], tenant: Mapping[str, str]
) -> dict[str, str]:
    """The headers to send with a generated case: the tenant's always, the credentials unless
    the case was generated without them on purpose (a negative case that breaks the headers,
    which re-adding them would turn back into a valid request)."""
    component = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    breaks_headers = component is not None and component.mode.is_negative
    return {**tenant} if breaks_headers else {**credentials, **tenant}
