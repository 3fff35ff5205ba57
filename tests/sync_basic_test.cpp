#define BOOST_TEST_MODULE sync_basic
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <set>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fstream>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/store.hpp"
#include "store/store_info.hpp"
#include "benchstore/sync.hpp"
#include "store/sqlite_store.hpp"
#include "sync/pg_schema.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;

BOOST_AUTO_TEST_SUITE(sync_basic)

BOOST_AUTO_TEST_CASE(first_sync_creates_schema_and_sends_everything_once)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{}, 1);

    const auto first = sync(sync_options(dir / "b.db", conninfo));
    BOOST_TEST(first.schema_created);
    BOOST_TEST(first.tables.size() == 4u);
    BOOST_TEST(first.tables[0].sent == 5);
    BOOST_TEST(first.tables[2].sent == 500);
    BOOST_TEST(first.tables[3].sent == 10);
    for (const auto& t : first.tables) BOOST_TEST(t.left == 0);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");

    const auto again = sync(sync_options(dir / "b.db", conninfo));
    BOOST_TEST(!again.schema_created);
    for (const auto& t : again.tables) BOOST_TEST(t.sent + t.skipped == 0);
    BOOST_TEST(pg.query(name, "SELECT max(version) FROM benchstore_schema_version") ==
               std::to_string(sync_::latest_server_schema_version()));
    // The host fingerprint arrives as jsonb (compare_with_server checks every benchmark's).
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM benchmarks WHERE host_info->>'logical_cores' = '4'") == "3");
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(dashboard_query_returns_newest_benchmarks_of_branch_and_gpu)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    TempDir dir;
    StoreShape a;
    a.benchmarks = 3;
    a.device_rows = 5;
    a.model_rows = 1;
    auto main_ids = add_rows(dir / "b.db", a, 2);
    StoreShape other = a;
    other.branch = "dev";
    add_rows(dir / "b.db", other, 3);
    StoreShape gpu = a;
    gpu.gpu_name = "NVIDIA H100";
    add_rows(dir / "b.db", gpu, 4);
    sync(sync_options(dir / "b.db", pg.conninfo(name)));

    // The dashboard's own SQL, verbatim apart from the template variables, against the store.
    const std::string dashboard =
        "SELECT CAST(m.measurements->'model_load_time' AS double precision) AS model_load_time, "
        "left(b.commit_id, 7), m.time FROM benchmarks as b JOIN model_measurements AS m ON b.benchmark_id = "
        "m.benchmark_id WHERE b.branch = 'main' AND gpu_name = 'NVIDIA A100' ORDER BY b.benchmark_id DESC LIMIT 10";
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM (" + dashboard + ") x") == "3");
    SQLite::Database local((dir / "b.db").string());
    SQLite::Statement expected(local, "SELECT json_extract(m.measurements, '$.model_load_time'), substr(b.commit_id, 1, 7), "
                                      "replace(m.time, 'T', ' ') FROM benchmarks b JOIN model_measurements m ON "
                                      "m.benchmark_ref = b.id WHERE b.branch = 'main' AND json_extract(b.metadata, "
                                      "'$.gpu_name') = 'NVIDIA A100' ORDER BY b.benchmark_id DESC");
    for (int row = 0; expected.executeStep(); ++row) {
        const std::string at = " OFFSET " + std::to_string(row) + " LIMIT 1";
        BOOST_TEST(std::stod(pg.query(name, "SELECT model_load_time FROM (" + dashboard + ") x" + at)) ==
                   expected.getColumn(0).getDouble());
        BOOST_TEST(pg.query(name, "SELECT \"left\" FROM (" + dashboard + ") x" + at) == expected.getColumn(1).getString());
        BOOST_TEST(pg.query(name, "SELECT to_char(time, 'YYYY-MM-DD HH24:MI:SS.US') FROM (" + dashboard + ") x" + at) ==
                   expected.getColumn(2).getString());
    }
    // Newest first: the first row is the last benchmark created on main with that GPU.
    BOOST_TEST(pg.query(name, "SELECT b.benchmark_id FROM benchmarks as b JOIN model_measurements AS m ON "
                              "b.benchmark_id = m.benchmark_id WHERE b.branch = 'main' AND gpu_name = 'NVIDIA A100' "
                              "ORDER BY b.benchmark_id DESC LIMIT 1") == main_ids.back());
    BOOST_TEST(pg.query(name, "SELECT string_agg(DISTINCT gpu_name, ',') FROM benchmarks") == "NVIDIA A100,NVIDIA H100");
    // Device series and the time-range variable queries.
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM (SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN "
                              "device_measurements AS d ON b.benchmark_id = d.benchmark_id WHERE branch = 'main') x") == "30");
    BOOST_TEST(pg.query(name, "SELECT (SELECT time + INTERVAL '5 secs' FROM benchmarks AS b JOIN device_measurements AS d "
                              "ON b.benchmark_id = d.benchmark_id WHERE branch = 'main' ORDER BY b.benchmark_id DESC, "
                              "d.measurement_id DESC LIMIT 1) IS NOT NULL") == "t");
    // measurement_id grows with time within a benchmark.
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM (SELECT time < lag(time) OVER (PARTITION BY benchmark_id ORDER BY "
                              "measurement_id) AS back FROM device_measurements) x WHERE back") == "0");
}

BOOST_AUTO_TEST_CASE(keeps_recorded_timestamps_and_updates_status_changes)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    TempDir dir;
    std::string id;
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc1234", "msg", dir / "b.db");
        id = rec.initialise_benchmark({{"gpu_name", "NVIDIA A100"}});
        rec.collect_device_measurements(id, 12.5, 300, std::nullopt, std::nullopt);
        rec.collect_model_measurements(id, {{"model_load_time", 1.25}});
    }
    sync(sync_options(dir / "b.db", pg.conninfo(name)));
    BOOST_TEST(pg.query(name, "SELECT status FROM benchmarks") == "running");
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc1234", "msg", dir / "b.db");
        rec.set_status(id, BenchmarkStatus::failed, "out of memory");
    }
    const auto r = sync(sync_options(dir / "b.db", pg.conninfo(name)));
    BOOST_TEST(r.tables[1].sent == 1);
    BOOST_TEST(pg.query(name, "SELECT status || ':' || status_reason FROM benchmarks") == "failed:out of memory");
    BOOST_TEST(compare_with_server({dir / "b.db"}, pg.conninfo(name)) == "");
    // Times are the recorded ones, not the sync's: they equal the store's text exactly.
    SQLite::Database db((dir / "b.db").string());
    const auto local_time = db.execAndGet("SELECT time FROM device_measurements").getString();
    BOOST_TEST(pg.query(name, "SELECT to_char(time, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM device_measurements") == local_time);
}

BOOST_AUTO_TEST_CASE(dry_run_reports_and_touches_nothing)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{}, 5);
    auto o = sync_options(dir / "b.db", pg.conninfo(name));
    o.dry_run = DryRun::yes;
    const auto r = sync(o);
    BOOST_TEST(r.schema_created);
    BOOST_TEST(r.tables[2].sent == 500);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
    const auto cli = run_sync({"--db", (dir / "b.db").string(), "--dsn", pg.conninfo(name), "--dry-run"});
    BOOST_TEST(cli.status == 0);
    BOOST_TEST(contains(cli.out, "500 rows would be sent"));
    BOOST_TEST(!contains(cli.out + cli.err, pg.password()));
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
}

BOOST_AUTO_TEST_CASE(an_empty_or_foreign_file_is_refused_not_turned_into_a_store)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    TempDir dir;
    { std::ofstream(dir / "empty.db"); }  // 0 bytes
    {
        SQLite::Database other((dir / "other.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        other.exec("PRAGMA application_id = 42");  // a SQLite file, user_version 0, no tables
    }
    const auto other_size = std::filesystem::file_size(dir / "other.db");
    for (const char* file : {"empty.db", "other.db"}) {
        for (bool dry : {false, true}) {
            std::vector<std::string> a{"--db", (dir / file).string(), "--dsn", pg.conninfo(name)};
            if (dry) a.push_back("--dry-run");
            const auto r = run_sync(a);
            BOOST_TEST(r.status == 1, file << ": " << r.out);
            BOOST_TEST(contains(r.err, "not a benchstore store"), r.err);
            BOOST_TEST(contains(r.err, file), r.err);
            BOOST_TEST(line_count(r.err) == 1u);
        }
    }
    BOOST_TEST(std::filesystem::file_size(dir / "empty.db") == 0u);
    BOOST_TEST(std::filesystem::file_size(dir / "other.db") == other_size);
    BOOST_TEST(!std::filesystem::exists(dir / "empty.db-wal"));
    BOOST_CHECK_THROW(sync(sync_options(dir / "empty.db", pg.conninfo(name))), StoreError);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
}

BOOST_AUTO_TEST_CASE(impossible_dates_are_rejected_not_shifted)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 5, 0}, 15);
    {
        SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE device_measurements SET time = '2025-02-31T10:00:00.000000' WHERE id = 2");
        db.exec("UPDATE device_measurements SET time = '2023-02-29T10:00:00.000000' WHERE id = 3");
        db.exec("UPDATE device_measurements SET time = '2024-02-29T10:00:00.000000' WHERE id = 4");  // a leap day
    }
    const auto r = run_sync({"--db", (dir / "b.db").string(), "--dsn", pg.conninfo(name)});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.out, "rejected device_measurements row 2"), r.out);
    BOOST_TEST(contains(r.out, "rejected device_measurements row 3"), r.out);
    BOOST_TEST(!contains(r.out, "rejected device_measurements row 4"), r.out);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM device_measurements") == "3");
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM device_measurements WHERE time::date IN ('2025-03-03', '2023-03-01')") == "0");
}

BOOST_AUTO_TEST_CASE(status_changes_sent_are_reported_as_sent)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{3, 2, 1}, 16);  // each benchmark completed: one status change each
    const auto first = sync(sync_options(dir / "b.db", pg.conninfo(name)));
    BOOST_TEST(first.tables[1].table == "benchmark_status_changes");
    BOOST_TEST(first.tables[1].sent == 3);
    BOOST_TEST(first.tables[1].skipped == 0);
    // Several changes of one benchmark in one batch: all sent, the newest wins on the server.
    std::string id;
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc1234", "msg", dir / "b.db");
        id = rec.initialise_benchmark({{"gpu_name", "NVIDIA A100"}});
        rec.set_status(id, BenchmarkStatus::failed, "out of memory");
        rec.set_status(id, BenchmarkStatus::completed);
    }
    SQLite::Database db((dir / "b.db").string());
    const auto changes = db.execAndGet("SELECT count(*) FROM benchmark_status_changes WHERE benchmark_ref = "
                                       "(SELECT id FROM benchmarks WHERE benchmark_id = '" + id + "')").getInt64();
    const auto cli = run_sync({"--db", (dir / "b.db").string(), "--dsn", pg.conninfo(name)});
    BOOST_TEST(cli.status == 0, cli.err);
    BOOST_TEST(contains(cli.out, "benchmark_status_changes  " + std::string(10 - std::to_string(changes).size(), ' ') +
                                     std::to_string(changes) + " sent        0 already there"), cli.out);
    BOOST_TEST(pg.query(name, "SELECT status FROM benchmarks WHERE benchmark_id = '" + id + "'") == "completed");
    const auto again = sync(sync_options(dir / "b.db", pg.conninfo(name)));
    for (const auto& t : again.tables) BOOST_TEST(t.sent + t.skipped == 0);
}

BOOST_AUTO_TEST_CASE(watch_gives_a_new_source_id_once)
{
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 0}, 17);
    const auto original = store::read_source_id(dir / "b.db");
    auto o = sync_options(dir / "b.db", "host=127.0.0.1 port=1 dbname=x");
    o.new_source_id = true;
    std::atomic<bool> stop{false};
    o.stop = &stop;
    std::set<std::string> seen;
    int errors = 0;
    sync_watch(
        o, std::chrono::milliseconds(10), [](const SyncResult&) {},
        [&](const std::exception& e) {
            BOOST_TEST(contains(e.what(), "try again later"), e.what());
            seen.insert(store::read_source_id(dir / "b.db"));
            if (++errors == 3) stop = true;
        });
    BOOST_TEST(errors == 3);
    BOOST_TEST(seen.size() == 1u);
    BOOST_TEST(!seen.count(original));
}

BOOST_AUTO_TEST_SUITE_END()
