"""A small OAuth2 authorization server for tests, on 127.0.0.1, in a thread of the test process.

It serves what a hosted mail provider's identity platform does, so far as reportbox and the mail
servers meet it:

* ``POST /token`` (RFC 6749): ``grant_type=refresh_token`` and ``client_credentials``, the client
  authenticated by ``client_secret`` in the body or HTTP Basic (a public client by ``client_id``
  alone). Errors are RFC 6749 5.2 JSON objects, with Microsoft's AADSTS numbers in the description.
* ``POST /introspect`` (RFC 7662): ``token=…`` in the body (Dovecot's ``introspection_mode = post``)
  or ``Authorization: Bearer …``; answers ``{"active": true, "username": …}`` or ``{"active": false}``.
  Dovecot's oauth2 passdb and the test SMTP server (tests/servers/smtp_process.py) ask it.

Access tokens live ``lifetime`` seconds of the server's clock, which ``advance()`` moves on without
waiting. A client registered with ``rotate=True`` gets a new refresh token at every refresh and
the old one stops working, the strictest provider's behaviour. Tests can also ``revoke()`` a
refresh token (consent withdrawn), ``expire_access_tokens()`` (a provider that ends them early) or
``stall()`` the token endpoint (it hangs until released); ``token_requests`` counts the requests
that reached it, answered or not.
"""

from __future__ import annotations

import base64
import json
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

from .common import LOCALHOST


@dataclass
class Client:
    client_id: str
    secret: str | None  # None: a public client, identified by client_id alone
    mailbox: str | None = None  # the mailbox a client-credentials token is for (the app's grant)
    lifetime: int = 3600
    rotate: bool = False


@dataclass
class Grant:
    """One token request the server answered, for tests to count."""

    grant_type: str
    client_id: str | None
    scope: str | None
    error: str | None = None


@dataclass
class _State:
    clients: dict[str, Client] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> (client_id, username)
    access_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (username, expiry)
    grants: list[Grant] = field(default_factory=list)
    introspections: int = 0
    token_requests: int = 0  # arrived at /token, counted before any answer (a stalled one too)
    offset: float = 0.0


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that gave up on a stalled answer (the timeout tests) has closed its end: not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class TokenServer:
    host = LOCALHOST

    def __init__(self) -> None:
        self.state = _State()
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._released = threading.Event()
        self._released.set()

    # --- life cycle ---------------------------------------------------------
    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = _QuietServer((self.host, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="token-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def token_url(self) -> str:
        return f"http://{self.host}:{self.port}/token"

    @property
    def introspection_url(self) -> str:
        return f"http://{self.host}:{self.port}/introspect"

    # --- arranging ----------------------------------------------------------
    def register_client(self, *, secret: str | None = None, mailbox: str | None = None, lifetime: int = 3600,
                        rotate: bool = False) -> Client:
        client = Client(f"app-{secrets.token_hex(4)}", secret, mailbox, lifetime, rotate)
        with self.lock:
            self.state.clients[client.client_id] = client
        return client

    def issue_refresh_token(self, client: Client, username: str) -> str:
        """The refresh token a person's consent would give this client for `username`."""
        token = f"rt-{secrets.token_urlsafe(12)}"
        with self.lock:
            self.state.refresh_tokens[token] = (client.client_id, username)
        return token

    def revoke(self, refresh_token: str) -> None:
        with self.lock:
            self.state.refresh_tokens.pop(refresh_token, None)

    def expire_access_tokens(self) -> None:
        """End every access token now (the client's cache does not know)."""
        with self.lock:
            self.state.access_tokens.clear()

    def advance(self, seconds: float) -> None:
        """Move the server's clock on: tokens issued before expire as if that time had passed."""
        with self.lock:
            self.state.offset += seconds

    def stall(self) -> None:
        """Hold every token request unanswered until `release()` (an endpoint that hangs)."""
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    @property
    def token_requests(self) -> int:
        with self.lock:
            return self.state.token_requests

    def now(self) -> float:
        return time.time() + self.state.offset

    def grants(self, client: Client | None = None) -> list[Grant]:
        with self.lock:
            return [g for g in self.state.grants if client is None or g.client_id == client.client_id]

    def refresh_token_of(self, client: Client) -> list[str]:
        """The refresh tokens of this client that still work."""
        with self.lock:
            return [t for t, (cid, _) in self.state.refresh_tokens.items() if cid == client.client_id]

    # --- answering ----------------------------------------------------------
    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, dict]:
        client_id, secret = basic if basic else (form.get("client_id"), form.get("client_secret"))
        grant_type = form.get("grant_type", "")
        with self.lock:
            status, body = self._token(grant_type, client_id, secret, form)
            self.state.grants.append(Grant(grant_type, client_id, form.get("scope"), body.get("error")))
        return status, body

    def _token(self, grant_type: str, client_id: str | None, secret: str | None, form) -> tuple[int, dict]:
        client = self.state.clients.get(client_id or "")
        if client is None:
            return 400, _error("unauthorized_client", f"AADSTS700016: Application with identifier '{client_id}' "
                                                      "was not found in the directory")
        if client.secret is not None and secret != client.secret:
            return 401, _error("invalid_client", "AADSTS7000215: Invalid client secret provided")
        if grant_type == "client_credentials":
            if client.secret is None or client.mailbox is None:
                return 400, _error("unauthorized_client", "the client may not use client_credentials")
            return 200, self._issue(client, client.mailbox, refresh_token=None)
        if grant_type == "refresh_token":
            held = self.state.refresh_tokens.get(form.get("refresh_token", ""))
            if held is None or held[0] != client.client_id:
                return 400, _error("invalid_grant", "AADSTS70008: The provided refresh token has expired due to "
                                                    "inactivity or has been revoked")
            rotated = None
            if client.rotate:
                del self.state.refresh_tokens[form["refresh_token"]]
                rotated = f"rt-{secrets.token_urlsafe(12)}"
                self.state.refresh_tokens[rotated] = held
            return 200, self._issue(client, held[1], refresh_token=rotated)
        return 400, _error("unsupported_grant_type", f"grant_type {grant_type!r}")

    def _issue(self, client: Client, username: str, refresh_token: str | None) -> dict:
        token = f"at-{secrets.token_urlsafe(16)}"
        self.state.access_tokens[token] = (username, self.now() + client.lifetime)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": client.lifetime}
        if refresh_token:
            body["refresh_token"] = refresh_token
        return body

    def introspect(self, token: str) -> dict:
        with self.lock:
            self.state.introspections += 1
            held = self.state.access_tokens.get(token)
            if held is None or held[1] <= self.now():
                return {"active": False}
            return {"active": True, "username": held[0], "exp": int(held[1])}


def _error(code: str, description: str) -> dict:
    return {"error": code, "error_description": description}


class _Handler(BaseHTTPRequestHandler):
    owner: TokenServer

    def do_POST(self) -> None:  # noqa: N802 - the http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True).items()}
        authorization = self.headers.get("Authorization") or ""
        if self.path.startswith("/token"):
            with self.owner.lock:
                self.owner.state.token_requests += 1
            self.owner._released.wait(60)
            basic = None
            if authorization.lower().startswith("basic "):
                user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
                basic = (unquote(user), unquote(password))
            self._reply(*self.owner.token(form, basic))
        elif self.path.startswith("/introspect"):
            token = form.get("token") or authorization.removeprefix("Bearer ").strip()
            self._reply(200, self.owner.introspect(token))
        else:
            self._reply(404, {"error": "not_found"})

    do_GET = do_POST  # Dovecot's introspection_mode = get / auth

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: pytest shows failures
        pass
