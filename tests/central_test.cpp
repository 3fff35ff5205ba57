#define BOOST_TEST_MODULE central
#include <boost/test/unit_test.hpp>

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
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"
#include "sync/pg_connection.hpp"

using namespace benchstore;
using namespace benchstore::test;

namespace {

const std::string central = "tools/benchstore-central";

std::vector<std::string> sync_args(const std::filesystem::path& db, const std::string& conninfo, int batch = 100)
{
    return {"--db", db.string(), "--dsn", conninfo, "--batch-rows", std::to_string(batch)};
}

// A database as an earlier benchstore made it: every migration, measurement tables unpartitioned.
std::string unpartitioned_database() { return database_with_migrations(postgres_schema::migrations.size()); }

// Moves the times of one benchmark's rows (store-local benchmark id ref) by sqlite date modifiers,
// keeping their microseconds.
void shift_times(const std::filesystem::path& db, int ref, const std::string& modifier)
{
    SQLite::Database s(db.string(), SQLite::OPEN_READWRITE);
    for (const char* table : {"device_measurements", "model_measurements"})
        s.exec(std::string("UPDATE ") + table + " SET time = strftime('%Y-%m-%dT%H:%M:%S', time, '" + modifier +
               "') || substr(time, 20) WHERE benchmark_ref = " + std::to_string(ref));
}

void set_device_time(const std::filesystem::path& db, int id, const std::string& time)
{
    SQLite::Database s(db.string(), SQLite::OPEN_READWRITE);
    s.exec("UPDATE device_measurements SET time = '" + time + "' WHERE id = " + std::to_string(id));
}

std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string count(const std::string& name, const std::string& from_where)
{
    return shared_postgres().query(name, "SELECT count(*) FROM " + from_where);
}

// Hugging Face's dashboard SQL (docs: ../shared/notes/hf-postgres-compat.md), with branch main, GPU
// NVIDIA A100 and 10 commits, each result as one text.
std::vector<std::string> dashboard_results(const std::string& name)
{
    const std::vector<std::string> queries{
        "SELECT DISTINCT branch FROM benchmarks",
        "SELECT DISTINCT gpu_name FROM benchmarks",
        "SELECT created_at - INTERVAL '5 secs' FROM benchmarks WHERE branch = 'main' ORDER BY benchmark_id ASC LIMIT 1",
        "SELECT time + INTERVAL '5 secs' FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main' ORDER BY b.benchmark_id DESC, d.measurement_id DESC LIMIT 1",
        "SELECT commit_id as commit_id, commit_message, gpu_name, created_at AS date FROM benchmarks WHERE branch = "
        "'main' ORDER BY benchmark_id DESC LIMIT 10",
        "SELECT CAST(m.measurements->'model_load_time' AS double precision) AS model_load_time, left(b.commit_id, 7), "
        "m.time FROM benchmarks as b JOIN model_measurements AS m ON b.benchmark_id = m.benchmark_id WHERE b.branch = "
        "'main' AND gpu_name = 'NVIDIA A100' ORDER BY b.benchmark_id DESC LIMIT 10",
        "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        "SELECT d.gpu_util, d.time, b.commit_id FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        "SELECT d.mem_megabytes, d.time FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        "SELECT d.gpu_mem_megabytes, d.time FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        // A time-range panel as Grafana sends it ($__timeFilter, one point per minute).
        "SELECT date_trunc('minute', time) AS t, avg(cpu_util) FROM device_measurements WHERE time BETWEEN "
        "(SELECT max(time) FROM device_measurements WHERE time < '2900-01-01') - interval '1 day' AND "
        "(SELECT max(time) FROM device_measurements WHERE time < '2900-01-01') GROUP BY 1 ORDER BY 1"};
    std::vector<std::string> out;
    for (const auto& q : queries)
        out.push_back(shared_postgres().query(name, "SELECT count(*) || ': ' || coalesce(string_agg(x::text, '|' ORDER BY "
                                                    "x::text), '') FROM (" + q + ") x"));
    return out;
}

// A store whose rows lie far apart in time: benchmark 1 two years back, benchmark 2 ten weeks back,
// benchmark 3 yesterday; device row 5 in 2999 and row 6 in 1969 (clocks set wrong).
void far_apart_store(const std::filesystem::path& db)
{
    add_rows(db, StoreShape{3, 200, 1}, 7);
    shift_times(db, 1, "-730 days");
    shift_times(db, 2, "-70 days");
    set_device_time(db, 5, "2999-01-01T00:00:00.000005");
    set_device_time(db, 6, "1969-07-20T20:17:40.000000");
}

} // namespace

BOOST_AUTO_TEST_SUITE(central_maintenance)

BOOST_AUTO_TEST_CASE(a_new_database_is_partitioned_and_takes_rows_far_apart_in_time)
{
    auto& pg = shared_postgres();
    TempDir dir;
    far_apart_store(dir / "a.db");
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    const auto r = run_sync(sync_args(dir / "a.db", conninfo, 50));
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(compare_with_server({dir / "a.db"}, conninfo) == "");
    for (const char* table : {"device_measurements", "model_measurements"})
        BOOST_TEST(pg.query(name, std::string("SELECT relkind FROM pg_class WHERE oid = '") + table + "'::regclass") == "p");
    // Only the two rows no week of 1970 .. next week holds wait in the default partition.
    BOOST_TEST(count(name, "device_measurements_default") == "2");
    BOOST_TEST(count(name, "model_measurements_default") == "0");
    BOOST_TEST(count(name, "device_measurements_default WHERE time > '2900-01-01' OR time < '1970-01-01'") == "2");
    // Each row lies in the partition of its own week.
    BOOST_TEST(count(name, "device_measurements d JOIN pg_class c ON c.oid = d.tableoid WHERE c.relname <> "
                           "'device_measurements_default' AND c.relname <> 'device_measurements_p' || "
                           "to_char(date_trunc('week', d.time), 'YYYYMMDD')") == "0");
    const auto list = run_program(central, {"--dsn", conninfo, "partitions"});
    BOOST_TEST(list.status == 0, list.err);
    BOOST_TEST(contains(list.out, "device_measurements: partitioned by week of time"), list.out);
    BOOST_TEST(contains(list.out, "device_measurements_default"), list.out);

    // The upkeep a cron job runs: the default partition's rows belong to no week it makes
    // partitions for, so they stay.
    const auto upkeep = run_program(central, {"--dsn", conninfo, "partition"});
    BOOST_TEST(upkeep.status == 0, upkeep.err);
    BOOST_TEST(contains(upkeep.out, "partitions created, 0 rows moved out of the default partition"), upkeep.out);
    BOOST_TEST(count(name, "device_measurements_default") == "2");

    // Again: nothing to send, nothing doubled; more rows, still exactly once.
    BOOST_TEST(run_sync(sync_args(dir / "a.db", conninfo)).status == 0);
    add_rows(dir / "a.db", StoreShape{1, 30, 1}, 8);
    BOOST_TEST(run_sync(sync_args(dir / "a.db", conninfo)).status == 0);
    BOOST_TEST(compare_with_server({dir / "a.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(the_dashboard_sql_answers_the_same_on_partitioned_and_unpartitioned_tables)
{
    auto& pg = shared_postgres();
    TempDir dir;
    far_apart_store(dir / "a.db");
    StoreShape dev{2, 20, 1};
    dev.branch = "dev";
    add_rows(dir / "a.db", dev, 9);
    const auto partitioned = pg.create_database();
    const auto plain = unpartitioned_database();
    for (const auto& name : {partitioned, plain})
        BOOST_TEST_REQUIRE(run_sync(sync_args(dir / "a.db", pg.conninfo(name))).status == 0);
    BOOST_TEST(pg.query(plain, "SELECT relkind FROM pg_class WHERE oid = 'device_measurements'::regclass") == "r");
    const auto expected = dashboard_results(plain);
    const auto got = dashboard_results(partitioned);
    BOOST_TEST_REQUIRE(expected.size() == got.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        BOOST_TEST(got[i] == expected[i], "query " << i);
        BOOST_TEST(expected[i].rfind("0: ", 0) != 0, "query " << i << " returns rows");
    }
    // A one-day panel reads only the partition of that day's week, of the five or more.
    pg.query(partitioned, "CREATE FUNCTION plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$ DECLARE r text; "
                          "o text := ''; BEGIN FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP o := o || r || ' '; "
                          "END LOOP; RETURN o; END $$");
    BOOST_TEST(std::stoi(count(partitioned, "pg_inherits WHERE inhparent = 'device_measurements'::regclass")) >= 5);
    const auto week = pg.query(partitioned, "SELECT to_char(date_trunc('week', max(time)), 'YYYY-MM-DD') FROM "
                                            "device_measurements WHERE time < '2900-01-01'");
    const std::string panel = "SELECT date_trunc(''minute'', time), avg(cpu_util) FROM device_measurements WHERE time "
                              "BETWEEN timestamp ''" + week + "'' AND timestamp ''" + week + "'' + interval ''1 day'' "
                              "GROUP BY 1";
    const auto plan = pg.query(partitioned, "SELECT plan_of('" + panel + "')");
    std::set<std::string> read;
    const std::regex partition_name("device_measurements_(p[0-9]{8}|default)");
    for (auto it = std::sregex_iterator(plan.begin(), plan.end(), partition_name); it != std::sregex_iterator(); ++it)
        read.insert(it->str());
    BOOST_TEST(read.size() == 1u, plan);
    BOOST_TEST(read.count("device_measurements_p" + week.substr(0, 4) + week.substr(5, 2) + week.substr(8, 2)) == 1u,
               plan);
}

BOOST_AUTO_TEST_CASE(retention_drops_only_weeks_older_than_the_cut_and_dry_run_changes_nothing)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{3, 200, 1}, 11);
    shift_times(dir / "a.db", 1, "-140 days");
    {
        // Benchmark 2's device rows an hour apart, from 100 hours before the cut to 99 after it.
        SQLite::Database s((dir / "a.db").string(), SQLite::OPEN_READWRITE);
        s.exec("UPDATE device_measurements SET time = strftime('%Y-%m-%dT%H:%M:%S', 'now', '-49 days', "
               "printf('%+d hours', id - (SELECT min(id) FROM device_measurements WHERE benchmark_ref = 2) - 100)) "
               "|| '.000000' WHERE benchmark_ref = 2");
    }
    set_device_time(dir / "a.db", 6, "1969-07-20T20:17:40.000000");
    set_device_time(dir / "a.db", 7, "2999-01-01T00:00:00.000000");
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    BOOST_TEST_REQUIRE(run_sync(sync_args(dir / "a.db", conninfo)).status == 0);
    BOOST_TEST_REQUIRE(compare_with_server({dir / "a.db"}, conninfo) == "");
    const std::string partitions = "pg_inherits WHERE inhparent = 'device_measurements'::regclass";
    const std::string all = "SELECT string_agg(x::text, '|' ORDER BY x::text) FROM device_measurements x";
    const auto rows_before = pg.query(name, all);
    const auto partitions_before = count(name, partitions);
    const std::string rollups = "SELECT string_agg(x::text, '|' ORDER BY x::text) FROM device_measurements_minutes x";
    const auto rollups_before = pg.query(name, rollups);

    const auto dry = run_program(central, {"--dsn", conninfo, "retention", "--older-than", "49d", "--dry-run"});
    BOOST_TEST(dry.status == 0, dry.err);
    BOOST_TEST(contains(dry.out, "would drop device_measurements_p"), dry.out);
    BOOST_TEST(contains(dry.out, "would delete 1 rows from device_measurements_default"), dry.out);
    BOOST_TEST(contains(dry.out, "kept device_measurements_p"), dry.out);
    BOOST_TEST(contains(dry.out, "kept the per-minute rollups (device_measurements_minutes)"), dry.out);
    BOOST_TEST(pg.query(name, all) == rows_before);
    BOOST_TEST(count(name, partitions) == partitions_before);

    const auto cut_floor = pg.query(name, "SELECT (now() AT TIME ZONE 'UTC' - interval '49 days')::text");
    const auto newer = pg.query(name, "SELECT string_agg(x::text, '|' ORDER BY x::text) FROM device_measurements x "
                                      "WHERE time >= '" + cut_floor + "'");
    const auto done = run_program(central, {"--dsn", conninfo, "retention", "--older-than", "49d"});
    BOOST_TEST(done.status == 0, done.err);
    BOOST_TEST(contains(done.out, "dropped device_measurements_p"), done.out);
    // Every row newer than the cut is there, untouched; of the older ones, only those of the week
    // that holds the cut (kept whole) and the one from a clock set to 2999.
    BOOST_TEST(pg.query(name, "SELECT string_agg(x::text, '|' ORDER BY x::text) FROM device_measurements x "
                              "WHERE time >= '" + cut_floor + "'") == newer);
    BOOST_TEST(count(name, "device_measurements WHERE time < date_trunc('week', timestamp '" + cut_floor + "')") == "0");
    BOOST_TEST(std::stoi(count(name, "device_measurements WHERE time < '" + cut_floor + "'")) > 0);  // the kept week
    BOOST_TEST(count(name, "model_measurements WHERE time < now() - interval '100 days'") == "0");
    BOOST_TEST(count(name, "device_measurements_default") == "1");
    BOOST_TEST(count(name, "benchmarks") == "3");  // benchmarks rows stay
    // The per-minute rollups stay, those of the dropped rows included, and still agree with the
    // rows that are left.
    BOOST_TEST(contains(done.out, "kept the per-minute rollups"), done.out);
    BOOST_TEST(pg.query(name, rollups) == rollups_before);
    BOOST_TEST(std::stoi(count(name, "device_measurements_minutes WHERE minute < date_trunc('week', timestamp '" +
                                         cut_floor + "')")) > 0);
    BOOST_TEST(rollup_difference(conninfo, RollupMinutes::with_rows) == "");
    // --rollups-older-than deletes the rollups of minutes older than its own cut, and only those.
    const auto shorter =
        run_program(central, {"--dsn", conninfo, "retention", "--older-than", "49d", "--rollups-older-than", "48d"});
    BOOST_TEST(shorter.status == 2, shorter.err);
    BOOST_TEST(contains(shorter.err, "--rollups-older-than must be at least --older-than"), shorter.err);
    const std::string newer_rollups = rollups + " WHERE minute > now() AT TIME ZONE 'UTC' - interval '100 days'";
    const auto kept_rollups = pg.query(name, newer_rollups);
    const std::string old_rollups = "device_measurements_minutes WHERE minute < now() AT TIME ZONE 'UTC' - "
                                    "interval '100 days 1 minute'";
    const auto old_count = count(name, old_rollups);
    BOOST_TEST(std::stoi(old_count) > 0);  // benchmark 1, 140 days back, and the row of 1969
    const auto would = run_program(
        central, {"--dsn", conninfo, "retention", "--older-than", "49d", "--rollups-older-than", "100d", "--dry-run"});
    BOOST_TEST(would.status == 0, would.err);
    BOOST_TEST(contains(would.out, "would delete " + old_count + " per-minute rollups"), would.out);
    BOOST_TEST(pg.query(name, rollups) == rollups_before);
    const auto trimmed =
        run_program(central, {"--dsn", conninfo, "retention", "--older-than", "49d", "--rollups-older-than", "100d"});
    BOOST_TEST(trimmed.status == 0, trimmed.err);
    BOOST_TEST(contains(trimmed.out, "deleted " + old_count + " per-minute rollups"), trimmed.out);
    BOOST_TEST(count(name, old_rollups) == "0");
    BOOST_TEST(pg.query(name, newer_rollups) == kept_rollups);
    // Sync carries on: nothing of the dropped rows is sent again (the file's marks are past them).
    add_rows(dir / "a.db", StoreShape{1, 10, 1}, 12);
    const auto again = run_sync(sync_args(dir / "a.db", conninfo));
    BOOST_TEST(again.status == 0, again.err);
    BOOST_TEST(contains(again.out, "device_measurements               10 sent"), again.out);
    BOOST_TEST(rollup_difference(conninfo, RollupMinutes::with_rows) == "");
}

BOOST_AUTO_TEST_CASE(conversion_survives_kill_9_with_a_sync_going_on_and_keeps_every_row_once)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{20, 1000, 2}, 21);
    add_rows(dir / "b.db", StoreShape{20, 500, 2}, 22);
    const auto name = unpartitioned_database();
    const auto conninfo = pg.conninfo(name);
    BOOST_TEST_REQUIRE(run_sync(sync_args(dir / "a.db", conninfo, 5000)).status == 0);

    const auto dry = run_program(central, {"--dsn", conninfo, "partition", "--convert", "--dry-run"});
    BOOST_TEST(dry.status == 0, dry.err);
    BOOST_TEST(contains(dry.out, "device_measurements: would convert"), dry.out);
    BOOST_TEST(count(name, "pg_class WHERE relname = 'device_measurements_converting'") == "0");

    // A sync of another machine's file goes on while the conversion copies, in small batches.
    const int sync_pid = spawn_sync(sync_args(dir / "b.db", conninfo, 100));
    const auto log = dir / "convert.log";
    const int converter =
        spawn_program(central, {"--dsn", conninfo, "partition", "--convert", "--chunk-blocks", "1"}, log);
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
    const auto listed = run_program(central, {"--dsn", conninfo, "partitions"});
    BOOST_TEST(contains(listed.out, "converting: block"), listed.out);

    const auto resumed = run_program(central, {"--dsn", conninfo, "partition", "--convert", "--chunk-blocks", "64"});
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
    const auto again = run_program(central, {"--dsn", conninfo, "partition", "--convert"});
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

    const auto r = run_program(central, {"--dsn", conninfo, "partition", "--convert", "--chunk-blocks", "1"});
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

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_with_the_right_exit_status)
{
    auto& pg = shared_postgres();
    const auto conninfo = pg.conninfo(pg.create_database());  // no benchstore schema in it
    for (const auto& age : {"90x", "0d", "-1d", "d", "1.5d", "99999999999999d"}) {
        const auto r = run_program(central, {"--dsn", conninfo, "retention", "--older-than", age});
        BOOST_TEST(r.status == 2, age);
        BOOST_TEST(contains(r.err, "--older-than"), r.err);
        BOOST_TEST(line_count(r.err) == 2u, r.err);  // the error and the usage line
    }
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"retention"}, {"vacuum"}, {}, {"partitions", "--convert"}, {"partition", "--dry-run"},
          {"partitions", "--rollups-older-than", "90d"}, {"retention", "--older-than", "90d", "--rollups-older-than", "1x"}}) {
        auto all = args;
        all.insert(all.begin(), {"--dsn", conninfo});
        const auto r = run_program(central, all);
        BOOST_TEST(r.status == 2, r.err);
    }
    const auto empty = run_program(central, {"--dsn", conninfo, "partitions"});
    BOOST_TEST(empty.status == 1);
    BOOST_TEST(contains(empty.err, "no benchstore schema"), empty.err);
    BOOST_TEST(line_count(empty.err) == 1u, empty.err);

    // Nothing listens on port 1; the password never shows.
    const auto gone = run_program(central, {"--dsn", "host=127.0.0.1 port=1 user=u password=Sekr1tPw connect_timeout=2",
                                            "retention", "--older-than", "90d"});
    BOOST_TEST(gone.status == 3, gone.err);
    BOOST_TEST(line_count(gone.err) == 1u, gone.err);
    BOOST_TEST(!contains(gone.err + gone.out, "Sekr1tPw"));

    // Retention needs partitions: an unpartitioned database is left alone, with the way forward.
    const auto plain = pg.conninfo(unpartitioned_database());
    const auto r = run_program(central, {"--dsn", plain, "retention", "--older-than", "90d"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "not partitioned"), r.err);
    BOOST_TEST(contains(r.err, "partition --convert"), r.err);
    BOOST_TEST(line_count(r.err) == 1u, r.err);
    const auto skipped = run_program(central, {"--dsn", plain, "partition"});
    BOOST_TEST(skipped.status == 0, skipped.err);
    BOOST_TEST(contains(skipped.out, "device_measurements: not partitioned, skipped"), skipped.out);
}

BOOST_AUTO_TEST_SUITE_END()
