"""50 reporters saving and submitting their one form together against a running server on loopback (each
pausing 0.5–2 s between steps, as people do), beside the same server's bare health endpoint; afterwards
every value is there exactly once and the ledger verifies."""

from __future__ import annotations

import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.common import demo_city, figure
from fillonce.core.db import utcnow
from fillonce.demo.build import DEMO_PASSWORD
from fillonce.demo.history import _profile, _values
from fillonce.entry import service as entry
from fillonce.forms import service as forms
from fillonce.ledger.verify import verify
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import MONTHLY, period_of

REPORTERS = 50
WARMING = 10  # other villages' reporters who save and submit first: the server is measured running, not cold
WORKERS = int(os.environ.get("FILLONCE_BENCH_WORKERS", str(os.cpu_count() or 1)))  # uvicorn processes: one per core
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _plans(runtime, period, count: int) -> list[tuple[str, dict]]:
    """For `count` villages, the values their reporter will type (the same way the demo fills a month)."""
    rng = random.Random(50)
    plans = []
    with runtime.session() as db:
        for unit in [u for u in orgunits.subtree(db, orgunits.roots(db)[0], level=4)][:count]:
            form = forms.one_form(db, unit, period)
            values = _values(form, _profile(rng, {}), rng, {})
            plans.append((unit.code, {f"{code}|{option}": str(v) for (code, option), v in values.items()}))
    return plans


def _reporter(base: str, code: str, values: dict, period: str, timings: dict, errors: list,
              ready: threading.Barrier) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/signin")
        client.post("/signin", data={"csrf_token": CSRF.search(page.text).group(1), "username": f"r{code}",
                                     "password": DEMO_PASSWORD, "next": "/"})
        token = CSRF.search(client.get("/").text).group(1)
        ready.wait()  # signing in (argon2) is not what is measured: everyone starts the form together
        body = {"orgUnit": code, "period": period,
                "dataValues": [{"dataElement": k.split("|")[0], "categoryOption": k.split("|")[1], "value": v}
                               for k, v in values.items()]}
        pace = random.Random(code)
        for step, payload in (("form", None), ("save", body), ("submit", {**body, "complete": True,
                                                                           "explanations": {}})):
            time.sleep(pace.uniform(0.5, 2.0))  # a person reads and types between steps
            start = time.perf_counter()
            if payload is None:
                response = client.get(f"/forms/{code}/{period}")
            else:
                response = client.post("/api/v1/dataValueSets", json=payload, headers={"X-CSRF-Token": token})
            timings[step].append(time.perf_counter() - start)
            if response.status_code >= 400 and not (step == "submit" and response.status_code == 422):
                errors.append(f"{code} {step}: {response.status_code} {response.text[:200]}")


def _health(base: str, count: int) -> float:
    def hit(n: int) -> None:
        with httpx.Client(base_url=base) as client:
            for _ in range(n):
                client.get("/healthz")
    threads = [threading.Thread(target=hit, args=(count // REPORTERS,)) for _ in range(REPORTERS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (count // REPORTERS * REPORTERS) / (time.perf_counter() - start)


@contextmanager
def _server(workers: int) -> Iterator[tuple[str, int]]:
    """The web app under uvicorn on a free loopback port, as it is deployed; yields its URL and pid."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "fillonce.web.app:app_from_environment",
                               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                               "--log-level", "warning"], env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def _run_reporters(base: str, plans: list[tuple[str, dict]], period: str, timings: dict, errors: list,
                   on_ready=None) -> None:
    ready = threading.Barrier(len(plans), action=on_ready)
    threads = [threading.Thread(target=_reporter, args=(base, code, values, period, timings, errors, ready))
               for code, values in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def measure(runtime, workers: int = WORKERS) -> None:
    """50 reporters of the demo city fill this month's form against the server, after a few others have
    warmed it (first requests compile statements and fill caches in each worker); prints the figures."""
    period = period_of(MONTHLY, utcnow().date())
    plans = _plans(runtime, period, REPORTERS + WARMING)
    warming, plans = plans[REPORTERS:], plans[:REPORTERS]
    with _server(workers) as (base, pid):
        errors: list[str] = []
        _run_reporters(base, warming, period.id, {"form": [], "save": [], "submit": []}, errors)
        timings: dict[str, list[float]] = {"form": [], "save": [], "submit": []}
        started: list[float] = []  # when everyone has signed in: wall clock, server CPU
        _run_reporters(base, plans, period.id, timings, errors,
                       on_ready=lambda: started.extend([time.perf_counter(), _cpu_seconds(pid)]))
        elapsed = time.perf_counter() - started[0]
        cpu = _cpu_seconds(pid) - started[1]
        requests = sum(len(v) for v in timings.values())
        health = _health(base, 2000)
    with runtime.session() as db:
        stored = sum(len(entry.values_of(db, orgunits.get(db, code).id, period.id)) for code, _ in plans)
        expected = sum(len([v for v in values.values() if v != ""]) for _, values in plans)
        submitted = sum(entry.submission_of(db, orgunits.get(db, code).id, period.id) is not None
                        for code, _ in plans)
        report = verify(db, runtime.settings)
    every = sorted(timings["save"] + timings["submit"])
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))] * 1000
    print(f"# reporters: {len(plans)} reporters, {workers} server processes, {requests} requests in {elapsed:.1f} s; "
          f"values {stored}/{expected}; submitted {submitted}; ledger {'verifies' if report.ok else report.problems[:2]}; "
          f"errors {errors[:3]}", flush=True)
    print(f"# reporters: server CPU {cpu * 1000 / requests:.1f} ms per request; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    print(f"# reporters: median save {statistics.median(timings['save']) * 1000:.0f} ms, "
          f"submit {statistics.median(timings['submit']) * 1000:.0f} ms; p99 save "
          f"{_p99(timings['save']):.0f} ms, submit {_p99(timings['submit']):.0f} ms", flush=True)
    figure("reporters", "save_submit_p99_ms", p99, "ms", "bare /healthz requests/s under 50 clients", health,
           goal="p99 < 200 ms, no value lost or duplicated, ledger verifies",
           met=p99 < 200 and stored == expected and report.ok and not errors, higher_is_better=False)
    figure("reporters", "requests_per_second", requests / elapsed, "req/s", "bare /healthz requests/s", health,
           goal="report (throughput beside the health endpoint)", met=True)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server and its worker processes so far (Linux /proc): on a shared
    machine it says what the requests cost when their latency includes waiting for a core."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = 0
    for process in [pid, *map(int, children)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _p99(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def run() -> None:
    with demo_city() as runtime:
        measure(runtime)
