"""The sandbox's settings: one pydantic-settings model read from flags, environment and TOML.

Precedence, highest first: command-line flags (passed as init values), ``PSP_SANDBOX_*``
environment variables, the TOML file named by ``--config``, the defaults below. Each source is
pydantic-settings' own (``settings_customise_sources``). A TOML file may also add credentials
per provider::

    seed = 7
    auth = "strict"

    [[credentials.tranzzo]]
    key = "3b9e2a71-..."          # what requests identify themselves with
    secret = "..."                # what signs them
    tenant = "team-a"             # optional; defaults to the key
    extra = { pos_id = "...", endpoints_key = "AIza..." }

and webhook URLs registered per merchant, for providers whose merchants register them in a
dashboard rather than per request (payworks' Gateway Manager)::

    [[merchant_webhooks.payworks]]
    merchant = "4b3c5d6e-..."     # the provider's merchant id; "*" for every merchant
    url = "https://shop.example/payworks/webhooks"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "PSP_SANDBOX_"


class CredentialConfig(BaseModel):
    model_config = {"extra": "forbid"}

    key: str
    secret: str | None = None
    tenant: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class MerchantWebhookConfig(BaseModel):
    #: The provider's merchant id, or "*" for every merchant of that provider.
    merchant: str = "*"
    url: str = Field(pattern=r"^https?://\S+$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(8480, ge=0, le=65535)
    store: str = "sqlite:///./psp-sandbox.db"
    #: Processes serving one port (``serve --workers``); more than one needs a shared store.
    workers: int = Field(1, ge=1, le=64)
    seed: int | None = None
    auth: Literal["open", "strict"] = "open"
    #: Credentials per provider name, in addition to each provider's documented defaults.
    credentials: dict[str, list[CredentialConfig]] = Field(default_factory=dict)
    #: Webhook URLs per provider and merchant, for every tenant (the admin API adds more).
    merchant_webhooks: dict[str, list[MerchantWebhookConfig]] = Field(default_factory=dict)
    #: Background work: how often due payments and webhooks are looked for (real seconds).
    poll_interval: float = Field(0.2, gt=0)
    #: Webhooks of one tenant in flight at once, across every process sharing the store.
    webhook_per_tenant: int = Field(8, ge=1, le=1000)
    #: How long a process's claim on a webhook lasts (real seconds) before another may send it;
    #: a webhook attempt's timeout stays within a third of it.
    lease_seconds: float = Field(60.0, ge=1, le=3600)
    #: The name this process claims work under (default: host, port and worker number); a
    #: restarted instance takes back at once what its previous run held.
    instance: str | None = None
    #: Log every request (slower; for debugging).
    access_log: bool = False
    #: What is logged: ``info`` tells every payment state change and webhook attempt.
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    #: ``plain`` lines for people, ``json`` (one object per line) for machines.
    log_format: Literal["plain", "json"] = "plain"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Flags, then the environment, then the TOML file (when ``toml_file`` names one).
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)


def load_settings(config: Path | None = None, **flags: Any) -> Settings:
    """Settings from ``flags`` (those not None), the environment, the TOML file ``config``
    and the defaults — in that order of precedence. Raises pydantic's ``ValidationError``
    (see ``settings_errors`` for a reading of it) or ``tomllib.TOMLDecodeError``."""
    given = {name: value for name, value in flags.items() if value is not None}
    if config is None:
        return Settings(**given)

    class SettingsFromFile(Settings):
        model_config = SettingsConfigDict(toml_file=config)

    return SettingsFromFile(**given)
