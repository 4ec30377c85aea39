"""Timing for the benchmarks: repeated requests through Django's test client, median and
95th percentile, and the number of SQL queries of one request (`time_page`, used by
bench_opportunities and bench_complaints); the interleaved rounds of `manage.py bench`
(`measure_interleaved`); a bounded load of logged-in users on a local server (`drive_load`).
Nothing here knows the apps: `reports.bench` assembles what is measured."""

import http.client
import math
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class PageTiming:
    median_ms: float
    p95_ms: float
    queries: int


def percentile(values: Iterable[float], percent: float) -> float:
    """Nearest-rank percentile: the smallest value with `percent` % of values at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def time_page(get: Callable[[str], object], url: str, *, repeat: int, warmup: int) -> PageTiming:
    """`get(url)` must perform the request and fail loudly on an error status."""
    for _ in range(warmup):
        get(url)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get(url)
    return PageTiming(statistics.median(timings), percentile(timings, 95), len(queries))


# --- the interleaved runner of `manage.py bench` ----------------------------------------------


@dataclass
class Item:
    """One measured thing: a page, an import, a report. `run()` does it once and raises on
    a failure. A heavy item (an import, a report) runs only in the first rounds."""

    group: str
    label: str
    run: Callable[[], object]
    heavy: bool = False
    rows: int = 0  # rows handled by one run (an import): rows a second are reported
    # The label of another item this one is held against (an admin list and the site's own
    # page of the same rows): the table gives the ratio of the two medians.
    compare_to: str = ""


@dataclass
class Measured:
    group: str
    label: str
    median_ms: float
    p95_ms: float
    queries: int
    samples: int
    cpu_ms: float = 0.0  # this process's CPU: what other processes on the machine do not add
    rows: int = 0
    compare_to: str = ""

    def ratio(self, floor: "Measured") -> float:
        return self.median_ms / floor.median_ms if floor.median_ms else math.inf


class Skip(Exception):
    """Raised by an item's first run: not a page to measure (a download, a redirect)."""


def measure_interleaved(
    items: list[Item],
    *,
    rounds: int,
    heavy_rounds: int,
    rng: random.Random,
    progress: Callable[[str], None] = lambda _text: None,
) -> tuple[list[Measured], list[tuple[Item, str]]]:
    """Warm every item up once (items raising Skip are set aside with the reason), count
    the SQL queries of one run, then run `rounds` rounds, each running every item once in
    a new random order: noise (another process, a checkpoint) falls on all items alike.
    Each run's wall-clock time and this process's CPU time are kept. Heavy items take part
    in the first `heavy_rounds` rounds only (one at least)."""
    heavy_rounds = max(1, heavy_rounds)
    kept, skipped = [], []
    for item in items:
        try:
            item.run()
        except Skip as reason:
            skipped.append((item, str(reason)))
            continue
        kept.append(item)
    queries = {}
    for item in kept:
        with CaptureQueriesContext(connection) as captured:
            item.run()
        queries[id(item)] = len(captured)
    progress(f"{len(kept)} items warmed up ({len(skipped)} set aside); {rounds} rounds")
    timings: dict[int, list[float]] = {id(item): [] for item in kept}
    cpu: dict[int, list[float]] = {id(item): [] for item in kept}
    for number in range(rounds):
        order = [item for item in kept if not item.heavy or number < heavy_rounds]
        rng.shuffle(order)
        started_round = time.perf_counter()
        for item in order:
            started, started_cpu = time.perf_counter(), time.process_time()
            item.run()
            timings[id(item)].append((time.perf_counter() - started) * 1000)
            cpu[id(item)].append((time.process_time() - started_cpu) * 1000)
        progress(f"round {number + 1}/{rounds}: {time.perf_counter() - started_round:.1f} s")
    measured = [
        Measured(
            item.group,
            item.label,
            statistics.median(timings[id(item)]),
            percentile(timings[id(item)], 95),
            queries[id(item)],
            len(timings[id(item)]),
            statistics.median(cpu[id(item)]),
            item.rows,
            item.compare_to,
        )
        for item in kept
    ]
    return measured, skipped


# --- a bounded load on a local server ---------------------------------------------------------


SLOWEST_PATHS = 8


@dataclass
class LoadResult:
    users: int
    requests: int
    seconds: float
    errors: int
    median_ms: float
    p95_ms: float
    first_errors: list[str]
    # The CPU the client itself took from the machine (its threads share the cores with
    # the server under test).
    client_cpu_seconds: float = 0.0
    # The CPU the server's processes took meanwhile (gunicorn's master and workers; the
    # database server left out), when the caller measured it: what a request costs, read
    # apart from the other work that slows the machine down.
    server_cpu_seconds: float | None = None
    pages: int = 0  # distinct paths in the mix
    # The paths with the slowest median under the load: [(path, median ms, requests)].
    slowest: list[tuple[str, float, int]] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_cpu_ms_per_request(self) -> float | None:
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds / self.requests * 1000


def process_tree_cpu_seconds(pid: int, proc: Path = Path("/proc")) -> float | None:
    """The CPU seconds (user and system) of a process, of its children that ended (the
    kernel adds them to the parent once reaped: gunicorn's replaced workers) and of its
    living children (its workers); None where there is no /proc (not Linux)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def fields(stat: Path) -> list[str] | None:
        try:
            text = stat.read_text()
        except OSError:  # not there, or ended meanwhile
            return None
        # After the command name (in parentheses, which may hold spaces): state, ppid, …
        return text.rpartition(")")[2].split()

    own = fields(proc / str(pid) / "stat")
    if own is None:
        return None
    # utime, stime, cutime, cstime are the 14th to 17th fields; [0] here is the 3rd.
    total = sum(int(value) for value in own[11:15])
    for entry in proc.iterdir():
        if entry.name.isdigit() and entry.name != str(pid):
            child = fields(entry / "stat")
            if child is not None and child[1] == str(pid):
                total += int(child[11]) + int(child[12])
    return total / ticks


def drive_load(
    host: str,
    port: int,
    users: list[tuple[str, list[str]]],
    *,
    max_requests: int,
    max_seconds: float,
    rng: random.Random,
    served: Collection[int] = (200,),
    headers: Mapping[str, str] | None = None,
) -> LoadResult:
    """Each user (a Cookie header and the paths it visits) is a thread requesting its paths
    in turn, one request at a time, until `max_requests` were sent in all or `max_seconds`
    passed. Only a 200 answer counts as served; anything else (or a failed connection) is
    an error (`served` names other answers that count, e.g. a redirect's 302; `headers` are
    sent with every request besides the Cookie). Loopback only: `host` must be a loopback
    address."""
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError("The load runs against this machine only.")
    lock = threading.Lock()
    budget = [max_requests]
    latencies: list[float] = []
    by_path: dict[str, list[float]] = {}
    errors: list[str] = []
    deadline = time.perf_counter() + max_seconds

    def user_loop(cookie: str, paths: list[str]) -> None:
        order = paths[:]
        rng.shuffle(order)
        position = 0
        connection_ = http.client.HTTPConnection(host, port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            path = order[position % len(order)]
            position += 1
            started = time.perf_counter()
            try:
                connection_.request(
                    "GET", path, headers={**(headers or {}), "Cookie": cookie, "Host": host}
                )
                response = connection_.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status, connection_ = 0, http.client.HTTPConnection(host, port, timeout=30)
                detail = f"{path}: {error!r}"
            else:
                detail = f"{path}: {status}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                by_path.setdefault(path, []).append(elapsed)
                if status not in served:
                    errors.append(detail)
        connection_.close()

    threads = [
        threading.Thread(target=user_loop, args=(cookie, paths), daemon=True)
        for cookie, paths in users
    ]
    started, started_cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    client_cpu = time.process_time() - started_cpu
    return LoadResult(
        users=len(users),
        requests=len(latencies),
        seconds=seconds,
        errors=len(errors),
        median_ms=statistics.median(latencies) if latencies else 0.0,
        p95_ms=percentile(latencies, 95) if latencies else 0.0,
        first_errors=errors[:5],
        client_cpu_seconds=client_cpu,
        pages=len({path for _cookie, paths in users for path in paths}),
        slowest=sorted(
            ((path, statistics.median(times), len(times)) for path, times in by_path.items()),
            key=lambda row: -row[1],
        )[:SLOWEST_PATHS],
    )


# --- gunicorn on this machine -----------------------------------------------------------------


def database_url() -> str:
    """This process's PostgreSQL database as a URL, for a server started beside it."""
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("The load runs against PostgreSQL (make bench).")
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit code {server.returncode}).")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s.")


@contextmanager
def local_gunicorn(port: int, *, env: Mapping[str, str] | None = None) -> Iterator[int]:
    """gunicorn on 127.0.0.1:`port` with production settings (DEBUG off, the static
    manifest collected) on this process's database, stopped on leaving; yields the server's
    process id. `env` adds variables: gunicorn.conf.py reads WEB_CONCURRENCY and
    GUNICORN_THREADS, the settings anything else (LINK_FOLLOW_RATE)."""
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        # Sessions logged in by this process are signed with its key.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=full_env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "crm_site.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=full_env,
        cwd=settings.BASE_DIR,
    )
    try:
        _wait_until_up(port, server)
        yield server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
