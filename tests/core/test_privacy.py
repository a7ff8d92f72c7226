"""The privacy contract: self-service export and admin erasure."""

from __future__ import annotations

import io
import json
import zipfile

from core import storage
from core.extensions import db
from core.models import Membership, User


def test_user_downloads_their_data_as_zip(app, world, login_as):
    user = world["mentee_a"]
    with app.test_request_context():
        sf = storage.save_bytes(b"my cv text", "cv.txt", user=user)
        db.session.commit()
    resp = login_as(user).get("/profile/export")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(resp.data))
    data = json.loads(zf.read("data.json"))
    assert data["core"]["account"]["email"] == user.email
    assert {"programme": world["programme"].title, "role": "mentee"} in data["core"]["memberships"]
    assert zf.read(f"files/core/{sf.id}-cv.txt") == b"my cv text"


def test_admin_erases_a_user(app, world, login_as):
    user = world["mentee_a"]
    old_email = user.email
    c = login_as(world["admin"])
    assert c.get(f"/admin/users/{user.id}/erase").status_code == 200  # confirmation first
    assert db.session.get(User, user.id).erased is False
    c.post(f"/admin/users/{user.id}/erase")
    db.session.expire_all()
    erased = db.session.get(User, user.id)
    assert erased.erased and erased.email != old_email and erased.password_hash is None
    assert erased.name in ("deleted user",)
    assert db.session.scalar(db.select(Membership).where(Membership.user_id == user.id)) is None
    resp = app.test_client().post("/login", data={"email": old_email,
                                                  "password": "correct-horse-battery"})
    assert resp.status_code == 200


def test_only_admins_erase(app, world, login_as):
    resp = login_as(world["manager"]).post(f"/admin/users/{world['mentee_a'].id}/erase")
    assert resp.status_code in (403, 404)
    assert db.session.get(User, world["mentee_a"].id).erased is False
