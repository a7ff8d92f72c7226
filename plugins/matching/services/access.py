"""Who may read a file the matching plugin stored (the ``can_read_file`` hook)."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from core.models import Membership, User
from core.permissions import can
from plugins.matching.models import Pairing, PairingMessage, Profile
from plugins.matching.services.pairings import role_in_pairing
from plugins.matching.services.profiles import can_see, viewer


def _may_see_photo(user: Any, profile: Profile) -> bool:
    pid = profile.programme_id
    if not can(user, "matching.view_profiles", pid):
        return False
    owner = db.session.execute(
        db.select(User.erased).join(Membership, Membership.user_id == User.id)
        .where(Membership.programme_id == pid, User.id == profile.user_id)).first()
    return owner is not None and not owner[0] and can_see(profile, "photo", viewer(user, pid))


def may_read_file(user: Any, stored_file: Any) -> bool:
    """Whether ``user`` may see ``stored_file``: a profile photo they may see in the
    directory, or a file shared in a pairing they are one side of or manage."""
    profile = db.session.scalar(db.select(Profile).where(Profile.photo_id == stored_file.id)
                                .limit(1))
    if profile is not None:
        return _may_see_photo(user, profile)
    pairing = db.session.scalar(
        db.select(Pairing).join(PairingMessage, PairingMessage.pairing_id == Pairing.id)
        .where(PairingMessage.file_id == stored_file.id).limit(1))
    if pairing is None or not can(user, "matching.follow", pairing.programme_id):
        return False
    return role_in_pairing(pairing, user) is not None or \
        can(user, "matching.manage", pairing.programme_id)
