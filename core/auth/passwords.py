"""Password hashing and the password policy.

A new password is refused when it is one of the 100,000 most common passwords
(``common_passwords.txt.gz``: the xato.net list as collected in SecLists), and
when zxcvbn (Dropbox's estimator, the ``zxcvbn`` package) scores it under
``PASSWORD_MIN_SCORE`` (3 of 4: fewer than 10^8 guesses). zxcvbn's own lists of
leaked passwords, names and words, with keyboard patterns, dates, repeats and
l33t spellings, catch the variants a list cannot hold (``Passw0rd!``).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 1024
ESTIMATED_LENGTH = 72  # zxcvbn judges this much; the rest only adds strength
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt.gz")


def normalise(password: str) -> str:
    """Compose Unicode so the same password typed on different keyboards matches."""
    return unicodedata.normalize("NFC", password)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    with gzip.open(_COMMON_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip() and line[0] != "#")


def policy_errors(password: str, *, email: str | None = None) -> list[str]:
    """Return what is wrong with a new password (an empty list when it is fine)."""
    password = normalise(password or "")
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        errors.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in _common() or (email and lowered == email.lower()):
        errors.append(_("This password is too common; choose another."))
    elif len(set(password)) < 3 or _score(password, email) < current_app.config.get(
            "PASSWORD_MIN_SCORE", 3):
        errors.append(_("This password is too easy to guess. Use a longer one, for "
                        "example three or four words that do not belong together."))
    return errors


def _score(password: str, email: str | None) -> int:
    """zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess)."""
    hints = [part for part in re.split(r"[@._+\-]", email or "") if part]
    return zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=hints)["score"]


def hash_password(password: str) -> str:
    """Hash a password with the configured modern algorithm (scrypt by default)."""
    return generate_password_hash(
        normalise(password), method=current_app.config["PASSWORD_HASH_METHOD"]
    )


def check_password(pw_hash: str | None, password: str) -> bool:
    """True when ``password`` matches the stored hash."""
    if not pw_hash:
        return False
    return check_password_hash(pw_hash, normalise(password))


def burn_time(password: str) -> None:
    """Spend about as long as a real check, so unknown accounts answer as slowly."""
    check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)
