"""The shipped Grafana dashboard (dashboards/benchstore.json): its JSON follows Grafana's dashboard model,
and every query in it (panels and template variables), expanded as Grafana expands it, runs on a real
database filled by benchstore-sync and on an adopted Hugging Face database, returning rows of the types
its panel needs. Grafana itself is not installable here; tests/support/grafana_sql.py does its expansion.
"""
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

SOURCE = pathlib.Path(os.environ["BENCHSTORE_SOURCE_DIR"])
BINARY = pathlib.Path(os.environ["BENCHSTORE_BINARY_DIR"])
sys.path.insert(0, str(SOURCE / "tests" / "support"))
import grafana_sql  # noqa: E402

DASHBOARD = SOURCE / "dashboards" / "benchstore.json"
NUMERIC = {"double precision", "numeric", "bigint", "integer", "real", "smallint"}
TEXT = {"text", "character varying"}
TIME = {"timestamp without time zone", "timestamp with time zone"} | NUMERIC
HF_METRICS = ("model_load_time", "time_to_first_token_secs")


def load():
    with open(DASHBOARD) as f:
        return json.load(f)


def panels(dashboard):
    for p in dashboard["panels"]:
        yield p
        yield from p.get("panels", [])


def test_dashboard_follows_grafanas_dashboard_model():
    d = load()
    assert isinstance(d["schemaVersion"], int) and d["schemaVersion"] >= 36
    assert d["title"] and d["uid"] and isinstance(d["version"], int)
    ids = [p["id"] for p in panels(d)]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    variables = {v["name"]: v for v in d["templating"]["list"]}
    for name in ("datasource", "branch", "gpu_name", "host", "metric", "last_n_commits"):
        assert name in variables, name
    for v in variables.values():
        assert v["type"] in ("query", "custom", "datasource", "interval", "constant", "textbox")
    for p in panels(d):
        assert p["type"] in ("row", "table", "barchart", "timeseries", "stat"), p["type"]
        g = p["gridPos"]
        assert 0 <= g["x"] < 24 and 0 < g["w"] <= 24 - g["x"] and g["h"] > 0
        if p["type"] == "row":
            continue
        assert p["datasource"]["type"] == "grafana-postgresql-datasource"
        assert p["targets"], p["title"]
        for t in p["targets"]:
            assert t["refId"] and t["rawQuery"] is True and t["format"] in ("table", "time_series")
            assert t["rawSql"].strip()
            if p["type"] == "timeseries":
                assert t["format"] == "time_series"
        if "repeat" in p:
            assert p["repeat"] in variables and variables[p["repeat"]]["multi"]
    # The original dashboard's panels: the commit table, per-metric bars, the four device series.
    titles = " | ".join(p["title"] for p in panels(d))
    for column in ("cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"):
        assert any(column in t["rawSql"] for p in panels(d) for t in p.get("targets", [])), column
    for added in ("status", "Hosts", "Runs"):
        assert added in titles


@pytest.fixture(scope="module")
def server():
    folder = tempfile.mkdtemp(prefix="benchstore-dashboard-")
    os.chmod(folder, 0o755)  # the server runs as postgres when the tests run as root
    script = SOURCE / "tools" / "pg-test-server.sh"
    start = subprocess.run([str(script), "start", f"{folder}/pg"], capture_output=True, text=True)
    assert start.returncode == 0, start.stderr
    yield start.stdout.strip()
    subprocess.run([str(script), "stop", f"{folder}/pg"], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def psql(conninfo, sql):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", conninfo, "-c", sql],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"{r.stderr}\n{sql}"
    return [line.split("|") for line in r.stdout.splitlines()]


@pytest.fixture(scope="module")
def store():
    """A store as benchstore-run fills it: two commits of the mock benchmark (Hugging Face's llama
    timings and device samples), and a module that throws (a failed benchmark with its reason)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="benchstore-dashboard-store-"))
    db = folder / "bench.db"
    env = dict(os.environ, BENCHSTORE_MOCK_SECONDS="0.4")
    for commit in ("c0ffee1", "c0ffee2"):
        r = subprocess.run([str(BINARY / "apps" / "benchstore-run"), "--db", str(db), "--only", "mock_benchmark",
                            "--benches", str(BINARY / "benches"), "acme/widgets", "main", commit, "Tune things"],
                           env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(BINARY / "apps" / "benchstore-run"), "--db", str(db), "--only", "throw_module",
                        "--benches", str(BINARY / "tests" / "modules"), "acme/widgets", "main", "c0ffee2",
                        "Tune things"], capture_output=True, text=True)
    assert r.returncode == 1, r.stdout + r.stderr
    yield db
    shutil.rmtree(folder, ignore_errors=True)


def sync(store, conninfo):
    r = subprocess.run([str(BINARY / "tools" / "benchstore-sync"), "--db", str(store), "--dsn", conninfo],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture(scope="module")
def synced(server, store):
    sync(store, server)
    return server


@pytest.fixture(scope="module")
def adopted(server, store):
    """A database Hugging Face's tool made (their init_db.sql, rows from their recorder's INSERTs),
    then adopted by benchstore-sync of the same store."""
    psql(server, "CREATE DATABASE hf")
    conninfo = server.replace("dbname=metrics", "dbname=hf")
    psql(conninfo, (SOURCE / "tests" / "data" / "hf_init_db.sql").read_text())
    bid = "0b2c8e4e-4a8b-4d3c-9a51-5b0c6a1f2e11"
    metadata = json.dumps({"gpu_name": "NVIDIA A10G", "model_id": "meta-llama/Llama-2-7b-hf"})
    psql(conninfo, f"INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata)"
                   f" VALUES ('{bid}', 'huggingface/transformers', 'main', 'abcdef0123', 'Their commit', '{metadata}')")
    for i in range(5):
        psql(conninfo, f"INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util,"
                       f" gpu_mem_megabytes) VALUES ('{bid}', {10 + i}, {500 + i}, {90 + i}, {9000 + i})")
    measurements = json.dumps({k: 1.5 for k in HF_METRICS})
    psql(conninfo, f"INSERT INTO model_measurements (benchmark_id, measurements) VALUES ('{bid}', '{measurements}')")
    sync(store, conninfo)
    return conninfo


def variable_values(conninfo, dashboard, window):
    """Each template variable's values, from its own query where it has one (as Grafana fills them)."""
    values = {}
    for v in dashboard["templating"]["list"]:
        if v["type"] == "custom":
            values[v["name"]] = v["current"]["value"]
        elif v["type"] == "query":
            sql = grafana_sql.expand(v["query"], values, *window)
            rows = [r[0] for r in psql(conninfo, sql)]
            assert rows, f"variable {v['name']} has no value: {sql}"
            values[v["name"]] = rows if v.get("multi") else ("main" if "main" in rows else rows[0])
    return values


def check_panels(conninfo, expect_hf_rows):
    d = load()
    now = datetime.datetime.now(datetime.timezone.utc)
    window = (now - datetime.timedelta(days=1), now + datetime.timedelta(hours=1))
    values = variable_values(conninfo, d, window)
    assert set(values["metric"]) >= set(HF_METRICS)
    seen = {}
    for p in panels(d):
        if p["type"] == "row":
            continue
        # A repeated panel is drawn once per value of its variable.
        repeats = values[p["repeat"]] if "repeat" in p else [None]
        for value in repeats:
            v = dict(values, **({p["repeat"]: value} if value is not None else {}))
            for t in p["targets"]:
                sql = grafana_sql.expand(t["rawSql"], v, *window)
                psql(conninfo, f"DROP VIEW IF EXISTS dashboard_check; CREATE VIEW dashboard_check AS {sql}")
                columns = psql(conninfo, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                                         " WHERE attrelid = 'dashboard_check'::regclass AND attnum > 0 ORDER BY attnum")
                types = {name: kind.split("(")[0] for name, kind in columns}
                data = psql(conninfo, "SELECT * FROM dashboard_check")
                seen[(p["title"], value)] = (types, data)
                if t["format"] == "time_series":
                    assert types.get("time") in TIME, (p["title"], types)
                    values_ = [c for c in types if c not in ("time", "metric")]
                    assert values_ and all(types[c] in NUMERIC for c in values_), (p["title"], types)
                    assert types.get("metric", "text") in TEXT
                if p["type"] == "barchart":
                    assert any(k in NUMERIC for k in types.values()), (p["title"], types)
                    assert any(k in TEXT for k in types.values()), (p["title"], types)
    psql(conninfo, "DROP VIEW dashboard_check")

    def rows_of(title, value=None):
        return seen[(title, value)][1]
    commits = rows_of("Benchmarks of the last commits")
    assert {r[0] for r in commits} >= {"c0ffee1", "c0ffee2"}
    for metric in HF_METRICS:
        bars = rows_of("${metric}", metric)
        assert bars and all(float(r[1]) > 0 for r in bars), metric
    assert rows_of("CPU utilisation (% of one core)") and rows_of("Resident memory (MiB)")
    failed = rows_of("Failed and unfinished benchmarks")
    assert any(r[4] == "failed" and r[5].startswith("threw: ") for r in failed), failed
    assert rows_of("Hosts") and rows_of("Runs and repetitions")
    runs = rows_of("Runs and repetitions")
    assert len(runs) == 3 and all(r[0] for r in runs)
    if expect_hf_rows:
        # Their old rows are there, read with defaults rather than dropped: no host, no status.
        assert any(r[0] == "abcdef0123" and r[3] == "unknown" and r[5] == "unknown" for r in commits), commits
        assert any(float(r[1]) == 1.5 for r in rows_of("${metric}", "model_load_time"))
        assert any(float(r[2]) >= 90 for r in rows_of("GPU utilisation (%)") if r[2])


def test_every_query_runs_on_a_synced_database(synced):
    check_panels(synced, expect_hf_rows=False)


def test_every_query_runs_on_an_adopted_hugging_face_database(adopted):
    check_panels(adopted, expect_hf_rows=True)


DEVICE_COLUMNS = ("cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes")


def relations_read(conninfo, sql):
    """The tables and partitions a query's plan reads (EXPLAIN's Relation Name, every node)."""
    plan = json.loads("\n".join("|".join(r) for r in psql(conninfo, f"EXPLAIN (FORMAT JSON) {sql}")))
    names = set()

    def walk(node):
        if "Relation Name" in node:
            names.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)
    walk(plan[0]["Plan"])
    return names


def check_device_panels_against_raw_rows(conninfo):
    """Each device panel at an interval of whole minutes reads only the per-minute rollup, at a finer
    one only the raw rows, and either way shows per interval and host the avg() of the raw rows."""
    d = load()
    now = datetime.datetime.now(datetime.timezone.utc)
    window = (now - datetime.timedelta(days=1), now + datetime.timedelta(hours=1))
    values = variable_values(conninfo, d, window)
    quoted = {k: ",".join("'" + v.replace("'", "''") + "'" for v in (x if isinstance(x, list) else [x]))
              for k, x in values.items() if k in ("branch", "gpu_name", "host")}
    frm, to = (grafana_sql._rfc3339(t) for t in window)
    # The rollup reads whole minutes: its values are the raw rows' when the first and last minute of
    # the range hold no rows outside it, as here (the rows are minutes old, the range a day).
    edge = psql(conninfo, f"SELECT count(*) FROM device_measurements WHERE time >= date_trunc('minute', '{frm}'::timestamp)"
                          f" AND time < '{frm}' OR time > '{to}' AND time < date_trunc('minute', '{to}'::timestamp)"
                          " + interval '1 minute'")
    assert edge == [["0"]]
    device_panels = [p for p in panels(d) if p["type"] == "timeseries"]
    assert len(device_panels) == 4
    for p in device_panels:
        column = next(c for c in DEVICE_COLUMNS if f" AS {c}\nFROM d " in p["targets"][0]["rawSql"])
        for interval, rollup in (("1s", False), ("90s", False), ("1m", True), ("5m", True), ("1h", True)):
            sql = grafana_sql.expand(p["targets"][0]["rawSql"], values, *window, interval=interval)
            read = relations_read(conninfo, sql)
            if rollup:
                assert read == {"device_measurements_minutes", "benchmarks"}, (p["title"], interval, read)
            else:
                assert "device_measurements_minutes" not in read and "benchmarks" in read, (p["title"], interval, read)
                assert any(r.startswith("device_measurements") for r in read), (p["title"], interval, read)
            shown = psql(conninfo, sql)
            ms = int(grafana_sql.interval_seconds(interval) * 1000)
            expected = psql(conninfo, f"""
                SELECT date_bin('{ms} ms'::interval, d.time, TIMESTAMP '2000-01-01'), coalesce(b.host, 'unknown'),
                       avg(d.{column})
                FROM device_measurements AS d JOIN benchmarks AS b ON b.benchmark_id = d.benchmark_id
                WHERE b.branch = {quoted['branch']} AND coalesce(b.gpu_name, 'none') IN ({quoted['gpu_name']})
                  AND coalesce(b.host, 'unknown') IN ({quoted['host']}) AND d.time BETWEEN '{frm}' AND '{to}'
                GROUP BY 1, 2 ORDER BY 1, 2""")
            assert expected, (p["title"], interval)
            assert sorted((r[0], r[1]) for r in shown) == [(r[0], r[1]) for r in expected], (p["title"], interval)
            got = {(r[0], r[1]): r[2] for r in shown}
            for t, host, value in expected:
                if value == "":
                    assert got[(t, host)] == "", (p["title"], interval, t, host)
                else:
                    assert float(got[(t, host)]) == pytest.approx(float(value), rel=1e-9), (p["title"], interval, t)


def test_device_panels_read_the_rollup_at_whole_minutes_and_match_the_raw_rows(synced):
    check_device_panels_against_raw_rows(synced)


def test_device_panels_match_the_raw_rows_in_an_adopted_database_with_their_recorders_rows(adopted):
    # Their recorder goes on inserting straight into the adopted table: the trigger summarises its rows.
    bid = "0b2c8e4e-4a8b-4d3c-9a51-5b0c6a1f2e11"
    psql(adopted, f"INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes)"
                  f" VALUES ('{bid}', 33, 600, NULL, NULL), ('{bid}', 35, 610, 80, 8000)")
    check_device_panels_against_raw_rows(adopted)
