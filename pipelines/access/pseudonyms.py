"""Pseudonyms for researchers: a keyed hash of the client id, stable for one database.

The key is a random secret kept in a file beside the published database (created on first use,
readable by its owner only), so the same client has the same pseudonym across rebuilds of that
database and a different one in any other database; without the key the hash cannot be reversed
by trying every possible client id.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

KEY_BYTES = 32
PREFIX = "P"
DIGITS = 16  # hex digits: 64 bits, so a collision among a million clients is ~3e-8 likely


def key_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}.pseudonym-key")


def database_key(db_path: Path) -> bytes:
    """The database's pseudonym key, created (mode 0600) the first time it is asked for."""
    path = key_path(db_path)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex())
    return key


def pseudonym(client_id: str, key: bytes) -> str:
    """HMAC-SHA-256 of the client id under the database key, shortened."""
    if not key:
        raise ValueError("a pseudonym needs the database key")
    digest = hmac.new(key, str(client_id).encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


def deidentify(
    frame: pd.DataFrame,
    key: bytes,
    *,
    ids: Sequence[str] = ("client_id",),
    dates: Sequence[str] = (),
    anchor: str = "admission_date",
    drop: Sequence[str] = ("episode_id",),
) -> pd.DataFrame:
    """Client ids become pseudonyms; dates become days from `anchor` (which is then dropped)."""
    out = frame.copy()
    for column in ids:
        if column in out:
            out[column] = out[column].map(lambda v: None if pd.isna(v) else pseudonym(v, key))
    if anchor in out:
        start = pd.to_datetime(out[anchor])
        for column in dates:
            days = (pd.to_datetime(out[column]) - start).dt.days
            out[column.removesuffix("_date") + "_day"] = days.astype("Int64")
        out = out.drop(columns=[*dates, anchor])
    elif dates:
        raise ValueError(f"relative days need the {anchor!r} column")
    # Whatever date is left could identify a client: it does not leave.
    left = [c for c in out.columns if pd.api.types.is_datetime64_any_dtype(out[c])]
    left += [c for c in out.columns if str(c).endswith("_date")]
    out = out.drop(columns=sorted(set(left)))
    return out.drop(columns=[c for c in drop if c in out])
