"""Dashboard benchmark: importing incidents and answering the dashboard's questions over HTTP,
against DuckDB's in-memory aggregation and PostgreSQL's raw COPY of the same file.

1. Generates a CSV file of realistic incidents (10,000,000 by default; `--rows N` for a quick
   run): five years (2021–2025), the 98 municipalities of the reference data, skewed by
   population (STRAF11's newest quarter) and by season per category (youth nuisance in
   summer, burglaries in the dark months, holiday homes off season, evenings and weekends),
   with coordinates inside each municipality (a skewed pool of points per municipality, so
   that hotspots exist), a fifth with a døgnrapport heading instead of the code, 3 % without
   coordinates.
2. Per database (SQLite and PostgreSQL by default, `--database` for one): a fresh database,
   migrations, the reference data and STRAF11; then `manage.py import_incidents FILE
   --source bench` (timed, the command as an operator runs it); then the production server
   as the Procfile starts it (gunicorn, DEBUG off) and the dashboard's questions as a
   superuser sees them (the whole country) and as a member of the kredsråd of the source's
   district sees them (every number as the public may read it, small counts hidden), each
   asked `--requests` times on one connection after a first request (timed too: what the
   cache keeps is made there) and three more: the charts, the municipality table, the
   comparison with the year before, the hotspot cells, and the page itself with no filter.
   Every answer is checked against DuckDB's (the kredsråd's counts where shown); the page is
   timed against DuckDB's answers to what it asks (key figure, table, hotspots), not
   compared.
3. The baselines, in the same run: DuckDB (in memory) loads the same file and answers the
   same questions (each run `--requests` times); PostgreSQL's `COPY` of the same file into a
   table of the same column types.

It prints the times, p50 per question, the ratios and each first request. Targets: every
dashboard answer's p50 no slower than DuckDB's for the same question; the import at least
half the rate of COPY.

    .venv/bin/python bench/dashboard.py                        # 10 M rows, both databases
    .venv/bin/python bench/dashboard.py --rows 200000          # a quick run
    .venv/bin/python bench/dashboard.py --rows 1000000 --database postgres --strict
"""

import argparse
import csv
import datetime
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from intake import HOST, create_pg_database, drop_pg_database, free_port, web_command

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
REFERENCE = ROOT / "data" / "reference" / "dk_kommuner_dagi500_2014.geojson"
STRAF11 = (
    ROOT / "data" / "statistics" / "dst_straf11_kommune_kvartal_hovedgrupper_2008K1_2022K2.csv"
)
YEARS = range(2021, 2026)
COLUMNS = [
    "external_id",
    "occurred_at",
    "reported_at",
    "category",
    "title",
    "place",
    "municipality_code",
    "lat",
    "lon",
    "summary",
    "responded_at",
]
TARGET_IMPORT_RATIO = 0.5
DASHBOARD = "/medarbejder/tal/"

# Category: (share of all incidents, peak month or None, seasonal amplitude, yearly trend,
# a døgnrapport heading, what the summary says).
CATEGORIES = {
    "burglary_home": (10, 12, 0.35, -0.06, "Indbrud i villa/lejlighed/landejendom", "Indbrud"),
    "burglary_holiday_home": (1.5, 2, 0.6, -0.03, "Indbrud i sommerhus", "Indbrud i sommerhus"),
    "burglary_business": (3, 1, 0.2, -0.04, "Indbrud i virksomhed/forretning", "Indbrud"),
    "burglary_institution": (1, 7, 0.3, 0.0, "Indbrud i skole/institution", "Indbrud"),
    "theft_from_vehicle": (9, 11, 0.2, -0.02, "Tyveri fra køretøjer", "Tyveri fra bil"),
    "traffic_accident_fatal": (0.1, 7, 0.2, 0.0, "Færdselsuheld med dræbte", "Dødsulykke"),
    "traffic_accident_serious": (
        1,
        7,
        0.25,
        0.0,
        "Færdselsuheld med alvorlig personskade",
        "Uheld",
    ),
    "traffic_accident_minor": (8, 12, 0.3, 0.01, "Færdselsuheld med materiel skade", "Uheld"),
    "drug_sale": (4, None, 0.0, 0.05, "Salg af narkotika", "Salg af hash"),
    "drug_sale_school": (0.3, 5, 0.4, 0.05, "Narkotikasalg ved skole", "Salg ved skole"),
    "youth_nuisance": (9, 7, 0.6, 0.02, "Uro blandt unge", "Uro"),
    "moped_nuisance": (4, 7, 0.7, 0.0, "Ulovlig knallertkørsel", "Knallerter"),
    "vandalism": (10, 8, 0.25, 0.0, "Hærværk", "Hærværk"),
    "violence": (8, 6, 0.2, 0.01, "Vold og trusler", "Vold"),
    "violence_close_relations": (3, 12, 0.15, 0.04, "Vold i nære relationer", "Vold"),
    "gang_related": (0.7, None, 0.0, 0.0, "Bandekriminalitet", "Konflikt"),
    "it_crime": (5, None, 0.0, 0.12, "Netbedrageri", "Bedrageri på nettet"),
    "fraud_elderly": (2, 11, 0.15, 0.05, "Bedrageri mod ældre", "Tricktyveri"),
    "psychiatric_welfare": (8, None, 0.0, 0.03, "Bekymringshenvendelse", "Bekymring"),
    "other": (10, 7, 0.1, 0.0, "Butikstyveri", "Tyveri"),
}
STREETS = ["Hovedgaden", "Stationsvej", "Skolevej", "Kirkevej", "Møllevej", "Strandvejen"]
STREETS += ["Nørregade", "Søndergade", "Bygaden", "Industrivej", "Parkvej", "Engvej"]
HOURS = [3, 2, 2, 1, 1, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 6, 7, 7, 7, 7, 6, 6, 5, 4]
WEEKDAYS = [0.9, 0.9, 0.95, 1.0, 1.2, 1.3, 1.1]  # Monday to Sunday


# The file ------------------------------------------------------------------------------


def municipalities():
    """[(code, name, population, polygon)] of the reference data, population from STRAF11."""
    import shapely
    from shapely.geometry import shape

    population = {}
    with open(STRAF11, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            population[row["kommunekode"]] = int(row["folketal_kvartalsstart"])
    features = json.loads(REFERENCE.read_text(encoding="utf-8"))["features"]
    result = []
    for feature in features:
        code = feature["properties"]["kommunekode"]
        geometry = shapely.make_valid(shape(feature["geometry"]))
        result.append(
            (code, feature["properties"]["kommunenavn"], population.get(code, 2000), geometry)
        )
    return sorted(result)


def point_pool(polygon, rng, size):
    """Points well inside the municipality (about 100 m from its edge, so that rounding to six
    decimals never moves one across it), in lat/lon."""
    import numpy as np
    import shapely

    inner = polygon.buffer(-0.0015)
    if inner.is_empty or inner.area < polygon.area * 0.2:
        inner = polygon.buffer(-0.0003)
    shapely.prepare(inner)
    west, south, east, north = inner.bounds
    found = []
    while sum(len(f) for f in found) < size:
        lon = rng.uniform(west, east, size * 4).round(6)
        lat = rng.uniform(south, north, size * 4).round(6)
        inside = shapely.contains_xy(inner, lon, lat)
        found.append(np.column_stack([lat[inside], lon[inside]]))
    return np.concatenate(found)[:size]


def skip_gap(times):
    """Local times with the hour that does not exist (02:00–02:59 on the last Sunday of
    March, when the clocks go forward) moved an hour on, as a clock on the wall shows it."""
    import numpy as np

    starts = []
    for year in range(YEARS[0], YEARS[-1] + 2):
        march_31 = np.datetime64(f"{year}-03-31")
        weekday = (march_31.astype(int) + 3) % 7  # 0 is Monday
        starts.append((march_31 - (weekday - 6) % 7).astype("datetime64[m]") + 120)
    starts = np.array(starts)
    index = np.searchsorted(starts, times, side="right") - 1
    in_gap = (index >= 0) & (times - starts[np.maximum(index, 0)] < np.timedelta64(60, "m"))
    return np.where(in_gap, times + np.timedelta64(60, "m"), times)


def generate(path, rows, seed=2026):
    """Write `rows` incidents to `path` as the importer's CSV; returns the seconds it took."""
    import datetime

    import numpy as np

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    places = municipalities()
    weights = np.array([p[2] for p in places], dtype=float)
    pools = [point_pool(p[3], rng, 400 + int(p[2] // 250)) for p in places]
    days = np.arange(
        np.datetime64(f"{YEARS[0]}-01-01"), np.datetime64(f"{YEARS[-1] + 1}-01-01")
    ).astype("datetime64[D]")
    months = days.astype("datetime64[M]").astype(int) % 12 + 1
    years = days.astype("datetime64[Y]").astype(int) + 1970
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    day_base = np.array(WEEKDAYS)[weekday]
    codes = list(CATEGORIES)
    shares = np.array([CATEGORIES[c][0] for c in codes])
    day_cdf = []
    for code in codes:
        _share, peak, amplitude, trend, _heading, _text = CATEGORIES[code]
        season = 1 + amplitude * np.cos(2 * math.pi * (months - (peak or 1)) / 12)
        w = day_base * season * (1 + trend) ** (years - YEARS[0])
        day_cdf.append(np.cumsum(w) / w.sum())
    hour_cdf = np.cumsum(HOURS) / sum(HOURS)
    chunk = 500_000
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(COLUMNS)
        while written < rows:
            n = min(chunk, rows - written)
            category = rng.choice(len(codes), n, p=shares / shares.sum())
            day_index = np.empty(n, dtype=int)
            for c in range(len(codes)):
                mask = category == c
                day_index[mask] = np.searchsorted(day_cdf[c], rng.random(mask.sum()))
            day_index = np.minimum(day_index, len(days) - 1)
            minute = np.searchsorted(hour_cdf, rng.random(n)) * 60 + rng.integers(0, 60, n)
            occurred = skip_gap(days[day_index].astype("datetime64[m]") + minute)
            reported = skip_gap(occurred + rng.integers(5, 240, n))
            responded = skip_gap(reported + rng.integers(3, 60, n))
            has_reported = rng.random(n) < 0.6
            has_responded = has_reported & (rng.random(n) < 0.5)
            municipality = rng.choice(len(places), n, p=weights / weights.sum())
            # Skewed towards the first points of each pool: a few streets see much more.
            pick = (rng.random(n) ** 3 * 10_000).astype(int)
            located = rng.random(n) >= 0.03
            heading = rng.random(n) < 0.2
            street = rng.integers(0, len(STREETS), n)
            number = rng.integers(1, 120, n)
            occurred_s = np.datetime_as_string(occurred, unit="m")
            reported_s = np.datetime_as_string(reported, unit="m")
            responded_s = np.datetime_as_string(responded, unit="m")
            lines = []
            for i in range(n):
                c = codes[category[i]]
                m = municipality[i]
                code, name = places[m][0], places[m][1]
                info = CATEGORIES[c]
                if located[i]:
                    pool = pools[m]
                    lat, lon = pool[pick[i] % len(pool)]
                    lat, lon = f"{lat:.6f}", f"{lon:.6f}"
                else:
                    lat = lon = ""
                lines.append(
                    (
                        f"B{written + i:09d}",
                        occurred_s[i],
                        reported_s[i] if has_reported[i] else "",
                        info[4] if heading[i] else c,
                        info[4],
                        f"{STREETS[street[i]]} {number[i]}, {name}",
                        code,
                        lat,
                        lon,
                        f"{info[5]} på {STREETS[street[i]]} i {name}. Politiet efterforsker.",
                        responded_s[i] if has_responded[i] else "",
                    )
                )
            out.writerows(lines)
            written += n
    assert datetime.date(YEARS[-1], 12, 31) < datetime.date.today()
    return time.perf_counter() - started


# The questions -------------------------------------------------------------------------


# The dashboard's grid cell of a point (incidents/numbers.py: about 1 km, whole micro-degrees).
CELL = (
    "floor(round(lat * 1000000) / 9044)::BIGINT || ',' || "
    "floor(round(lon * 1000000) / 16064)::BIGINT"
)


def questions(sample_municipality, sample_year, today=None):
    """(name, dashboard path, DuckDB query, how to compare): the dashboard's main questions."""
    today = today or datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    # The file names a fifth of the categories by their døgnrapport heading.
    heading = CATEGORIES["burglary_home"][4]
    one = (
        f"municipality_code = '{sample_municipality}' "
        f"AND category IN ('burglary_home', '{heading}')"
    )
    local_year = f"year(occurred_at) = {sample_year}"
    return [
        (
            "incidents per month, all years",
            "trend.json?period=month",
            "SELECT strftime(date_trunc('month', occurred_at), '%Y-%m') AS k, count(*) "
            "FROM incidents GROUP BY k ORDER BY k",
            "trend",
        ),
        (
            "incidents per quarter, one year",
            f"trend.json?period=quarter&year={sample_year}",
            "SELECT year(occurred_at) || '-Q' || quarter(occurred_at) AS k, count(*) "
            f"FROM incidents WHERE {local_year} GROUP BY k ORDER BY k",
            "trend",
        ),
        (
            "incidents per week, one year",
            f"trend.json?period=week&year={sample_year}",
            "SELECT strftime(occurred_at, '%G-W%V') AS k, count(*) FROM incidents "
            f"WHERE isoyear(occurred_at) = {sample_year} GROUP BY k ORDER BY k",
            "trend",
        ),
        (
            "incidents per week, all years",
            "trend.json?period=week",
            "SELECT strftime(occurred_at, '%G-W%V') AS k, count(*) "
            "FROM incidents GROUP BY k ORDER BY k",
            "trend",
        ),
        (
            "seasonal profile, all years",
            "season.json",
            "SELECT month(occurred_at)::VARCHAR AS k, count(*) FROM incidents GROUP BY k",
            "trend",
        ),
        (
            "per municipality (choropleth table)",
            "kommuner.csv",
            "SELECT municipality_code, count(*) FROM incidents GROUP BY 1",
            "csv",
        ),
        (
            "per month, one municipality, one category",
            f"trend.json?period=month&municipality={sample_municipality}&category=burglary_home",
            "SELECT strftime(date_trunc('month', occurred_at), '%Y-%m') AS k, count(*) "
            f"FROM incidents WHERE {one} GROUP BY k ORDER BY k",
            "trend",
        ),
        (
            "per municipality against the year before",
            f"aendring.csv?year={sample_year}",
            "SELECT municipality_code || ' ' || year(occurred_at) AS k, count(*) "
            f"FROM incidents WHERE year(occurred_at) IN ({sample_year - 1}, {sample_year}) "
            "GROUP BY k",
            "changes",
        ),
        (
            "hotspot cells, one year",
            f"braendpunkter.csv?year={sample_year}",
            f"SELECT {CELL} AS k, count(*) FROM incidents "
            f"WHERE {local_year} AND lat IS NOT NULL GROUP BY k",
            "hotspots",
        ),
        (
            "hotspot cells, one category, one year",
            f"braendpunkter.csv?year={sample_year}&category=burglary_home",
            f"SELECT {CELL} AS k, count(*) FROM incidents WHERE {local_year} "
            f"AND category IN ('burglary_home', '{heading}') AND lat IS NOT NULL GROUP BY k",
            "hotspots",
        ),
        (
            "hotspot cells, every year",
            "braendpunkter.csv",
            f"SELECT {CELL} AS k, count(*) FROM incidents WHERE lat IS NOT NULL GROUP BY k",
            "hotspots",
        ),
        (
            # What the page itself asks with no filter chosen, besides the charts' questions
            # above: the key figure (the running year up to today against the same days a
            # year earlier), the municipality table and the hotspots of every year.
            "the dashboard page, no filter",
            "",
            "SELECT 'now', count(*) FROM incidents "
            f"WHERE occurred_at >= '{today.year}-01-01' AND occurred_at < '{tomorrow}' "
            "UNION ALL SELECT 'then', count(*) FROM incidents "
            f"WHERE occurred_at >= '{today.year - 1}-01-01' "
            f"AND occurred_at < '{_a_year_before(tomorrow)}' "
            "UNION ALL SELECT municipality_code, count(*) FROM incidents GROUP BY 1 "
            f"UNION ALL SELECT {CELL}, count(*) FROM incidents WHERE lat IS NOT NULL GROUP BY 1",
            "page",
        ),
    ]


def _a_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def duckdb_baseline(path, asked, repeat):
    """Load the file into DuckDB in memory; its answer and p50 per question."""
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    types = dict.fromkeys(COLUMNS, "VARCHAR")
    types |= {"occurred_at": "TIMESTAMP", "lat": "DOUBLE", "lon": "DOUBLE"}
    con.execute(
        "CREATE TABLE incidents AS SELECT * FROM read_csv(?, header = true, columns = ?)",
        [str(path), types],
    )
    load = time.perf_counter() - started
    results = []
    for _name, _path, query, _kind in asked:
        times, answer = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            answer = con.execute(query).fetchall()
            times.append(time.perf_counter() - started)
        results.append(({str(k): n for k, n in answer}, statistics.median(times)))
    con.close()
    return load, results


def answer_counts(kind, body):
    """{key: count} of an answer; a count hidden from the public ("<5", "..") as its text.
    The page is timed, not compared: None."""
    if kind == "page":
        return None
    if kind in ("changes", "hotspots"):
        counts = {}
        for row in list(csv.DictReader(body.decode("utf-8").splitlines())):
            if kind == "hotspots":
                pairs = [(f"{row['row']},{row['column']}", row["count"])]
            else:
                code = row["municipality_code"]
                pairs = [
                    (f"{code} {row['period']}", row["count"]),
                    (f"{code} {row['previous_period']}", row["previous"]),
                ]
            counts.update((key, int(n) if n.isdigit() else n) for key, n in pairs if n != "0")
        return counts
    if kind == "csv":
        rows = list(csv.reader(body.decode("utf-8").splitlines()))[1:]
        return {
            code: int(count) if count.isdigit() else count
            for code, _name, count in rows
            if count != "0"
        }
    values = json.loads(body)["data"]["values"]
    return {
        v["key"]: v["shown"] if v["count"] is None else v["count"]
        for v in values
        if v["shown"] != "0"
    }


def expected_answer(kind, answer, codes=None):
    """DuckDB's answer as the dashboard gives it to a reader of the municipalities `codes`
    (None: every one), whose tables list those municipalities only."""
    if kind == "page":
        return None
    if kind == "hotspots":
        # Over every incident of the source, wherever it happened, as the district reads
        # its own source; only the tables list the district's municipalities alone.
        return answer
    if codes is None or kind not in ("csv", "changes"):
        return answer
    return {key: n for key, n in answer.items() if key.split(" ")[0] in codes}


# What the public is not given at all (the map of one category: its squares would be the
# map of every category less the other categories').
NOT_PUBLISHED = {"hotspot cells, one category, one year"}


def public_agrees(got, expected):
    """(whether every count shown equals the exact one and every exact one is there, shown
    or hidden; how many are hidden). A group hidden whole hides its zeros too."""
    hidden = [key for key, count in got.items() if isinstance(count, str)]
    shown = {key: count for key, count in got.items() if not isinstance(count, str)}
    agrees = all(expected.get(k, 0) == n for k, n in shown.items()) and set(expected) <= set(got)
    return agrees, len(hidden)


# A database ----------------------------------------------------------------------------


def manage(env, *arguments):
    """Run a management command; its output, or exit with its errors."""
    result = subprocess.run(
        [str(PYTHON), "manage.py", *arguments],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
    )
    if result.returncode:
        sys.stderr.write(result.stderr.decode(errors="replace")[-3000:])
        raise SystemExit(f"manage.py {arguments[0]} failed.")
    return result.stdout.decode()


LOGIN = """
from django.conf import settings
from django.test import Client
from tryghed.accounts.models import User
user = User.objects.create_superuser("bench", "bench@example.dk", None)
client = Client()
client.force_login(user)
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""
DISTRICT_CODES = """
from tryghed.incidents.models import IncidentSource
from tryghed.organisation.models import Municipality
district = IncidentSource.objects.get(name="bench").district
print(" ".join(Municipality.objects.filter(district=district).values_list("code", flat=True)))
"""
# A member of the kredsråd of the district the bench's source belongs to: the councils' own
# reading of the dashboard, every number as the public may read it.
COUNCIL_LOGIN = """
from django.conf import settings
from django.test import Client
from tryghed.accounts.models import RoleAssignment, User
from tryghed.incidents.models import IncidentSource
from tryghed.organisation.models import Council
district = IncidentSource.objects.get(name="bench").district
council = Council.objects.create(
    kind=Council.Kind.DISTRICT_COUNCIL, name="Kredsrådet", slug="kredsraad-bench", district=district
)
user = User.objects.create_user("bench-council")
RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.COUNCIL_MEMBER, council=council)
client = Client()
client.force_login(user)
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def copy_baseline(env, path):
    """Seconds for PostgreSQL's COPY of the file into a table of the same column types."""
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'Europe/Copenhagen'")
        conn.execute(
            "CREATE TABLE bench_copy (external_id varchar(100), occurred_at timestamptz, "
            "reported_at timestamptz, category varchar(300), title varchar(300), "
            "place varchar(300), municipality_code varchar(4), lat numeric(8, 6), "
            "lon numeric(9, 6), summary text, responded_at timestamptz)"
        )
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY bench_copy FROM STDIN (FORMAT csv, HEADER)") as copy,
            open(path, "rb") as f,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_copy")
    return seconds


def copy_alone(path):
    """COPY's seconds for the file, in a PostgreSQL database of its own."""
    name = f"tryghed_bench_copy_{os.getpid()}"
    create_pg_database(name)
    try:
        print("[COPY] PostgreSQL's COPY of the file …", flush=True)
        return copy_baseline({"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}, path)
    finally:
        drop_pg_database(name)


def ask(port, cookie, path, repeat):
    """The answer's body and the p50 of `repeat` requests on one keep-alive connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=600)
    headers = {"Cookie": f"sessionid={cookie}; django_language=da"}
    times, body = [], b""
    for _ in range(repeat):
        started = time.perf_counter()
        conn.request("GET", DASHBOARD + path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append(time.perf_counter() - started)
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
    conn.close()
    return body, statistics.median(times)


def wait_for(port, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("The server stopped while starting; see its log.")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer within {timeout} s.")


def run_database(kind, path, rows, asked, repeat, tmp):
    """Import the file into a fresh database and ask the questions over HTTP."""
    name = f"tryghed_bench_dash_{os.getpid()}"
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "TRYGHED_VAR_DIR": str(tmp),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
    }
    if kind == "postgres":
        create_pg_database(name)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    result = {"database": kind}
    server = None
    try:
        print(f"[{kind}] migrating, loading the reference data and STRAF11 …", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "createcachetable")
        manage(env, "load_reference")
        manage(env, "import_statistics", str(STRAF11))
        if kind == "postgres":
            result["copy"] = copy_baseline(env, path)
            print(f"[{kind}] COPY: {result['copy']:.1f} s", flush=True)
        print(f"[{kind}] importing {rows:,} incidents …", flush=True)
        started = time.perf_counter()
        output = manage(env, "import_incidents", str(path), "--source", "bench")
        result["import"] = time.perf_counter() - started
        result["import_report"] = " ".join(output.split())[:300]
        print(f"[{kind}] import: {result['import']:.1f} s  ({result['import_report']})")
        cookie = manage(env, "shell", "-c", LOGIN).split()[-1]
        port = free_port()
        with open(tmp / f"server-{kind}.log", "wb") as log:
            server = subprocess.Popen(
                web_command(port),
                cwd=ROOT,
                env={**os.environ, **env, "HOST": HOST, "PORT": str(port)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(port, server)
        council = manage(env, "shell", "-c", COUNCIL_LOGIN).split()[-1]
        # The kredsråd's table and map hold its district's municipalities.
        result["council_codes"] = set(manage(env, "shell", "-c", DISTRICT_CODES).split())
        for reader, session in (("answers", cookie), ("council_answers", council)):
            answers = []
            for question, url, _query, kind_ in asked:
                # The first answer after the import, made rather than read from the cache
                # where it is kept (unless an earlier question made the same).
                _body, first = ask(port, session, url, 1)
                ask(port, session, url, 3)  # both workers warm, their connections open
                body, p50 = ask(port, session, url, repeat)
                answers.append((answer_counts(kind_, body), p50, first))
                who = "" if reader == "answers" else " (kredsråd)"
                print(
                    f"[{kind}] {question}{who}: first {first * 1000:.1f} ms, "
                    f"p50 {p50 * 1000:.1f} ms",
                    flush=True,
                )
            result[reader] = answers
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if kind == "postgres":
            drop_pg_database(name)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="incidents to generate")
    parser.add_argument(
        "--database", choices=["both", "sqlite", "postgres"], default="both", help="where to import"
    )
    parser.add_argument("--requests", type=int, default=15, help="times each question is asked")
    parser.add_argument("--strict", action="store_true", help="fail when a target is missed")
    args = parser.parse_args()
    rows = max(args.rows, 1000)
    repeat = max(args.requests, 1)
    tmp = Path(tempfile.mkdtemp(prefix="tryghed-bench-dashboard-"))
    try:
        path = tmp / "incidents.csv"
        print(f"Generating {rows:,} incidents …", flush=True)
        seconds = generate(path, rows)
        size = path.stat().st_size
        print(f"  {seconds:.1f} s, {size / 2**20:,.0f} MB", flush=True)
        # Roskilde: in the district the bench's source belongs to, which its kredsråd reads.
        asked = questions("0265", YEARS[-2])
        load, duck = duckdb_baseline(path, asked, repeat)
        print(f"DuckDB: loaded in {load:.1f} s", flush=True)
        kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
        results = [run_database(kind, path, rows, asked, repeat, tmp) for kind in kinds]
        if "postgres" not in kinds:
            # The import's baseline is PostgreSQL's COPY, whichever database imports.
            results.append({"database": "COPY", "copy": copy_alone(path)})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report(args, rows, size, asked, duck, results)


def report(args, rows, size, asked, duck, results):
    print()
    print(
        f"Dashboard on {rows:,} incidents ({size / 2**20:,.0f} MB CSV); {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; p50 of {max(args.requests, 1)} requests"
    )
    missed, wrong = [], []
    copy = next((r["copy"] for r in results if "copy" in r), None)
    for result in results:
        kind = result["database"]
        if "import" not in result:
            continue  # the COPY alone
        rate = rows / result["import"]
        line = f"[{kind}] import {result['import']:.1f} s = {rate:,.0f} rows/s"
        if copy:
            ratio = rate / (rows / copy)
            line += f"; PostgreSQL COPY {copy:.1f} s = {rows / copy:,.0f} rows/s; ratio {ratio:.2f}"
            line += f" (target ≥ {TARGET_IMPORT_RATIO})"
            if ratio < TARGET_IMPORT_RATIO:
                missed.append(f"{kind} import")
        print(line)
        print(
            f"  {'question':44}{'HTTP p50 ms':>12}{'DuckDB p50 ms':>15}{'ratio':>8}{'first ms':>10}"
        )
        for (question, _url, _q, kind_), (got, p50, first), (expected, base) in zip(
            asked, result["answers"], duck, strict=True
        ):
            ratio = p50 / base if base else float("inf")
            print(
                f"  {question:44}{p50 * 1000:>12.1f}{base * 1000:>15.1f}{ratio:>8.1f}"
                f"{first * 1000:>10.1f}"
            )
            if ratio > 1:
                missed.append(f"{kind}: {question}")
            if got != expected_answer(kind_, expected):
                wrong.append(f"{kind}: {question}")
        print(f"  as a kredsråd member (the public's numbers):{'':>18}{'hidden':>8}")
        for (question, _url, _q, kind_), (got, p50, first), (expected, base) in zip(
            asked, result["council_answers"], duck, strict=True
        ):
            ratio = p50 / base if base else float("inf")
            expected = expected_answer(kind_, expected, result["council_codes"])
            if question in NOT_PUBLISHED:
                # The public reads no map of one category: an empty answer is the right one.
                agrees, hidden = got == {}, "none"
            else:
                agrees, hidden = (True, "") if got is None else public_agrees(got, expected)
            print(
                f"  {question:44}{p50 * 1000:>12.1f}{base * 1000:>15.1f}{ratio:>8.1f}"
                f"{first * 1000:>10.1f}{hidden:>8}"
            )
            if ratio > 1:
                missed.append(f"{kind}: {question} (kredsråd)")
            if not agrees:
                wrong.append(f"{kind}: {question} (kredsråd)")
    print(
        "(ratio = HTTP / DuckDB; target ≤ 1; first: the first request after the import; "
        "hidden: counts the public reads as <5 or ..)"
    )
    if wrong:
        print("FAILED: answers differ from DuckDB's: " + "; ".join(wrong))
        return 1
    print("Every answer equals DuckDB's (the kredsråd's where shown).")
    if missed:
        print("Targets missed: " + "; ".join(missed))
        return 1 if args.strict else 0
    print("Targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
