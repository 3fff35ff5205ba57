#define BOOST_TEST_MODULE central_partitions
#include <boost/test/unit_test.hpp>

// benchstore-central on a partitioned database: new databases partitioned by week, rows far apart in
// time, Hugging Face's dashboard SQL on both shapes, retention, and the command line's bad input.
// Conversion of an unpartitioned database: tests/central_conversion_test.cpp.
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

namespace {

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
    const auto list = run_program(central_program, {"--dsn", conninfo, "partitions"});
    BOOST_TEST(list.status == 0, list.err);
    BOOST_TEST(contains(list.out, "device_measurements: partitioned by week of time"), list.out);
    BOOST_TEST(contains(list.out, "device_measurements_default"), list.out);

    // The upkeep a cron job runs: the default partition's rows belong to no week it makes
    // partitions for, so they stay.
    const auto upkeep = run_program(central_program, {"--dsn", conninfo, "partition"});
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

    const auto dry = run_program(central_program, {"--dsn", conninfo, "retention", "--older-than", "49d", "--dry-run"});
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
    const auto done = run_program(central_program, {"--dsn", conninfo, "retention", "--older-than", "49d"});
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
        run_program(central_program, {"--dsn", conninfo, "retention", "--older-than", "49d", "--rollups-older-than", "48d"});
    BOOST_TEST(shorter.status == 2, shorter.err);
    BOOST_TEST(contains(shorter.err, "--rollups-older-than must be at least --older-than"), shorter.err);
    const std::string newer_rollups = rollups + " WHERE minute > now() AT TIME ZONE 'UTC' - interval '100 days'";
    const auto kept_rollups = pg.query(name, newer_rollups);
    const std::string old_rollups = "device_measurements_minutes WHERE minute < now() AT TIME ZONE 'UTC' - "
                                    "interval '100 days 1 minute'";
    const auto old_count = count(name, old_rollups);
    BOOST_TEST(std::stoi(old_count) > 0);  // benchmark 1, 140 days back, and the row of 1969
    const auto would = run_program(
        central_program, {"--dsn", conninfo, "retention", "--older-than", "49d", "--rollups-older-than", "100d", "--dry-run"});
    BOOST_TEST(would.status == 0, would.err);
    BOOST_TEST(contains(would.out, "would delete " + old_count + " per-minute rollups"), would.out);
    BOOST_TEST(pg.query(name, rollups) == rollups_before);
    const auto trimmed =
        run_program(central_program, {"--dsn", conninfo, "retention", "--older-than", "49d", "--rollups-older-than", "100d"});
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



BOOST_AUTO_TEST_CASE(bad_input_is_one_line_with_the_right_exit_status)
{
    auto& pg = shared_postgres();
    const auto conninfo = pg.conninfo(pg.create_database());  // no benchstore schema in it
    for (const auto& age : {"90x", "0d", "-1d", "d", "1.5d", "99999999999999d"}) {
        const auto r = run_program(central_program, {"--dsn", conninfo, "retention", "--older-than", age});
        BOOST_TEST(r.status == 2, age);
        BOOST_TEST(contains(r.err, "--older-than"), r.err);
        BOOST_TEST(line_count(r.err) == 2u, r.err);  // the error and the usage line
    }
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"retention"}, {"vacuum"}, {}, {"partitions", "--convert"}, {"partition", "--dry-run"},
          {"partitions", "--rollups-older-than", "90d"}, {"retention", "--older-than", "90d", "--rollups-older-than", "1x"}}) {
        auto all = args;
        all.insert(all.begin(), {"--dsn", conninfo});
        const auto r = run_program(central_program, all);
        BOOST_TEST(r.status == 2, r.err);
    }
    const auto empty = run_program(central_program, {"--dsn", conninfo, "partitions"});
    BOOST_TEST(empty.status == 1);
    BOOST_TEST(contains(empty.err, "no benchstore schema"), empty.err);
    BOOST_TEST(line_count(empty.err) == 1u, empty.err);

    // Nothing listens on port 1; the password never shows.
    const auto gone = run_program(central_program, {"--dsn", "host=127.0.0.1 port=1 user=u password=Sekr1tPw connect_timeout=2",
                                            "retention", "--older-than", "90d"});
    BOOST_TEST(gone.status == 3, gone.err);
    BOOST_TEST(line_count(gone.err) == 1u, gone.err);
    BOOST_TEST(!contains(gone.err + gone.out, "Sekr1tPw"));

    // Retention needs partitions: an unpartitioned database is left alone, with the way forward.
    const auto plain = pg.conninfo(unpartitioned_database());
    const auto r = run_program(central_program, {"--dsn", plain, "retention", "--older-than", "90d"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "not partitioned"), r.err);
    BOOST_TEST(contains(r.err, "partition --convert"), r.err);
    BOOST_TEST(line_count(r.err) == 1u, r.err);
    const auto skipped = run_program(central_program, {"--dsn", plain, "partition"});
    BOOST_TEST(skipped.status == 0, skipped.err);
    BOOST_TEST(contains(skipped.out, "device_measurements: not partitioned, skipped"), skipped.out);
}

BOOST_AUTO_TEST_SUITE_END()

