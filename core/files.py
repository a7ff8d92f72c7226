"""Who may read a stored file: asked of the plugin that stored it."""

from __future__ import annotations

from typing import Any

from core.permissions import role_in
from core.plugins import registry


def can_read_file(user: Any, stored_file: Any) -> bool:
    """True when ``user`` may read ``stored_file``, as its owning plugin decides.

    Only the plugin named in ``stored_file.plugin`` is asked (hook
    ``can_read_file``, first result wins); nobody may read a file of a plugin
    that is missing or disabled in the file's programme, a file of a programme
    the user is not a member of (site admins excepted), or a file no owner
    answers for.
    """
    if stored_file is None or not getattr(user, "is_authenticated", False):
        return False
    reg = registry()
    owner = stored_file.plugin
    if not reg.pm.has_plugin(owner) or not reg.is_enabled(stored_file.programme_id, owner):
        return False
    pid = stored_file.programme_id
    if pid is not None and not user.is_site_admin and role_in(user, pid) is None:
        return False
    answer = reg.owner_hooks(owner).can_read_file(user=user, stored_file=stored_file)
    return answer is True
