"""Common passwords are refused, by the one policy (``policy_errors``) every form
uses: the 100,000 most common passwords and what zxcvbn finds easy to guess."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from core.auth.passwords import check_password, policy_errors
from core.extensions import db
from core.models import User
from tests.factories import PASSWORD, login

NAMED = ["password2", "Passw0rd!", "michelle", "liverpool", "1234qwer"]
# entries ranked about 90,000th in the 10-million list: beyond any short list, and
# several look random enough to fool a strength estimator
DEEP = ["showmethemoney", "Tojiik85521133", "sfhj5484fgh", "zn87x54mxma", "VHpuuLf2K",
        "Vsavb7rtUI", "0528325452mr", "yflz13041976", "zghjcnjcegth", "vfrcjy666",
        "wolfenstein", "tumbleweed", "whiterabbit", "sonnenschein", "w123456789w"]
LIST = Path(__file__).resolve().parents[2] / "core" / "auth" / "common_passwords.txt.gz"


@pytest.mark.parametrize("password", NAMED + DEEP + [p.upper() for p in NAMED])
def test_common_passwords_are_refused(app, password):
    with app.test_request_context():
        assert policy_errors(password), password


def test_the_shipped_list_holds_the_100k_most_common(app):
    with gzip.open(LIST, "rt", encoding="utf-8") as fh:
        words = [w.strip() for w in fh if w.strip() and not w.startswith("#")]
    assert len(words) > 38_000  # every one of 8 or more characters among the 100,000
    with app.test_request_context():
        for word in random.Random(7).sample(words, 300):
            assert policy_errors(word), word


@pytest.mark.parametrize("password", ["correct-horse-battery", "a strong passphrase",
                                      "Kettle lantern Oslo 42"])
def test_good_passphrases_pass(app, password):
    with app.test_request_context():
        assert policy_errors(password) == []


@pytest.mark.parametrize("password", NAMED)
def test_the_change_password_form_refuses_them(app, make, password):
    user = make.user()
    c = app.test_client()
    login(c, user)
    resp = c.post("/password", data={"current": PASSWORD, "password": password,
                                     "confirm": password})
    assert resp.status_code == 200
    assert "choose another" in resp.get_data(as_text=True) \
        or "too easy to guess" in resp.get_data(as_text=True)
    assert check_password(db.session.get(User, user.id).password_hash, PASSWORD)
