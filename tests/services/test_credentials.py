"""Configured credentials and each provider's documented test ones: the test ones are read when
their provider's are first needed (its code is imported on first use), and a configured
credential with the same key wins over them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from psp_sandbox.simulator.services.credentials import Credential, Credentials
from psp_sandbox.simulator.store.memory import MemoryStore

DEFAULTS = {
    "alpha": [Credential("alpha", "test-key", "test-secret", "alpha-tenant")],
    "beta": [Credential("beta", "beta-key", "beta-secret", "beta-tenant")],
}


class Recorded(Mapping[str, Sequence[Credential]]):
    """Each provider's test credentials, noting which providers were read."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def __getitem__(self, provider: str) -> Sequence[Credential]:
        self.read.append(provider)
        return DEFAULTS[provider]

    def __iter__(self) -> Iterator[str]:
        return iter(DEFAULTS)

    def __len__(self) -> int:
        return len(DEFAULTS)


def credentials(*configured: Credential) -> tuple[Credentials, Recorded]:
    defaults = Recorded()
    return Credentials(MemoryStore(), configured, "strict", defaults), defaults


async def test_a_providers_test_credentials_are_read_only_when_its_own_are_needed() -> None:
    found, defaults = credentials()
    assert defaults.read == []
    assert await found.lookup("alpha", "test-key") == DEFAULTS["alpha"][0]
    assert await found.lookup("alpha", "test-key") == DEFAULTS["alpha"][0]
    assert defaults.read == ["alpha"]
    assert found.configured("beta") == DEFAULTS["beta"]
    assert defaults.read == ["alpha", "beta"]


async def test_a_configured_credential_wins_over_a_test_one_with_its_key() -> None:
    mine = Credential("alpha", "test-key", "my-secret", "mine", configured=True)
    found, _ = credentials(mine)
    assert await found.lookup("alpha", "test-key") == mine
    assert found.configured("alpha") == [mine]


async def test_a_tenants_credentials_include_every_providers_test_ones() -> None:
    found, defaults = credentials()
    assert await found.of_tenant("beta-tenant") == DEFAULTS["beta"]
    assert sorted(defaults.read) == ["alpha", "beta"]


async def test_an_unknown_provider_has_no_test_credentials() -> None:
    found, _ = credentials()
    assert await found.lookup("gamma", "test-key") is None
