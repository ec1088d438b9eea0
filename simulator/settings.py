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
from typing import Any, Literal, Self

from pydantic import AnyHttpUrl, BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "PSP_SANDBOX_"

#: The shortest admin token accepted (``openssl rand -hex 32`` gives 64 characters).
ADMIN_TOKEN_MIN_LENGTH = 16


class CredentialConfig(BaseModel):
    model_config = {"extra": "forbid"}

    key: str
    secret: str | None = None
    #: The credential's own tenant (a plain name: ``/`` is for sub-tenants); defaults to the key.
    tenant: str | None = Field(None, pattern=r"^[A-Za-z0-9._:@-]{1,64}$")
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

    # --- exposure (docs/security.md) -------------------------------------------------------
    #: What the admin API (/_sandbox) asks for as ``Authorization: Bearer <token>``. Required
    #: in strict mode; in open mode the admin API is open unless one is set.
    admin_token: SecretStr | None = None
    #: The origin the links the sandbox hands out start with (hosted 3-D Secure and checkout
    #: pages), e.g. ``https://sandbox.example.com``. Unset: the request's own host, if it is a
    #: loopback address or one of ``allowed_hosts``; else the address the connection reached.
    public_url: AnyHttpUrl | None = None
    #: Host names (``name`` or ``name:port``) besides loopback that links may be built from.
    allowed_hosts: list[str] = Field(default_factory=list)
    #: Build links from ``X-Forwarded-Proto`` / ``X-Forwarded-Host``: only behind a proxy that
    #: sets them (any client can send them otherwise).
    trust_forwarded_headers: bool = False

    # --- slow or lying clients -----------------------------------------------------------
    #: Seconds a connection may stay open without a complete request: idle between requests
    #: (keep-alive), or with its headers still arriving.
    idle_timeout: float = Field(15.0, gt=0, le=3600)
    #: Seconds a request's body may take to arrive in full (a Content-Length that promises
    #: more than is sent is answered 408 after this).
    body_timeout: float = Field(15.0, gt=0, le=3600)

    @field_validator("admin_token", "public_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """``PSP_SANDBOX_ADMIN_TOKEN=`` (as compose passes an unset variable) means none."""
        return None if value == "" else value

    @field_validator("admin_token")
    @classmethod
    def _long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and len(token.get_secret_value()) < ADMIN_TOKEN_MIN_LENGTH:
            raise ValueError(f"an admin token has at least {ADMIN_TOKEN_MIN_LENGTH} characters")
        return token

    @model_validator(mode="after")
    def _strict_mode_has_an_admin_token(self) -> Self:
        if self.auth == "strict" and self.admin_token is None:
            raise ValueError(
                "strict mode needs an admin token: set PSP_SANDBOX_ADMIN_TOKEN "
                "(or admin_token in the --config file), e.g. to the output of "
                "`openssl rand -hex 32`"
            )
        return self


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
