"""The tenant rule: X-Sandbox-Tenant chooses freely in open mode, a sub-tenant of the
credential's own in strict mode, and never reaches another credential's data there."""

from __future__ import annotations

import pytest

from psp_sandbox.simulator.services.tenancy import (
    TenantRefused,
    chosen_tenant,
    is_tenant,
    own_tenant,
)


@pytest.mark.parametrize("chosen", [None, ""])
@pytest.mark.parametrize("mode", ["open", "strict"])
def test_without_the_header_a_request_acts_in_its_credentials_tenant(
    mode: str, chosen: str | None
) -> None:
    assert chosen_tenant(mode, "team-a", chosen) == "team-a"  # type: ignore[arg-type]


def test_open_mode_takes_the_named_tenant_as_it_is() -> None:
    assert chosen_tenant("open", "tranzzo-default", "t-worker-3") == "t-worker-3"
    assert chosen_tenant("open", "tranzzo-default", "team-b/job") == "team-b/job"


@pytest.mark.parametrize(
    ("chosen", "tenant"),
    [
        ("job-17", "team-a/job-17"),
        ("team-b", "team-a/team-b"),
        ("team-a", "team-a"),
        ("team-a/job-17", "team-a/job-17"),
    ],
)
def test_strict_mode_keeps_the_header_inside_the_credentials_own_space(
    chosen: str, tenant: str
) -> None:
    assert chosen_tenant("strict", "team-a", chosen) == tenant


@pytest.mark.parametrize("chosen", ["team-b/job-17", "team-ab/x", "team/a"])
def test_strict_mode_refuses_a_sub_tenant_of_other_credentials_with_403(chosen: str) -> None:
    with pytest.raises(TenantRefused) as refused:
        chosen_tenant("strict", "team-a", chosen)
    assert refused.value.status == 403


@pytest.mark.parametrize("chosen", ["a b", "x" * 65, "a/b/c", "/a", "a/", "é"])
@pytest.mark.parametrize("mode", ["open", "strict"])
def test_a_malformed_tenant_is_refused_with_400(mode: str, chosen: str) -> None:
    with pytest.raises(TenantRefused) as refused:
        chosen_tenant(mode, "team-a", chosen)  # type: ignore[arg-type]
    assert refused.value.status == 400


def test_a_key_is_its_own_tenant_when_it_is_a_plain_name_and_a_digest_otherwise() -> None:
    assert own_tenant("fiserv", "PspSandboxFiservDefaultApiKey001") == (
        "PspSandboxFiservDefaultApiKey001"
    )
    digest = own_tenant("macropay", "key/with/slashes-and-more-000")
    assert digest.startswith("macropay-") and "/" not in digest and is_tenant(digest)
    assert own_tenant("macropay", "x" * 65) != own_tenant("macropay", "x" * 66)
