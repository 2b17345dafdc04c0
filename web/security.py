"""Headers and checks every response and form goes through."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

# No inline script or style anywhere, nothing from other hosts (the ministry's network may be
# closed), and the pages cannot be framed by another site.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class _EveryPath:
    """asgi-csrf's `always_protect` is a collection of paths: this one holds them all."""

    def __contains__(self, path: object) -> bool:
        return True


EVERY_PATH = _EveryPath()


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"x-content-type-options", b"x-frame-options")]
                headers += [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"same-origin"),
                            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                            (b"cross-origin-opener-policy", b"same-origin")]
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))  # reports are not for shared caches
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _refuse(send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": text.encode()})


def same_origin_posts(app: ASGIApp) -> ASGIApp:
    """Refuse a state-changing request that a browser says came from another site (Origin or
    Sec-Fetch-Site), before the CSRF token is even looked at: defence in depth."""

    async def checked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = Headers(scope=scope)
            origin, host = headers.get("origin"), headers.get("host")
            cross_site = headers.get("sec-fetch-site") == "cross-site" or (
                origin is not None and origin.split("://", 1)[-1] != host)  # "null" too
            if cross_site:
                await _refuse(send, 403, "Yêu cầu từ trang khác bị từ chối.")
                return
        await app(scope, receive, send)

    return checked


def forms_only(app: ASGIApp) -> ASGIApp:
    """What asgi-csrf must never see: an `Authorization: Bearer` header, with which it skips the
    token check (the dashboard signs in by session or proxy header, never by bearer token; a
    single sign-on proxy may pass one on; only Prometheus reading /metrics keeps it), and a multipart body (no form here uploads files;
    a malformed one crashes its parser)."""

    async def checked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scraping = scope["path"] == "/metrics" and scope["method"] in SAFE_METHODS  # its own bearer token
            if not scraping and any(name == b"authorization" for name, _ in scope["headers"]):
                scope = {**scope, "headers": [(n, v) for n, v in scope["headers"] if n != b"authorization"]}
            if (scope["method"] not in SAFE_METHODS
                    and Headers(scope=scope).get("content-type", "").lower().startswith("multipart/")):
                await _refuse(send, 415, "Biểu mẫu không hợp lệ.")
                return
        await app(scope, receive, send)

    return checked
