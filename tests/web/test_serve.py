"""`reportbox serve` as ministry IT starts it: a real process, on loopback unless told otherwise."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from tests.servers.common import free_port, http_status


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from the kernel's table (IPv4)."""
    found = set()
    with open("/proc/net/tcp", encoding="ascii") as table:
        for line in list(table)[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_serve_listens_on_loopback_by_default_and_stops_on_sigterm(site):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(site.path), "serve",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ})
    try:
        deadline = time.monotonic() + 30
        while http_status(port, "/login") != 200:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the dashboard did not come up"
            time.sleep(0.1)
        assert _listening_addresses(port) == {"127.0.0.1"}
        assert http_status(port, "/campaigns") == 303  # signing in is required
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert f"dashboard on http://127.0.0.1:{port}/" in err
        assert http_status(port, "/login") is None
    finally:
        if process.poll() is None:
            process.kill()
