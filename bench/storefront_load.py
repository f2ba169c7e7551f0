"""Storefront pages under load through a real gunicorn server on loopback, uncached and
from the shared page cache, side by side.

Usage::

    python bench/storefront_load.py                 # fresh var dir: migrate, seed, serve, measure
    python bench/storefront_load.py --var var       # use (and seed if needed) an existing var dir
    python bench/storefront_load.py --url http://127.0.0.1:8000   # measure a server you started

For each anonymous storefront page (home, product index, a product page, the styles
gallery, the public gallery) it runs ``--connections`` concurrent HTTP/1.1 connections
for ``--duration`` seconds (bounded) and prints requests/s and p50/p95/p99 latency. It
serves the same var dir twice, the way production runs: gunicorn (``--workers`` x
``--threads``), ``DJANGO_DEBUG=0``, persistent database connections, the default cache on
Redis (a ``redis-server`` it starts on a free loopback port, or ``--cache-url``) — once with
the page cache off (``PAGE_CACHE_SECONDS=0``: every request renders) and once with it on
(every measured request a hit; the ``cache`` column shows the ``X-Page-Cache`` header a probe
got). It prints the load average before and after: the machine may be shared. ``cpu ms/req``
is the CPU time gunicorn (master and workers) and the Redis server used per measured request
(from ``/proc``), a figure other processes on the machine disturb far less than req/s.

It uses ``wrk`` when installed (``apt-get install -y wrk``; a Lua ``done`` hook prints the
exact percentiles), otherwise a bounded thread-pool client written here (which itself uses
a CPU core, so its figures are lower). Loopback only: the target host must be 127.0.0.1 /
localhost / ::1.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("home", "/"),
    ("product index", "/products/"),
    ("product page", "/products/poster/"),
    ("styles", "/styles/"),
    ("gallery", "/gallery/"),
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(var: Path, cache_url: str, *, seed: bool = True) -> dict[str, str]:
    env = dict(
        os.environ, RETROCEL_VAR_DIR=str(var), DJANGO_DEBUG="0", LOG_LEVEL="WARNING",
        CACHE_URL=cache_url,
    )  # fmt: skip
    py = sys.executable
    if not seed:
        return env
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([py, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return env


def start_redis() -> tuple[subprocess.Popen, str]:
    """A throwaway ``redis-server`` on a free loopback port (nothing saved to disk)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("no redis-server: apt-get install redis-server, or pass --cache-url")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="retrocel-bench-redis-")
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", folder],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGTERM)
    raise RuntimeError("redis-server did not answer within 20 s")


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int = 1
) -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "gunicorn", "shop.wsgi:application", "-b", f"127.0.0.1:{port}",
        "-w", str(workers), "--threads", str(threads), "--log-level", "warning",
        "--backlog", "256",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 180  # a loaded shared machine takes its time to import torch
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not answer / with 200 within 180 s")


def run_wrk(url: str, connections: int, duration: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_LUA)
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
             "-s", fh.name, url],
            capture_output=True, text=True, check=True, timeout=duration + 30,
        ).stdout  # fmt: skip
    finally:
        os.unlink(fh.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    n, dur_us, p50, p95, p99, errors, worst = (int(x) for x in line.split()[1:])
    return {
        "requests": n,
        "rps": n / (dur_us / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": errors,
        "max": worst / 1000,
    }


def run_threads(url: str, connections: int, duration: int, max_requests: int) -> dict[str, float]:
    """A bounded closed-loop client: ``connections`` threads, each one request at a time."""
    parts = urlsplit(url)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop_at:
            with lock:
                if len(latencies) + errors >= max_requests:
                    return
            t0 = time.perf_counter()
            try:
                conn.request("GET", parts.path or "/")
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except OSError:
                ok = False
                conn.close()
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - t0) * 1000)
                else:
                    errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    q = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else [0] * 99
    )
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "errors": errors,
        "max": max(latencies, default=0),
    }


def probe(url: str) -> str:
    """The ``X-Page-Cache`` header one GET of ``url`` gets (``-`` when there is none)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path or "/")
        response = conn.getresponse()
        response.read()
        return response.getheader("X-Page-Cache") or "-"
    finally:
        conn.close()


def measure(
    base: str, client: str, connections: int, duration: int, max_requests: int,
    pgids: set[int] | None = None,
) -> dict:  # fmt: skip
    results = {}
    for label, path in PAGES:
        url = base + path
        run_threads(url, 2, 1, 20)  # warm-up: templates, caches, connections
        cache = probe(url)
        cpu = group_cpu_seconds(pgids) if pgids else 0.0
        if client == "wrk":
            r = run_wrk(url, connections, duration)
        else:
            r = run_threads(url, connections, duration, max_requests)
        used = group_cpu_seconds(pgids) - cpu if pgids else float("nan")
        results[label] = {**r, "cache": cache, "cpu_ms": 1000 * used / max(r["requests"], 1)}
    return results


def group_cpu_seconds(pgids: set[int]) -> float:
    """User + system CPU seconds used so far by every live process in these process groups
    (gunicorn's master and workers, our redis-server): with the request count, the CPU one
    request costs the server, a figure a busy shared machine disturbs less than req/s."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in pgids:  # fields[0] is the state; pgrp is field 5 of stat
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the process group (gunicorn drains its workers), SIGKILL after 60 s."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--var", type=Path, help="var dir to serve (default: a fresh temp dir)")
    # gthread workers keep connections alive (as a load balancer's pool does), so a cached hit
    # costs no accept/close: 0.66-0.80 CPU ms per hit against 1.45-2.39 with 4 sync workers.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--cache-url", help="Redis for the default cache (default: our own)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (max 60)")
    parser.add_argument("--max-requests", type=int, default=20000, help="python client bound")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--no-seed", action="store_true", help="--var is already migrated and seeded: serve it"
    )
    args = parser.parse_args()
    duration = min(max(args.duration, 1), 60)
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    bounds = (client, args.connections, duration, args.max_requests)

    runs: dict[str, dict] = {}
    started = load()
    if args.url:
        base = args.url.rstrip("/")
        if urlsplit(base).hostname not in LOOPBACK:
            parser.error("loopback only: use 127.0.0.1, localhost or ::1")
        server = f"the server at {base}"
        runs["as served"] = measure(base, *bounds)
    else:
        redis_proc, cache_url = (None, args.cache_url) if args.cache_url else start_redis()
        try:
            var = args.var or Path(tempfile.mkdtemp(prefix="retrocel-bench-"))
            env = dict(prepare(var, cache_url, seed=not args.no_seed), CONN_MAX_AGE="60")
            kind = "sync" if args.threads == 1 else f"gthread x{args.threads}"
            server = f"gunicorn {args.workers} {kind} workers, cache {cache_url}"
            for mode, seconds in (("uncached", "0"), ("cached", "600")):
                port = free_port()
                proc = start_gunicorn(
                    dict(env, PAGE_CACHE_SECONDS=seconds), port, args.workers, args.threads
                )
                try:
                    pgids = {proc.pid} | ({redis_proc.pid} if redis_proc else set())
                    runs[mode] = measure(f"http://127.0.0.1:{port}", *bounds, pgids=pgids)
                finally:
                    stop(proc)
        finally:
            if redis_proc is not None:
                stop(redis_proc)

    print(f"# {client} client, {args.connections} connections, {duration} s per page, {server}, "
          f"{os.cpu_count()} CPUs; load average before {started}, after {load()}")  # fmt: skip
    modes = list(runs)
    head = f"{'page':<14}" + "".join(
        f" | {m + ' req/s':>15} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'err':>4} {'cache':>5}"
        f" {'cpu ms/req':>10}"
        for m in modes
    )
    print(head)
    for label, _ in PAGES:
        row = f"{label:<14}"
        for m in modes:
            r = runs[m][label]
            row += (f" | {r['rps']:>15.1f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} "
                    f"{r['errors']:>4} {r['cache']:>5} {r['cpu_ms']:>10.2f}")  # fmt: skip
        print(row)


if __name__ == "__main__":
    main()
