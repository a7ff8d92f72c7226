"""Competence profiles: the directory, one profile, editing one's own and its photo."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import storage
from core.extensions import db
from core.models.base import utcnow
from core.permissions import capability_required, role_in
from core.storage import UploadError
from core.text import render_markdown
from core.views.forms import ConfirmForm
from core.views.helpers import paginate
from plugins.matching.forms import PhotoForm, profile_form
from plugins.matching.models import PROFILE_FIELDS, Profile, ProfileCompetence
from plugins.matching.services.pairings import loads
from plugins.matching.services.photos import save_photo
from plugins.matching.services.profiles import (
    can_see,
    competence_slots,
    competences,
    directory,
    language_choices,
    profile_of,
    roles_of,
    slot_ids,
    split_list,
)
from plugins.matching.services.requests import min_age, offer_of
from plugins.matching.views.common import bp, current, me, member_or_404, programme_or_404


@bp.route("/p/<int:programme_id>/matching/people")
@capability_required("matching.view_profiles")
def directory_view(programme_id: int):
    """Browse and filter the programme's profiles."""
    programme = programme_or_404(programme_id)
    who = me(programme_id)
    args = request.args
    role = args.get("role") if args.get("role") in ("mentor", "mentee", "manager") else None
    competence_id = args.get("competence", type=int)
    language = args.get("language") or None
    q = (args.get("q") or "").strip()[:100] or None
    stmt = directory(programme_id, who, role=role, competence_id=competence_id,
                     language=language, q=q)
    page = paginate(stmt, per_page=20)
    roles = roles_of(programme_id, [p.user_id for p in page.items])
    filters = {k: v for k, v in (("role", role), ("competence", competence_id),
                                 ("language", language), ("q", q)) if v}
    return render_template(
        "matching/directory.html", programme=programme, page=page, roles=roles,
        see=lambda p, f: can_see(p, f, who), competences=competences(programme_id),
        languages=language_choices(), filters=filters,
        has_own=role_in(current(), programme_id) is not None,
    )


@bp.route("/p/<int:programme_id>/matching/people/<int:user_id>")
@capability_required("matching.view_profiles")
def profile_view(programme_id: int, user_id: int):
    """One person's profile, showing the fields the viewer may see."""
    programme = programme_or_404(programme_id)
    user, role = member_or_404(programme_id, user_id)
    profile = profile_of(user.id, programme_id)
    who = me(programme_id)
    offer = offer_of(user.id, programme_id) if role == "mentor" else None
    full = offer is not None and loads(programme_id, [user.id]).get(user.id, 0) >= offer.capacity
    return render_template(
        "matching/profile.html", programme=programme, person=user, role=role,
        profile=profile, offer=offer, full=full, see=lambda f: can_see(profile, f, who),
        own=user.id == who.user_id,
    )


@bp.route("/p/<int:programme_id>/matching/people/<int:user_id>/photo")
@capability_required("matching.view_profiles")
def photo(programme_id: int, user_id: int):
    """A profile photo, if the viewer may see it."""
    member_or_404(programme_id, user_id)
    profile = profile_of(user_id, programme_id)
    if profile is None or profile.photo is None or not can_see(profile, "photo",
                                                               me(programme_id)):
        abort(404)
    return storage.serve(profile.photo)


def _fill(form, profile: Profile | None, slots: list, seeking: bool, needed: int) -> None:
    if profile is None:
        for name in PROFILE_FIELDS:
            getattr(form, f"vis_{name}").data = Profile.__table__.c[f"vis_{name}"].default.arg
        return
    form.headline.data = profile.headline
    form.bio.data = profile.bio_source
    form.languages.data = profile.languages
    form.interests.data = ", ".join(profile.interests)
    form.availability.data = profile.availability
    form.goals.data = profile.goals
    form.age_confirmed.data = bool(needed and (profile.age_confirmed or 0) >= needed)
    levels = {pc.competence_id: pc for pc in profile.competences}
    for slot in slots:
        pc = levels.get(slot.id)
        getattr(form, f"level_{slot.key}").data = pc.level if pc else 0
        if seeking:
            getattr(form, f"seek_{slot.key}").data = bool(pc and pc.seeking)
    for name in PROFILE_FIELDS:
        getattr(form, f"vis_{name}").data = profile.visibility(name)


def _save(form, profile: Profile, slots: list, ids: dict, seeking: bool, needed: int) -> None:
    profile.headline = form.headline.data.strip() if form.headline.data else ""
    profile.bio_source = form.bio.data or ""
    profile.bio_html = render_markdown(form.bio.data)
    profile.languages = form.languages.data or []
    profile.interests = split_list(form.interests.data)
    profile.availability = form.availability.data or []
    profile.goals = (form.goals.data or "").strip()
    if needed:
        if form.age_confirmed.data:
            if (profile.age_confirmed or 0) < needed:
                profile.age_confirmed, profile.age_confirmed_at = needed, utcnow()
        else:
            profile.age_confirmed = profile.age_confirmed_at = None
    existing = {pc.competence_id: pc for pc in profile.competences}
    for slot in slots:
        cid = ids.get(slot.key)
        if cid is None:
            continue
        level = getattr(form, f"level_{slot.key}").data or 0
        wants = bool(seeking and getattr(form, f"seek_{slot.key}").data)
        pc = existing.get(cid)
        if not level and not wants:
            if pc is not None:
                profile.competences.remove(pc)
            continue
        if pc is None:
            pc = ProfileCompetence(competence_id=cid)
            profile.competences.append(pc)
        pc.level, pc.seeking = max(1, level), wants
    for name in PROFILE_FIELDS:
        setattr(profile, f"vis_{name}", getattr(form, f"vis_{name}").data)


@bp.route("/p/<int:programme_id>/matching/profile", methods=["GET", "POST"])
@capability_required("matching.edit_profile")
def profile_edit(programme_id: int):
    """Write or change one's own profile in the programme."""
    programme = programme_or_404(programme_id)
    user = current()
    _user, role = member_or_404(programme_id, user.id)
    form, slots, seeking, needed = _profile_form(programme, role)
    profile = profile_of(user.id, programme_id)
    if not form.is_submitted():
        _fill(form, profile, slots, seeking, needed)
    if form.validate_on_submit():
        if profile is None:
            profile = Profile(programme_id=programme_id, user_id=user.id)
            db.session.add(profile)
        _save(form, profile, slots, slot_ids(programme, slots), seeking, needed)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".profile_view", programme_id=programme_id, user_id=user.id))
    return _profile_page(programme, form, profile, slots, seeking, needed)


def _profile_form(programme: Any, role: str) -> tuple[Any, list, bool, int]:
    """The profile form for a member's role, with its competence slots, whether the
    member seeks a mentor and the minimum age."""
    slots = competence_slots(programme)
    seeking = role == "mentee"
    form = profile_form(slots, seeking)
    form.languages.choices = language_choices()
    return form, slots, seeking, min_age(programme.id)


def _profile_page(programme: Any, form: Any, profile: Profile | None, slots: list,
                  seeking: bool, needed: int, photo_form: PhotoForm | None = None,
                  status: int = 200) -> tuple[str, int]:
    """The profile form page; ``photo_form`` keeps a refused photo's error."""
    return render_template(
        "matching/profile_form.html", programme=programme, form=form, profile=profile,
        slots=slots, seeking=seeking, min_age=needed, photo_form=photo_form or PhotoForm(),
        fields=PROFILE_FIELDS,
    ), status


@bp.route("/p/<int:programme_id>/matching/profile/photo", methods=["POST"])
@capability_required("matching.edit_profile")
def photo_upload(programme_id: int):
    """Replace one's photo with a shrunk, metadata-free copy."""
    programme = programme_or_404(programme_id)
    user = current()
    _user, role = member_or_404(programme_id, user.id)
    form = PhotoForm()
    if not form.validate_on_submit():
        abort(400)
    profile = profile_of(user.id, programme_id)
    try:
        stored = save_photo(request.files.get("photo"), programme=programme, user=user)
    except UploadError as err:
        form.photo.errors = [str(err)]
        shown, slots, seeking, needed = _profile_form(programme, role)
        _fill(shown, profile, slots, seeking, needed)
        return _profile_page(programme, shown, profile, slots, seeking, needed, form,
                             err.status)
    if profile is None:
        profile = Profile(programme_id=programme_id, user_id=user.id)
        db.session.add(profile)
    old = profile.photo
    try:
        db.session.flush()
        profile.photo_id = stored.id
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.discard([stored])
        raise
    if old is not None:
        storage.delete(old)
        db.session.commit()
    flash(_("Your photo is saved."), "success")
    return redirect(url_for(".profile_edit", programme_id=programme_id))


@bp.route("/p/<int:programme_id>/matching/profile/photo/delete", methods=["GET", "POST"])
@capability_required("matching.edit_profile")
def photo_delete(programme_id: int):
    """Remove one's photo after confirmation."""
    programme_or_404(programme_id)
    profile = profile_of(current().id, programme_id)
    if profile is None or profile.photo is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        old = profile.photo
        profile.photo_id = None
        storage.delete(old)
        db.session.commit()
        flash(_("Your photo is removed."), "success")
        return redirect(url_for(".profile_edit", programme_id=programme_id))
    return render_template("confirm.html", form=form,
                           question=_("Remove your profile photo?"),
                           cancel=url_for(".profile_edit", programme_id=programme_id))
