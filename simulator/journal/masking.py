"""Card data out of anything the sandbox keeps or shows: card numbers, security codes, PINs, and
card data hidden in base64 blobs, whatever the body's format (JSON, form, text).

A card number is any run of 13 to 19 digits starting 2-6 (the card networks' first digits),
or one written in groups of four (Amex's 4-6-5) split by spaces or dashes, Luhn-valid or not:
a mistyped real card is masked too. It keeps its BIN and last four (``424242******4242``).
Runs inside UUIDs and other dashed ids are not card numbers.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from ..outcomes.processor import mask

#: How much of a body is kept.
EXCERPT = 2048

# Each alternative starts by consuming its first digit and looks behind only then, so the
# regex engine can skip straight to the digits 2-6 instead of trying every position.
_PAN = re.compile(
    r"[2-6](?:"
    r"(?<![0-9][2-6])[0-9]{12,18}(?![0-9])"
    r"|(?<![0-9-][2-6])[0-9]{3}(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,3})?(?![0-9-])"
    r"|(?<=3)(?<![0-9-]3)[47][0-9]{2}[ -][0-9]{6}[ -][0-9]{5}(?![0-9-]))"
)
#: ``"cvv": "123"``, ``"securityCode": 123``, ``card_cvv=123`` and their kin.
_CODE = re.compile(
    r"""(?P<key>["']?\b(?:card_?)?(?:cvv2?|cvc2?|csc|security_?code)\b["']?\s*[:=]\s*)"""
    r"""(?P<value>"[0-9]{3,4}"|[0-9]{3,4}\b)""",
    re.IGNORECASE,
)
#: ``"pin": "1234"``, ``pin=1234`` — a PIN typed on a card-present terminal (4 to 12 digits).
_PIN = re.compile(
    r"""(?P<key>["']?\bpin\b["']?\s*[:=]\s*)(?P<value>"[0-9]{4,12}"|[0-9]{4,12}\b)""",
    re.IGNORECASE,
)
#: A run of 24 or more base64 (or base64url) characters, matched from the run's first one only:
#: trying every position inside shorter runs (any long word) made this the slowest scan.
_BLOB = re.compile(r"[A-Za-z0-9+/_-](?<![A-Za-z0-9+/_-].)[A-Za-z0-9+/_-]{23,}={0,2}")
#: Lower-case hex and dashes (UUIDs, hex tokens). Decoded as base64, every third byte of such a
#: run is 0x68 or above, so it cannot hold three digits in a row: no card number, no code.
_HEX = re.compile(r"[0-9a-f-]+")
_HEX_BYTES = b"0123456789abcdef-"
#: Words without which (in any case) ``_CODE`` and ``_PIN`` cannot match.
_CODE_WORDS = ("cvv", "cvc", "csc", "security")
#: The only non-ASCII letters case-insensitive matching takes for ASCII ones (capital I with a
#: dot, dotless i, long s, the Kelvin sign): text holding one is always scanned in full.
_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")
_FOLDING_BYTES = tuple(letter.encode() for letter in _FOLDING)
#: Every byte but the first bytes of ``_FOLDING``'s letters in UTF-8 (deleted, what is left
#: tells whether one may be there).
_NOT_FOLDING_LEADS = bytes(set(range(256)) - {letter[0] for letter in _FOLDING_BYTES})
#: ASCII letters in lower case, and ``v`` read as ``s``: the words of ``_PIN`` and ``_CODE``
#: (pin, cvv, cvc, csc, security) then each hold one of ``_WORD_SHAPES`` (``c`` before ``s``
#: stands for cvv, cvc and csc), three substring searches where five took twice as long.
_WORD_LETTERS = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZv", b"abcdefghijklmnopqrstuswxyzs")
_WORD_SHAPES = (b"cs", b"pin", b"security")

# Most bodies hold no card number and no card blob: byte-table passes (``bytes.translate``, at
# C speed) prove it, and spare the regexes a scan that tries every position.
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-="
#: The base64 alphabets' bytes and padding to ``a``, anything else a space; and the least run
#: ``_BLOB`` matches, as it reads there.
_RUNS = bytes(ord("a") if byte in _ALPHABET else ord(" ") for byte in range(256))
_LONG_RUN = b"a" * 24
#: Digits to ``0``, spaces and dashes to ``-``, anything else ``x``.
_DIGITS = bytes(
    ord("0") if byte in b"0123456789" else ord("-") if byte in b" -" else ord("x")
    for byte in range(256)
)
#: What the least of each ``_PAN`` alternative reads as under ``_DIGITS``: 13 digits, groups of
#: four (4-4-4), Amex's groups (4-6-5).
_PAN_SHAPES = (b"0" * 13, b"0000-0000-0000", b"0000-000000-00000")


def mask_text(text: str, raw: bytes | None = None) -> str:
    """``text`` with every card number, security code, PIN and encoded card blob masked;
    ``raw``, when given, is the UTF-8 ``text`` was decoded from (the quick checks read it)."""
    if raw is None:
        raw = text.encode("utf-8", "replace")
    # Offsets found in ``raw`` are offsets in ``text`` while it is ASCII and as decoded.
    same_offsets = raw.isascii()
    if _may_hold_blob(raw):
        text = _BLOB.sub(_blob, text)
        same_offsets = False
    # What ``_blob`` writes holds no digit: the check of ``raw`` still holds.
    first = _first_pan_shape(raw.translate(_DIGITS))
    if first >= 0:
        text = _sub_from(_PAN, text, first if same_offsets else 0, _pan)
    if _names_no_code(raw):
        return text
    # Find the words first (in lower case, unless a letter that folds into ASCII makes the
    # lowered text differ), and scan only from there.
    lowered = _lowered(text)
    masked = _sub_after(_PIN, text, lowered, ("pin",), len('"'))
    if masked is not text and lowered is not None:  # a masked PIN moved what follows it
        lowered = masked.lower()
    return _sub_after(_CODE, masked, lowered, _CODE_WORDS, len('"card_'))


def _may_hold_blob(raw: bytes) -> bool:
    """False when no run ``_BLOB`` matches is a card blob: ``_BLOB`` matches only inside runs
    of the base64 alphabets and ``=`` (it looks behind at no other character), so its matches
    in the few long runs are decoded here instead of trying every position of the text. (A
    form's ``data=<base64>`` is one such run, ``=`` inside.) The long runs are found by
    substring search in a byte-table copy, at C speed: most bodies hold a few (ids, tokens)
    among many short words."""
    runs = raw.translate(_RUNS)
    start = runs.find(_LONG_RUN)  # where the first run of 24 or more starts
    while start >= 0:
        end = runs.find(b" ", start)
        run = raw[start:end] if end >= 0 else raw[start:]
        if (
            # A run of hex and dashes is one ``_BLOB`` match that ``_HEX`` rules out.
            run.translate(None, _HEX_BYTES)
            and any(_is_card_blob(match.group()) for match in _BLOB.finditer(run.decode("ascii")))
        ):
            return True
        if end < 0:
            break
        start = runs.find(_LONG_RUN, end)
    return False


def _may_hold_pan(raw: bytes) -> bool:
    """False when no digits are shaped as the least of a card number ``_PAN`` could match."""
    return _first_pan_shape(raw.translate(_DIGITS)) >= 0


def _first_pan_shape(digits: bytes) -> int:
    """Where the first of ``_PAN_SHAPES`` starts in ``digits`` (``_DIGITS``' copy of a text),
    or -1. Every match of ``_PAN`` starts where its shape starts, so none starts before."""
    found = [at for shape in _PAN_SHAPES if (at := digits.find(shape)) >= 0]
    return min(found) if found else -1


def _sub_from(
    pattern: re.Pattern[str], text: str, begin: int, replace: Callable[[re.Match[str]], str]
) -> str:
    """``pattern.sub(replace, text)`` when no match starts before ``begin``: the scan starts
    there (and still sees the text before it for look-behinds)."""
    parts: list[str] = []
    done = 0
    for match in pattern.finditer(text, begin):
        parts += (text[done : match.start()], replace(match))
        done = match.end()
    return "".join(parts) + text[done:] if parts else text


def _names_no_code(raw: bytes) -> bool:
    """True when ``_PIN`` and ``_CODE`` cannot match: ``raw`` holds none of their words in any
    case, and no letter that folds into ASCII. Most bodies name no security code and no PIN,
    and this reads their bytes (lowering only ASCII, as those words are) without decoding."""
    if (
        not raw.isascii()
        and raw.translate(None, _NOT_FOLDING_LEADS)  # no such letter without its first byte
        and any(letter in raw for letter in _FOLDING_BYTES)
    ):
        return False
    folded = raw.translate(_WORD_LETTERS)
    return not any(shape in folded for shape in _WORD_SHAPES)


def _sub_after(
    pattern: re.Pattern[str], text: str, lowered: str | None, words: tuple[str, ...], lead: int
) -> str:
    """``pattern.sub(_code, text)``, scanning only from ``lead`` characters before the first
    of ``words`` in ``lowered`` (every match holds one of them, at most ``lead`` from its
    start); with ``lowered`` None, the whole text."""
    begin = 0
    if lowered is not None:
        found = [at for word in words if (at := lowered.find(word)) >= 0]
        if not found:
            return text
        begin = max(0, min(found) - lead)
    return _sub_from(pattern, text, begin, _code)


def excerpt(body: bytes, limit: int = EXCERPT) -> str:
    """The first ``limit`` characters of a body, decoded leniently, card data masked."""
    text = body.decode("utf-8", "replace")
    # Mask before cutting, so a number split by the cut is masked all the same.
    whole = len(body) <= limit + 64  # no more characters than bytes: nothing is cut
    masked = mask_text(text, body) if whole else mask_text(text[: limit + 64])
    return masked if len(masked) <= limit else masked[:limit] + "…"


def _lowered(text: str) -> str | None:
    """``text`` in lower case, where case-insensitive matching finds ASCII words; None when a
    letter that folds into ASCII (``_FOLDING``) means only a full scan can tell."""
    if not text.isascii() and any(letter in text for letter in _FOLDING):
        return None
    return text.lower()


def _pan(match: re.Match[str]) -> str:
    return mask(match.group().replace(" ", "").replace("-", ""))


def _code(match: re.Match[str]) -> str:
    quoted = match.group("value").startswith('"')
    return match.group("key") + ('"***"' if quoted else "***")


def _blob(match: re.Match[str]) -> str:
    token = match.group()
    return "[encoded card data, masked]" if _is_card_blob(token) else token


def _is_card_blob(token: str) -> bool:
    """Whether base64 ``token`` decodes to text holding a card number or a security code."""
    if _HEX.fullmatch(token):  # a UUID or a hex token: nothing to decode
        return False
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), altchars=_alt(token))
    except (binascii.Error, ValueError):
        return False
    text = decoded.decode("utf-8", "replace")
    # The quick checks of ``mask_text`` first: a blob of a webhook or a token rarely holds
    # digits shaped as a card number or the words of a security code, and scanning every
    # position of the decoded text case-insensitively was most of a webhook's masking.
    if _may_hold_pan(decoded) and _PAN.search(text):
        return True
    lowered = _lowered(text)
    if lowered is not None and not any(word in lowered for word in _CODE_WORDS):
        return False
    return bool(_CODE.search(text))


def _alt(token: str) -> bytes | None:
    return b"-_" if ("-" in token or "_" in token) else None
