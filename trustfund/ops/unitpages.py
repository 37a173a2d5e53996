"""Unit pages without a server: each unit's statement encrypted for its access code.

``trustfund codes`` stores only ``tf-access "ROOM" "pbkdf2-sha256:ITER:SALTHEX:HEX"``: ``HEX`` is
``D = PBKDF2-HMAC-SHA256(code, salt, ITER)``, a random 16-byte salt per unit and code. The
static site (``trustfund publish``) derives everything of a unit's page from ``D`` with
HKDF-SHA256 (:func:`derive`):

- the **file name** ``u/NAME.json``, NAME = 13 base32 characters (64 bits) of
  ``HKDF(D, info="trustfund unit page name v1")``: it names no unit (a listing of the folder
  shows how many units have a code, which the published totals per building show anyway);
- the **key**: ``HKDF(D, info="trustfund unit page key v1")``, 256 bits for AES-GCM.

The file holds the salt, the iteration count, a random 96-bit nonce and the AES-GCM
ciphertext of the statement (JSON, padded to a multiple of :data:`PAD` bytes so its length says
little). The browser gets the code from the address's fragment (``unit.html#NAME.CODE``, which
browsers never send to the host), computes ``D`` with WebCrypto's PBKDF2 and the same HKDF
steps, and decrypts; a wrong code fails AES-GCM's authentication and shows nothing.

Offline guessing: the files are public, so a code's strength is what protects a statement.
Codes are 10 characters of 31 (49.5 bits) and new ones are hashed with 600,000 iterations
(:data:`reports.publication.PBKDF2_ITERATIONS`, OWASP's figure for PBKDF2-HMAC-SHA256). One
guess costs 600,000 HMAC-SHA256 iterations; a current GPU computes about 10^10 per second, so
a 40-bit code takes on average 2^39 × 6·10^5 / 10^10 ≈ 3·10^7 s (one GPU-year) and one of
ours about 700 GPU-years, per unit. Codes hashed with fewer than :data:`MIN_ITERATIONS`
iterations, or with plain ``sha256:`` (no salt, no cost), get no static page: rotate them
(``trustfund codes --rotate UNIT`` or ``--all``).

Nothing here reads or writes files; :mod:`trustfund.ops.publish` does.
"""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass
from typing import Any

from reports.publication import format_code, normalise_code

VERSION = 1
NAME_INFO = b"trustfund unit page name v1"
KEY_INFO = b"trustfund unit page key v1"
NAME_LENGTH = 13  # base32 characters: 65 bits shown, 64 used
PAD = 2048  # plaintexts are padded to a multiple of this many bytes
MIN_ITERATIONS = 100_000
_DIGEST_RE = re.compile(r"^pbkdf2-sha256:(\d{1,8}):([0-9a-fA-F]{16,128}):([0-9a-fA-F]{64})$")


@dataclass(frozen=True)
class UnitSecret:
    """What a unit's page is derived from: its ``tf-access`` hash, taken apart."""

    iterations: int
    salt: bytes
    digest: bytes  # D = PBKDF2(code, salt, iterations)

    @property
    def name(self) -> str:
        """The file name of the unit's page (no unit id in it)."""
        raw = _hkdf(self.digest, NAME_INFO, 8)
        return base64.b32encode(raw).decode("ascii").rstrip("=")[:NAME_LENGTH]

    @property
    def key(self) -> bytes:
        return _hkdf(self.digest, KEY_INFO, 32)


def parse(stored: str | None) -> UnitSecret | None:
    """The secret of a ``tf-access`` hash usable for a static page, or None (plain sha256, too
    few iterations, malformed)."""
    match = _DIGEST_RE.match((stored or "").strip())
    if match is None:
        return None
    iterations = int(match.group(1))
    if iterations < MIN_ITERATIONS:
        return None
    return UnitSecret(iterations, bytes.fromhex(match.group(2)), bytes.fromhex(match.group(3)))


def _hkdf(secret: bytes, info: bytes, length: int) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def encrypt(secret: UnitSecret, statement: dict[str, Any]) -> dict[str, Any]:
    """The file of a unit's page: the statement encrypted under the secret's key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plain = json.dumps(statement, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    padded = plain + b" " * (-len(plain) % PAD)
    nonce = os.urandom(12)
    cipher = AESGCM(secret.key).encrypt(nonce, padded, secret.name.encode("ascii"))
    return {
        "v": VERSION,
        "kdf": "pbkdf2-sha256",
        "iter": secret.iterations,
        "salt": secret.salt.hex(),
        "nonce": _b64(nonce),
        "ct": _b64(cipher),
    }


def decrypt(secret: UnitSecret, blob: dict[str, Any]) -> dict[str, Any] | None:
    """The statement in a unit's page file, or None when it is not this secret's (or damaged).

    :mod:`trustfund.ops.publish` uses it to keep a page whose statement did not change (its
    nonce stays random, and the file is not rewritten)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        if blob.get("v") != VERSION or int(blob.get("iter", 0)) != secret.iterations:
            return None
        if bytes.fromhex(str(blob.get("salt", ""))) != secret.salt:
            return None
        nonce = base64.b64decode(str(blob["nonce"]))
        cipher = base64.b64decode(str(blob["ct"]))
        plain = AESGCM(secret.key).decrypt(nonce, cipher, secret.name.encode("ascii"))
        value = json.loads(plain.decode("utf-8"))
    except (InvalidTag, KeyError, ValueError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def fragment(secret: UnitSecret, code: str) -> str:
    """``NAME.ABCDE-FGHJK``: what follows ``#`` in a unit page's address."""
    return f"{secret.name}.{format_code(code)}"


def page_url(site_url: str, secret: UnitSecret, code: str) -> str:
    """The address of a unit's page on the static site, its code in the fragment."""
    return f"{site_url.rstrip('/')}/unit.html#{fragment(secret, code)}"


def code_matches(secret: UnitSecret, code: str) -> bool:
    """Whether ``code`` is the one the secret was made from (a slow check)."""
    import hashlib
    import hmac

    derived = hashlib.pbkdf2_hmac(
        "sha256", normalise_code(code).encode(), secret.salt, secret.iterations
    )
    return hmac.compare_digest(derived, secret.digest)


__all__ = [
    "MIN_ITERATIONS",
    "UnitSecret",
    "code_matches",
    "decrypt",
    "encrypt",
    "fragment",
    "page_url",
    "parse",
]
