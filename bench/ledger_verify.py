"""`fillonce.ledger.verify.verify` over a 1,000,000-entry SQLite log (and one of 1/4 the size): entries/s
beside bare SHA-256 of the same entry bodies (one core), and the peak memory increase at both sizes, of the
verifying process and of its largest worker process (verify checks chunks in one worker per core).

Each verification runs in a fresh child process so that its peak RSS (ru_maxrss) is its own and
not the setup's.  `FILLONCE_BENCH_ENTRIES` overrides the large size (default 1,000,000)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time

from bench.common import ensure_bench_keys, figure, scratch_engine
from bench.ledger_append import entry_bodies
from bench.ledger_proofs import build_log

ENTRIES = int(os.environ.get("FILLONCE_BENCH_ENTRIES", "1000000"))
HASH_CHUNK = 1 << 16

CHILD = r"""
import gc, json, resource, sys, time, tracemalloc
from fillonce.core.config import load_settings
from fillonce.core.db import make_engine, make_session_factory
from fillonce.ledger.verify import verify

def rss_kib(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

engine = make_engine(sys.argv[1])
settings = load_settings()
with make_session_factory(engine)() as db:
    db.connection()  # connect before the baseline so the peak is the verification's own
    gc.collect()
    try:  # reset the kernel's peak-RSS mark (VmHWM) so the peak is the verification's, not the imports'
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        before = rss_kib("VmRSS")
    except OSError:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    def cpu(who):
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    runs = []  # two timed runs (the machine is shared); the faster counts, with its CPU time in all processes
    for _ in range(2):
        db.expire_all()
        start, cpu_start, workers_start = time.perf_counter(), cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        report = verify(db, settings)
        runs.append((time.perf_counter() - start,
                     cpu(resource.RUSAGE_SELF) - cpu_start + cpu(resource.RUSAGE_CHILDREN) - workers_start))
    seconds, cpu_seconds = min(runs)
    try:
        peak = rss_kib("VmHWM")
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest worker process
    # A second, traced pass: the peak of Python allocations during verify (slower, not timed).
    db.expire_all()
    tracemalloc.start()
    verify(db, settings)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "size": report.size, "ok": report.ok,
                  "problems": [str(p) for p in report.problems[:3]], "rss_before_kib": before, "rss_peak_kib": peak,
                  "worker_peak_kib": worker_peak,
                  "tracemalloc_peak_mib": traced_peak / 2**20}))
"""


def bare_hash_rate(count: int) -> tuple[float, float]:
    """SHA-256 of the same bodies (0x00 || body), generated in chunks; only the hashing is timed.
    Entries per wall-clock second (best of two passes) and per CPU-second."""
    sha256, best = hashlib.sha256, (0.0, 0.0)
    for _ in range(2):
        elapsed = cpu = 0.0
        for first in range(0, count, HASH_CHUNK):
            bodies = entry_bodies(min(HASH_CHUNK, count - first), "event", first)
            start, cpu_start = time.perf_counter(), time.process_time()
            for body in bodies:
                sha256(b"\x00" + body).digest()
            elapsed += time.perf_counter() - start
            cpu += time.process_time() - cpu_start
        best = max(best, (count / elapsed, count / cpu))
    return best


def _verify_in_child(url: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, url], capture_output=True, text=True, env=os.environ.copy())
    if done.returncode:
        raise RuntimeError(f"verify child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


REPLAYED_TYPE = "bench_object"  # not a table: replayed like any object, but with no rows to compare


def _measure(count: int, effect: str = "event") -> dict:
    """Verify a clean log of `count` entries: events, or writes to count/3 objects (which verify replays)."""
    with scratch_engine("sqlite") as engine:
        start = time.perf_counter()
        build_log(engine, count, effect=effect, object_type=REPLAYED_TYPE if effect == "write" else None)
        print(f"# ledger_verify: built {count} {effect} entries in {time.perf_counter() - start:.1f} s "
              f"(setup, not measured)", flush=True)
        result = _verify_in_child(engine.url.render_as_string(hide_password=False))
    if not result["ok"] or result["size"] != count:
        raise RuntimeError(f"verify did not pass on a clean log: {result}")
    result["rate"] = count / result["seconds"]
    result["cpu_rate"] = count / result["cpu_seconds"]
    result["delta_mib"] = (result["rss_peak_kib"] - result["rss_before_kib"]) / 1024
    result["worker_mib"] = result["worker_peak_kib"] / 1024
    print(f"# ledger_verify[{count} {effect}s]: {result['seconds']:.2f} s ({result['cpu_seconds']:.2f} CPU-s), "
          f"RSS {result['rss_before_kib'] / 1024:.1f} MiB -> peak {result['rss_peak_kib'] / 1024:.1f} MiB; "
          f"tracemalloc peak {result['tracemalloc_peak_mib']:.1f} MiB; "
          f"largest worker process peak RSS {result['worker_mib']:.1f} MiB; os.getloadavg() = {os.getloadavg()}",
          flush=True)
    return result


def run() -> None:
    ensure_bench_keys()
    large = _measure(ENTRIES)
    small = _measure(ENTRIES // 4)
    bare, bare_cpu = bare_hash_rate(ENTRIES)
    print(f"# ledger_verify: os.getloadavg() = {os.getloadavg()}", flush=True)
    figure("ledger_verify", "verify_entries_per_second", large["rate"], "entries/s",
           "bare sha256(0x00+body) entries/s (one core)", bare,
           goal="≥ 50% of bare hashing rate", met=large["rate"] >= 0.5 * bare)
    figure("ledger_verify", "verify_entries_per_cpu_second", large["cpu_rate"], "entries/CPU-s",
           "bare hashing entries/CPU-s", bare_cpu,
           goal="context: CPU cost over all processes; on two idle cores the wall-clock ratio approaches twice this",
           met=large["cpu_rate"] >= 0.5 * bare_cpu)
    # Bounded: the peak at the full size is within 25% (+8 MiB of noise) of the peak at a quarter of the size.
    bounded = large["delta_mib"] <= small["delta_mib"] * 1.25 + 8
    figure("ledger_verify", f"verify_peak_rss_increase_mib_{ENTRIES}", large["delta_mib"], "MiB",
           f"peak RSS increase at {ENTRIES // 4} entries (MiB)", small["delta_mib"],
           goal="bounded (independent of log size)", met=bounded, higher_is_better=False)
    figure("ledger_verify", f"verify_tracemalloc_peak_mib_{ENTRIES}", large["tracemalloc_peak_mib"], "MiB",
           f"tracemalloc peak at {ENTRIES // 4} entries (MiB)", small["tracemalloc_peak_mib"],
           goal="bounded (independent of log size)",
           met=large["tracemalloc_peak_mib"] <= small["tracemalloc_peak_mib"] * 1.25 + 8, higher_is_better=False)
    figure("ledger_verify", f"verify_worker_peak_rss_mib_{ENTRIES}", large["worker_mib"], "MiB",
           f"largest worker's peak RSS at {ENTRIES // 4} entries (MiB)", small["worker_mib"],
           goal="bounded (independent of log size)",
           met=large["worker_mib"] <= small["worker_mib"] * 1.25 + 8, higher_is_better=False)
    # The same with writes, whose objects verify must replay: memory must not grow with their number either.
    writes, fewer_writes = _measure(ENTRIES, "write"), _measure(ENTRIES // 4, "write")
    figure("ledger_verify", f"verify_writes_entries_per_second_{ENTRIES}", writes["rate"], "entries/s",
           "bare sha256(0x00+body) entries/s (one core)", bare,
           goal=f"context: {ENTRIES} writes to {ENTRIES // 3} objects, every one replayed", met=True)
    figure("ledger_verify", f"verify_writes_peak_rss_increase_mib_{ENTRIES}", writes["delta_mib"], "MiB",
           f"the same with {ENTRIES // 4} writes (MiB)", fewer_writes["delta_mib"],
           goal="bounded (independent of the number of objects)",
           met=writes["delta_mib"] <= fewer_writes["delta_mib"] * 1.25 + 8, higher_is_better=False)
