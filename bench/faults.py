"""Fault run: shoppers buy through a real stack on loopback while its parts are killed.

Usage::

    python bench/faults.py                        # 6 shoppers x 2 orders
    python bench/faults.py --shoppers 3 --orders 2
    python bench/faults.py --embedded             # SQLite + kombu filesystem broker
    python bench/faults.py --no-redis-restart     # on Redis, but leave the server alone

The stack is the one ``manage.py runstack`` starts, each part its own process:
gunicorn, one real ``celery worker`` on both queues (``default``, ``gpu``),
``celery beat`` (the styling and print watchdogs), and the Stripe emulator
(``devkit.stripe.running_emulator``) that sends signed webhooks to gunicorn.
On PostgreSQL + Redis when both answer at 127.0.0.1 (a throwaway database
``retrocel_faults_<pid>``, dropped afterwards, and an empty Redis db index of
its own), else the embedded defaults; always a throwaway var dir.

Each shopper is an HTTP client with its own cookies doing what the pages do:
upload a photo, pick a style, wait on the progress fragment, place the design
on a mug, check out, confirm the card with the emulator the way Stripe.js does
(``Emulator.confirm_with_card``), open the return URL and wait for "paid". A
failed styling job is retried once, as the page's "Try again" button would.

Meanwhile the script SIGKILLs the worker (its whole process group) while a
styling job runs, and again while a print step runs, restarting it each time;
on Redis it restarts the Redis server once (``SHUTDOWN SAVE`` to a file of its
own, the same configuration back, ``PING`` answering, every ``CONFIG`` value
compared; other databases on that server keep their data). It then waits for
print files and prints: orders paid, paid exactly once, orders with every
print file ready, jobs stuck, 5xx responses. Any loss makes the exit status 1.

Rate limits are raised for the run (every shopper comes from 127.0.0.1) and
the watchdogs run every 15 s with ``--stale`` (30 s) as their silence limit, so recovery
fits in a run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CARD = "4242424242424242"
ADDRESS = {
    "email": "shopper@example.com",
    "name": "Kiki Delivery",
    "line1": "1 Bakery Lane",
    "line2": "",
    "city": "Koriko",
    "postal_code": "12345",
    "country": "US",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Backends ----------------------------------------------------------------------------------
def redis_cli(*args: str, db: int | None = None) -> str:
    cmd = ["redis-cli", "-h", "127.0.0.1", "-p", "6379"]
    if db is not None:
        cmd += ["-n", str(db)]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=30).stdout


def pick_redis_db(wanted: int | None) -> int:
    """An empty database index, so nothing another user keeps in Redis is touched."""
    candidates = [wanted] if wanted is not None else list(range(15, 7, -1))
    for index in candidates:
        if redis_cli("DBSIZE", db=index).strip() == "0":
            return index
    raise SystemExit(f"no empty Redis database among {candidates}; pass --redis-db")


def redis_config() -> dict[str, str]:
    lines = redis_cli("CONFIG", "GET", "*").splitlines()
    return dict(zip(lines[::2], lines[1::2], strict=False))


# Everything a restart must get back; ``config_file`` is empty here (started from arguments).
_REDIS_ARGS = [
    "bind", "port", "dir", "logfile", "daemonize", "save", "appendonly", "protected-mode",
    "databases", "maxmemory", "maxmemory-policy", "requirepass", "loglevel", "timeout",
    "tcp-keepalive", "supervised", "pidfile", "unixsocket", "unixsocketperm",
]  # fmt: skip


def restart_redis() -> float:
    """Restart the Redis server with the configuration it had; returns the outage in seconds.

    ``SHUTDOWN SAVE`` writes every database to ``dir/dbfilename`` and the new server
    loads it, so other users' data on the server survives (a ``dump.rdb`` that was
    already there is set aside and put back). Refused for a server started from a
    config file or not daemonized: this script could not bring it back the same way.
    """
    info = redis_cli("INFO", "server")
    config_file = re.search(r"^config_file:(.*)$", info, re.M)
    before = redis_config()
    if config_file is None or config_file.group(1).strip() or before.get("daemonize") != "yes":
        raise RuntimeError("Redis runs from a config file or in the foreground; not restarting it")
    args = ["redis-server"]
    for name in _REDIS_ARGS:
        value = before.get(name)
        if value is None or (value == "" and name != "save"):
            continue
        args += [f"--{name}", *value.split()] if name == "bind" else [f"--{name}", value]
    dump = Path(before["dir"]) / before["dbfilename"]
    aside = dump.with_name(f"{dump.name}.faults-bench-{os.getpid()}")
    if dump.exists():
        dump.rename(aside)
    started = time.monotonic()
    try:
        redis_cli("SHUTDOWN", "SAVE")
        while port_open(int(before["port"])):
            time.sleep(0.05)
        subprocess.run(args, check=True, timeout=30)
        while redis_cli("PING").strip() != "PONG":
            if time.monotonic() - started > 30:
                raise RuntimeError("Redis did not answer PING within 30 s of its restart")
            time.sleep(0.05)
        outage = time.monotonic() - started
    finally:
        dump.unlink(missing_ok=True)
        if aside.exists():
            aside.rename(dump)
    after = redis_config()
    changed = {
        k: (before.get(k), after.get(k))
        for k in set(before) | set(after)
        if before.get(k) != after.get(k)
    }
    if changed:
        raise RuntimeError(f"Redis came back with a different configuration: {changed}")
    return outage


@dataclass
class Backend:
    env: dict[str, str]
    describe: str
    database: str | None = None
    redis_db: int | None = None

    def drop(self) -> None:
        if self.database:
            subprocess.run(
                [
                    "dropdb",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "--if-exists",
                    "--force",
                    self.database,
                ],
                check=False,
            )
        if self.redis_db is not None:
            redis_cli("FLUSHDB", db=self.redis_db)


def choose_backend(args: argparse.Namespace, var: Path) -> Backend:
    if not args.embedded and port_open(5432) and port_open(6379):
        database = f"retrocel_faults_{os.getpid()}"
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        index = pick_redis_db(args.redis_db)
        broker = f"redis://127.0.0.1:6379/{index}"
        return Backend(
            env={"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
                 "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker},
            describe=f"PostgreSQL database {database}, Redis db {index}",
            database=database,
            redis_db=index,
        )  # fmt: skip
    return Backend(
        env={"DATABASE_URL": f"sqlite:///{var / 'faults.sqlite3'}"},
        describe="SQLite + kombu filesystem broker (embedded defaults)",
    )


# --- The stack -----------------------------------------------------------------------------------
class Stack:
    def __init__(self, env: dict[str, str], var: Path, web_port: int) -> None:
        self.env, self.var, self.web_port = env, var, web_port
        self.logs = var / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.worker_starts = 0

    def _spawn(self, name: str, cmd: list[str]) -> subprocess.Popen[bytes]:
        out = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.procs[name] = proc
        return proc

    def start_web(self) -> None:
        self._spawn("web", [
            sys.executable, "-m", "gunicorn", "shop.wsgi:application",
            "--bind", f"127.0.0.1:{self.web_port}", "--workers", "2", "--threads", "4",
            "--access-logfile", str(self.logs / "access.log"), "--graceful-timeout", "5",
            "--timeout", "120",
        ])  # fmt: skip

    def start_worker(self) -> None:
        self.worker_starts += 1
        self._spawn("worker", [
            sys.executable, "-m", "celery", "-A", "shop", "worker", "-Q", "default,gpu",
            "-c", "1", "-P", "prefork", "-l", "INFO", "-n", f"faults{self.worker_starts}@%h",
            "--without-gossip", "--without-mingle",
        ])  # fmt: skip

    def start_beat(self) -> None:
        self._spawn("beat", [
            sys.executable, "-m", "celery", "-A", "shop", "beat", "-l", "INFO",
            "-s", str(self.var / "celerybeat-schedule"),
        ])  # fmt: skip

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool children at once, as a lost machine would."""
        proc = self.procs["worker"]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def worker_log(self) -> str:
        return (self.logs / "worker.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    def wait_for_web(self, timeout: float = 120) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz/")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"


# --- Shoppers ----------------------------------------------------------------------------------
@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    paid_orders: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    job_retries: int = 0

    def record(self, response: Any) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            for hop in [*response.history, response]:
                if hop.status_code >= 500:
                    self.server_errors.append(f"{hop.status_code} {hop.request.method} {hop.url}")


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Shopper:
    def __init__(self, n: int, base: str, emulator: Any, plan: dict[str, Any], tally: Tally):
        import requests

        self.n, self.base, self.emulator, self.plan, self.tally = n, base, emulator, plan, tally
        self.http = requests.Session()

    def _call(self, method: str, path: str, expect: tuple[int, ...] = (200,), **kw: Any) -> Any:
        url = path if path.startswith("http") else f"{self.base}{path}"
        for attempt in range(4):
            response = self.http.request(method, url, timeout=120, **kw)
            self.tally.record(response)
            if response.status_code in expect:
                return response
            if response.status_code == 429 or response.status_code >= 500:
                time.sleep(2 + attempt * 2)  # a person would press reload
                continue
            break
        raise RuntimeError(
            f"shopper {self.n}: {method} {path} -> {response.status_code}: {response.text[:300]!r}"
        )

    def _post_form(self, path: str, data: dict[str, Any], **kw: Any) -> Any:
        page = self._call("GET", path)
        token = _CSRF.search(page.text)
        if token is None:
            raise RuntimeError(f"shopper {self.n}: no CSRF token on {path}")
        headers = {"Referer": f"{self.base}{path}"}
        return self._call(
            "POST",
            path,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            headers=headers,
            **kw,
        )

    def style(self, photo: Path) -> str:
        with photo.open("rb") as fh:
            response = self._post_form(
                "/create/",
                {"variant": self.plan["variant"]},
                files={"photo": (photo.name, fh.read(), "image/jpeg")},
            )
        upload_path = response.url.removeprefix(self.base)
        if "/create/uploads/" not in upload_path:
            raise RuntimeError(
                f"shopper {self.n}: upload did not land on a style page: {upload_path}"
            )
        for attempt in (1, 2):
            response = self._post_form(upload_path, {"style": self.plan["style"], "strength": "1"})
            job_path = response.url.removeprefix(self.base)
            status = self._wait_for_job(job_path)
            if status == "done":
                return job_path
            with self.tally.lock:
                self.tally.job_retries += 1
            log(
                f"shopper {self.n}: styling job {job_path} failed (attempt {attempt}); trying again"
            )
        raise RuntimeError(f"shopper {self.n}: styling failed twice")

    def _wait_for_job(self, job_path: str) -> str:
        deadline = time.monotonic() + self.plan["job_timeout"]
        while time.monotonic() < deadline:
            fragment = self._call("GET", f"{job_path}progress/").text
            status = re.search(r'data-status="(\w+)"', fragment)
            if status and status.group(1) in ("done", "failed"):
                return status.group(1)
            time.sleep(1.0)
        raise RuntimeError(f"shopper {self.n}: job {job_path} not finished in time")

    def buy(self, job_path: str) -> str:
        placed = self._post_form(
            f"{job_path}place/",
            {"variant": self.plan["variant"], "scale": "1", "offset_x": "0", "offset_y": "0"},
        )
        if not placed.url.endswith("/cart/"):
            raise RuntimeError(f"shopper {self.n}: placing went to {placed.url}")
        pay = self._post_form("/checkout/", ADDRESS)
        if not re.search(r"/checkout/[0-9a-f-]+/pay/$", pay.url):
            raise RuntimeError(f"shopper {self.n}: checkout went to {pay.url}")
        form = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', pay.text))
        secret, key = form["client-secret"], form["publishable-key"]
        intent = {"id": secret.split("_secret_")[0], "client_secret": secret}
        status = self.emulator.confirm_with_card(intent, CARD, key)
        if status != 200:
            raise RuntimeError(f"shopper {self.n}: the emulator answered {status} to the card")
        order = self._call("GET", form["return-url"])
        deadline = time.monotonic() + self.plan["pay_timeout"]
        while time.monotonic() < deadline:
            shown = re.search(r'data-testid="order-status" data-status="(\w+)"', order.text)
            if shown and shown.group(1) in ("paid", "in_production", "shipped"):
                return order.url
            time.sleep(1.0)
            order = self._call("GET", order.url)
        raise RuntimeError(f"shopper {self.n}: order page never said paid ({order.url})")

    def run(self, orders: int, photos: list[Path]) -> None:
        for i in range(orders):
            photo = photos[(self.n * orders + i) % len(photos)]
            try:
                job = self.style(photo)
                url = self.buy(job)
                with self.tally.lock:
                    self.tally.paid_orders.append(url)
                log(f"shopper {self.n}: order {i + 1} paid")
            except Exception as exc:  # reported, and counted as a loss
                with self.tally.lock:
                    self.tally.problems.append(str(exc))
                log(f"shopper {self.n}: order {i + 1} LOST: {exc}")


# --- Faults --------------------------------------------------------------------------------------
class Faults(threading.Thread):
    """Kill the worker mid-job and mid-print, restart it; restart Redis once."""

    def __init__(self, stack: Stack, restart_redis_once: bool, done: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stack, self.restart_redis_once, self.done = stack, restart_redis_once, done
        self.events: list[str] = []
        self.error: BaseException | None = None

    def note(self, text: str) -> None:
        self.events.append(text)
        log(f"FAULT {text}")

    def _wait(self, predicate: Any, timeout: float = 1800) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.done.is_set():
            found = predicate()
            if found:
                return found
            time.sleep(0.5)
        return None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # surfaced in the report
            self.error = exc
            log(f"fault thread failed: {exc!r}")

    def _run(self) -> None:
        from printing.models import PrintFile, PrintStatus
        from styling.models import JobStatus, StylingJob

        running = self._wait(
            lambda: StylingJob.objects.filter(status=JobStatus.RUNNING, progress__gt=1).first()
        )
        if running:
            self.stack.kill_worker()
            self.note(f"worker SIGKILLed mid-job (job {running.pk} at {running.progress}%)")
            time.sleep(3)
            self.stack.start_worker()
            self.note("worker restarted")
        if self.restart_redis_once:
            time.sleep(5)
            outage = restart_redis()
            self.note(f"Redis restarted, same configuration, PING answered after {outage:.2f} s")

        def print_step_running() -> Any:
            log_text = self.stack.worker_log()
            started = re.findall(
                r"Task (printing\.(?:gpu_upscale_line|write_line_pdf))\[([\w-]+)\] received",
                log_text,
            )
            for name, task_id in reversed(started):
                if f"[{task_id}] succeeded" not in log_text:
                    in_flight = PrintFile.objects.filter(
                        status__in=(PrintStatus.RENDERING, PrintStatus.RERENDERING)
                    ).first()
                    return (name, in_flight) if in_flight else None
            return None

        step = self._wait(print_step_running)
        if step:
            time.sleep(1.0)  # let it get into the work
            self.stack.kill_worker()
            self.note(f"worker SIGKILLed mid-print ({step[0]}, line {step[1].pk})")
            time.sleep(3)
            self.stack.start_worker()
            self.note("worker restarted")


# --- Report ----------------------------------------------------------------------------------------
def wait_for_prints(timeout: float) -> None:
    from orders.models import Order, OrderStatus
    from printing.models import PrintFile, PrintStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        paid = Order.objects.filter(status=OrderStatus.PAID)
        lines = sum(order.lines.count() for order in paid)
        settled = PrintFile.objects.filter(
            line__order__in=paid, status__in=(PrintStatus.READY, PrintStatus.FAILED)
        ).count()
        if lines and settled >= lines:
            return
        time.sleep(2)
    log(f"print files not all settled after {timeout:.0f} s")


def report(args: argparse.Namespace, tally: Tally, faults: Faults, emulator: Any, access: Path,
           elapsed: float) -> int:  # fmt: skip
    from orders.models import Order, OrderEvent, OrderStatus
    from printing.models import PrintFile, PrintStatus
    from printing.state import file_is_ready
    from styling.models import JobStatus, StylingJob

    expected = args.shoppers * args.orders
    orders = list(Order.objects.all())
    paid = [o for o in orders if o.status in (OrderStatus.PAID, OrderStatus.IN_PRODUCTION)]
    succeeded: Counter[str] = Counter(
        c.get("payment_intent") for c in emulator.charges() if c.get("status") == "succeeded"
    )
    paid_events = Counter(
        OrderEvent.objects.filter(kind="status", to_status=OrderStatus.PAID).values_list(
            "order_id", flat=True
        )
    )
    once = [o for o in paid if succeeded[o.payment_intent_id] == 1 and paid_events[o.pk] == 1]
    charged_twice = sum(1 for n in succeeded.values() if n > 1)
    unpaid_charged = [o for o in orders if o not in paid and succeeded[o.payment_intent_id]]
    ready = [
        o for o in paid
        if all(file_is_ready(PrintFile.objects.filter(line=line).first()) for line in o.lines.all())
    ]  # fmt: skip
    stuck_jobs = StylingJob.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).count()
    failed_jobs = StylingJob.objects.filter(status=JobStatus.FAILED).count()
    stuck_prints = PrintFile.objects.exclude(
        status__in=(PrintStatus.READY, PrintStatus.FAILED)
    ).count()
    failed_prints = PrintFile.objects.filter(status=PrintStatus.FAILED).count()
    access_5xx = [
        line for line in access.read_text(errors="replace").splitlines()
        if re.search(r'" 5\d\d ', line)
    ] if access.exists() else []  # fmt: skip

    print()
    print(f"faults bench: {args.shoppers} shoppers x {args.orders} orders on {args.backend}")
    print(f"  faults:                          {'; '.join(faults.events) or 'none injected'}")
    if faults.error:
        print(f"  fault thread error:              {faults.error!r}")
    print(f"  orders paid:                     {len(paid)}/{expected}")
    print(f"  paid exactly once:               {len(once)}/{len(paid)}"
          f"  (intents charged twice: {charged_twice}, unpaid orders charged: {len(unpaid_charged)},"
          f" orders created: {len(orders)})")  # fmt: skip
    print(f"  orders with every print file ready: {len(ready)}/{len(paid)}")
    print(f"  jobs stuck:                      {stuck_jobs} styling, {stuck_prints} print files"
          f"  (failed: {failed_jobs} styling, retried by shoppers {tally.job_retries};"
          f" {failed_prints} print files)")  # fmt: skip
    print(f"  5xx responses:                   {len(access_5xx)} in gunicorn's access log,"
          f" {len(tally.server_errors)} seen by shoppers")  # fmt: skip
    print(f"  shopper requests by status:      {dict(sorted(tally.statuses.items()))}")
    print(f"  took:                            {elapsed:.0f} s")
    for problem in tally.problems:
        print(f"  LOST: {problem}")
    for line in access_5xx[:10]:
        print(f"  5xx: {line}")
    lost = (
        len(paid) != expected
        or len(once) != len(paid)
        or len(orders) != expected
        or unpaid_charged
        or len(ready) != len(paid)
        or stuck_jobs
        or stuck_prints
        or failed_prints
        or access_5xx
        or tally.server_errors
        or tally.problems
        or faults.error
    )
    print("RESULT:", "LOSS" if lost else "nothing lost, nothing paid twice")
    return 1 if lost else 0


# --- Main ----------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shoppers", type=int, default=6)
    parser.add_argument("--orders", type=int, default=2, help="orders per shopper")
    parser.add_argument("--embedded", action="store_true", help="SQLite + filesystem broker")
    parser.add_argument("--redis-db", type=int, help="Redis database index (default: an empty one)")
    parser.add_argument(
        "--no-redis-restart", dest="redis_restart", action="store_false",
        help="on Redis, do not restart the server (default: restart it once)",
    )  # fmt: skip
    parser.add_argument("--stale", type=int, default=30, help="watchdog staleness, seconds")
    parser.add_argument("--job-timeout", type=float, default=900)
    parser.add_argument("--print-timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the var dir and database")
    parser.add_argument(
        "--photos", type=Path, default=ROOT.parent / "shared" / "data" / "photos" / "sun80",
        help="JPEG photos the shoppers upload (default: ../shared/data/photos/sun80)",
    )  # fmt: skip
    args = parser.parse_args()
    if not 1 <= args.shoppers <= 50 or not 1 <= args.orders <= 10:
        parser.error("at most 50 shoppers and 10 orders each")

    photos = sorted(args.photos.glob("*.jpg"))[:12]
    if not photos:
        raise SystemExit(f"no photos in {args.photos}")
    var = Path(tempfile.mkdtemp(prefix="retrocel-faults-"))
    backend = choose_backend(args, var)
    args.backend = backend.describe
    restart = args.redis_restart and backend.redis_db is not None
    web_port = free_port()
    env = {
        **os.environ,
        **backend.env,
        "RETROCEL_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        # Every shopper comes from 127.0.0.1: the abuse limits are not what this run measures.
        "RATE_LIMIT_UPLOADS": "10000/m",
        "RATE_LIMIT_STYLING_JOBS": "10000/m",
        "RATE_LIMIT_CHECKOUT": "10000/m",
        # Recovery within a run: the watchdogs look every 15 s.
        "STYLING_JOB_STALE_SECONDS": str(args.stale),
        "STYLING_WATCHDOG_INTERVAL_SECONDS": "15",
        "PRINT_STALE_SECONDS": str(args.stale),
        "PRINT_HEARTBEAT_SECONDS": "5",
        "PRINT_WATCHDOG_INTERVAL_SECONDS": "15",
    }
    for name in ("CACHE_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "CELERY_FILESYSTEM_DIR"):
        env.pop(name, None)
    if backend.redis_db is None:
        env.pop("CELERY_RESULT_BACKEND", None)
    os.environ.update(env)
    for name in ("CACHE_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "CELERY_FILESYSTEM_DIR"):
        os.environ.pop(name, None)
    log(f"var {var}; {backend.describe}; web on {web_port}")

    from devkit.stripe import running_emulator

    started = time.monotonic()
    stack: Stack | None = None
    try:
        with running_emulator(var / "logs" / "stripe-emulator.log") as emulator:
            env["STRIPE_API_BASE"] = os.environ["STRIPE_API_BASE"] = emulator.url
            env["STRIPE_JS_URL"] = os.environ["STRIPE_JS_URL"] = emulator.js_url
            py = sys.executable
            subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                           check=True)  # fmt: skip
            subprocess.run([py, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            import django

            django.setup()
            from django.conf import settings

            from catalog.models import ProductKind, Variant
            from styling.models import Style

            emulator.register_webhook(
                f"http://127.0.0.1:{web_port}/stripe/webhook/", settings.STRIPE_WEBHOOK_SECRET
            )
            mug = Variant.objects.filter(product__kind=ProductKind.MUG).order_by("pk").first()
            styles = Style.objects.filter(is_enabled=True, commercial_use_allowed=True)
            style = styles.filter(slug="retro-cel").first() or styles.order_by("pk").first()
            if mug is None or style is None:
                raise SystemExit("seed_demo made no mug or no printable style")
            plan = {"variant": mug.pk, "style": style.pk, "job_timeout": args.job_timeout,
                    "pay_timeout": 300}  # fmt: skip
            log(f"product {mug} ({mug.print_spec.name}), style {style.name}")

            stack = Stack(env, var, web_port)
            stack.start_web()
            stack.start_worker()
            stack.start_beat()
            stack.wait_for_web()
            log("stack up; shoppers start")

            tally = Tally()
            done = threading.Event()
            faults = Faults(stack, restart, done)
            faults.start()
            shoppers = [Shopper(n, stack.url, emulator, plan, tally) for n in range(args.shoppers)]
            threads = [
                threading.Thread(target=s.run, args=(args.orders, photos), daemon=True)
                for s in shoppers
            ]
            for thread in threads:
                thread.start()
                time.sleep(1.0)
            for thread in threads:
                thread.join()
            log("shoppers done; waiting for print files")
            wait_for_prints(args.print_timeout)
            done.set()
            faults.join(timeout=60)
            return report(args, tally, faults, emulator, stack.logs / "access.log",
                          time.monotonic() - started)  # fmt: skip
    finally:
        if stack is not None:
            stack.stop()
        if args.keep:
            log(f"kept {var} ({backend.describe})")
        else:
            from django.conf import settings

            if settings.configured:
                from django.db import connections

                connections.close_all()
            backend.drop()
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
