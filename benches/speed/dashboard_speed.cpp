// benchstore-speed-dashboard: the Grafana dashboard's queries (notes/hf-postgres-compat.md) over a
// central database of --rows device rows (default 10,000,000) grown the way a fleet grows it: the
// schema first (its time indexes created on empty tables), then the rows arriving by
// benchstore-sync. Prints figures; it is a benchmark, not a test.
//
// It starts a throwaway PostgreSQL (tools/pg-test-server.sh, fsync on) and builds a store file
// (the sqlite3 CLI): --rows / --rows-per-benchmark benchmarks spread evenly over --days days (half
// of them on branch main, three GPU names), each with its device rows 100 ms apart, in time order.
// benchstore-sync of an empty store creates the schema; benchstore-sync of the store sends the rows
// (timed); ANALYZE, as autovacuum would soon. Then each query runs --repeat times (client wall
// time, rows fetched as Grafana fetches them; medians), once more under EXPLAIN (ANALYZE, BUFFERS)
// for the plan, and 100,000 appended device rows are timed (rolled back) for the indexes' cost on
// loading:
//   1. right after the sync (no VACUUM, no manual summarising),
//   2. the one-day queries with every BRIN range desummarised: what sync left before it kept the
//      indexes summarised (issue 18),
//   3. without the time indexes (dropped; schema version 1's shape).
// Everything is deleted at the end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <libpq-fe.h>

#include "benchstore/metrics_recorder.hpp"
#include "dashboard_queries.hpp"
#include "speed_process.hpp"
#include "speed_support.hpp"

namespace {

using benchstore::speed::median;
using benchstore::speed::run_child;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class Db {
public:
    explicit Db(const std::string& conninfo) : m_conn(PQconnectdb(conninfo.c_str()), &PQfinish)
    {
        if (PQstatus(m_conn.get()) != CONNECTION_OK)
            throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(m_conn.get()));
    }
    // Runs sql; returns the first column of every row.
    std::vector<std::string> exec(const std::string& sql)
    {
        std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(m_conn.get(), sql.c_str()), &PQclear);
        const auto status = PQresultStatus(r.get());
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
            throw std::runtime_error(sql.substr(0, 80) + ": " + PQresultErrorMessage(r.get()));
        std::vector<std::string> rows;
        for (int i = 0; i < PQntuples(r.get()); ++i) rows.emplace_back(PQgetvalue(r.get(), i, 0));
        return rows;
    }
    double seconds(const std::string& sql, std::size_t* rows = nullptr)
    {
        const auto start = Clock::now();
        const auto result = exec(sql);
        if (rows != nullptr) *rows = result.size();
        return std::chrono::duration<double>(Clock::now() - start).count();
    }

private:
    std::unique_ptr<PGconn, decltype(&PQfinish)> m_conn;
};

using Query = benchstore::speed::DashboardQuery;

// The dashboard's queries, the time-range panels over one day.
std::vector<Query> dashboard_queries()
{
    auto queries = benchstore::speed::dashboard_whole_table_queries();
    for (auto& q : benchstore::speed::dashboard_time_range_queries(
             "one day", "BETWEEN '2025-05-20 00:00:00' AND '2025-05-21 00:00:00'"))
        queries.push_back(std::move(q));
    return queries;
}

// The store a fleet's machines would have recorded (as one file, as a merged store would hold
// them): benchmarks at even intervals over the days, each with per device rows 100 ms apart.
void build_store(const fs::path& store, long long rows, long long per, int days)
{
    { benchstore::create_global_metrics_recorder("huggingface/transformers", "main", "c0ffee", "fleet", store); }
    const long long benchmarks = std::max(1LL, rows / per);
    const std::string nb = std::to_string(benchmarks), n = std::to_string(per);
    // 2025-04-01 00:00:00 UTC; UUID v7: the first 48 bits are the creation time in milliseconds.
    const std::string start = "1743465600.0", span = std::to_string(days * 86400LL) + ".0";
    const std::string sql =
        "BEGIN; WITH RECURSIVE k(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM k WHERE x + 1 < " + nb + "), "
        "t(x, s) AS (SELECT x, " + start + " + x * " + span + " / " + nb + " FROM k) "
        "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, "
        "host, status) SELECT substr(printf('%012x', CAST(s * 1000 AS INTEGER)), 1, 8) || '-' || "
        "substr(printf('%012x', CAST(s * 1000 AS INTEGER)), 9, 4) || '-7' || printf('%03x', x % 4096) || '-8' || "
        "printf('%03x', x % 4096) || '-' || printf('%012x', x), 'huggingface/transformers', CASE WHEN x % 2 = 0 "
        "THEN 'main' ELSE 'feature-' || (x % 97) END, printf('%040x', x * 7919), 'commit ' || x, "
        "json_object('gpu_name', CASE x % 3 WHEN 0 THEN 'NVIDIA A100' WHEN 1 THEN 'NVIDIA H100' ELSE 'NVIDIA A10G' "
        "END, 'model_id', 'meta-llama/Llama-2-7b-hf'), strftime('%Y-%m-%dT%H:%M:%f', s, 'unixepoch'), "
        "'host-' || (x % 8), 'completed' FROM t; "
        "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < " + n + ") "
        "INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time) "
        "SELECT b.id, (i * 7 % 1000) / 10.0, 1000 + (i % 500) * 0.5, CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 100) * "
        "1.0 END, CASE WHEN i % 3 = 0 THEN NULL ELSE 2000 + (i % 1000) * 0.25 END, strftime('%Y-%m-%dT%H:%M:%f', "
        "(julianday(b.created_at) - 2440587.5) * 86400.0 + i / 10.0, 'unixepoch') FROM benchmarks b CROSS JOIN c; "
        "INSERT INTO model_measurements (benchmark_ref, measurements, time) SELECT id, json_object('model_load_time', "
        "1 + (id % 10) / 10.0, 'time_to_first_token_secs', 0.05), created_at FROM benchmarks; COMMIT;";
    run_child({"sqlite3", store.string(), sql});
}

struct Phase {
    std::map<std::string, double> median_ms;
    std::map<std::string, std::size_t> rows;
    double append_s = 0;
};

// only_one_day: the queries over one day only, and no appending.
Phase measure(Db& db, const std::string& label, int repeat, long long per, bool only_one_day = false)
{
    Phase phase;
    std::printf("\n== %s ==\n", label.c_str());
    for (const auto& q : dashboard_queries()) {
        if (only_one_day && q.name.find("one day") == std::string::npos) continue;
        // The plan first: it also warms the cache for the timed runs.
        const auto plan = db.exec("EXPLAIN (ANALYZE, BUFFERS) " + q.sql);
        std::vector<double> ms;
        for (int i = 0; i < repeat; ++i) ms.push_back(db.seconds(q.sql, &phase.rows[q.name]) * 1000);
        phase.median_ms[q.name] = median(ms);
        std::printf("\n-- %s: median %.2f ms of %d, %zu rows\n%s\n", q.name.c_str(), phase.median_ms[q.name], repeat,
                    phase.rows[q.name], q.sql.c_str());
        for (const auto& line : plan) std::printf("   %s\n", line.c_str());
        std::fflush(stdout);
    }
    // What the indexes cost a load: 100,000 more device rows of one day, after the newest, rolled
    // back. Under a benchmark id below every other, so that what the rollback leaves in the
    // primary key is never on the dashboard queries' way.
    std::vector<double> append;
    for (int i = 0; i < repeat && !only_one_day; ++i) {
        db.exec("BEGIN");
        append.push_back(db.seconds("INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, "
                                    "gpu_mem_megabytes, time, local_id) SELECT '00000000-0000-7000-8000-000000000000', 1, 2, 3, 4, "
                                    "created_at + interval '1 day' + i * interval '100 milliseconds', i FROM (SELECT "
                                    "created_at FROM benchmarks ORDER BY local_id DESC LIMIT 1) b, generate_series(" +
                                    std::to_string(per + 1) + ", " + std::to_string(per + 100000) + ") i"));
        db.exec("ROLLBACK");
        db.exec("VACUUM device_measurements");
    }
    if (!append.empty()) phase.append_s = median(append);
    return phase;
}

} // namespace

int run(const cxxopts::ParseResult& a)
{
    const long long rows = a["rows"].as<long long>(), per = a["rows-per-benchmark"].as<long long>();
    const int repeat = a["repeat"].as<int>(), days = a["days"].as<int>();
    if (rows < 1 || per < 1 || repeat < 1 || days < 1)
        throw std::invalid_argument("--rows, --rows-per-benchmark, --days and --repeat must be positive");
    if (days < 51) throw std::invalid_argument("--days must be at least 51: the one-day panels read day 50");
    const fs::path dir = a["dir"].as<std::string>();
    const fs::path sync_exe = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-sync";
    const benchstore::speed::ThrowawayServer server(dir);
    const std::string& conninfo = server.conninfo();
    Db(conninfo + " dbname=postgres").exec("CREATE DATABASE dashboard");
    const std::string dsn = conninfo + " dbname=dashboard";
    auto t0 = Clock::now();
    const fs::path store = dir / "fleet.db", empty = dir / "empty.db";
    build_store(store, rows, per, days);
    std::printf("store: %lld device rows over %d days, built in %.1f s\n", rows, days,
                std::chrono::duration<double>(Clock::now() - t0).count());
    // The schema first: its indexes are created on empty tables, as on a new central database.
    { benchstore::create_global_metrics_recorder("r", "b", "c", "m", empty); }
    run_child({sync_exe.string(), "--db", empty.string(), "--dsn", dsn});
    t0 = Clock::now();
    run_child({sync_exe.string(), "--db", store.string(), "--dsn", dsn});
    const double sync_s = std::chrono::duration<double>(Clock::now() - t0).count();
    Db db(dsn);
    t0 = Clock::now();
    db.exec("ANALYZE");
    const double analyze_s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("central database: %s device rows (%s), %s benchmarks; benchstore-sync %.1f s (%.0f rows/s), "
                "ANALYZE %.1f s\n",
                db.exec("SELECT count(*) FROM device_measurements").front().c_str(),
                // A partitioned table holds nothing itself: its partitions' sizes, indexes included.
                db.exec("SELECT pg_size_pretty(coalesce(sum(pg_total_relation_size(relid)), "
                        "pg_total_relation_size('device_measurements'))) FROM "
                        "pg_partition_tree('device_measurements')").front().c_str(),
                db.exec("SELECT count(*) FROM benchmarks").front().c_str(), sync_s, rows / sync_s, analyze_s);
    const std::string version = db.exec("SELECT max(version) FROM benchstore_schema_version").front();
    const auto after = measure(db, "right after the sync, schema version " + version + " (indexes first)", repeat, per);

    // What sync left before it kept the ranges summarised: every range unsummarised. The BRIN indexes
    // with ranges are the tables' own, or on partitioned tables their partitions' (the parent's index
    // is a partitioned index without ranges of its own).
    const std::string brin_indexes =
        "SELECT x.indexrelid::regclass AS index, p.relid AS table_oid FROM unnest(ARRAY['device_measurements', "
        "'model_measurements']) t, LATERAL pg_partition_tree(t::regclass) p JOIN pg_index x ON x.indrelid = p.relid "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam "
        "WHERE p.isleaf AND am.amname = 'brin'";
    db.exec("SELECT count(brin_desummarize_range(l.index, b)) FROM (" + brin_indexes + ") l, "
            "LATERAL generate_series(0, pg_relation_size(l.table_oid) / 8192, 128) b");
    const auto unsummarised = measure(db, "the same, every BRIN range unsummarised (sync before issue 18)", repeat,
                                      per, true);
    db.exec("SELECT count(brin_summarize_new_values(l.index)) FROM (" + brin_indexes + ") l");

    db.exec("DROP INDEX device_measurements_time_brin, model_measurements_time_brin");
    db.exec("ANALYZE");
    const auto before = measure(db, "without the time indexes (schema version 1's shape)", repeat, per);

    std::printf("\n%lld device rows over %d days, grown by sync; medians of %d, client wall time (rows fetched):\n",
                rows, days, repeat);
    std::printf("  %-28s %12s %14s %12s %8s %9s\n", "query", "no index ms", "unsummarised", "after ms", "ratio",
                "rows");
    for (const auto& q : dashboard_queries()) {
        const double b = before.median_ms.at(q.name), a = after.median_ms.at(q.name);
        const auto u = unsummarised.median_ms.find(q.name);
        char unsum[32] = "";
        if (u != unsummarised.median_ms.end()) std::snprintf(unsum, sizeof unsum, "%.2f", u->second);
        std::printf("  %-28s %12.2f %14s %12.2f %8.1f %9zu\n", q.name.c_str(), b, unsum, a, b / a,
                    after.rows.at(q.name));
    }
    std::printf("  appending 100000 device rows: %.3f s without the time indexes, %.3f s with them (ratio %.2f)\n",
                before.append_s, after.append_s, after.append_s / before.append_s);
    return 0;
}

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-dashboard",
                         "the dashboard's queries over a large central database grown by sync into the indexed schema");
    cli.add_options()
        ("rows", "device rows", cxxopts::value<long long>()->default_value("10000000"))
        ("rows-per-benchmark", "device rows per benchmark", cxxopts::value<long long>()->default_value("1000"))
        ("days", "days the benchmarks are spread over", cxxopts::value<int>()->default_value("100"))
        ("repeat", "runs of each query per phase", cxxopts::value<int>()->default_value("5"))
        ("dir", "work folder (deleted at the end)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-dashboard"));
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
