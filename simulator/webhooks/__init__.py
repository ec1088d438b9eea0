"""Webhooks: outbox deliveries, the background dispatcher, retries and the attempt log."""

from .dispatcher import Dispatcher
from .profile import DEFAULT_RETRY_AFTER, EncodedWebhook, WebhookProfile, accepts_2xx

__all__ = ["DEFAULT_RETRY_AFTER", "Dispatcher", "EncodedWebhook", "WebhookProfile", "accepts_2xx"]
