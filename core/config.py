"""Configuration: defaults, environment variables and the instance folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from core.i18n import catalog_languages


def _secret_key(instance: Path) -> str:
    """Return the instance's secret key, creating it (mode 0600) on first start."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the configuration from defaults, environment variables and overrides."""
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    env = os.environ
    overrides = dict(overrides or {})
    cfg: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or f"sqlite:///{instance / 'ementoring.sqlite'}",
        "REDIS_URL": env.get("REDIS_URL") or None,
        "UPLOAD_MAX_MB": int(env.get("UPLOAD_MAX_MB", "50")),
        # upload limits of the file store, for every plugin (0 = no limit): per person,
        # at most UPLOAD_RATE_FILES files and UPLOAD_RATE_MB in UPLOAD_RATE_WINDOW_MINUTES;
        # at most UPLOAD_USER_QUOTA_MB kept per person, UPLOAD_PROGRAMME_QUOTA_MB per programme
        "UPLOAD_RATE_FILES": int(env.get("UPLOAD_RATE_FILES", "30")),
        "UPLOAD_RATE_MB": int(env.get("UPLOAD_RATE_MB", "200")),
        "UPLOAD_RATE_WINDOW_MINUTES": int(env.get("UPLOAD_RATE_WINDOW_MINUTES", "60")),
        "UPLOAD_USER_QUOTA_MB": int(env.get("UPLOAD_USER_QUOTA_MB", "1000")),
        "UPLOAD_PROGRAMME_QUOTA_MB": int(env.get("UPLOAD_PROGRAMME_QUOTA_MB", "20000")),
        # ``ementoring storage sweep`` removes unfinished and unreferenced files older than this
        "STORAGE_SWEEP_AGE_MINUTES": int(env.get("STORAGE_SWEEP_AGE_MINUTES", "60")),
        "STORAGE_DIR": env.get("STORAGE_DIR") or str(instance / "files"),
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "ementoring@localhost"),
        "SITE_URL": env.get("SITE_URL") or None,
        "SITE_NAME": env.get("SITE_NAME", "ementoring"),
        "TIMEZONE": env.get("TIMEZONE") or None,
        "PASSWORD_HASH_METHOD": "scrypt",
        # the password throttle (core/auth/throttle.py): free tries per address and
        # client, the first wait, its ceiling; the lock over all clients
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_DELAY_SECONDS": int(env.get("LOGIN_DELAY_SECONDS", "30")),
        "LOGIN_LOCK_MINUTES": int(env.get("LOGIN_LOCK_MINUTES", "15")),
        "LOGIN_ACCOUNT_MAX_FAILURES": int(env.get("LOGIN_ACCOUNT_MAX_FAILURES", "50")),
        "LOGIN_ACCOUNT_LOCK_HOURS": int(env.get("LOGIN_ACCOUNT_LOCK_HOURS", "24")),
        # per-client and per-address request limits (Flask-Limiter notation)
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute;60 per hour"),
        "RATELIMIT_LOGIN_ADDRESS": env.get("RATELIMIT_LOGIN_ADDRESS", "30 per minute"),
        "RATELIMIT_RESET": env.get("RATELIMIT_RESET", "5 per minute;20 per hour"),
        "RATELIMIT_RESET_ADDRESS": env.get("RATELIMIT_RESET_ADDRESS", "3 per hour"),
        "RATELIMIT_INVITATION": env.get("RATELIMIT_INVITATION", "20 per minute"),
        # minimum zxcvbn score (0-4) of a new password
        "PASSWORD_MIN_SCORE": int(env.get("PASSWORD_MIN_SCORE", "3")),
        # proxies in front of the app whose X-Forwarded-* headers are believed
        # (nginx: 1); 0 trusts none, and the client address is the connection's
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "SESSION_IDLE_DAYS": int(env.get("SESSION_IDLE_DAYS", "30")),
        "RESET_TOKEN_MAX_AGE": 3600,
        "INVITE_DAYS": 14,
        "PAGE_SIZE": 25,
        # separates the rate-limit counters of sites (or test runs) sharing one Redis
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "ementoring"),
        "DEFAULT_THEME": "default",
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": env["LANGUAGES"].split(",") if env.get("LANGUAGES") else catalog_languages(),
        "SOCKETIO_ASYNC_MODE": env.get("SOCKETIO_ASYNC_MODE", "threading"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "").lower()
        in ("1", "true", "yes"),
        "PREFERRED_URL_SCHEME": env.get("PREFERRED_URL_SCHEME", "http"),
        "WTF_CSRF_TIME_LIMIT": None,
        # no ping before each checkout (a round trip on every request): connections are
        # renewed before servers or proxies drop idle ones, and a request that still
        # meets a dropped one is retried (see ``core._install_errors``)
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_recycle": 1800},
        "EXTRA_PLUGINS": [],
        # plugins the site does not load at all (their tables stay; see `plugins uninstall`)
        "DISABLED_PLUGINS": [n.strip() for n in env.get("DISABLED_PLUGINS", "").split(",")
                             if n.strip()],
    }
    cfg.update(overrides)
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = env.get("SECRET_KEY") or _secret_key(instance)
    cfg["MAX_CONTENT_LENGTH"] = cfg["UPLOAD_MAX_MB"] * 1024 * 1024 + 64 * 1024
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    cfg["SQLALCHEMY_DATABASE_URI"] = uri
    return cfg
