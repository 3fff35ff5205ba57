// benchstore-speed-dashboard: the Grafana dashboard's queries (notes/hf-postgres-compat.md) over a
// central database of --rows device rows (default 10,000,000), before and after the dashboard
// indexes of schema/postgres/002_*.sql, in one run. Prints figures; it is a benchmark, not a test.
//
// It starts a throwaway PostgreSQL (tools/pg-test-server.sh, fsync on), applies migration 1 (the
// schema before), fills it server-side with generate_series: --rows / --rows-per-benchmark
// benchmarks spread evenly over one year (half of them on branch main, three GPU names), each
// with its device rows 100 ms apart and two model rows, appended in time order as syncs append
// them. Then, before and after the later migrations (+ ANALYZE), each query runs --repeat times
// (client wall time, rows fetched as Grafana fetches them; medians), once more under
// EXPLAIN (ANALYZE, BUFFERS) for the plan, and 100,000 appended device rows are timed (rolled
// back) for the indexes' cost on loading. Everything is deleted at the end.
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

#include "speed_support.hpp"

namespace {

using benchstore::speed::capture;
using benchstore::speed::median;

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

std::string read_text(const fs::path& p)
{
    std::string s;
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(p.c_str(), "rb"), &std::fclose);
    if (!f) throw std::runtime_error("cannot read " + p.string());
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) s.append(buf, n);
    return s;
}

std::vector<fs::path> migrations()
{
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(BENCHSTORE_SOURCE_DIR) / "schema" / "postgres"))
        if (e.path().extension() == ".sql") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

struct Query {
    std::string name;
    std::string sql;
};

// The dashboard's SQL with Grafana's variables filled in: branch main, the A100, the last 10
// commits, and for the time-range panels $__timeFilter(time) over one day.
std::vector<Query> dashboard_queries()
{
    const std::string day = "BETWEEN '2025-07-02 00:00:00' AND '2025-07-03 00:00:00'";
    return {
        {"variable branch", "SELECT DISTINCT branch FROM benchmarks"},
        {"variable gpu_name", "SELECT DISTINCT gpu_name FROM benchmarks"},
        {"variable start time", "SELECT created_at - INTERVAL '5 secs' FROM benchmarks WHERE branch = 'main' "
                                "ORDER BY benchmark_id ASC LIMIT 1"},
        {"variable end time", "SELECT time + INTERVAL '5 secs' FROM benchmarks AS b JOIN device_measurements AS d "
                              "ON b.benchmark_id = d.benchmark_id WHERE branch = 'main' ORDER BY b.benchmark_id DESC, "
                              "d.measurement_id DESC LIMIT 1"},
        {"commit table", "SELECT commit_id as commit_id, commit_message, gpu_name, created_at AS date FROM benchmarks "
                         "WHERE branch = 'main' ORDER BY benchmark_id DESC LIMIT 10"},
        {"model bar chart", "SELECT CAST(m.measurements->'model_load_time' AS double precision) AS model_load_time, "
                            "left(b.commit_id, 7), m.time FROM benchmarks as b JOIN model_measurements AS m ON "
                            "b.benchmark_id = m.benchmark_id WHERE b.branch = 'main' AND gpu_name = 'NVIDIA A100' "
                            "ORDER BY b.benchmark_id DESC LIMIT 10"},
        {"device series, all time", "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements AS d ON "
                                    "b.benchmark_id = d.benchmark_id WHERE branch = 'main'"},
        {"device series, one day", "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements AS d ON "
                                   "b.benchmark_id = d.benchmark_id WHERE branch = 'main' AND d.time " + day},
        {"device rows, one day", "SELECT d.gpu_util, d.time FROM device_measurements AS d WHERE d.time " + day},
        {"model rows, one day", "SELECT CAST(m.measurements->'model_load_time' AS double precision), m.time FROM "
                                "model_measurements AS m WHERE m.time " + day},
    };
}

void fill(Db& db, long long rows, long long per)
{
    const long long benchmarks = std::max(1LL, rows / per);
    const std::string nb = std::to_string(benchmarks), n = std::to_string(per);
    // UUID v7 shape: the first 48 bits are the creation time in milliseconds.
    db.exec("INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, "
            "host, status, status_seq, source_id, local_id) "
            "SELECT (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(k % 4096), 3, "
            "'0') || '8' || lpad(to_hex(k), 15, '0'))::uuid, 'huggingface/transformers', CASE WHEN k % 2 = 0 THEN "
            "'main' ELSE 'feature-' || (k % 97) END, md5(k::text), 'commit ' || k, jsonb_build_object('gpu_name', "
            "(ARRAY['NVIDIA A100', 'NVIDIA H100', 'NVIDIA A10G'])[1 + k % 3], 'model_id', 'meta-llama/Llama-2-7b-hf'), "
            "t, 'host-' || k % 8, 'completed', 0, '00000000-0000-4000-8000-000000000001', k "
            "FROM generate_series(1, " + nb + ") k, LATERAL (SELECT timestamp '2025-01-01' + k * interval '365 days' / " +
            nb + ") x(t)");
    // LATERAL keeps benchmarks as the outer loop: rows go in benchmark by benchmark, in time order.
    db.exec("INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time, "
            "local_id) SELECT b.benchmark_id, (i * 7 % 1000) / 10.0, 1000 + (i % 500) * 0.5, CASE WHEN i % 3 = 0 THEN "
            "NULL ELSE (i % 100) * 1.0 END, CASE WHEN i % 3 = 0 THEN NULL ELSE 2000 + (i % 1000) * 0.25 END, "
            "b.created_at + i * interval '100 milliseconds', (b.local_id - 1) * " + n + " + i FROM benchmarks b "
            "CROSS JOIN LATERAL generate_series(1, " + n + " + 0 * b.local_id) i");
    db.exec("INSERT INTO model_measurements (benchmark_id, measurements, time, local_id) SELECT b.benchmark_id, "
            "jsonb_build_object('model_load_time', 1 + (b.local_id % 10) / 10.0, 'time_to_first_token_secs', 0.05), "
            "b.created_at + (" + n + " / 10 + j) * interval '1 second', b.local_id * 2 + j FROM benchmarks b "
            "CROSS JOIN LATERAL generate_series(0, 1 + 0 * b.local_id) j");
    db.exec("VACUUM ANALYZE");
}

struct Phase {
    std::map<std::string, double> median_ms;
    std::map<std::string, std::size_t> rows;
    double append_s = 0;
};

Phase measure(Db& db, const std::string& label, int repeat, long long per)
{
    Phase phase;
    std::printf("\n== %s ==\n", label.c_str());
    for (const auto& q : dashboard_queries()) {
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
    for (int i = 0; i < repeat; ++i) {
        db.exec("BEGIN");
        append.push_back(db.seconds("INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, "
                                    "gpu_mem_megabytes, time, local_id) SELECT '00000000-0000-7000-8000-000000000000', 1, 2, 3, 4, "
                                    "created_at + interval '1 day' + i * interval '100 milliseconds', i FROM (SELECT "
                                    "created_at FROM benchmarks ORDER BY local_id DESC LIMIT 1) b, generate_series(" +
                                    std::to_string(per + 1) + ", " + std::to_string(per + 100000) + ") i"));
        db.exec("ROLLBACK");
        db.exec("VACUUM device_measurements");
    }
    phase.append_s = median(append);
    return phase;
}

} // namespace

int main(int argc, char** argv)
{
    const char* program = "benchstore-speed-dashboard";
    cxxopts::Options cli(program,
                         "the dashboard's queries over a large central database, before and after its indexes");
    cli.add_options()
        ("rows", "device rows", cxxopts::value<long long>()->default_value("10000000"))
        ("rows-per-benchmark", "device rows per benchmark", cxxopts::value<long long>()->default_value("1000"))
        ("repeat", "runs of each query per phase", cxxopts::value<int>()->default_value("5"))
        ("dir", "work folder (deleted at the end)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-dashboard"))
        ("h,help", "help");
    long long rows, per;
    int repeat;
    fs::path dir;
    bool help = false;
    if (const int rc = benchstore::speed::report_errors(program, 2, [&] {
            auto a = cli.parse(argc, argv);
            help = a.count("help") > 0;
            rows = a["rows"].as<long long>();
            per = a["rows-per-benchmark"].as<long long>();
            repeat = a["repeat"].as<int>();
            dir = a["dir"].as<std::string>();
            if (rows < 1 || per < 1 || repeat < 1)
                throw std::invalid_argument("--rows, --rows-per-benchmark and --repeat must be positive");
            return 0;
        }))
        return rc;
    if (help) {
        std::cout << cli.help();
        return 0;
    }
    const fs::path server_script = fs::path(BENCHSTORE_SOURCE_DIR) / "tools" / "pg-test-server.sh";
    const fs::path pg = dir / "pg";
    int rc = benchstore::speed::report_errors(program, 1, [&] {
        fs::remove_all(dir);
        fs::create_directories(dir);
        const std::string conninfo = capture("'" + server_script.string() + "' start '" + pg.string() + "'");
        Db(conninfo + " dbname=postgres").exec("CREATE DATABASE dashboard");
        Db db(conninfo + " dbname=dashboard");
        const auto files = migrations();
        db.exec(read_text(files.front()));
        auto t0 = Clock::now();
        fill(db, rows, per);
        std::printf("central database: %s device rows (%s), %s benchmarks, filled in %.1f s\n",
                    db.exec("SELECT count(*) FROM device_measurements").front().c_str(),
                    db.exec("SELECT pg_size_pretty(pg_total_relation_size('device_measurements'))").front().c_str(),
                    db.exec("SELECT count(*) FROM benchmarks").front().c_str(),
                    std::chrono::duration<double>(Clock::now() - t0).count());
        const auto before = measure(db, "before: schema version 1 (primary keys, benchmarks(branch))", repeat, per);

        t0 = Clock::now();
        for (std::size_t i = 1; i < files.size(); ++i) db.exec(read_text(files[i]));
        db.exec("ANALYZE");
        const double index_s = std::chrono::duration<double>(Clock::now() - t0).count();
        const auto after = measure(db, "after: schema version " + std::to_string(files.size()), repeat, per);

        std::printf("\n%s device rows, medians of %d, client wall time (rows fetched):\n", std::to_string(rows).c_str(),
                    repeat);
        std::printf("  %-26s %12s %12s %8s %9s\n", "query", "before ms", "after ms", "ratio", "rows");
        for (const auto& q : dashboard_queries()) {
            const double b = before.median_ms.at(q.name), a = after.median_ms.at(q.name);
            std::printf("  %-26s %12.2f %12.2f %8.1f %9zu\n", q.name.c_str(), b, a, b / a, after.rows.at(q.name));
        }
        std::printf("  migrations 2..%zu on this database: %.1f s; index sizes: %s\n", files.size(), index_s,
                    db.exec("SELECT string_agg(indexrelid::regclass || ' ' || pg_size_pretty(pg_relation_size("
                            "indexrelid)), ', ') FROM pg_index WHERE indexrelid::regclass::text LIKE '%brin'")
                        .front()
                        .c_str());
        std::printf("  appending 100000 device rows: %.3f s before, %.3f s after (ratio %.2f)\n", before.append_s,
                    after.append_s, after.append_s / before.append_s);
        return 0;
    });
    if (std::system(("'" + server_script.string() + "' stop '" + pg.string() + "'").c_str()) != 0) rc = 1;
    std::error_code ec;
    fs::remove_all(dir, ec);
    return rc;
}
