"""Two departments run witnesses for the demo: each cosigns the city's checkpoints."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace

import uvicorn

from fillonce.core.config import WITNESSES_FILE, Settings
from fillonce.ledger import keys
from fillonce.ledger.cosignature import generate_cosigner
from fillonce.ledger.witness import create_witness_app

DEMO_WITNESSES = (("MZJ", "witness.mzj.example.gov.cn"), ("WJW", "witness.wjw.example.gov.cn"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_in_background(app, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server


def start_demo_witnesses(settings: Settings) -> Settings:
    """Fresh witness keys and state, servers on free local ports, and settings that name them."""
    pairs = []
    log_key = keys.verifier_key(settings)
    for department, name in DEMO_WITNESSES:
        signer, verifier = generate_cosigner(name)
        state = settings.key_dir / f"witness-{department}.db"
        state.unlink(missing_ok=True)
        port = _free_port()
        _serve_in_background(create_witness_app(signer, state, {settings.ledger_origin: log_key}), port)
        pairs.append((f"http://127.0.0.1:{port}", verifier))
    (settings.key_dir / WITNESSES_FILE).write_text("".join(f"{url}={key}\n" for url, key in pairs), encoding="utf-8")
    return replace(settings, witnesses=tuple(pairs))
