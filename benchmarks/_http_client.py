"""The load generator and the browser of the real-server benchmark (`benchmarks.http`): Debian's
`wrk` with a Lua report (`wrk_report.lua`), and just enough of a browser (http.client, cookies)
to sign in through the real login form and TOTP step. No Django here."""

import base64
import hashlib
import hmac
import json
import re
import struct
import subprocess
import time
from dataclasses import dataclass
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .harness import PACKAGE_DIR

WRK_SCRIPT = PACKAGE_DIR / "wrk_report.lua"
WRK_THREADS = 2
WRK_CONNECTIONS = 16
BARE_URL = "/__bare__"


# ---------------------------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkRun:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    socket_errors: int = 0


def parse_wrk(output: str) -> WrkRun:
    """The figures of `wrk -s wrk_report.lua`'s last line; non-2xx/3xx answers are an error (a
    benchmark must never time error pages)."""
    lines = [line for line in output.splitlines() if line.startswith("WRK_JSON ")]
    if not lines:
        raise RuntimeError(f"sortie de wrk sans ligne WRK_JSON :\n{output}")
    data = json.loads(lines[-1].removeprefix("WRK_JSON "))
    errors = data["errors"]
    if errors["status"]:
        raise AssertionError(f"wrk : {errors['status']} réponses en erreur (statut ≥ 400)")
    latency = data["latency_us"]
    return WrkRun(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        requests=data["requests"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
    )


def wrk(
    url: str,
    *,
    duration_s: int,
    cookie: str | None = None,
    threads: int = WRK_THREADS,
    connections: int = WRK_CONNECTIONS,
) -> WrkRun:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--timeout", "10s"]
    command += ["-s", str(WRK_SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration_s + 60, check=True
    )
    return parse_wrk(result.stdout)


# ---------------------------------------------------------------------------------------------
# A browser, just enough of one: cookies, the login form and the TOTP step
# ---------------------------------------------------------------------------------------------


def totp_code(secret: str, *, at: float | None = None, period: int = 30) -> str:
    """RFC 6238 (SHA-1, 6 digits), as allauth checks it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(time.time() if at is None else at) // period
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


class Browser:
    """http.client and a cookie dict: production cookies are `Secure`, which a cookie jar would
    not send back over the plain-http loopback connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers, text


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise AssertionError("formulaire sans jeton CSRF")
    return match.group(1)


def sign_in(port: int, email: str, password: str, totp_secret: str | None) -> str:
    """The `Cookie` header of a session opened through the real sign-in: allauth's login form,
    then (staff) its TOTP step."""
    browser = Browser(port)
    status, _, html = browser.request("GET", "/comptes/login/")
    form = {"login": email, "password": password, "csrfmiddlewaretoken": _csrf_token(html)}
    status, headers, _ = browser.request("POST", "/comptes/login/", form)
    if status != 302:
        raise AssertionError(f"connexion de {email} : statut {status}, 302 attendu")
    if totp_secret:
        step = headers["Location"]
        if "/2fa/authenticate/" not in step:
            raise AssertionError(f"connexion de {email} : pas d'étape TOTP ({step})")
        status, _, html = browser.request("GET", step)
        if 30 - time.time() % 30 < 3:  # let the code live until the form arrives
            time.sleep(30 - time.time() % 30 + 0.1)
        form = {"code": totp_code(totp_secret), "csrfmiddlewaretoken": _csrf_token(html)}
        status, headers, _ = browser.request("POST", step, form)
        if status != 302:
            raise AssertionError(f"TOTP de {email} : statut {status}, 302 attendu")
    status, _, _ = browser.request("GET", "/")
    if status != 200 or "sessionid" not in browser.cookies:
        raise AssertionError(f"session de {email} : statut {status} sur /")
    return f"sessionid={browser.cookies['sessionid']}"


def check_page(port: int, url: str, cookie: str | None, needle: str) -> int:
    """A page answers 200 with its content (wrk counts a redirect to the login as a success)."""
    browser = Browser(port)
    if cookie:
        name, _, value = cookie.partition("=")
        browser.cookies[name] = value
    status, _, html = browser.request("GET", url)
    if status != 200 or needle not in html:
        raise AssertionError(f"{url} : statut {status}, « {needle} » {needle in html}")
    return len(html.encode())


def drain(port: int, workers: int) -> None:
    """Wait until the server has answered what a wrk run left in its listen queue: sync workers
    go on serving the connections wrk opened after it stopped counting, and the next run would
    pay for them. The queue is served in order, so once one request per worker is answered,
    the earlier ones are done."""
    for _ in range(workers):
        Browser(port).request("GET", BARE_URL)
