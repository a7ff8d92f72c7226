"""One-click unsubscribe from a forum mail, without logging in.

The signed token in the address is the authority, so the page takes a POST
without a CSRF token (mail clients send RFC 8058 one-click POSTs); a GET only
shows the button.
"""

from __future__ import annotations

from flask import abort, render_template, request

from core.extensions import csrf, db
from core.models import Activity, User
from core.permissions import public
from plugins.forum.models import Discussion
from plugins.forum.services.notify import read_unsubscribe_token
from plugins.forum.services.subscriptions import set_subscription
from plugins.forum.views.common import bp


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    """Show what the link stops (GET); stop it (POST)."""
    found = read_unsubscribe_token(token)
    if found is None:
        abort(404)
    user_id, activity_id, discussion_id = found
    user = db.session.get(User, user_id)
    activity = db.session.get(Activity, activity_id)
    discussion = db.session.get(Discussion, discussion_id) if discussion_id else None
    if user is None or activity is None or (discussion_id and discussion is None):
        abort(404)
    done = False
    if request.method == "POST":
        set_subscription(user.id, activity.id, discussion_id, False)
        db.session.commit()
        done = True
    return render_template("forum/unsubscribe.html", activity=activity,
                           discussion=discussion, done=done, token=token)
