"""OAuth2 access tokens for hosted mail (Microsoft 365, Gmail), and the SASL strings that carry them.

A TokenSource asks the provider's token endpoint (through authlib) for access tokens: from a
refresh token, issued once when a person consented, or, for Microsoft 365, with the
client-credentials flow (the application's own identity). It keeps each token in memory until
shortly before it expires and is shared by every connection to one account (a poll's and IDLE's),
so they refresh once between them, not each.

A provider may answer a refresh with a new refresh token (Microsoft does, every time). The new one
is used from then on and written back to `refresh_token_file`, whole and owner-only; one given
through the environment cannot be written, and a warning says to update it.

A failed request is remembered for FAILURE_BACKOFF seconds: the connections that were waiting for
it (a poll and every IDLE watcher of a mailbox) get the same error at once, instead of each waiting
its own timeout in turn on an endpoint that hangs.

Expiry is measured on the monotonic clock: a wall clock set back or forward (NTP after months of
running) neither keeps a dead token nor throws away a good one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from reportbox.config import OAuth2Config, SecretUnavailable
from reportbox.errors import ConfigError, SourceError, SourceUnavailable, TokenRefused
from reportbox.private_files import NotOwner, replace_secret_file, user_name

log = logging.getLogger("reportbox.oauth")

MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
OUTLOOK = "https://outlook.office365.com"
# (provider, flow, protocol) -> scope asked for. A refresh asks for the scope consented to, or less.
SCOPES = {
    ("microsoft", "refresh_token", "imap"): f"{OUTLOOK}/IMAP.AccessAsUser.All offline_access",
    ("microsoft", "refresh_token", "smtp"): f"{OUTLOOK}/SMTP.Send offline_access",
    ("microsoft", "client_credentials", "imap"): f"{OUTLOOK}/.default",
    ("microsoft", "client_credentials", "smtp"): f"{OUTLOOK}/.default",
    ("google", "refresh_token", "imap"): "https://mail.google.com/",
    ("google", "refresh_token", "smtp"): "https://mail.google.com/",
}
EXPIRY_MARGIN = 60.0  # seconds before its end a token is no longer handed out (at most a tenth of its life)
DEFAULT_LIFETIME = 3600  # when a provider leaves out expires_in (RFC 6749 only recommends it)
FAILURE_BACKOFF = 15.0  # seconds a failed token request answers every caller (shorter than any poll interval)

_clock = time.monotonic  # a module attribute so that tests can move time on


def token_url(settings: OAuth2Config) -> str:
    if settings.token_url:
        return settings.token_url
    if settings.provider == "microsoft":
        return MICROSOFT_TOKEN_URL.format(tenant=settings.tenant)
    return GOOGLE_TOKEN_URL


def scope(settings: OAuth2Config, protocol: str) -> str | None:
    """The scope asked for: the setting, else the provider's for this protocol and flow."""
    return settings.scope or SCOPES.get((settings.provider, settings.flow, protocol))


# -- SASL ------------------------------------------------------------------------------------------

def xoauth2_response(user: str, token: str) -> str:
    """The client's XOAUTH2 message (Google's and Microsoft's mechanism)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def oauthbearer_response(user: str, token: str, host: str, port: int) -> str:
    """The client's OAUTHBEARER message (RFC 7628 3.1): a GS2 header naming the user, then host,
    port and the bearer token as key=value pairs separated by ^A."""
    saslname = user.replace("=", "=3D").replace(",", "=2C")  # RFC 5801's escaping of the authzid
    return f"n,a={saslname},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"


def choose_mechanism(setting: str, offered: Iterable[str]) -> str:
    """`mechanism` from the config; "auto": OAUTHBEARER when the server offers it, else XOAUTH2
    (Microsoft 365 offers only XOAUTH2; Gmail both)."""
    if setting != "auto":
        return setting.upper()
    return "OAUTHBEARER" if "OAUTHBEARER" in {m.upper() for m in offered} else "XOAUTH2"


def initial_response(mechanism: str, user: str, token: str, host: str, port: int) -> str:
    if mechanism == "OAUTHBEARER":
        return oauthbearer_response(user, token, host, port)
    return xoauth2_response(user, token)


class SaslLogin:
    """The OAuth2 SASL login of one connection: the mechanism chosen from what the server offers, and
    an exchange per token tried (`exchange`), whose last one holds the server's refusal (`refusal`).
    The protocol's own call (IMAP AUTHENTICATE, SMTP AUTH) stays with the protocol."""

    def __init__(self, setting: str, offered: Iterable[str], user: str, host: str, port: int) -> None:
        self.mechanism = choose_mechanism(setting, offered)
        self.user, self.host, self.port = user, host, port
        self.exchanges: list[SaslExchange] = []

    def exchange(self, token: str) -> SaslExchange:
        exchange = SaslExchange(self.mechanism, initial_response(self.mechanism, self.user, token, self.host,
                                                                 self.port))
        self.exchanges.append(exchange)
        return exchange

    @property
    def refusal(self) -> str | None:
        """What the server said when it refused the last token, if anything."""
        return self.exchanges[-1].error if self.exchanges else None


class SaslExchange:
    """One client side of XOAUTH2 or OAUTHBEARER, for IMAPClient.sasl_login and smtplib's SMTP.auth.

    The first (empty) challenge gets the initial response. A second one is the server's refusal,
    a JSON object (status, scope): it is kept in `error` and answered with what the mechanism
    requires, an empty line (XOAUTH2) or ^A (RFC 7628 3.2.3), so the server ends with its error.
    """

    def __init__(self, mechanism: str, initial: str) -> None:
        self.mechanism = mechanism
        self.initial = initial
        self.error: str | None = None
        self._sent = False

    def __call__(self, challenge: bytes | None = None) -> str:
        if not self._sent:
            self._sent = True
            return self.initial
        self.error = describe_challenge(challenge or b"")
        return "\x01" if self.mechanism == "OAUTHBEARER" else ""


def describe_challenge(challenge: bytes) -> str:
    """A server's error challenge in a line: its JSON fields, or the text as it came."""
    text = challenge.decode("utf-8", "replace")
    try:
        fields = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:300]
    if not isinstance(fields, dict):
        return text[:300]
    return ", ".join(f"{key} {value}" for key, value in fields.items())[:300]


# -- tokens ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccessToken:
    value: str
    fresh: bool  # issued for this request: a server refusing it would refuse another as well


class TokenSource:
    """Access tokens for one account (`label`: 'mailbox "phongkh"' or 'smtp'), cached in memory."""

    def __init__(self, settings: OAuth2Config, *, label: str, protocol: str, timeout: float) -> None:
        self.settings = settings
        self.label = label
        self.protocol = protocol
        self.timeout = timeout
        self.url = token_url(settings)
        self.scope = scope(settings, protocol)
        self._lock = threading.Lock()  # IDLE's connections and the poll's may ask at once
        self._token: str | None = None
        self._expires = 0.0
        self._refresh_token = _value(settings.refresh_token)
        self._client_secret = _value(settings.client_secret)
        self._failure: Exception | None = None  # the last request's error, answered until _failed_until
        self._failed_until = 0.0
        self.requests = 0  # token requests made, for logs and tests

    def get(self) -> AccessToken:
        """A token valid for at least the expiry margin: the cached one, else a new one."""
        with self._lock:
            if self._token is not None and _clock() < self._expires:
                return AccessToken(self._token, fresh=False)
            return AccessToken(self._fetch_once(), fresh=True)

    def renew(self, refused: str) -> AccessToken:
        """A new token after a server refused `refused` (revoked early, or a clock that disagrees);
        when another connection has renewed it meanwhile, that one."""
        with self._lock:
            if self._token is not None and self._token != refused and _clock() < self._expires:
                return AccessToken(self._token, fresh=True)
            self._token = None
            return AccessToken(self._fetch_once(), fresh=True)

    # -- the token endpoint ------------------------------------------------------------------------
    def _fetch_once(self) -> str:
        """`_fetch`, unless a request failed less than FAILURE_BACKOFF ago: then its error, at once.
        Called with the lock held, so the callers that queued behind a failing request share it."""
        if self._failure is not None and _clock() < self._failed_until:
            raise self._failure
        try:
            access = self._fetch()
        except SourceError as exc:  # the endpoint's refusal or silence; not our config (ConfigError)
            self._failure, self._failed_until = exc, _clock() + FAILURE_BACKOFF
            raise
        self._failure = None
        return access

    def _fetch(self) -> str:
        started = _clock()
        try:
            token = self._request()
        except TokenRefused as exc:
            if exc.error == "invalid_grant" and self._reread("refresh_token"):
                log.info("%s: the refresh token file changed meanwhile; trying the token it holds now", self.label)
            elif exc.error == "invalid_client" and self._reread("client_secret"):
                log.info("%s: the client secret file changed meanwhile; trying the secret it holds now", self.label)
            else:
                raise
            token = self._request()
        access = token.get("access_token")
        if not access:
            raise SourceError(f"{self.label}: the token endpoint {self.url} answered without an access_token",
                              reason="oauth_response")
        try:
            lifetime = float(token.get("expires_in") or DEFAULT_LIFETIME)
        except (TypeError, ValueError):
            lifetime = DEFAULT_LIFETIME
        self._token = access
        self._expires = started + lifetime - min(EXPIRY_MARGIN, lifetime / 10)
        rotated = token.get("refresh_token")
        if rotated and self.settings.flow == "refresh_token" and rotated != self._refresh_token:
            self._keep_rotated(rotated)
        self.requests += 1
        log.debug("%s: new access token, valid %.0f s", self.label, lifetime)
        return access

    def _request(self) -> dict:
        # Imported here, by the first token request: requests and authlib take ~0.3 s to import, which
        # every poll and mail pass would pay even with password logins.
        import requests
        from authlib.integrations.base_client import OAuthError
        from authlib.integrations.requests_client import OAuth2Session

        settings = self.settings
        client_secret = self._current_client_secret()
        session = OAuth2Session(
            client_id=settings.client_id, client_secret=client_secret, scope=self.scope,
            token_endpoint_auth_method="client_secret_post" if client_secret else "none",
        )
        try:
            if settings.flow == "client_credentials":
                return session.fetch_token(self.url, grant_type="client_credentials", timeout=self.timeout)
            return session.refresh_token(self.url, refresh_token=self._current_refresh_token(),
                                         timeout=self.timeout)
        except OAuthError as exc:
            raise self._refusal(exc.error or "", exc.description or "") from None
        except requests.HTTPError as exc:  # a 5xx, or a page that is not the endpoint's JSON
            raise SourceUnavailable(f"{self.label}: the token endpoint {self.url} answered HTTP "
                                    f"{exc.response.status_code if exc.response is not None else '?'}; "
                                    "retrying later") from None
        except requests.RequestException as exc:
            raise SourceUnavailable(f"{self.label}: cannot reach the token endpoint {self.url}: "
                                    f"{type(exc).__name__}: {exc}") from None
        except ValueError as exc:  # JSON that is not an object
            raise SourceUnavailable(f"{self.label}: the token endpoint {self.url} answered no token: {exc}") from None
        finally:
            session.close()

    def _refusal(self, error: str, description: str) -> TokenRefused:
        said = " ".join(description.split())[:400]
        return TokenRefused(
            f"{self.label}: the OAuth2 provider refused a token ({error or 'no error code'}"
            f"{': ' + said if said else ''}): {advice(self.settings, error, description, self._where('refresh_token'))}",
            error=error,
        )

    def _read(self, name: str) -> str | None:
        """The secret `name` as its environment variable or file holds it now (None: not configured)."""
        try:
            read = self.settings.model_copy(update={name: None}).with_secrets((name,))
        except SecretUnavailable as exc:
            raise ConfigError(f"{self.label} oauth2 {exc}") from None
        return _value(getattr(read, name))

    def _current_client_secret(self) -> str | None:
        """The client secret: read when the command started (with_secrets), else now."""
        if self._client_secret is None:
            self._client_secret = self._read("client_secret")
        return self._client_secret

    def _current_refresh_token(self) -> str:
        if self._refresh_token is None:
            self._refresh_token = self._read("refresh_token")
        return self._refresh_token

    def _reread(self, name: str) -> bool:
        """True when `{name}_file` now holds another value than the one refused (renewed by an
        operator, or a refresh token rotated by another process); it is used from now on."""
        if getattr(self.settings, f"{name}_file") is None:
            return False
        try:
            current = self._read(name)
        except ConfigError:
            return False
        held = f"_{name}"
        if current == getattr(self, held):
            return False
        setattr(self, held, current)
        return True

    def _keep_rotated(self, new: str) -> None:
        self._refresh_token = new
        file = self.settings.refresh_token_file
        if file is None:
            log.warning("%s: the provider issued a new refresh token; it is used until reportbox stops, but %s "
                        "still holds the old one, which the provider may expire: give the refresh token as "
                        "refresh_token_file so that reportbox keeps it", self.label, self._where("refresh_token"))
            return
        try:
            replace_secret_file(file, new)
        except NotOwner as exc:
            log.error("%s: the provider issued a new refresh token, but %s, so it was not replaced (its owner could "
                      "no longer read it): the new token is used until this command ends; run reportbox as that "
                      "user (sudo -u %s reportbox …), or sign in again if the provider stops taking the old one",
                      self.label, exc, user_name(exc.owner))
            return
        except OSError as exc:
            log.error("%s: the provider issued a new refresh token but %s cannot be replaced (%s): it is used "
                      "until reportbox stops; let reportbox's user write that file's folder", self.label, file,
                      exc.strerror or exc)
            return
        log.info("%s: the provider issued a new refresh token; kept in %s", self.label, file)

    def _where(self, name: str) -> str:
        env, file = getattr(self.settings, f"{name}_env"), getattr(self.settings, f"{name}_file")
        return f"environment variable {env}" if env else f"file {file}" if file else "(not configured)"


def advice(settings: OAuth2Config, error: str, description: str, refresh_token_at: str) -> str:
    """What a person does about a token endpoint's refusal (RFC 6749 5.2 codes, and Microsoft's
    AADSTS numbers in the description where they say more)."""
    tenant = f"tenant {settings.tenant!r}" if settings.tenant else f"token_url {token_url(settings)}"
    secret = "client_secret_env / client_secret_file"
    said = description.upper()
    if "AADSTS700016" in said or "AADSTS90002" in said or "AADSTS90023" in said:
        return (f"application {settings.client_id} is not known in {tenant}: check tenant (the directory ID "
                "or domain of the ministry's Microsoft 365) and client_id")
    if "AADSTS7000222" in said:
        return f"the client secret has expired: create a new one for the app registration and put it in {secret}"
    if "AADSTS65001" in said or error in ("consent_required", "interaction_required"):
        return ("consent to the application was never given or has been revoked: an administrator grants it "
                "again (Microsoft Entra admin center, Enterprise applications), then obtain a new refresh token")
    if error == "invalid_grant":
        if settings.flow == "client_credentials":
            return f"check tenant and the application's permissions in {tenant}"
        return ("the refresh token is no longer valid (consent revoked, password changed or reset, or unused too "
                f"long): sign in again to obtain a new one (README \"Hosted mail\") and put it in {refresh_token_at}")
    if error == "invalid_client":
        return f"check client_id {settings.client_id} and the client secret ({secret}); a secret may have expired"
    if error == "unauthorized_client":
        return (f"application {settings.client_id} may not use flow {settings.flow} in {tenant}: check its "
                "registration, and that an administrator has consented to it")
    if error == "invalid_scope":
        return f"the provider does not grant scope {settings.scope or '(the default)'}: check scope and the app's API permissions"
    if error == "invalid_request":
        return f"check tenant, token_url and client_id ({tenant})"
    return "check the [oauth2] settings against the app registration"


# -- one TokenSource per account, shared by its connections ---------------------------------------

_sources: dict[tuple, TokenSource] = {}
_sources_lock = threading.Lock()


def token_source(settings: OAuth2Config, *, label: str, protocol: str, timeout: float) -> TokenSource:
    """The TokenSource of this account, made on first use; settings changed since give a new one,
    secrets included (a renewed client secret read by a reload): they count by their hash."""
    key = (label, protocol, settings.model_dump_json(), _secrets_digest(settings))
    with _sources_lock:
        source = _sources.get(key)
        if source is None:
            source = _sources[key] = TokenSource(settings, label=label, protocol=protocol, timeout=timeout)
        return source


def forget_tokens(label: str | None = None) -> None:
    """Drop the cached tokens of the account `label` ('mailbox "phongkh"', 'smtp'), else of every one
    (tests; a reload, for the accounts it changed or removed)."""
    with _sources_lock:
        for key in [key for key in _sources if label is None or key[0] == label]:
            del _sources[key]


def _secrets_digest(settings: OAuth2Config) -> str:
    """A hash of the secrets held by `settings`: tells them apart in the cache without keeping them."""
    held = [_value(settings.client_secret) or "", _value(settings.refresh_token) or ""]
    return hashlib.sha256(json.dumps(held).encode()).hexdigest()


T = TypeVar("T")


def with_token(tokens: TokenSource, authenticate: Callable[[str], T], refused: tuple[type[BaseException], ...],
               token: AccessToken | None = None) -> T:
    """`authenticate(token)` (`token`: one got before connecting, else `tokens.get()`), and once more
    with a new token when a server refused a cached one."""
    token = token or tokens.get()
    try:
        return authenticate(token.value)
    except refused:
        if token.fresh:
            raise
        log.info("%s: the server refused the cached access token; asking for a new one", tokens.label)
    return authenticate(tokens.renew(token.value).value)


def _value(secret) -> str | None:
    return secret.get_secret_value() if secret is not None else None
