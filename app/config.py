"""Settings from the environment. SQLite in ``instance/`` by default; ``DATABASE_URL`` for PostgreSQL."""
from __future__ import annotations

import os
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` / ``postgresql://`` spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    def __init__(self, instance_path: str, overrides: dict | None = None):
        env = os.environ
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        default_db = "sqlite:///" + str(Path(instance_path) / "cofund.sqlite3")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env.get("DATABASE_URL", default_db))
        self.SECRET_KEY = env.get("SECRET_KEY") or _dev_secret(instance_path)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # Secure cookies (HTTPS only) unless COFUND_ENV is development or testing (`make run` sets development);
        # SESSION_COOKIE_SECURE=0/1 decides explicitly.
        self.COFUND_ENV = env.get("COFUND_ENV", "production")
        secure = env.get("SESSION_COOKIE_SECURE")
        self.SESSION_COOKIE_SECURE = (secure == "1" if secure in ("0", "1")
                                      else self.COFUND_ENV not in ("development", "testing"))
        # Sessions end after this long without a request, and this long after signing in, whatever happens.
        self.SESSION_IDLE_MINUTES = int(env.get("SESSION_IDLE_MINUTES", "30"))
        self.SESSION_MAX_HOURS = int(env.get("SESSION_MAX_HOURS", "12"))
        # HTTPS: FORCE_HTTPS=1 (or PREFERRED_URL_SCHEME=https) sends HSTS and redirects plain HTTP to HTTPS.
        self.FORCE_HTTPS = env.get("FORCE_HTTPS", "0") == "1"
        self.PREFERRED_URL_SCHEME = "https" if self.FORCE_HTTPS else env.get("PREFERRED_URL_SCHEME", "http")
        self.HSTS_SECONDS = int(env.get("HSTS_SECONDS", str(365 * 24 * 3600)))
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
        self.PROXY_FIX = env.get("PROXY_FIX", "0") == "1"
        # Sign-in limits (app/services/login_limits.py): failures per address within a window; per account a
        # delay that doubles after a few failures, up to a maximum.
        self.LOGIN_ADDRESS_MAX_FAILURES = int(env.get("LOGIN_ADDRESS_MAX_FAILURES", "20"))
        self.LOGIN_ADDRESS_WINDOW_MINUTES = int(env.get("LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
        self.LOGIN_ACCOUNT_FREE_FAILURES = int(env.get("LOGIN_ACCOUNT_FREE_FAILURES", "3"))
        self.LOGIN_ACCOUNT_MAX_DELAY_SECONDS = int(env.get("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "120"))
        self.MAX_UPLOAD_MB = int(env.get("MAX_UPLOAD_MB", "20"))
        self.DOCUMENT_DIR = env.get("DOCUMENT_DIR") or str(Path(instance_path) / "documents")
        # Signed checkpoints of the audit chain (app/services/checkpoints.py): the Ed25519 private key as
        # PEM or base64, or else a key file (created with mode 0600 on first use); and the append-only log
        # of checkpoints. Both belong outside the database, and the key outside the database's backups.
        self.AUDIT_SIGNING_KEY = env.get("AUDIT_SIGNING_KEY") or None
        self.AUDIT_SIGNING_KEY_FILE = env.get("AUDIT_SIGNING_KEY_FILE") or str(
            Path(instance_path) / "audit-signing-key.pem")
        self.AUDIT_CHECKPOINT_LOG = env.get("AUDIT_CHECKPOINT_LOG") or str(
            Path(instance_path) / "audit-checkpoints.log")
        for key, value in (overrides or {}).items():
            setattr(self, key, value)
        if getattr(self, "TESTING", False) and "SESSION_COOKIE_SECURE" not in (overrides or {}):
            self.SESSION_COOKIE_SECURE = False  # the test client and the browser tests speak plain HTTP
        # Request bodies may carry several evidence files, each up to MAX_UPLOAD_MB.
        self.MAX_CONTENT_LENGTH = getattr(self, "MAX_CONTENT_LENGTH", None) or (
            self.MAX_UPLOAD_MB * 1024 * 1024 * 5 + 1024 * 1024
        )


def _dev_secret(instance_path: str) -> str:
    """A random key kept in instance/ so a development server keeps its sessions across restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
