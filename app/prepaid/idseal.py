"""Buyers' ID numbers at rest: sealed with AES-GCM under a key kept outside the database.

The key is a file in the counter's data folder (`id-numbers.key`, readable by its owner
only), never in the database, its backups or exports: a copy of the database alone
shows an ID number only masked. Each sealed number names its key (the first bytes of the
key's hash), so a counter holding another key says so instead of showing garbage. On a
store's server, the owner copies the key file to each counter that reveals numbers."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core.errors import Conflict

KEY_FILE = "id-numbers.key"
_AAD = b"frontdesk buyer id v1"


def _key_path(folder: Path) -> Path:
    return folder / KEY_FILE


def _load(folder: Path, create: bool) -> bytes | None:
    path = _key_path(folder)
    if path.is_file():
        return base64.b64decode(path.read_text().strip())
    if not create:
        return None
    key = AESGCM.generate_key(bit_length=256)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(base64.b64encode(key).decode())
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def seal(folder: Path, number: str) -> str:
    """The number encrypted ("v1:<key id>:<nonce+ciphertext, base64>")."""
    key = _load(folder, create=True)
    assert key is not None
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, number.encode(), _AAD)
    return f"v1:{_key_id(key)}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(folder: Path, sealed: str) -> str:
    """The number again, with this counter's key; refused when the key is missing or is
    another one."""
    try:
        version, key_id, body = sealed.split(":", 2)
    except ValueError:
        raise Conflict("prepaid.id_unreadable") from None
    key = _load(folder, create=False)
    if version != "v1" or key is None or _key_id(key) != key_id:
        raise Conflict("prepaid.id_key_missing", file=KEY_FILE)
    raw = base64.b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], _AAD).decode()
    except InvalidTag:
        raise Conflict("prepaid.id_unreadable") from None
