"""The implementation a contract suite checks."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings

from psp_sandbox.client.sandbox import TENANT_HEADER, SandboxAdmin

#: Caps the examples of every state machine (a quick pass against another deployment).
MAX_EXAMPLES_ENV = "PSP_CONTRACT_MAX_EXAMPLES"

_tenants = itertools.count(1)


@dataclass
class Target:
    #: Root URL: a sandbox root, or a provider's own base URL.
    url: str
    #: Whether the target is a psp-sandbox, whose admin API the suites may use.
    sandbox: bool
    #: Whether providers live under ``/<provider>`` (a sandbox) or at the root (a provider).
    provider_in_path: bool
    #: The sandbox's admin token, when its admin API asks for one.
    admin_token: str | None = None
    _run_id: str = field(default_factory=lambda: f"{next(_tenants)}")

    def lifecycle_settings(self, max_examples: int, steps: int) -> settings:
        """Hypothesis settings of a state machine: its own examples and steps, capped by
        ``PSP_CONTRACT_MAX_EXAMPLES``; no deadline (a remote target answers slower)."""
        cap = os.environ.get(MAX_EXAMPLES_ENV)
        return settings(
            max_examples=min(max_examples, int(cap)) if cap else max_examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )

    def provider_url(self, provider: str) -> str:
        return f"{self.url}/{provider}" if self.provider_in_path else self.url

    def fresh_tenant(self, label: str) -> str | None:
        """A tenant of its own for one state-machine run (sandbox targets only)."""
        if not self.sandbox:
            return None
        return f"contract-{label}-{self._run_id}-{next(_tenants)}"

    def headers(self, tenant: str | None) -> dict[str, str]:
        return {TENANT_HEADER: tenant} if tenant else {}

    def admin(self, tenant: str | None) -> SandboxAdmin | None:
        if not (self.sandbox and tenant):
            return None
        return SandboxAdmin(self.url, tenant, token=self.admin_token)
