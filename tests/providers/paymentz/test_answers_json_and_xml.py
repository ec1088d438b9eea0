"""Every answer in JSON or in XML, as Accept asks — the same content either way, errors too, with
XML-hostile characters encoded as XML needs them."""

from __future__ import annotations

import pytest

from psp_sandbox.client.paymentz import checksum
from psp_sandbox.simulator.providers.paymentz.encoding import xml_document

from .conftest import KEY, MEMBER, Raw, payment_fields, read


def _same(a: dict[str, object], b: dict[str, object]) -> None:
    assert {k: v for k, v in a.items() if k != "timestamp"} == {
        k: v for k, v in b.items() if k != "timestamp"
    }


async def test_a_payment_an_operation_an_inquiry_and_a_list_read_the_same_in_xml(raw: Raw) -> None:
    paid = await raw.post("/payments", payment_fields("o-1", paymentType="PA"))
    payment_id = paid.json()["paymentId"]
    capture = {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, KEY, payment_id, "10.00"),
        "paymentType": "CP",
        "amount": "10.00",
    }
    inquiry = {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, KEY, payment_id),
        "paymentType": "IN",
    }
    listing = {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, KEY),
        "pagination.fromdate": "01/01/2000",
        "pagination.todate": "31/12/2099",
    }
    as_json = [
        read(paid),
        read(await raw.post(f"/payments/{payment_id}", capture)),
        read(await raw.post(f"/payments/{payment_id}", inquiry)),
        read(await raw.post("/getTransactionList", listing)),
    ]
    as_xml = [
        read(await raw.post(f"/payments/{payment_id}", inquiry, xml=True)),
        read(await raw.post("/getTransactionList", listing, xml=True)),
    ]
    _same(as_json[2], as_xml[0])
    _same(as_json[3], as_xml[1])
    assert isinstance(as_xml[1]["transactions"], list)
    assert as_json[1]["result"]["code"] == "00004"


async def test_a_3d_redirect_reads_the_same_in_xml(raw: Raw) -> None:
    fields = payment_fields("o-1", **{"card.number": "4000000000003220"})
    answer = await raw.post("/payments", fields, xml=True)
    body = read(answer)
    assert answer.text.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<response>")
    assert "<parameters><parameter><name>PaReq</name>" in answer.text
    assert [p["name"] for p in body["redirect"]["parameters"]] == ["PaReq", "TermUrl", "MD"]


@pytest.mark.parametrize(
    ("accept", "xml"),
    [
        ("application/xml", True),
        ("text/xml", True),
        ("application/json", False),
        ("*/*", False),
        ("application/json, application/xml", False),
        ("application/xml;q=0.9, application/json;q=0.5", True),
        ("text/html", False),
        ("no such thing", False),
        ("application/xml;q=abc", True),  # a q that is no number counts as 1
    ],
)
async def test_accept_chooses_the_answers_format(raw: Raw, accept: str, xml: bool) -> None:
    answer = await raw.post("/payments", payment_fields("o-1"), headers={"Accept": accept})
    wanted = "application/xml" if xml else "application/json"
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith(wanted)
    assert read(answer)["transactionStatus"] == "Y"


@pytest.mark.parametrize("encoding", ["form", "json-nested"])
async def test_xml_hostile_characters_come_back_intact_in_json_and_xml(
    raw: Raw, encoding: str
) -> None:
    holder = 'O\'Brien & <Sons> "Ltd" \r\n\té€😀'
    fields = payment_fields("o-1", **{"card.holder": holder})
    as_json = read(await raw.post("/payments", fields, encoding=encoding))
    inquiry = {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, KEY, as_json["paymentId"]),
        "paymentType": "IN",
    }
    answer = await raw.post(f"/payments/{as_json['paymentId']}", inquiry, xml=True)
    assert "&amp; &lt;Sons&gt;" in answer.text and "&#13;" in answer.text
    assert as_json["card"]["holder"] == read(answer)["card"]["holder"] == holder


@pytest.mark.parametrize(
    ("character", "description"),
    [
        ("\x00", "Invalid parameter: orderDescriptor"),
        ("\x1b", "Invalid parameter: orderDescriptor"),
        ("\ufffe", "Invalid parameter: orderDescriptor"),
        ("\ud800", "Malformed request body"),  # JSON's parser refuses a lone surrogate first
    ],
)
async def test_characters_xml_cannot_carry_are_refused_not_served(
    raw: Raw, character: str, description: str
) -> None:
    fields = payment_fields("o-1", orderDescriptor=f"tea{character}")
    for xml in (False, True):
        answer = await raw.post("/payments", fields, encoding="json-nested", xml=xml)
        assert answer.status_code == 400
        assert read(answer)["result"]["description"] == description


def test_the_xml_writer_replaces_what_xml_1_0_cannot_carry() -> None:
    document = xml_document({"a": "x\x01y", "b": ["\ud800"], "c": True, "d": None})
    assert document == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b"<response><a>x\xef\xbf\xbdy</a><b><item>\xef\xbf\xbd</item></b><c>true</c></response>"
    )
