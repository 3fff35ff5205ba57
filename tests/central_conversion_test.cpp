#define BOOST_TEST_MODULE central_conversion
#include <boost/test/unit_test.hpp>

// benchstore-central partition --convert: an unpartitioned database (benchstore's own, or an adopted
// Hugging Face one) converted to weekly partitions, through kill -9 and with a sync going on.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "benchstore/postgres_migrations.hpp"
#include "support/central_fixture.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"
#include "sync/pg_connection.hpp"

using namespace benchstore;
using namespace benchstore::test;

BOOST_AUTO_TEST_SUITE(central_conversion)

BOOST_AUTO_TEST_CASE(conversion_survives_kill_9_with_a_sync_going_on_and_keeps_every_row_once)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{20, 1000, 2}, 21);
    add_rows(dir / "b.db", StoreShape{20, 500, 2}, 22);
    const auto name = unpartitioned_database();
    const auto conninfo = pg.conninfo(name);
    BOOST_TEST_REQUIRE(run_sync(sync_args(dir / "a.db", conninfo, 5000)).status == 0);

    const auto dry = run_program(central_program, {"--dsn", conninfo, "partition", "--convert", "--dry-run"});
    BOOST_TEST(dry.status == 0, dry.err);
    BOOST_TEST(contains(dry.out, "device_measurements: would convert"), dry.out);
    BOOST_TEST(count(name, "pg_class WHERE relname = 'device_measurements_converting'") == "0");

    // A sync of another machine's file goes on while the conversion copies, in small batches.
    const int sync_pid = spawn_sync(sync_args(dir / "b.db", conninfo, 100));
    const auto log = dir / "convert.log";
    const int converter =
        spawn_program(central_program, {"--dsn", conninfo, "partition", "--convert", "--chunk-blocks", "1"}, log);
    sync_::PgConnection holder(conninfo, std::chrono::seconds(60));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    auto progress = [&] {
        auto r = holder.exec("SELECT next_block, blocks FROM benchstore_partition_conversions "
                             "WHERE table_name = 'device_measurements'");
        return r.rows() == 1 ? std::make_pair(r.integer(0, "next_block"), r.integer(0, "blocks"))
                             : std::make_pair(0LL, 0LL);
    };
    int converter_status = 0;
    while (progress().first == 0 && std::chrono::steady_clock::now() < deadline &&
           waitpid(converter, &converter_status, WNOHANG) == 0)
        std::this_thread::yield();
    // Hold the progress row: the converter's next chunk waits for it, its rows copied but not committed.
    holder.exec("BEGIN");
    holder.exec("SELECT 1 FROM benchstore_partition_conversions WHERE table_name = 'device_measurements' FOR UPDATE");
    const auto [copied, blocks] = progress();
    BOOST_TEST_REQUIRE(copied > 0, read_text(log.string() + ".err"));
    BOOST_TEST_REQUIRE(copied < blocks);  // mid-way
    // Asked on a connection of its own each time: within the holder's transaction, pg_stat_activity
    // would answer from the snapshot its first read took.
    const auto converter_waits = [&] {
        return count(name, "pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE "
                           "'%benchstore_partition_conversions%FOR UPDATE%'") != "0";
    };
    while (!converter_waits() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    BOOST_TEST_REQUIRE(converter_waits(), "the converter did not come to wait for the progress row");
    // Meanwhile rows may not be changed, only added.
    BOOST_CHECK_THROW(sync_::PgConnection(conninfo, std::chrono::seconds(10))
                          .exec("UPDATE device_measurements SET cpu_util = cpu_util WHERE false"),
                      ServerError);
    kill(converter, SIGKILL);
    BOOST_TEST(wait_for(converter) == 128 + SIGKILL);
    holder.exec("ROLLBACK");
    BOOST_TEST(wait_for(sync_pid) == 0);

    // More rows while the conversion is interrupted: the trigger still carries them.
    add_rows(dir / "a.db", StoreShape{2, 300, 1}, 23);
    BOOST_TEST(run_sync(sync_args(dir / "a.db", conninfo)).status == 0);
    const auto listed = run_program(central_program, {"--dsn", conninfo, "partitions"});
    BOOST_TEST(contains(listed.out, "converting: block"), listed.out);

    const auto resumed = run_program(central_program, {"--dsn", conninfo, "partition", "--convert", "--chunk-blocks", "64"});
    BOOST_TEST_REQUIRE(resumed.status == 0, resumed.err);
    BOOST_TEST(contains(resumed.out, "device_measurements: converted"), resumed.out);
    BOOST_TEST(contains(resumed.out, "carried on"), resumed.out);
    BOOST_TEST(contains(resumed.out, "model_measurements: converted"), resumed.out);
    for (const char* table : {"device_measurements", "model_measurements"})
        BOOST_TEST(pg.query(name, std::string("SELECT relkind FROM pg_class WHERE oid = '") + table + "'::regclass") == "p");
    BOOST_TEST(compare_with_server({dir / "a.db", dir / "b.db"}, conninfo) == "");
    BOOST_TEST(count(name, "pg_trigger WHERE tgname LIKE 'benchstore_convert%'") == "0");
    BOOST_TEST(count(name, "pg_class WHERE relname LIKE '%converting%'") == "0");
    // The per-minute rollup's trigger moved to the partitioned table (rows copied into it during the
    // conversion were not counted again: compare_with_server checks the rollup).
    BOOST_TEST(count(name, "pg_trigger WHERE tgname = 'benchstore_device_minutes' "
                           "AND tgrelid = 'device_measurements'::regclass") == "1");
    BOOST_TEST(pg.query(name, "SELECT indexdef FROM pg_indexes WHERE indexname = 'device_measurements_pkey'") ==
               "CREATE UNIQUE INDEX device_measurements_pkey ON ONLY public.device_measurements USING btree "
               "(benchmark_id, local_id, \"time\")");
    // measurement_id goes on from the same sequence.
    BOOST_TEST(count(name, "(SELECT measurement_id FROM device_measurements GROUP BY 1 HAVING count(*) > 1) x") == "0");
    add_rows(dir / "b.db", StoreShape{1, 50, 1}, 24);
    BOOST_TEST(run_sync(sync_args(dir / "b.db", conninfo)).status == 0);
    BOOST_TEST(compare_with_server({dir / "a.db", dir / "b.db"}, conninfo) == "");
    const auto again = run_program(central_program, {"--dsn", conninfo, "partition", "--convert"});
    BOOST_TEST(contains(again.out, "device_measurements: already partitioned"), again.out);
}

// An adopted Hugging Face database (text ids, serial keys, foreign keys to benchmarks, rows their
// own recorder wrote): converted, it keeps every old row, its keys widened by time and its foreign
// keys, and sync and the dashboards go on.
BOOST_AUTO_TEST_CASE(an_adopted_hugging_face_database_converts_and_keeps_its_rows_and_keys)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    pg.query(name, read_text(std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql"));
    pg.query(name, "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata) "
                   "VALUES ('6f1d8c52-3c1e-4c8e-9a57-0d0c8e7b1a11', 'huggingface/transformers', 'main', 'abc1234', "
                   "'old', '{\"gpu_name\": \"NVIDIA A100\"}'); "
                   "INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes) "
                   "SELECT '6f1d8c52-3c1e-4c8e-9a57-0d0c8e7b1a11', i, 2048, NULL, NULL FROM generate_series(1, 50) i; "
                   "INSERT INTO model_measurements (benchmark_id, measurements) VALUES "
                   "('6f1d8c52-3c1e-4c8e-9a57-0d0c8e7b1a11', '{\"model_load_time\": 1.25}')");
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{3, 100, 1}, 31);
    BOOST_TEST_REQUIRE(run_sync(sync_args(dir / "a.db", conninfo)).status == 0);
    const auto old_rows = pg.query(name, "SELECT string_agg(x::text, '|' ORDER BY x::text) FROM device_measurements x "
                                         "WHERE local_id IS NULL");
    const auto before = dashboard_results(name);

    const auto r = run_program(central_program, {"--dsn", conninfo, "partition", "--convert", "--chunk-blocks", "1"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(pg.query(name, "SELECT relkind FROM pg_class WHERE oid = 'device_measurements'::regclass") == "p");
    BOOST_TEST(pg.query(name, "SELECT string_agg(x::text, '|' ORDER BY x::text) FROM device_measurements x "
                              "WHERE local_id IS NULL") == old_rows);
    BOOST_TEST(dashboard_results(name) == before);
    BOOST_TEST(pg.query(name, "SELECT string_agg(pg_get_constraintdef(oid), '; ' ORDER BY contype, conname) FROM "
                              "pg_constraint WHERE conrelid = 'device_measurements'::regclass") ==
               "FOREIGN KEY (benchmark_id) REFERENCES benchmarks(benchmark_id); PRIMARY KEY (measurement_id, \"time\")");
    BOOST_TEST(pg.query(name, "SELECT indexdef FROM pg_indexes WHERE indexname = 'device_measurements_benchstore_key'") ==
               "CREATE UNIQUE INDEX device_measurements_benchstore_key ON ONLY public.device_measurements USING btree "
               "(benchmark_id, local_id, \"time\")");
    // Their recorder's INSERT still works (serial id, the server's time), and so does sync.
    pg.query(name, "INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes) VALUES "
                   "('6f1d8c52-3c1e-4c8e-9a57-0d0c8e7b1a11', 1, 2)");
    BOOST_TEST(count(name, "device_measurements WHERE local_id IS NULL") == "51");
    add_rows(dir / "a.db", StoreShape{1, 20, 1}, 32);
    BOOST_TEST(run_sync(sync_args(dir / "a.db", conninfo)).status == 0);
    BOOST_TEST(compare_with_server({dir / "a.db"}, conninfo, {}, ServerRows::from_benchstore) == "");
}

BOOST_AUTO_TEST_SUITE_END()
