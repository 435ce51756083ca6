"""The documented production environment (README: "Production settings") passes
`check --deploy` with no warning, and turns every protection on."""

import json
import os
import subprocess
import sys

from django.conf import settings

# Exactly the table in README.md's production section, with example values.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Lq-production-test-key-" + "k" * 40,
    "ALLOWED_HOSTS": "pizhu.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://pizhu.example.org",
    "DATABASE_URL": "postgres://pizhu:secret@db.example.org:5432/pizhu",
    "SECURE_HSTS_PRELOAD": "1",
    "PIZHU_TRUSTED_PROXIES": "1",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**inherited, "PIZHU_DATA_DIR": "/nonexistent-never-created", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_warning_under_the_documented_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


PROBE = """
import json
from django.conf import settings as s
print(json.dumps({
    "debug": s.DEBUG,
    "csp": sorted(s.CONTENT_SECURITY_POLICY["DIRECTIVES"]),
    "report_only": bool(getattr(s, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
    "middleware": s.MIDDLEWARE,
    "backends": s.AUTHENTICATION_BACKENDS,
    "axes": [s.AXES_ENABLED, s.AXES_FAILURE_LIMIT, s.AXES_LOCKOUT_PARAMETERS],
    "cookies": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY],
    "https": [s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_CONTENT_TYPE_NOSNIFF],
    "frames": s.X_FRAME_OPTIONS,
    "uploads": [s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.FILE_UPLOAD_MAX_MEMORY_SIZE],
}))
"""


def test_production_turns_every_protection_on():
    result = manage("shell", "-v", "0", "-c", PROBE, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["debug"] is False
    assert {"default-src", "script-src", "object-src", "base-uri", "frame-ancestors"} <= set(
        found["csp"]
    )
    assert found["report_only"] is False
    assert "csp.middleware.CSPMiddleware" in found["middleware"]
    assert found["middleware"][-1] == "axes.middleware.AxesMiddleware"
    assert found["backends"][0] == "library.throttling.LoginThrottleBackend"
    assert found["axes"] == [True, 5, [["username", "ip_address"]]]
    assert found["cookies"] == [True, True, True]
    assert found["https"] == [True, 31_536_000, True]
    assert found["frames"] == "DENY"
    assert found["uploads"] == [2_621_440, 2_621_440]
