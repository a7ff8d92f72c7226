"""Competence profiles: field visibility per viewer, the directory, editing, photos."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core import storage
from core.extensions import db
from core.models import StoredFile
from plugins.matching.models import Competence, Profile, ProfileCompetence
from tests.plugins.matching.conftest import text

SECRET = {
    "headline": "HEADLINE-PROG", "bio_html": "<p>BIO-GROUP</p>", "goals": "GOALS-STAFF",
}


@pytest.fixture
def hidden(world, mx):
    """Mentee A's profile: headline for the programme, bio for the group, goals and
    competences for staff only."""
    comps = mx.competences(world["programme"])
    return mx.profile(world["programme"], world["mentee_a"], headline="HEADLINE-PROG",
                      bio_source="BIO-GROUP", bio_html="<p>BIO-GROUP</p>",
                      goals="GOALS-STAFF", interests=["INTEREST-PROG"],
                      competences={comps["Programming"]: (2, True)},
                      vis_headline="programme", vis_bio="group", vis_goals="staff",
                      vis_competences="staff", vis_interests="programme")


# viewer -> (headline, bio, goals, competence) visible?
MATRIX = {
    "mentee_a": (True, True, True, True),      # the owner
    "mentee_a2": (True, True, False, False),   # same group
    "mentor_a": (True, True, False, False),    # same group, mentor
    "mentee_b": (True, False, False, False),   # other group
    "mentor_b": (True, False, False, False),   # other group, mentor
    "manager": (True, True, True, True),       # staff
}


@pytest.mark.parametrize("viewer", sorted(MATRIX))
def test_profile_field_visibility_per_viewer(world, hidden, login_as, viewer):
    client = login_as(world[viewer])
    resp = client.get(f"/p/{world['programme'].id}/matching/people/{world['mentee_a'].id}")
    assert resp.status_code == 200
    body = text(resp)
    shown = ("HEADLINE-PROG" in body, "BIO-GROUP" in body, "GOALS-STAFF" in body,
             "Programming" in body)
    assert shown == MATRIX[viewer]


def test_outsider_sees_no_profile(world, hidden, login_as):
    client = login_as(world["outsider"])
    pid = world["programme"].id
    assert client.get(f"/p/{pid}/matching/people/{world['mentee_a'].id}").status_code == 404
    assert client.get(f"/p/{pid}/matching/people").status_code == 404


def test_directory_filters_only_on_fields_the_viewer_may_see(world, hidden, mx, login_as):
    pid = world["programme"].id
    programming = db.session.scalar(db.select(Competence).where(
        Competence.programme_id == pid, Competence.name == "Programming"))
    url = f"/p/{pid}/matching/people?competence={programming.id}"
    # competences are staff-only: a peer filtering by them must not find the profile
    assert "Mentee A<" not in text(login_as(world["mentee_a2"]).get(url))
    assert "Mentee A<" in text(login_as(world["manager"]).get(url))
    # a search on the programme-visible interest finds it for everyone
    found = text(login_as(world["mentee_b"]).get(f"/p/{pid}/matching/people?q=interest-prog"))
    assert "Mentee A<" in found and "HEADLINE-PROG" in found
    # a search on the hidden goals field finds nothing
    assert "Mentee A<" not in text(login_as(world["mentee_b"]).get(
        f"/p/{pid}/matching/people?q=goals-staff"))


def test_directory_role_and_language_filters(world, mx, login_as):
    prog = world["programme"]
    mx.profile(prog, world["mentor_a"], headline="Coder", languages=["fi", "en"])
    mx.profile(prog, world["mentee_b"], headline="Learner", languages=["en"])
    client = login_as(world["mentee_a"])
    body = text(client.get(f"/p/{prog.id}/matching/people?role=mentor"))
    assert "Coder" in body and "Learner" not in body
    body = text(client.get(f"/p/{prog.id}/matching/people?language=fi"))
    assert "Coder" in body and "Learner" not in body
    body = text(client.get(f"/p/{prog.id}/matching/people?language=xx"))
    assert "No profile matches these filters." in body


def _members(make, prog, n):
    for i in range(n):
        user = make.member(prog, "mentee" if i % 2 else "mentor", name=f"Person {i:03d}")
        db.session.add(Profile(programme_id=prog.id, user_id=user.id, headline=f"H{i}"))
    db.session.commit()


def test_directory_query_count_does_not_grow_with_profiles(make, mx, login_as, queries):
    counts = []
    for n in (10, 200):
        prog = make.programme()
        viewer = make.member(prog, "manager")
        comps = mx.competences(prog)
        _members(make, prog, n)
        for profile in db.session.scalars(db.select(Profile).where(
                Profile.programme_id == prog.id)).all():
            for name in ("Teamwork", "Programming"):
                db.session.add(ProfileCompetence(profile_id=profile.id,
                                                 competence_id=comps[name].id, level=2))
        db.session.commit()
        client = login_as(viewer)
        with queries() as q:
            resp = client.get(f"/p/{prog.id}/matching/people")
        assert resp.status_code == 200 and "Person 0" in text(resp)
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_showing_the_profile_form_changes_nothing(world, login_as):
    pid = world["programme"].id
    resp = login_as(world["mentee_a"]).get(f"/p/{pid}/matching/profile")
    assert resp.status_code == 200 and "Programming" in text(resp)
    assert db.session.scalar(db.select(db.func.count()).select_from(Competence)) == 0


def test_saving_the_profile_renders_markdown_and_keeps_levels(world, login_as):
    pid = world["programme"].id
    client = login_as(world["mentee_a"])
    form = text(client.get(f"/p/{pid}/matching/profile"))
    assert 'name="level_d4"' in form  # the default list, not stored yet
    resp = client.post(f"/p/{pid}/matching/profile", data={
        "headline": "IT student", "bio": "I like **Python** <script>x()</script>",
        "languages": ["en", "fi"], "interests": "web, security, Web",
        "availability": ["weekends"], "goals": "An internship",
        "level_d4": "2", "seek_d4": "y", "level_d0": "3",
        **{f"vis_{f}": "programme" for f in ("headline", "bio", "photo", "languages",
                                             "competences", "interests", "availability",
                                             "goals")}})
    assert resp.status_code == 302
    profile = db.session.scalar(db.select(Profile))
    assert "<strong>Python</strong>" in profile.bio_html and "<script" not in profile.bio_html
    assert profile.languages == ["en", "fi"] and profile.interests == ["web", "security"]
    levels = {pc.competence.name: (pc.level, pc.seeking) for pc in profile.competences}
    assert levels == {"Programming": (2, True), "Communication": (3, False)}
    # the list is now stored; the form uses row ids from here on
    form = text(client.get(f"/p/{pid}/matching/profile"))
    assert 'name="level_d4"' not in form and "An internship" in form


def test_bad_profile_input_keeps_what_was_typed(world, login_as):
    pid = world["programme"].id
    client = login_as(world["mentor_a"])
    resp = client.post(f"/p/{pid}/matching/profile", data={
        "headline": "x" * 300, "bio": "Keep this text", "vis_bio": "nobody"})
    assert resp.status_code == 200
    body = text(resp)
    assert "Keep this text" in body and "Please correct the marked fields." in body
    assert db.session.scalar(db.select(db.func.count()).select_from(Profile)) == 0


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (1200, 800), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"   # Make
    exif[0x0131] = "SecretSoftware"      # Software
    exif[0x0112] = 6                     # Orientation: rotate 90° clockwise
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, comment=b"SecretComment")
    return out.getvalue()


def test_photo_is_resized_and_exif_is_gone(world, login_as):
    pid = world["programme"].id
    original = _jpeg_with_exif()
    assert b"SecretCameraMaker" in original
    client = login_as(world["mentee_a"])
    resp = client.post(f"/p/{pid}/matching/profile/photo",
                       data={"photo": (io.BytesIO(original), "me.jpg")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    profile = db.session.scalar(db.select(Profile))
    stored = storage.read_bytes(profile.photo)
    for secret in (b"SecretCameraMaker", b"SecretSoftware", b"SecretComment", b"Exif"):
        assert secret not in stored
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and not img.getexif()
    # turned upright from the orientation tag, then shrunk: portrait now
    assert max(img.size) <= 480 and img.size[1] > img.size[0]
    served = client.get(f"/p/{pid}/matching/people/{world['mentee_a'].id}/photo")
    assert served.status_code == 200 and served.data == stored
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_replacing_a_photo_deletes_the_old_file(world, login_as):
    pid = world["programme"].id
    client = login_as(world["mentee_a"])
    for _ in range(2):
        client.post(f"/p/{pid}/matching/profile/photo",
                    data={"photo": (io.BytesIO(_jpeg_with_exif()), "me.jpg")},
                    content_type="multipart/form-data")
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 1


@pytest.mark.parametrize("payload,name", [(b"<svg onload=alert(1)>", "x.jpg"),
                                          (b"%PDF-1.4 not a picture", "cv.pdf"),
                                          (b"", "empty.png")])
def test_non_pictures_are_refused(world, login_as, payload, name):
    pid = world["programme"].id
    client = login_as(world["mentee_a"])
    resp = client.post(f"/p/{pid}/matching/profile/photo",
                       data={"photo": (io.BytesIO(payload), name)},
                       content_type="multipart/form-data")
    assert resp.status_code == 400  # the profile page again, with what is wrong
    assert "picture" in text(resp) or "empty" in text(resp)
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 0


def test_photo_follows_its_visibility(world, mx, login_as):
    prog = world["programme"]
    client = login_as(world["mentee_a"])
    client.post(f"/p/{prog.id}/matching/profile/photo",
                data={"photo": (io.BytesIO(_jpeg_with_exif()), "me.jpg")},
                content_type="multipart/form-data")
    profile = db.session.scalar(db.select(Profile))
    profile.vis_photo = "group"
    db.session.commit()
    url = f"/p/{prog.id}/matching/people/{world['mentee_a'].id}/photo"
    assert login_as(world["mentor_a"]).get(url).status_code == 200
    assert login_as(world["mentee_b"]).get(url).status_code == 404
    assert login_as(world["outsider"]).get(url).status_code == 404


def test_removing_the_photo_asks_first(world, login_as):
    pid = world["programme"].id
    client = login_as(world["mentee_a"])
    client.post(f"/p/{pid}/matching/profile/photo",
                data={"photo": (io.BytesIO(_jpeg_with_exif()), "me.jpg")},
                content_type="multipart/form-data")
    assert "Remove your profile photo?" in text(
        client.get(f"/p/{pid}/matching/profile/photo/delete"))
    assert db.session.scalar(db.select(Profile)).photo_id is not None
    assert client.post(f"/p/{pid}/matching/profile/photo/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Profile)).photo_id is None
