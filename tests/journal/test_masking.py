"""Card data never leaves the journal or the delivery log in full, whatever the body's format."""

from __future__ import annotations

import base64
import binascii
import json
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psp_sandbox.simulator.journal import masking
from psp_sandbox.simulator.journal.masking import excerpt, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('{"cc_number": "4242424242424242"}', '{"cc_number": "424242******4242"}'),
        ('{"number": 5555555555554444}', '{"number": 555555******4444}'),
        ("cardNumber=4111 1111 1111 1111&x=1", "cardNumber=411111******1111&x=1"),
        ("pan=4111-1111-1111-1112", "pan=411111******1112"),  # not Luhn-valid: masked too
        ("amex 3782 822463 10005 paid", "amex 378282*****0005 paid"),
        ("card-4111111111111111", "card-411111******1111"),
        ('{"card_cvv": "123", "cvv": 456}', '{"card_cvv": "***", "cvv": ***}'),
        ('{"securityCode": "1234"}', '{"securityCode": "***"}'),
        ("CVC2=999", "CVC2=***"),
    ],
)
def test_card_numbers_and_security_codes_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        '{"amount": 100, "ts": 1717171717171, "rrn": "84538652787"}',
        '{"order_id": "order-17", "cc_mask": "424242******4242"}',
        '{"data": "eyJuYW1lIjoiSm9lIiwiYWdlIjoyMH0="}',  # base64 of something harmless
        '{"transaction_id": "bd25f2b3-e85c-4033-8268-28479ad0d18a"}',
        '{"id": "11111111-2222-4333-8444-555555555555"}',
    ],
)
def test_what_is_not_card_data_is_left_as_it_is(text: str) -> None:
    assert mask_text(text) == text


def test_card_data_inside_a_base64_blob_is_masked() -> None:
    blob = base64.b64encode(json.dumps({"cardNumber": "5555555555554444"}).encode()).decode()
    assert mask_text(f'{{"data": "{blob}"}}') == '{"data": "[encoded card data, masked]"}'


def test_an_excerpt_masks_a_number_the_cut_would_split() -> None:
    body = b'{"padding": "' + b"x" * 90 + b'", "cc_number": "4242424242424242"}'
    cut = excerpt(body, limit=110)
    assert "4242424242424242" not in cut
    assert cut.endswith("…")
    assert len(cut) == 111


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('{"pin": "1234"}', '{"pin": "***"}'),
        ("action=pin&pin=864209753186", "action=pin&pin=***"),
        ('{"PIN": 98765}', '{"PIN": ***}'),
        ('{"pin_tries_left": 2, "spin": 1234}', '{"pin_tries_left": 2, "spin": 1234}'),
        # A long PIN masked first shortens the text: the security code after it is found all
        # the same.
        ('{"pin": "0000000000", "cvv": "123"}', '{"pin": "***", "cvv": "***"}'),
    ],
)
def test_a_pin_typed_on_a_terminal_is_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # Letters that case-insensitive matching folds into ASCII ones (long s, Kelvin sign).
        ('{"\u017fecurity_code": "123"}', '{"\u017fecurity_code": "***"}'),
        (
            '{"bank": "\u0404\u0432\u0440\u043e\u043f\u0430", "CVV": 321}',
            '{"bank": "\u0404\u0432\u0440\u043e\u043f\u0430", "CVV": ***}',
        ),
        # A security code or PIN far into a long body is found from its word on.
        (
            '{"padding": "' + "y" * 3000 + '", "card_cvv": "123"}',
            '{"padding": "' + "y" * 3000 + '", "card_cvv": "***"}',
        ),
        ("x" * 500 + " pin=4321", "x" * 500 + " pin=***"),
        # A word that only ends like a keyword starts no match, wherever the scan begins.
        ('{"xcard_cvv": "123"}', '{"xcard_cvv": "123"}'),
    ],
)
def test_security_codes_are_found_wherever_and_however_they_are_written(
    text: str, masked: str
) -> None:
    assert mask_text(text) == masked


def test_a_hex_token_is_left_alone_and_a_card_blob_beside_it_is_masked() -> None:
    blob = base64.b64encode(b'{"pan": "4111111111111111"}').decode()
    text = f'{{"cc_token": "2ab2fd6384764a2f8784cd5a886056d7", "data": "{blob}"}}'
    assert mask_text(text) == (
        '{"cc_token": "2ab2fd6384764a2f8784cd5a886056d7", "data": "[encoded card data, masked]"}'
    )


def test_a_card_number_after_a_masked_blob_is_masked_though_the_blob_moved_it() -> None:
    # The blob's mask is shorter than the blob: where the number starts in the body's bytes
    # is past where it starts in the masked text.
    blob = base64.b64encode(b'{"pan": "4111111111111111", "holder": "J. Doe"}').decode()
    text = f'{{"data": "{blob}", "pan": "4000 0000 0000 3220"}}'
    assert mask_text(text) == ('{"data": "[encoded card data, masked]", "pan": "400000******3220"}')


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A dashed id's digits are no card number from its first group (the scan starts at
        # the groups and sees the 1- before them); the three groups after it are one.
        ("ref 1-4242 4242 4242 4242", "ref 1-4242 424242**4242"),
        ("ref 94242424242424242424", "ref 94242424242424242424"),  # 20 digits: too long
    ],
)
def test_what_precedes_the_first_digits_shaped_as_a_card_number_still_counts(
    text: str, masked: str
) -> None:
    assert mask_text(text) == masked


@given(st.sampled_from(["pin", *masking._CODE_WORDS]), st.lists(st.booleans(), min_size=8))
def test_every_word_of_a_pin_or_a_security_code_in_any_case_is_noticed(
    word: str, upper: list[bool]
) -> None:
    written = "".join(c.upper() if up else c for c, up in zip(word, upper, strict=False))
    assert not masking._names_no_code(f'{{"x{written}x": 1}}'.encode())


def _is_card_blob_in_full(token: str) -> bool:
    """What ``_is_card_blob`` answers when both regexes scan the whole decoded text."""
    if masking._HEX.fullmatch(token):
        return False
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), altchars=masking._alt(token))
    except (binascii.Error, ValueError):
        return False
    text = decoded.decode("utf-8", "replace")
    return bool(masking._PAN.search(text) or masking._CODE.search(text))


def _blob_in_full(match: re.Match[str]) -> str:
    return "[encoded card data, masked]" if _is_card_blob_in_full(match.group()) else match.group()


def _scanned_in_full(text: str) -> str:
    """What ``mask_text`` answers when every regex scans the whole text (no pre-checks)."""
    text = masking._BLOB.sub(_blob_in_full, text)
    text = masking._PAN.sub(lambda m: masking.mask(re.sub(r"[ -]", "", m.group())), text)
    text = masking._sub_after(masking._PIN, text, None, ("pin",), 1)
    return masking._sub_after(masking._CODE, text, None, masking._CODE_WORDS, 6)


_PIECES = st.one_of(
    st.text(alphabet="0123456789 -", min_size=1, max_size=24),
    st.text(alphabet="0123456789abcdef-", min_size=20, max_size=40),
    st.text(alphabet=string.ascii_letters + string.digits + "+/_-=", min_size=1, max_size=40),
    st.sampled_from(['"cvv": "123"', "pin=1234", '"cc":"', "3782 822463 10005"]),
    st.sampled_from(["424242424242424242", "5555-5555-5555-4444", '{"pan": "4000000000003220"}'])
    .map(str.encode)
    .map(base64.b64encode)
    .map(bytes.decode),
    st.sampled_from(["=", "==", "===", "processorNetworkInformation", "é", "Ж"]),
)


#: What a base64 blob may hold: card numbers, security codes written in any case (the Kelvin
#: sign and the long s fold into k and s), and text around them.
_DECODED = st.lists(
    st.one_of(
        _PIECES,
        st.sampled_from(['"CVV": "123"', "card_cvc=987", "Security_Code: 1234"]),
        st.sampled_from(["\u017fecurity_code: 321", "secur\u0131ty_code=555", "c\u017fc=12"]),
        st.sampled_from(["\u212a", "\u017f", "csc", "cvv", "4111111111111111", "12345678901"]),
    ),
    max_size=6,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_DECODED, st.booleans())
def test_a_blob_is_judged_as_a_full_scan_of_its_decoded_text_judges_it(
    text: str, urlsafe: bool
) -> None:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    token = encode(text.encode()).decode().rstrip("=")
    assert masking._is_card_blob(token) == _is_card_blob_in_full(token)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_the_quick_checks_never_skip_what_a_full_scan_would_mask(text: str) -> None:
    assert mask_text(text) == _scanned_in_full(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(_PIECES.map(str.encode), st.binary(max_size=6)), max_size=8).map(b"".join)
)
def test_an_excerpt_of_raw_bytes_masks_as_a_full_scan_of_its_text(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    assert excerpt(body) == _scanned_in_full(text)


@settings(max_examples=500, deadline=None)
@given(_DECODED)
def test_codes_written_in_any_case_or_with_folding_letters_are_masked_as_a_full_scan_masks(
    text: str,
) -> None:
    assert mask_text(text) == _scanned_in_full(text)
    assert excerpt(text.encode()) == _scanned_in_full(text)
