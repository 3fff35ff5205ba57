// benchstore-speed-central: converting an unpartitioned central database of --rows device rows
// (default 10,000,000) to weekly partitions (benchstore-central partition --convert), the
// dashboard's queries before and after, retention of the oldest month, and the partition upkeep
// every sync runs. Prints figures; it is a benchmark, not a test.
//
// It starts a throwaway PostgreSQL (tools/pg-test-server.sh, fsync on), creates the schema as an
// earlier benchstore did (every migration, tables unpartitioned), fills it server-side: --rows /
// --rows-per-benchmark benchmarks spread evenly over --days days, each with its device rows 100 ms
// apart and two model rows, appended in time order as syncs append them; VACUUM ANALYZE. Then the
// queries run --repeat times each (client wall time, medians), the conversion runs once (chunks of
// --chunk-blocks), the queries again, upkeep --repeat times, and retention of the oldest 30 days
// once. Everything is deleted at the end.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/central.hpp"
#include "benchstore/postgres_migrations.hpp"
#include "speed_support.hpp"
#include "sync/pg_connection.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using benchstore::sync_::PgConnection;
using benchstore::speed::capture;
using benchstore::speed::median;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void create_unpartitioned_schema(PgConnection& db)
{
    db.exec("CREATE TABLE benchstore_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL "
            "DEFAULT now())");
    for (std::size_t v = 0; v < benchstore::postgres_schema::migrations.size(); ++v) {
        db.exec(std::string(benchstore::postgres_schema::migrations[v]));
        db.exec("INSERT INTO benchstore_schema_version VALUES (" + std::to_string(v + 1) + ")");
    }
}

// Benchmarks evenly over days, ending now; each benchmark's device rows 100 ms apart, in time order.
void fill(PgConnection& db, long long rows, long long per, int days)
{
    const std::string nb = std::to_string(std::max(1LL, rows / per)), n = std::to_string(per);
    db.exec("INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, "
            "status, source_id, local_id) SELECT md5('b' || k)::uuid, 'acme/widgets', CASE WHEN k % 2 = 0 THEN 'main' "
            "ELSE 'dev' END, md5(k::text), 'commit ' || k, jsonb_build_object('gpu_name', 'NVIDIA A100'), "
            "date_trunc('minute', now() AT TIME ZONE 'UTC') - interval '" + std::to_string(days) + " days' + "
            "k * interval '" + std::to_string(days) + " days' / " + nb + ", 'completed', "
            "'00000000-0000-4000-8000-000000000001', k FROM generate_series(1, " + nb + ") k");
    db.exec("INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time, "
            "local_id) SELECT b.benchmark_id, (i * 7 % 1000) / 10.0, 1000 + (i % 500) * 0.5, (i % 100) * 1.0, "
            "2000 + (i % 1000) * 0.25, b.created_at + i * interval '100 milliseconds', (b.local_id - 1) * " + n +
            " + i FROM benchmarks b CROSS JOIN LATERAL generate_series(1, " + n + " + 0 * b.local_id) i "
            "ORDER BY b.local_id, i");
    db.exec("INSERT INTO model_measurements (benchmark_id, measurements, time, local_id) SELECT benchmark_id, "
            "jsonb_build_object('model_load_time', 1.5), created_at + interval '1 minute' * j, local_id * 2 + j "
            "FROM benchmarks, generate_series(0, 1) j");
    db.exec("VACUUM ANALYZE");
}

std::map<std::string, std::string> queries()
{
    const std::string day = "BETWEEN (now() AT TIME ZONE 'UTC') - interval '3 days' AND (now() AT TIME ZONE 'UTC') - "
                            "interval '2 days'";
    return {
        {"1 variable end time", "SELECT time + INTERVAL '5 secs' FROM benchmarks AS b JOIN device_measurements AS d "
                                "ON b.benchmark_id = d.benchmark_id WHERE branch = 'main' ORDER BY b.benchmark_id "
                                "DESC, d.measurement_id DESC LIMIT 1"},
        {"2 model bar chart", "SELECT CAST(m.measurements->'model_load_time' AS double precision), left(b.commit_id, 7), "
                              "m.time FROM benchmarks as b JOIN model_measurements AS m ON b.benchmark_id = "
                              "m.benchmark_id WHERE b.branch = 'main' AND gpu_name = 'NVIDIA A100' ORDER BY "
                              "b.benchmark_id DESC LIMIT 10"},
        {"3 device panel, one day/min", "SELECT date_trunc('minute', time), avg(cpu_util) FROM device_measurements "
                                        "WHERE time " + day + " GROUP BY 1 ORDER BY 1"},
        {"4 device series, one day", "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements AS d ON "
                                     "b.benchmark_id = d.benchmark_id WHERE branch = 'main' AND d.time " + day},
    };
}

// The one value sql selects, named value.
std::string value(PgConnection& db, const std::string& sql) { return db.exec(sql).text(0, "value"); }

std::map<std::string, double> measure(PgConnection& db, int repeat, bool plans)
{
    std::map<std::string, double> out;
    for (const auto& [name, sql] : queries()) {
        db.exec(sql);  // warm
        if (plans) {
            auto plan = db.exec("EXPLAIN (ANALYZE, BUFFERS) " + sql);
            std::printf("-- %s\n", name.c_str());
            for (int i = 0; i < plan.rows(); ++i) std::printf("   %s\n", plan.text(i, "QUERY PLAN").c_str());
        }
        std::vector<double> ms;
        for (int i = 0; i < repeat; ++i) {
            const auto t = Clock::now();
            db.exec(sql);
            ms.push_back(seconds_since(t) * 1000);
        }
        out[name] = median(ms);
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-central",
                         "converting a large unpartitioned central database to partitions, and retention");
    cli.add_options()
        ("rows", "device rows", cxxopts::value<long long>()->default_value("10000000"))
        ("rows-per-benchmark", "device rows per benchmark", cxxopts::value<long long>()->default_value("1000"))
        ("days", "days the rows span, ending now", cxxopts::value<int>()->default_value("100"))
        ("chunk-blocks", "conversion chunk", cxxopts::value<long long>()->default_value("2048"))
        ("repeat", "runs of each query", cxxopts::value<int>()->default_value("5"))
        ("dir", "work folder (deleted at the end)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-central"))
        ("plans", "print the queries' plans (EXPLAIN ANALYZE)")
        ("h,help", "help");
    long long rows, per, chunk;
    bool plans = false;
    int days, repeat;
    fs::path dir;
    try {
        auto a = cli.parse(argc, argv);
        if (a.count("help")) {
            std::cout << cli.help();
            return 0;
        }
        rows = a["rows"].as<long long>();
        per = a["rows-per-benchmark"].as<long long>();
        days = a["days"].as<int>();
        chunk = a["chunk-blocks"].as<long long>();
        repeat = a["repeat"].as<int>();
        dir = a["dir"].as<std::string>();
        plans = a.count("plans") > 0;
        if (rows < 1 || per < 1 || repeat < 1 || days < 31 || chunk < 1)
            throw std::invalid_argument("--rows, --rows-per-benchmark, --chunk-blocks and --repeat must be positive, "
                                        "--days at least 31");
    } catch (const std::exception& e) {
        std::cerr << "benchstore-speed-central: error: " << e.what() << "\n";
        return 2;
    }
    const fs::path server_script = fs::path(BENCHSTORE_SOURCE_DIR) / "tools" / "pg-test-server.sh";
    const fs::path pg = dir / "pg";
    int rc = 0;
    try {
        fs::remove_all(dir);
        fs::create_directories(dir);
        const std::string server = capture("'" + server_script.string() + "' start '" + pg.string() + "'");
        PgConnection(server + " dbname=postgres", std::chrono::seconds(3600)).exec("CREATE DATABASE central");
        const std::string conninfo = server + " dbname=central";
        PgConnection db(conninfo, std::chrono::seconds(3600));
        create_unpartitioned_schema(db);
        auto t = Clock::now();
        fill(db, rows, per, days);
        std::printf("unpartitioned central database: %s device rows over %d days (%s with indexes), filled in %.1f s\n",
                    value(db, "SELECT count(*) AS value FROM device_measurements").c_str(), days,
                    value(db, "SELECT pg_size_pretty(pg_total_relation_size('device_measurements')) AS value").c_str(),
                    seconds_since(t));
        std::fflush(stdout);
        const auto before = measure(db, repeat, plans);

        benchstore::CentralOptions options;
        options.conninfo = conninfo;
        options.chunk_blocks = chunk;
        options.statement_timeout = std::chrono::seconds(3600);
        t = Clock::now();
        const auto steps = benchstore::convert_to_partitions(options);
        const double convert_s = seconds_since(t);
        for (const auto& line : benchstore::format_conversion(steps)) std::printf("  %s\n", line.c_str());
        std::printf("conversion: %.1f s for %lld device rows: %.0f rows/s (chunks of %lld blocks); partitioned: %s with "
                    "indexes, %s partitions\n",
                    convert_s, static_cast<long long>(steps.front().rows_copied),
                    static_cast<double>(steps.front().rows_copied) / convert_s, chunk,
                    value(db, "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS value FROM pg_inherits "
                              "WHERE inhparent = 'device_measurements'::regclass").c_str(),
                    value(db, "SELECT count(*) AS value FROM pg_inherits "
                              "WHERE inhparent = 'device_measurements'::regclass").c_str());
        std::fflush(stdout);
        const auto after = measure(db, repeat, plans);
        std::printf("\ndashboard queries, medians of %d (ms):\n  %-30s %12s %12s %8s\n", repeat, "query",
                    "unpartitioned", "partitioned", "ratio");
        for (const auto& [name, ms] : before)
            std::printf("  %-30s %12.2f %12.2f %8.2f\n", name.c_str(), ms, after.at(name), after.at(name) / ms);

        std::vector<double> upkeep;
        for (int i = 0; i < repeat; ++i) {
            t = Clock::now();
            benchstore::maintain_partitions(options);
            upkeep.push_back(seconds_since(t) * 1000);
        }
        std::printf("partition upkeep as each sync runs it (both tables, nothing to create): median %.1f ms of %d "
                    "(with connecting)\n", median(upkeep), repeat);

        const auto month_rows = value(db, "SELECT count(*) AS value FROM device_measurements WHERE time < "
                                          "(now() AT TIME ZONE 'UTC') - interval '" + std::to_string(days - 30) +
                                          " days'");
        t = Clock::now();
        const auto kept = benchstore::apply_retention(options, std::chrono::hours(24 * (days - 30)));
        const double retention_s = seconds_since(t);
        int dropped = 0;
        for (const auto& s : kept.steps) dropped += s.kind == benchstore::RetentionStep::Kind::drop_partition;
        std::printf("retention of the oldest 30 days (%s device rows older than the cut): %.3f s, %d partitions "
                    "dropped, %s device rows left\n",
                    month_rows.c_str(), retention_s, dropped,
                    value(db, "SELECT count(*) AS value FROM device_measurements").c_str());
    } catch (const std::exception& e) {
        std::cerr << "benchstore-speed-central: error: " << e.what() << "\n";
        rc = 1;
    }
    try {
        capture("'" + server_script.string() + "' stop '" + pg.string() + "'");
    } catch (const std::exception&) {
    }
    fs::remove_all(dir);
    return rc;
}
