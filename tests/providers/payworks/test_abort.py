"""Aborting a registered transaction (sandbox-defined path): only before processing starts."""

from __future__ import annotations

from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import MERCHANT, Charge, approved_charge, envelope, executed, refused


async def test_a_registered_transaction_is_aborted_by_the_merchant(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    identifier = (await charge())["transaction"]["identifier"]
    aborted = await payworks.abort(identifier)
    assert (aborted["status"], aborted["statusDetails"]["code"]) == (
        "ABORTED",
        "ABORTED_MERCHANT_ABORTED",
    )
    assert await payworks.transaction(identifier) == aborted


async def test_once_processing_started_it_is_no_longer_abortable(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    identifier = (await charge("20.00"))["transaction"]["identifier"]
    await executed(admin, payworks, identifier)
    error = await refused(payworks.abort(identifier))
    assert (error.status, error.body) == (
        409,
        envelope(
            "TransactionNoLongerAbortable",
            "The transaction can no longer be aborted: it is PENDING",
        ),
    )
    await executed(admin, payworks, identifier, pin="1234")
    error = await refused(payworks.abort(identifier))
    assert error.body["error"]["message"].endswith("it is APPROVED")


async def test_an_aborted_or_lapsed_transaction_is_no_longer_abortable(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    identifier = (await charge())["transaction"]["identifier"]
    await payworks.abort(identifier)
    error = await refused(payworks.abort(identifier))
    assert (error.status, error.body["error"]["message"]) == (
        409,
        "The transaction can no longer be aborted: it is ABORTED",
    )
    lapsing = (await charge())["transaction"]["identifier"]
    await admin.advance_clock(900)
    error = await refused(payworks.abort(lapsing))
    assert error.body["error"]["message"].endswith("it is DECLINED")


async def test_aborting_a_refund_session_frees_the_charge(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "10.00")
    session = await payworks.register_refund(MERCHANT, charge["identifier"], "10.00", "EUR")
    aborted = await payworks.abort(session["transaction"]["identifier"])
    assert aborted["status"] == "ABORTED"
    again = await payworks.register_refund(MERCHANT, charge["identifier"], "10.00", "EUR")
    assert again["transaction"]["status"] == "INITIALIZED"


async def test_an_unknown_transaction_cannot_be_aborted(payworks: AsyncPayworksClient) -> None:
    unknown = "0f487dc3-35cd-4125-8b82-631c7d5b328c"
    error = await refused(payworks.abort(unknown))
    assert (error.status, error.body) == (
        404,
        envelope("TransactionSessionNotFound", f"No transaction {unknown}"),
    )
