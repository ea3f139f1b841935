"""Intake benchmark: Open311 submissions per second against one INSERT, on the production server.

Starts gunicorn as the Procfile does (its workers, loopback only) on a fresh database in a
temporary directory (SQLite by default, --postgres for a database of its own on PostgreSQL at
127.0.0.1:5432, dropped afterwards), loads the reference data, the services and the
guarantees' rules, creates an API key, and then, over HTTP at 50 concurrent
connections:

1. the baseline: a minimal Django view on the same server and database that does nothing but
   one INSERT of a comparable row (tryghed/open311/bench_views.py, mounted only under
   TRYGHED_BENCH=1);
2. POST /open311/v2/requests.json with real submissions of every service, spread over the
   district's municipalities.

It prints submissions/s, p50/p99 latency, the ratio to the baseline, and the submissions
acknowledged against those found in the database afterwards. It exits non-zero when an
acknowledged submission is missing or any response was an error (--strict: also when a target
is missed).

    .venv/bin/python bench/intake.py                 # SQLite, 10 s per phase
    .venv/bin/python bench/intake.py --postgres      # PostgreSQL
    .venv/bin/python bench/intake.py --seconds 20 --requests 50000
"""

import argparse
import asyncio
import datetime
import io
import itertools
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 0.5
TARGET_P99_MS = 100
MAX_SECONDS = 300
MAX_REQUESTS = 1_000_000

WORDS = [
    "larm",
    "fest",
    "knallert",
    "glasskår",
    "unge",
    "bil",
    "musik",
    "sent",
    "nat",
    "park",
    "strand",
    "parkering",
    "affald",
    "råb",
    "hærværk",
    "graffiti",
    "cykel",
    "sti",
    "legeplads",
    "station",
    "bænk",
    "flasker",
]


@dataclass
class Phase:
    name: str
    statuses: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    # Requests that got no response at all, and a few example answers other than 201.
    failures: list = field(default_factory=list)
    samples: list = field(default_factory=list)
    elapsed: float = 0.0
    # CPU seconds the benchmark's own client used: on a small machine it competes with the
    # server for the same cores.
    client_cpu: float = 0.0
    # CPU seconds the server's processes used: near 2 a second on two cores when it is
    # saturated, less when requests wait on something else (a lock, the disk).
    server_cpu: float = 0.0
    rounds: list = field(default_factory=list)

    @property
    def ok(self):
        return len(self.acknowledged)

    @property
    def errors(self):
        return sum(n for s, n in self.statuses.items() if s != 201) + len(self.failures)

    def rate(self):
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, p):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


# The HTTP client: asyncio streams, one keep-alive connection per concurrent client.


async def _read_response(reader):
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before a response")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.read()
    return status, headers, body


async def _client(port, path, bodies, phase, deadline, budget, parse_id):
    reader = writer = None
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            body = next(bodies)
            request = (
                f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                status, headers, data = await asyncio.wait_for(_read_response(reader), 30)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError) as exc:
                phase.failures.append(repr(exc))
                writer.close()
                reader = writer = None
                continue
            phase.latencies.append(time.perf_counter() - started)
            phase.statuses[status] = phase.statuses.get(status, 0) + 1
            if status == 201:
                phase.acknowledged.append(parse_id(data))
            elif len(phase.samples) < 5:
                phase.samples.append(f"{status}: {data[:300]!r}")
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            writer.close()


def group_cpu(group):
    """CPU seconds used so far by the running processes of a process group (Linux)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, …, utime and stime are the 12th and 13th.
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_phase(name, port, path, bodies, *, concurrency, seconds, requests, parse_id, server):
    phase = Phase(name)
    budget = [requests]

    async def main():
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _client(port, path, bodies, phase, deadline, budget, parse_id)
                for _ in range(concurrency)
            )
        )
        phase.elapsed = time.perf_counter() - started

    cpu, served = time.process_time(), group_cpu(server)
    asyncio.run(main())
    phase.client_cpu = time.process_time() - cpu
    phase.server_cpu = group_cpu(server) - served
    return phase


def combine(name, phases):
    total = Phase(name)
    for phase in phases:
        for status, count in phase.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
        total.latencies += phase.latencies
        total.acknowledged += phase.acknowledged
        total.failures += phase.failures
        total.samples += phase.samples
        total.elapsed += phase.elapsed
        total.client_cpu += phase.client_cpu
        total.server_cpu += phase.server_cpu
    total.rounds = phases
    return total


def _json_id(data):
    import json

    return json.loads(data)[0]["service_request_id"]


# What a client sends.


def submission_bodies(definitions, points, key, seed=311):
    """Endless, varied form bodies: every service in turn, each with its required answers,
    at a point in one of the district's municipalities; some with contact details."""
    rng = random.Random(seed)
    n = 0
    while True:
        code, attributes = definitions[n % len(definitions)]
        lat, lon = points[n % len(points)]
        fields = [
            ("api_key", key),
            ("service_code", code),
            ("lat", f"{lat + rng.uniform(-0.002, 0.002):.6f}"),
            ("long", f"{lon + rng.uniform(-0.002, 0.002):.6f}"),
            ("description", " ".join(rng.choices(WORDS, k=rng.randint(8, 40))).capitalize()),
        ]
        if n % 3 == 0:
            fields += [("email", f"borger{n}@example.dk"), ("first_name", "Borger")]
        for attribute in attributes:
            if attribute["required"] or rng.random() < 0.3:
                fields += _answer(attribute, rng, wished_day=code.startswith("betjent-"))
        n += 1
        yield urlencode(fields).encode()


def _answer(attribute, rng, *, wished_day):
    """An answer the service accepts. A date question of "Bestil en betjent" asks for a day
    from tomorrow on; every other asks when something happened, which cannot be ahead."""
    name = f"attribute[{attribute['code']}]"
    keys = [v["key"] for v in attribute.get("values") or []]
    kind = attribute["datatype"]
    if kind == "singlevaluelist":
        return [(name, rng.choice(keys))]
    if kind == "multivaluelist":
        return [(name + "[]", k) for k in rng.sample(keys, min(2, len(keys)))]
    if kind == "number":
        return [(name, str(rng.randint(1, 60)))]
    if kind == "datetime":
        today = datetime.date.today()
        if wished_day:
            return [(name, (today + datetime.timedelta(days=rng.randint(7, 60))).isoformat())]
        return [(name, f"{today - datetime.timedelta(days=1)}T19:00:00+02:00")]
    return [(name, " ".join(rng.choices(WORDS, k=4)))]


# The server and its database.


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def web_command(port):
    """The Procfile's web command, with its ${HOST:-…} and ${PORT:-…} filled in."""
    line = next(
        line.split(":", 1)[1]
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    values = {"HOST": HOST, "PORT": str(port)}
    line = re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: values.get(m[1], m[2] or ""), line)
    return shlex.split(line)


def wait_until_up(port, process, timeout=60):
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("The server stopped while starting; see its log above.")
        try:
            with urllib.request.urlopen(
                f"http://{HOST}:{port}/open311/v2/discovery.json", timeout=2
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer within {timeout} s.")


def get_json(port, path):
    import json
    import urllib.request

    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as response:
        return json.loads(response.read())


def prepare(env):
    """Migrate, load the reference data and the services, create a key; returns the key and
    one point inside each municipality of the served districts."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tryghed.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from shapely.geometry import shape

    from tryghed.organisation.models import Municipality

    quiet = io.StringIO()
    with redirect_stdout(quiet):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        call_command("load_reference", stdout=quiet)
        call_command("load_services", stdout=quiet)
        # The guarantees as production has them: the requests they cover get their deadline.
        call_command("load_guarantees", stdout=quiet)
        call_command("create_api_key", "bench", stdout=quiet)
    key = quiet.getvalue().split()[-1]
    points = []
    served = settings.TRYGHED_SERVED_DISTRICTS
    for municipality in Municipality.objects.filter(district__number__in=served):
        point = shape(municipality.boundary).representative_point()
        points.append((point.y, point.x))
    from django.db import connections

    connections.close_all()
    return key, points


def verify(intake_refs, baseline_ids):
    """How many acknowledged submissions and baseline rows the database holds."""
    from django.db import connections

    from tryghed.servicedesk.models import ServiceRequest

    found = 0
    refs = list(intake_refs)
    for i in range(0, len(refs), 500):
        found += ServiceRequest.objects.filter(reference__in=refs[i : i + 500]).count()
    stored_open311 = ServiceRequest.objects.filter(channel="open311").count()
    found_baseline = 0
    ids = list(baseline_ids)
    for i in range(0, len(ids), 500):
        found_baseline += ServiceRequest.objects.filter(pk__in=ids[i : i + 500]).count()
    connections.close_all()
    return found, stored_open311, found_baseline


def create_pg_database(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_pg_database(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(args, env, log):
    """Start the server, run the phases, stop the server; returns (command, warm-ups,
    baseline, intake)."""
    seconds = min(max(args.seconds, 1), MAX_SECONDS)
    requests = min(max(args.requests, 1), MAX_REQUESTS)
    key, points = prepare(env)
    port = free_port()
    command = web_command(port)
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env, "HOST": HOST, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(port, server)
        definitions = [
            (
                s["service_code"],
                get_json(port, f"/open311/v2/services/{s['service_code']}.json")["attributes"]
                if s["metadata"]
                else [],
            )
            for s in get_json(port, "/open311/v2/services.json")
        ]
        # Made before measuring, so that the client spends its share of the two CPUs on
        # sending and receiving only.
        bodies = itertools.cycle(
            list(itertools.islice(submission_bodies(definitions, points, key), 20_000))
        )
        intake_path, baseline_path = "/open311/v2/requests.json", "/open311/v2/bench/insert"
        options = {
            "concurrency": args.concurrency,
            "requests": requests,
            "parse_id": _json_id,
            "server": server.pid,
        }
        # Every worker builds its boundary index and opens its connections before measuring.
        warm = [
            run_phase("warm-up", port, path, bodies, seconds=3, **options)
            for path in (intake_path, baseline_path, intake_path)
        ]
        baselines, intakes = [], []
        for _ in range(min(max(args.rounds, 1), 10)):
            baselines.append(
                run_phase("baseline", port, baseline_path, bodies, seconds=seconds, **options)
            )
            intakes.append(
                run_phase("intake", port, intake_path, bodies, seconds=seconds, **options)
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return (
        command,
        warm,
        combine("baseline: one INSERT", baselines),
        combine("Open311 POST requests", intakes),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--seconds", type=float, default=5, help="length of each phase")
    parser.add_argument("--requests", type=int, default=200_000, help="cap per phase")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternate the two phases this many times (steadier on a busy machine)",
    )
    parser.add_argument("--strict", action="store_true", help="fail when a target is missed")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tryghed-bench-"))
    pg_name = f"tryghed_bench_{os.getpid()}"
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "TRYGHED_VAR_DIR": str(tmp),
        "TRYGHED_BENCH": "1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
    }
    try:
        if args.postgres:
            create_pg_database(pg_name)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
        print(f"Preparing a fresh {'PostgreSQL' if args.postgres else 'SQLite'} database …")
        with open(tmp / "server.log", "wb") as log:
            command, warm, baseline, intake = measure(args, env, log)
        intake_refs = set(intake.acknowledged + warm[0].acknowledged + warm[2].acknowledged)
        baseline_ids = set(baseline.acknowledged + warm[1].acknowledged)
        found, stored, found_baseline = verify(intake_refs, baseline_ids)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.postgres:
            drop_pg_database(pg_name)
        shutil.rmtree(tmp, ignore_errors=True)

    seconds = min(max(args.seconds, 1), MAX_SECONDS)
    workers = " ".join(command[command.index("--workers") :][:2]) if "--workers" in command else ""
    print()
    print(
        f"Intake on {'PostgreSQL' if args.postgres else 'SQLite (WAL)'}: gunicorn ({workers}), "
        f"{args.concurrency} connections, {seconds:g} s per phase, {len(intake.rounds)} round(s); "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'':24}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'server CPU':>12}{'client CPU':>12}"
    )
    for phase in (baseline, intake):
        busy = phase.client_cpu / phase.elapsed if phase.elapsed else 0.0
        serving = phase.server_cpu / phase.elapsed if phase.elapsed else 0.0
        print(
            f"{phase.name:24}{phase.ok + phase.errors:>10}{phase.errors:>8}"
            f"{phase.rate():>9.0f}{phase.percentile(50):>9.1f}{phase.percentile(99):>9.1f}"
            f"{serving:>11.0%}{busy:>11.0%}"
        )
    ratio = intake.rate() / baseline.rate() if baseline.rate() else 0.0
    if len(intake.rounds) > 1:
        ratios = [
            i.rate() / b.rate() if b.rate() else 0.0
            for b, i in zip(baseline.rounds, intake.rounds, strict=True)
        ]
        print("ratio per round         " + "  ".join(f"{r:.2f}" for r in ratios))
    p99 = intake.percentile(99)
    lost = len(intake_refs) - found
    errors = intake.errors + baseline.errors + sum(w.errors for w in warm)
    print(f"ratio to the baseline   {ratio:.2f}   (target ≥ {TARGET_RATIO})")
    print(f"p99 of submissions      {p99:.1f} ms (target ≤ {TARGET_P99_MS} ms)")
    print(
        f"submissions acknowledged {len(intake_refs)}, found in the database {found}, "
        f"lost {lost}; open311 rows stored {stored} (warm-up included)"
    )
    print(
        f"baseline rows acknowledged {len(baseline_ids)}, found {found_baseline}; "
        f"error responses {errors}"
    )
    for phase in (*warm, baseline, intake):
        for failure in (phase.failures + phase.samples)[:3]:
            print(f"  {phase.name}: {failure}")
    missed = ratio < TARGET_RATIO or p99 > TARGET_P99_MS
    if lost or errors or found_baseline != len(baseline_ids):
        print("FAILED: a submission was lost or a response was an error.")
        return 1
    if missed:
        print("Target missed." + ("" if args.strict else " (not failing without --strict)"))
        return 1 if args.strict else 0
    print("Targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
