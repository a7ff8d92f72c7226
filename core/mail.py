"""The one way to send mail: SMTP when configured, the console otherwise."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

log = logging.getLogger("ementoring.mail")


def send_mail(
    to: str | Iterable[str],
    subject: str,
    body: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """Send a plain-text (optionally also HTML) message to one or more addresses.

    With no ``MAIL_SERVER`` configured the message is printed to the console,
    which is what a development install wants.
    """
    cfg = current_app.config
    recipients = [to] if isinstance(to, str) else list(to)
    msg = EmailMessage()
    msg["From"] = formataddr((cfg.get("SITE_NAME", "ementoring"), cfg["MAIL_DEFAULT_SENDER"]))
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="ementoring")
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    if not cfg.get("MAIL_SERVER"):
        print(f"--- mail (no MAIL_SERVER set) ---\n{msg}\n--- end of mail ---", flush=True)
        return msg
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg, to_addrs=recipients)
    log.info("mail sent to %d recipient(s): %s", len(recipients), subject)
    return msg
