"""Response headers that hold on every page: CSP without inline code, no framing, no leaks."""

from flask import request
from flask.sessions import SecureCookieSessionInterface

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    """Add the security headers to a response."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    )
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The signed session cookie, marked Secure whenever the request came over HTTPS.

    Behind a TLS-terminating proxy (``PROXY_COUNT``) the request is HTTPS when
    the proxy says so in X-Forwarded-Proto.
    """

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_app(app) -> None:
    """Install the headers and the session cookie; HSTS only when the app is served over HTTPS."""
    app.session_interface = SessionInterface()
    app.after_request(set_security_headers)
    if app.config["SESSION_COOKIE_SECURE"]:

        @app.after_request
        def strict_transport(response):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
