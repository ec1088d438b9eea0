"""The front door (``/`` and ``/_sandbox``): JSON for clients, a page for browsers, and the
guides it links to."""

from __future__ import annotations

import httpx
import pytest

from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.testing.plugin import Sandbox

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/", "/_sandbox", "/_sandbox/"])
def test_a_client_gets_json_naming_every_provider_and_document(sandbox: Sandbox, path: str) -> None:
    answer = httpx.get(sandbox.url + path)  # Accept: */*
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    listing = answer.json()
    assert set(listing["providers"]) == {provider.name for provider in PROVIDERS}
    tranzzo = listing["providers"]["tranzzo"]
    assert tranzzo["base_urls"] == [f"{sandbox.url}/tranzzo/api/v1"]
    assert tranzzo["openapi"] == f"{sandbox.url}/tranzzo/openapi.json"
    assert tranzzo["explorer"] == f"{sandbox.url}/_sandbox/explorer?doc=tranzzo"
    assert listing["admin_openapi"] == f"{sandbox.url}/_sandbox/openapi.json"
    assert set(listing["documents"]) == {*listing["providers"], "admin"}


@pytest.mark.parametrize("path", ["/", "/_sandbox"])
def test_a_browser_gets_a_page(sandbox: Sandbox, path: str) -> None:
    answer = httpx.get(sandbox.url + path, headers={"Accept": BROWSER_ACCEPT})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert '<tr id="provider-tranzzo">' in answer.text


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        ("application/json, text/html;q=0.5", "application/json"),
        ("text/html;q=0.9, application/json;q=0.1", "text/html"),
        ("text/*", "text/html"),
    ],
)
def test_the_front_door_honours_the_preference_of_the_accept_header(
    sandbox: Sandbox, accept: str, served: str
) -> None:
    answer = httpx.get(sandbox.url, headers={"Accept": accept})
    assert answer.headers["content-type"].startswith(served)


def test_every_link_of_the_front_door_answers(sandbox: Sandbox) -> None:
    listing = httpx.get(sandbox.url).json()
    links = [
        *(url for p in listing["providers"].values() for url in _links(p)),
        *listing["documents"].values(),
        listing["admin_openapi"],
        listing["admin_explorer"],
        listing["admin_guide"],
        listing["testing_guide"],
        listing["health"],
        listing["magic_values"],
        listing["dashboard"],
    ]
    assert {url: httpx.get(url).status_code for url in links} == dict.fromkeys(links, 200)


def test_a_guide_is_the_shipped_markdown_as_text(sandbox: Sandbox) -> None:
    answer = httpx.get(f"{sandbox.url}/_sandbox/docs/providers/tranzzo.md")
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text.startswith("# Tranzzo in psp-sandbox")


@pytest.mark.parametrize("path", ["providers/nope.md", "../pyproject.toml", "providers/"])
def test_anything_but_a_shipped_guide_is_not_found(sandbox: Sandbox, path: str) -> None:
    assert httpx.get(f"{sandbox.url}/_sandbox/docs/{path}").status_code == 404


def _links(provider: dict[str, object]) -> list[str]:
    return [str(provider[key]) for key in ("openapi", "explorer", "guide", "fidelity")]
