"""Export and erasure of what matching stores about a person; the demo content; the
plugin's declarations."""

from __future__ import annotations

import io

from PIL import Image

import plugins.matching as matching
from core.extensions import db
from core.models import StoredFile
from core.plugins import registry, setting
from plugins.matching.models import (
    Offer,
    Pairing,
    PairingMessage,
    Profile,
    Request,
    Round,
    RoundPost,
)
from plugins.matching.services.pairings import form_pairing
from tests.plugins.matching.conftest import text


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def _story(world, mx, login_as):
    """Mentee A with a photo and a profile, paired with Mentor A, a message shared and
    an open request to Mentor B."""
    prog = world["programme"]
    mx.offer(prog, world["mentor_a"])
    mx.offer(prog, world["mentor_b"])
    client = login_as(world["mentee_a"])
    client.post(f"/p/{prog.id}/matching/profile/photo",
                data={"photo": (io.BytesIO(_photo()), "me.png")},
                content_type="multipart/form-data")
    profile = db.session.scalar(db.select(Profile))
    profile.headline, profile.goals = "Curious student", "A first job"
    pairing = form_pairing(prog, world["mentor_a"], world["mentee_a"], world["manager"],
                           group=world["group_a"])
    db.session.commit()
    client.post(f"/p/{prog.id}/matching/pairings/{pairing.id}/messages",
                data={"body": "Shared thoughts"}, content_type="multipart/form-data")
    client.post(f"/p/{prog.id}/matching/mentors/{world['mentor_b'].id}/request",
                data={"motivation": "Please mentor me on interviews too."})
    return pairing


def test_export_contains_profile_requests_pairings_and_the_photo(world, mx, login_as):
    _story(world, mx, login_as)
    data = matching.export_user_data(world["mentee_a"])
    assert data.plugin == "matching"
    records = data.records
    assert records["profiles"][0]["headline"] == "Curious student"
    assert records["requests"][0]["motivation"] == "Please mentor me on interviews too."
    assert records["pairings"][0]["as"] == "mentee"
    assert records["pairing_messages"][0]["body"] == "Shared thoughts"
    assert [f.original_name for f in data.files] == ["photo.jpg"]
    assert matching.export_user_data(world["outsider"]) is None


def test_erasure_keeps_what_the_other_side_needs(world, mx, login_as, app):
    pairing = _story(world, mx, login_as)
    from core.builtin import erase_user_data as core_erase

    user = world["mentee_a"]
    matching.erase_user_data(user)
    core_erase(user)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Profile)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == 0
    assert db.session.get(Pairing, pairing.id).status == "closed"
    assert db.session.scalar(db.select(PairingMessage)).body_source == "Shared thoughts"
    page = text(login_as(world["mentor_a"]).get(
        f"/p/{world['programme'].id}/matching/pairings/{pairing.id}"))
    assert "Shared thoughts" in page and "deleted user" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Offer)) == 2


def _demo_users(world, make):
    prog = world["programme"]
    users = {"manager": world["manager"], "mentor1": world["mentor_a"],
             "mentor2": world["mentor_b"], "mentee1": world["mentee_a"],
             "mentee2": world["mentee_a2"], "mentee3": world["mentee_b"],
             "mentee4": make.member(prog, "mentee", name="Mentee B2"),
             "admin": world["admin"], "groups": [world["group_a"], world["group_b"]]}
    users["sections"] = {key: make.section(prog, key) for key in (
        "tools", "initial", "employability", "entrepreneurship", "monitoring")}
    return users


def test_demo_data_builds_profiles_offers_and_a_round(world, make, login_as):
    prog = world["programme"]
    matching.demo_data(prog, _demo_users(world, make))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Profile)) == 7
    assert db.session.scalar(db.select(db.func.count()).select_from(Offer)) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(Pairing)) == 2
    rnd = db.session.scalar(db.select(Round))
    assert len(rnd.week_topics) == 5 and rnd.activity.section.title == "employability"
    assert db.session.scalar(db.select(db.func.count()).select_from(RoundPost)) == 3
    assert setting(prog.id, "matching", "min_age") == 18
    dashboard = text(login_as(world["mentee_a2"]).get("/dashboard"))
    assert "week 3 of 5" in dashboard and "Future skills and working life" in dashboard
    found = text(login_as(world["mentee_a2"]).get(f"/p/{prog.id}/matching/mentors"))
    assert "Score (sum of the points above)" in found
    requests = text(login_as(world["mentor_a"]).get("/dashboard"))
    assert "Mentee B2 asks you for mentoring" in requests


def test_declarations(app):
    reg = registry()
    assert {c for c in reg.capabilities if c.startswith("matching.")} == {
        "matching.view_profiles", "matching.edit_profile", "matching.offer",
        "matching.request", "matching.follow", "matching.manage", "matching.join_rounds",
        "matching.manage_rounds"}
    assert reg.activity_types["matching.round"].group_modes == ("shared",)
    assert reg.settings[("matching", "min_age")].default == 0
    assert reg.settings[("matching", "pairing_weeks")].default == 10
    assert reg.event_types["pairing_formed"].label


def test_nav_items_for_members(world, login_as):
    page = text(login_as(world["mentee_a"]).get(f"/p/{world['programme'].id}"))
    assert f"/p/{world['programme'].id}/matching/people" in page
    assert f"/p/{world['programme'].id}/matching\"" in page


def test_pages_and_defaults_are_translated(world, make, login_as):
    from plugins.matching.services.profiles import ensure_competences
    from plugins.matching.services.rounds import default_week

    world["mentee_a"].language = "fi"
    db.session.commit()
    page = text(login_as(world["mentee_a"]).get(f"/p/{world['programme'].id}/matching/people"))
    assert "Ohjelman ihmiset" in page
    czech = make.programme(language="cs")
    assert "Programování" in [c.name for c in ensure_competences(czech)]
    assert default_week(3, "bg")[0] == "Умения за бъдещето и трудовият живот"
