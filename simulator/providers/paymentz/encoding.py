"""Paymentz answers in JSON or XML, as the request's ``Accept`` asks — every endpoint, errors too.

Handlers and error renderers build JSON; one middleware turns an answer into XML when the
caller prefers XML (``application/xml`` or ``text/xml`` ranked above JSON). The document is
``<response>`` with one element per field; list items are named by their list
(``<parameters><parameter>…``). lxml writes it, escaping what XML needs (``&``, ``<``, a
carriage return as ``&#13;``); characters XML 1.0 cannot carry at all (most C0 controls, lone
surrogates) become U+FFFD — request validation refuses them in the first place.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import mimeparse  # type: ignore[import-untyped]
import orjson
from aiohttp import web
from lxml import etree

JSON = "application/json"
XML = "application/xml"
_XML_TYPES = (XML, "text/xml")
#: Server preference on a tie: JSON (mimeparse prefers the later entry).
_OFFERED = [*reversed(_XML_TYPES), JSON]

ROOT = "response"
#: The element name of each item of a list field.
ITEM_NAMES: Mapping[str, str] = {"parameters": "parameter", "transactions": "transaction"}
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Headers the XML answer gets anew.
_RECOMPUTED = frozenset({"content-type", "content-length"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def wants_xml(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return False
    try:
        best = mimeparse.best_match(_OFFERED, accept)
    except (ValueError, IndexError):  # a range that is not type/subtype, a q that is no number
        return False
    return best in _XML_TYPES


def xml_document(body: Mapping[str, Any]) -> bytes:
    """``body`` as ``<?xml …?><response>…</response>`` (UTF-8)."""
    root = etree.Element(ROOT)
    _fill(root, body)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def _fill(element: etree._Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if item is not None:
                _fill(etree.SubElement(element, str(key)), item)
    elif isinstance(value, list):
        name = ITEM_NAMES.get(element.tag if isinstance(element.tag, str) else "", "item")
        for item in value:
            _fill(etree.SubElement(element, name), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = xml_text(str(value))


@web.middleware
async def negotiate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer in XML what was answered in JSON, when the caller prefers XML."""
    response = await handler(request)
    if not isinstance(response, web.Response) or response.content_type != JSON:
        return response
    if request.match_info.route.name == "openapi" or not wants_xml(request):
        return response
    try:
        body = orjson.loads(response.body)  # type: ignore[arg-type]
    except orjson.JSONDecodeError:
        return response  # an injected malformed answer stays malformed
    if not isinstance(body, dict):
        return response
    kept = {k: v for k, v in response.headers.items() if k.lower() not in _RECOMPUTED}
    return web.Response(
        body=xml_document(body), status=response.status, headers=kept, content_type=XML
    )
