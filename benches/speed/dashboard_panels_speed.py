#!/usr/bin/env python3
"""The shipped Grafana dashboard's queries (dashboards/benchstore.json) at fleet scale: a benchmark, not a
test. Prints each panel's and each template variable's median time.

It starts a throwaway PostgreSQL (tools/pg-test-server.sh, fsync on) and fills it the way a fleet does:
--hosts store files, one per machine, each recording its benchmarks day by day (--rows device rows in all,
--rows-per-benchmark each, 100 ms apart, one model row of Hugging Face's thirteen timings per benchmark,
through the Python package's batch call), and after each day every machine runs benchstore-sync: the rows
arrive by sync into the indexed tables, time-ordered per machine, machines interleaved. Then, with no
VACUUM or ANALYZE by hand, every query of the dashboard is expanded as Grafana expands it
(tests/support/grafana_sql.py) for the newest day and the newest week and timed (psql's \\timing, client
wall time, --repeat runs, the median), with the values Grafana would select (branch main, every GPU and
host, every metric for the repeated panel).

  PYTHONPATH=build/python /usr/bin/python3 benches/speed/dashboard_panels_speed.py [--rows N] [--hosts H]
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

SOURCE = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE / "tests" / "support"))
import grafana_sql  # noqa: E402

import benchstore  # noqa: E402  (PYTHONPATH=build/python)

HF_METRICS = ["model_load_time", "first_eager_forward_pass_time_secs", "second_eager_forward_pass_time_secs",
              "first_eager_generate_time_secs", "second_eager_generate_time_secs", "time_to_first_token_secs",
              "time_to_second_token_secs", "time_to_third_token_secs", "time_to_next_token_mean_secs",
              "first_compile_generate_time_secs", "second_compile_generate_time_secs",
              "third_compile_generate_time_secs", "fourth_compile_generate_time_secs"]


def psql(conninfo, sql, *extra):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", *extra, conninfo],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"dashboard_panels_speed: {r.stderr.strip()}\n{sql[:300]}")
    return r.stdout


def timed(conninfo, sql, repeat):
    """Median client wall time of sql in ms (psql's \\timing, rows fetched and discarded), and its row count."""
    rows = len(psql(conninfo, sql).splitlines())
    script = "\\timing on\n\\o /dev/null\n" + "".join(sql.rstrip().rstrip(";") + ";\n" for _ in range(repeat))
    out = psql(conninfo, script)
    times = [float(m) for m in re.findall(r"^Time: ([\d.]+) ms", out, re.M)]
    if len(times) != repeat:
        raise SystemExit(f"dashboard_panels_speed: expected {repeat} timings, got: {out[:200]}")
    return statistics.median(times), rows


def fill(conninfo, folder, args):
    sync = SOURCE / args.build / "tools" / "benchstore-sync"
    days = args.days
    benchmarks = max(1, args.rows // args.rows_per_benchmark)
    per_day = max(1, benchmarks // (days * args.hosts))
    # The newest day ends now: benchmarks and model rows are stamped when recorded (now), device rows at
    # their sample times, spread over the days before.
    start_day = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, hour=0, minute=0, second=0,
                                                                      microsecond=0) - datetime.timedelta(days=days - 1))
    rng = np.random.default_rng(7)
    stores = [folder / f"host{h}.db" for h in range(args.hosts)]
    total = 0
    sync_seconds = []
    began = time.monotonic()
    for day in range(days):
        for h, store in enumerate(stores):
            rec = benchstore.create_global_metrics_recorder("acme/widgets", "main" if day % 4 else "dev",
                                                            f"c{day:04d}", f"Day {day}", db_path=str(store))
            with rec:
                for b in range(per_day):
                    t0 = start_day + datetime.timedelta(days=day, seconds=(b * args.hosts + h) * 86000 / (per_day * args.hosts))
                    bid = rec.initialise_benchmark({"gpu_name": ["NVIDIA A10G", "NVIDIA H100", "NVIDIA L4"][h % 3],
                                                    "model_id": "meta-llama/Llama-2-7b-hf"})
                    n = args.rows_per_benchmark
                    samples = np.column_stack([rng.uniform(50, 400, n), rng.uniform(800, 1200, n),
                                               rng.uniform(0, 100, n), rng.uniform(1000, 40000, n)])
                    times = np.datetime64(t0, "us") + np.arange(n, dtype=np.int64) * np.timedelta64(100_000, "us")
                    rec.collect_device_measurements_batch(bid, samples, times)
                    rec.collect_model_measurements(bid, {k: float(rng.uniform(0.01, 5)) for k in HF_METRICS})
                    total += n
            t = time.monotonic()
            r = subprocess.run([str(sync), "--db", str(store), "--dsn", conninfo], capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"dashboard_panels_speed: sync failed: {r.stdout}{r.stderr}")
            sync_seconds.append(time.monotonic() - t)
        if day % 10 == 9:
            print(f"  day {day + 1}/{days}: {total:,} device rows synced ({time.monotonic() - began:.0f} s)", flush=True)
    return total, datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(minutes=1), sync_seconds


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--rows-per-benchmark", type=int, default=3000)
    p.add_argument("--hosts", type=int, default=3)
    p.add_argument("--days", type=int, default=100)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--build", default="build")
    args = p.parse_args()
    dashboard = json.loads((SOURCE / "dashboards" / "benchstore.json").read_text())
    folder = pathlib.Path(tempfile.mkdtemp(prefix="benchstore-panels-"))
    os.chmod(folder, 0o755)
    server = SOURCE / "tools" / "pg-test-server.sh"
    conninfo = subprocess.run([str(server), "start", str(folder / "pg")], capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        print(f"filling: {args.rows:,} device rows, {args.hosts} machines, {args.days} days, synced day by day")
        total, end, sync_seconds = fill(conninfo, folder, args)
        size = psql(conninfo, "SELECT pg_size_pretty(pg_database_size(current_database()))").strip()
        print(f"{total:,} device rows; database {size}; median sync of one machine's day "
              f"{statistics.median(sync_seconds) * 1000:.0f} ms")
        # Grafana's $__interval: the range over the panel's ~1,000 points, rounded (1m for a day, 10m a week).
        for label, span, interval in (("one day", datetime.timedelta(days=1), "1m"),
                                      ("one week", datetime.timedelta(days=7), "10m")):
            window = (end - span, end)
            window = tuple(t.replace(tzinfo=datetime.timezone.utc) for t in window)
            values = {}
            print(f"\n{label} ({window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d}), median of {args.repeat}, ms:")
            for v in dashboard["templating"]["list"]:
                if v["type"] == "custom":
                    values[v["name"]] = v["current"]["value"]
                elif v["type"] == "query":
                    sql = grafana_sql.expand(v["query"], values, *window, interval)
                    found = psql(conninfo, sql).splitlines()
                    values[v["name"]] = found if v.get("multi") else ("main" if "main" in found else found[0])
                    ms, rows = timed(conninfo, sql, args.repeat)
                    print(f"  {ms:8.2f}  {rows:6d} rows  variable {v['name']}")
            for panel in dashboard["panels"]:
                if panel["type"] == "row":
                    continue
                repeats = values[panel["repeat"]] if "repeat" in panel else [None]
                worst = 0.0
                for value in repeats:
                    v = dict(values, **({panel["repeat"]: value} if value else {}))
                    ms, rows = timed(conninfo, grafana_sql.expand(panel["targets"][0]["rawSql"], v, *window, interval), args.repeat)
                    worst = max(worst, ms)
                name = panel["title"] + (f" (slowest of {len(repeats)} repeats)" if len(repeats) > 1 else "")
                print(f"  {worst:8.2f}  {rows:6d} rows  {name}")
    finally:
        subprocess.run([str(server), "stop", str(folder / "pg")], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
