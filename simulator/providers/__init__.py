"""The providers the sandbox serves — one registration line each."""

from __future__ import annotations

from .base import ProviderPlugin
from .fiserv import FiservPlugin
from .macropay import MacropayPlugin
from .paymentz import PaymentzPlugin
from .payworks import PayworksPlugin
from .tranzzo import TranzzoPlugin

PLUGINS: tuple[type[ProviderPlugin], ...] = (
    TranzzoPlugin,
    FiservPlugin,
    MacropayPlugin,
    PayworksPlugin,
    PaymentzPlugin,
)
