// benchstore-speed-fleet: a central database grown to --rows device rows (default 100,000,000) over
// --days days (365) the way a fleet grows it, and what its users then wait for: the dashboard's
// panels over one day and one week, its template variables, sync of a new day's batch, retention of
// the oldest month, and the database's size. Prints figures; it is a benchmark, not a test.
//
// It starts a throwaway PostgreSQL (tools/pg-test-server.sh, fsync on); benchstore-sync of an empty
// store creates the schema (measurement tables partitioned by week). The fleet is --machines
// machines, one store file each; --rows / --rows-per-benchmark benchmarks spread evenly over the
// days, dealt to the machines in turn (so their time ranges interleave), each with its device rows
// 100 ms apart and one model row. The year arrives in rounds of --chunk-days days: each round
// appends each machine's benchmarks of those days to its store (the sqlite3 CLI, untimed) and runs
// benchstore-sync on it (timed; default --batch-rows), machine after machine. The first round goes
// into an empty database, the last into one holding nearly every row; both cover --chunk-days days
// (a shorter remainder round goes second to last), so their rates compare like with like; after
// each of the two, a sync with nothing to send is timed (a sync's fixed cost). Then
// ANALYZE, as autovacuum would soon; each dashboard query --repeat times (client wall time, every
// row fetched as Grafana fetches it; medians) after one EXPLAIN (ANALYZE, BUFFERS) whose plan is
// printed; the device series over all time is left out (half of every row); the one-day and one-week
// device panels also as they read the per-minute rollup (device_measurements_minutes, one row per
// benchmark and minute) at an interval of a minute. Then one more day
// arrives from every machine (timed), `benchstore-central retention` drops the oldest 30 days
// (timed) and the database's size is read before and after. With --work-mem the time-range panels
// run once more with that work_mem (their sorts in memory). The days end at today's midnight
// (UTC), since retention cuts relative to now. Everything is deleted at the end.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/metrics_recorder.hpp"
#include "dashboard_queries.hpp"
#include "speed_process.hpp"
#include "speed_support.hpp"
#include "sync/pg_connection.hpp"

namespace {

namespace fs = std::filesystem;
using benchstore::sync_::PgConnection;
using benchstore::speed::DashboardQuery;
using benchstore::speed::median;
using benchstore::speed::run_child;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The fleet's shape: benchmark x (0, 1, ...) starts at start + x * spacing seconds on machine
// x % machines; the year holds x < year_benchmarks, day d the x in [first(d), first(d + 1)).
struct Fleet {
    long long year_benchmarks = 0;
    long long per = 0;  // device rows per benchmark
    int machines = 0;
    int days = 0;
    long long start = 0;  // unix seconds, midnight UTC
    double spacing() const { return days * 86400.0 / static_cast<double>(year_benchmarks); }
    long long first(int day) const
    {
        return static_cast<long long>(std::ceil(static_cast<double>(day) * year_benchmarks / days));
    }
    std::string timestamp(int day) const
    {
        const std::time_t t = start + day * 86400LL;
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
        return buf;
    }
};

// Appends machine m's benchmarks x in [from, to) to its store, with their device and model rows;
// returns the device rows appended.
long long append_to_store(const fs::path& store, const Fleet& f, int m, long long from, long long to)
{
    const long long x0 = from + ((m - from % f.machines) % f.machines + f.machines) % f.machines;
    if (x0 >= to) return 0;
    const long long count = (to - 1 - x0) / f.machines + 1;
    const std::string M = std::to_string(f.machines), n = std::to_string(f.per);
    char spacing[64];
    std::snprintf(spacing, sizeof spacing, "%.6f", f.spacing());
    // UUID v7: the first 48 bits are the creation time in milliseconds.
    const std::string sql =
        "BEGIN; CREATE TEMP TABLE newest AS SELECT coalesce(max(id), 0) AS id FROM benchmarks; "
        "WITH RECURSIVE k(x) AS (SELECT " + std::to_string(x0) + " UNION ALL SELECT x + " + M + " FROM k WHERE x + " +
        M + " < " + std::to_string(to) + "), t(x, s) AS (SELECT x, " + std::to_string(f.start) + " + x * " + spacing +
        " FROM k) "
        "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, "
        "host, status) SELECT substr(printf('%012x', CAST(s * 1000 AS INTEGER)), 1, 8) || '-' || "
        "substr(printf('%012x', CAST(s * 1000 AS INTEGER)), 9, 4) || '-7' || printf('%03x', x % 4096) || '-8' || "
        "printf('%03x', x % 4096) || '-' || printf('%012x', x), 'huggingface/transformers', CASE WHEN (x / " + M +
        ") % 2 = 0 THEN 'main' ELSE 'feature-' || (x % 97) END, printf('%040x', x * 7919), 'commit ' || x, "
        "json_object('gpu_name', CASE " + std::to_string(m % 3) + " WHEN 0 THEN 'NVIDIA A100' WHEN 1 THEN "
        "'NVIDIA H100' ELSE 'NVIDIA A10G' END, 'model_id', 'meta-llama/Llama-2-7b-hf'), "
        "strftime('%Y-%m-%dT%H:%M:%f', s, 'unixepoch'), 'host-" + std::to_string(m) + "', 'completed' FROM t; "
        "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < " + n + ") "
        "INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time) "
        "SELECT b.id, (i * 7 % 1000) / 10.0, 1000 + (i % 500) * 0.5, CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 100) * "
        "1.0 END, CASE WHEN i % 3 = 0 THEN NULL ELSE 2000 + (i % 1000) * 0.25 END, strftime('%Y-%m-%dT%H:%M:%f', "
        "(julianday(b.created_at) - 2440587.5) * 86400.0 + i / 10.0, 'unixepoch') FROM benchmarks b CROSS JOIN c "
        "WHERE b.id > (SELECT id FROM newest) ORDER BY b.id, i; "
        "INSERT INTO model_measurements (benchmark_ref, measurements, time) SELECT id, json_object('model_load_time', "
        "1 + (id % 10) / 10.0, 'time_to_first_token_secs', 0.05), created_at FROM benchmarks "
        "WHERE id > (SELECT id FROM newest); DROP TABLE newest; COMMIT;";
    run_child({"sqlite3", store.string(), sql});
    return count * f.per;
}

struct Round {
    long long rows = 0;
    double sync_s = 0;
    double rate() const { return sync_s > 0 ? static_cast<double>(rows) / sync_s : 0; }
};

// Days [from, to) arrive from every machine: appended to the stores, then synced (timed), machine
// after machine.
Round arrive(const std::vector<fs::path>& stores, const Fleet& f, int from, int to, const std::string& dsn)
{
    const fs::path sync_exe = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-sync";
    Round round;
    for (int m = 0; m < f.machines; ++m) {
        const long long rows = append_to_store(stores[m], f, m, f.first(from), f.first(to));
        if (rows == 0) continue;
        round.rows += rows;
        round.sync_s += run_child({sync_exe.string(), "--db", stores[m].string(), "--dsn", dsn}).seconds;
    }
    return round;
}

// A sync's fixed cost: benchstore-sync of a store the server already holds in full (connecting,
// checking the schema, partition upkeep, finding nothing to send); the median of 5, in ms.
double idle_sync_ms(const fs::path& store, const std::string& dsn)
{
    const fs::path sync_exe = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-sync";
    std::vector<double> ms;
    for (int i = 0; i < 5; ++i)
        ms.push_back(run_child({sync_exe.string(), "--db", store.string(), "--dsn", dsn}).seconds * 1000);
    return median(ms);
}

std::string first_value(PgConnection& db, const std::string& sql)
{
    const auto r = db.exec("SELECT (" + sql + ")::text AS v");
    return r.text(0, "v");
}

struct Measured {
    std::string name;
    double median_ms = 0;
    int rows = 0;
};

std::vector<Measured> measure(PgConnection& db, const std::vector<DashboardQuery>& queries, int repeat)
{
    std::vector<Measured> out;
    for (const auto& q : queries) {
        // The plan first: it also warms the cache for the timed runs.
        const auto plan = db.exec("EXPLAIN (ANALYZE, BUFFERS) " + q.sql);
        std::vector<double> ms;
        int rows = 0;
        for (int i = 0; i < repeat; ++i) {
            const auto t = Clock::now();
            rows = db.exec(q.sql).rows();
            ms.push_back(seconds_since(t) * 1000);
        }
        out.push_back({q.name, median(ms), rows});
        std::printf("\n-- %s: median %.2f ms of %d, %d rows\n%s\n", q.name.c_str(), out.back().median_ms, repeat, rows,
                    q.sql.c_str());
        for (int i = 0; i < plan.rows(); ++i) std::printf("   %s\n", plan.text(i, "QUERY PLAN").c_str());
        std::fflush(stdout);
    }
    return out;
}

std::string slurp(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

int run(const cxxopts::ParseResult& a)
{
    Fleet f;
    const long long rows = a["rows"].as<long long>();
    f.per = a["rows-per-benchmark"].as<long long>();
    f.machines = a["machines"].as<int>();
    f.days = a["days"].as<int>();
    const int chunk = a["chunk-days"].as<int>(), repeat = a["repeat"].as<int>();
    if (rows < 1 || f.per < 1 || f.machines < 1 || chunk < 1 || repeat < 1)
        throw std::invalid_argument("--rows, --rows-per-benchmark, --machines, --chunk-days and --repeat must be positive");
    if (a.count("work-mem") && a["work-mem"].as<std::string>().find_first_not_of(
            "0123456789kMGTB") != std::string::npos)
        throw std::invalid_argument("--work-mem takes a size such as 64MB");
    if (f.days < 60) throw std::invalid_argument("--days must be at least 60: retention drops the oldest 30");
    if (chunk * 2 > f.days) throw std::invalid_argument("--chunk-days must be at most half of --days");
    f.year_benchmarks = std::max<long long>(f.machines, rows / f.per);
    // The year, then the new day, end at today's midnight (UTC).
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    f.start = now / 86400 * 86400 - (f.days + 1) * 86400LL;

    const fs::path dir = a["dir"].as<std::string>();
    const benchstore::speed::ThrowawayServer server(dir);
    const std::string& conninfo = server.conninfo();
    PgConnection(conninfo + " dbname=postgres", std::chrono::seconds(60)).exec("CREATE DATABASE fleet");
    const std::string dsn = conninfo + " dbname=fleet";
    const fs::path sync_exe = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-sync";
    const fs::path central_exe = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-central";

    std::vector<fs::path> stores;
    for (int m = 0; m < f.machines; ++m) {
        stores.push_back(dir / ("machine-" + std::to_string(m) + ".db"));
        benchstore::create_global_metrics_recorder("huggingface/transformers", "main", "c0ffee", "fleet", stores.back());
    }
    // The schema first, as a new central database gets it.
    const fs::path empty = dir / "empty.db";
    { benchstore::create_global_metrics_recorder("r", "b", "c", "m", empty); }
    run_child({sync_exe.string(), "--db", empty.string(), "--dsn", dsn});

    // Round boundaries: 0, chunk, 2 chunk, ..., then days - chunk, days.
    std::vector<int> bounds;
    for (int d = 0; d < f.days - chunk; d += chunk) bounds.push_back(d);
    bounds.push_back(f.days - chunk);
    bounds.push_back(f.days);
    std::printf("fleet: %d machines, %lld benchmarks of %lld device rows over %d days from %s, rounds of %d days\n",
                f.machines, f.year_benchmarks, f.per, f.days, f.timestamp(0).c_str(), chunk);
    std::printf("%6s %8s %14s %12s %10s %12s %8s\n", "round", "days", "rows before", "rows synced", "sync s",
                "rows/s", "wall s");
    std::vector<Round> rounds;
    std::vector<double> idle_ms;  // after the first round and after the last
    long long total = 0;
    const auto fill_start = Clock::now();
    PgConnection admin(dsn, std::chrono::seconds(7200));
    for (std::size_t r = 0; r + 1 < bounds.size(); ++r) {
        // Every round starts from a checkpoint (not timed): the server writes a page's full image to
        // the WAL the first time the page changes after a checkpoint, and checkpoints come every
        // max_wal_size of WAL (1 GB, about every second round here). Without this, the rounds that
        // happen to hold a checkpoint ran 30-40% slower than those that did not, and the first
        // rounds, into an empty server that had never checkpointed, were the fastest of the year.
        admin.exec("CHECKPOINT");
        const auto t = Clock::now();
        rounds.push_back(arrive(stores, f, bounds[r], bounds[r + 1], dsn));
        if (r == 0 || r + 2 == bounds.size()) idle_ms.push_back(idle_sync_ms(stores.front(), dsn));
        std::printf("%6zu %3d-%-4d %14lld %12lld %10.2f %12.0f %8.1f\n", r, bounds[r], bounds[r + 1], total,
                    rounds.back().rows, rounds.back().sync_s, rounds.back().rate(), seconds_since(t));
        std::fflush(stdout);
        total += rounds.back().rows;
    }
    const double fill_s = seconds_since(fill_start);
    double sync_s = 0;
    for (const auto& r : rounds) sync_s += r.sync_s;

    PgConnection db(dsn, std::chrono::seconds(7200));
    auto t = Clock::now();
    db.exec("ANALYZE");
    const double analyze_s = seconds_since(t);
    const std::string held = first_value(db, "SELECT count(*) FROM device_measurements");
    const std::string size_full = first_value(db, "SELECT pg_database_size(current_database())");
    std::printf("\ncentral database: %s device rows, %s benchmarks, %s bytes; the year in %.1f s (sync %.1f s, "
                "%.0f rows/s); ANALYZE %.1f s\n",
                held.c_str(), first_value(db, "SELECT count(*) FROM benchmarks").c_str(), size_full.c_str(), fill_s,
                sync_s, static_cast<double>(total) / sync_s, analyze_s);
    std::printf("per-minute rollup: %s rows, %s bytes with its indexes\n",
                first_value(db, "SELECT count(*) FROM device_measurements_minutes").c_str(),
                first_value(db, "SELECT pg_total_relation_size('device_measurements_minutes')").c_str());

    auto queries = benchstore::speed::dashboard_whole_table_queries(false);
    const auto between = [&](int from, int to) {
        return "BETWEEN '" + f.timestamp(from) + "' AND '" + f.timestamp(to) + "'";
    };
    std::vector<DashboardQuery> ranged;
    for (const auto& [label, days] : {std::pair<std::string, int>{"one day", 1}, {"one week", 7}}) {
        const std::string range = between(f.days - days, f.days);
        for (auto& q : benchstore::speed::dashboard_time_range_queries(label, range)) ranged.push_back(std::move(q));
        for (auto& q : benchstore::speed::dashboard_rollup_queries(label, range)) ranged.push_back(std::move(q));
    }
    queries.insert(queries.end(), ranged.begin(), ranged.end());
    const auto measured = measure(db, queries, repeat);
    // The same time-range panels with more memory for their sorts, as the dashboard's role could be
    // given (ALTER ROLE ... SET work_mem).
    const std::string work_mem = a.count("work-mem") ? a["work-mem"].as<std::string>() : "";
    std::map<std::string, double> with_work_mem;
    if (!work_mem.empty()) {
        db.exec("SET work_mem = '" + work_mem + "'");
        std::printf("\n== the time-range panels again, work_mem %s ==\n", work_mem.c_str());
        for (const auto& q : measure(db, ranged, repeat)) with_work_mem[q.name] = q.median_ms;
        db.exec("RESET work_mem");
    }

    const Round new_day = arrive(stores, f, f.days, f.days + 1, dsn);

    const std::string cut = f.timestamp(30);
    const std::string older = first_value(db, "SELECT count(*) FROM device_measurements WHERE time < '" + cut + "'");
    const fs::path retention_out = dir / "retention.txt";
    // now - (days + 1 - 30) days: the first 30 days and the hours of today.
    const auto retention = run_child({central_exe.string(), "--dsn", dsn, "retention", "--older-than",
                                      std::to_string(f.days + 1 - 30) + "d"}, retention_out);
    const std::string left_older = first_value(db, "SELECT count(*) FROM device_measurements WHERE time < '" + cut + "'");
    const std::string size_after = first_value(db, "SELECT pg_database_size(current_database())");
    std::printf("\nretention:\n%s", slurp(retention_out).c_str());

    const Round& first = rounds.front();
    const Round& last = rounds.back();
    // Single rounds vary with what else the machine does: the medians of the first five and of the
    // last five whole rounds (the remainder round, second to last, is shorter) say it more steadily.
    std::vector<double> first_rates, last_rates;
    for (std::size_t r = 0; r < rounds.size() && first_rates.size() < 5; ++r) first_rates.push_back(rounds[r].rate());
    for (std::size_t r = rounds.size(); r-- > 0 && last_rates.size() < 5;)
        if (rounds[r].rows * 2 > first.rows) last_rates.push_back(rounds[r].rate());
    std::printf("\n%lld device rows (%s held) from %d machines over %d days, grown by benchstore-sync in rounds of %d "
                "days; medians of %d, client wall time, every row fetched:\n",
                total, held.c_str(), f.machines, f.days, chunk, repeat);
    std::printf("  %-34s %12s %10s %20s\n", "query", "median ms", "rows",
                work_mem.empty() ? "" : ("work_mem " + work_mem + " ms").c_str());
    for (const auto& q : measured) {
        const auto w = with_work_mem.find(q.name);
        char more[32] = "";
        if (w != with_work_mem.end()) std::snprintf(more, sizeof more, "%.2f", w->second);
        std::printf("  %-34s %12.2f %10d %20s\n", q.name.c_str(), q.median_ms, q.rows, more);
    }
    std::printf("  sync, first round (empty database): %lld rows in %.2f s, %.0f rows/s\n", first.rows, first.sync_s,
                first.rate());
    std::printf("  sync, last round (%lld rows held before it): %lld rows in %.2f s, %.0f rows/s; ratio to the first "
                "%.2f\n", total - last.rows, last.rows, last.sync_s, last.rate(), last.rate() / first.rate());
    std::printf("  sync, medians of the first five rounds and of the last five whole rounds: %.0f and %.0f rows/s; "
                "ratio %.2f\n", median(first_rates), median(last_rates), median(last_rates) / median(first_rates));
    std::printf("  sync of a new day's batch (%d machines): %lld rows in %.2f s, %.0f rows/s\n", f.machines, new_day.rows,
                new_day.sync_s, new_day.rate());
    std::printf("  sync with nothing to send (a sync's fixed cost, median of 5): %.0f ms after the first round, %.0f ms "
                "after the last (%s weekly partitions of device_measurements)\n", idle_ms.front(), idle_ms.back(),
                first_value(db, "SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                "'device_measurements'::regclass").c_str());
    std::printf("  retention of the oldest month (before %s): %.2f s wall, %s device rows older than the cut before, "
                "%s after\n", cut.c_str(), retention.seconds, older.c_str(), left_older.c_str());
    std::printf("  database size: %.2f GB before retention, %.2f GB after\n", std::stod(size_full) / 1e9,
                std::stod(size_after) / 1e9);
    return 0;
}

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-fleet",
                         "a fleet's year of rows synced into one central database, then the dashboard, sync, retention");
    cli.add_options()
        ("rows", "device rows over the year", cxxopts::value<long long>()->default_value("100000000"))
        ("machines", "machines, one store file each", cxxopts::value<int>()->default_value("20"))
        ("days", "days the rows are spread over", cxxopts::value<int>()->default_value("365"))
        ("chunk-days", "days per sync round", cxxopts::value<int>()->default_value("7"))
        ("rows-per-benchmark", "device rows per benchmark", cxxopts::value<long long>()->default_value("1000"))
        ("repeat", "runs of each query", cxxopts::value<int>()->default_value("5"))
        ("work-mem", "also time the time-range panels with this work_mem (64MB)", cxxopts::value<std::string>())
        ("dir", "work folder (deleted at the end)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-fleet"));
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
