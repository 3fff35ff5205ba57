#define BOOST_TEST_MODULE held_rows
#include <boost/test/unit_test.hpp>

// Rows that cannot go yet: a rejected benchmark's measurements are held back instead of sent as
// orphans; rows a hand edit broke (text in a numeric column, measurements that are not a JSON
// object of numbers) are rejected instead of sent as 0 or as any JSON. Both wait in sync_rejects
// below the high-water mark, never block later rows, and go, exactly once, when fixed.
#include <SQLiteCpp/Database.h>

#include "benchstore/sync.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;

namespace {

std::vector<std::string> args(const std::filesystem::path& db, const std::string& conninfo)
{
    return {"--db", db.string(), "--dsn", conninfo, "--batch-rows", "40"};
}

} // namespace

BOOST_AUTO_TEST_SUITE(held_rows)

BOOST_AUTO_TEST_CASE(a_rejected_benchmarks_rows_wait_for_it_then_go_exactly_once)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto ids = add_rows(dir / "b.db", StoreShape{3, 60, 2}, 90);
    {
        SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE benchmarks SET commit_message = CAST(x'6f6bff20626164' AS TEXT) WHERE id = 2");
    }
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    const auto first = run_sync(args(dir / "b.db", conninfo));
    BOOST_TEST(first.status == 1);
    BOOST_TEST(contains(first.out, "rejected benchmarks row 2 of benchmark " + ids[1]), first.out);
    BOOST_TEST(contains(first.out, "held back 60 device_measurements rows of benchmark " + ids[1]), first.out);
    BOOST_TEST(contains(first.out, "held back 2 model_measurements rows of benchmark " + ids[1]), first.out);
    BOOST_TEST(contains(first.err, "held back"), first.err);
    // No orphans: nothing of benchmark 2 is on the server; the others' rows are all there.
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo, {ids[1]}) == "");
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM device_measurements WHERE benchmark_id = '" + ids[1] + "'") == "0");

    // Held rows do not block later ones, and are not offered again while their benchmark is out.
    add_rows(dir / "b.db", StoreShape{1, 30, 1}, 91);
    const auto second = run_sync(args(dir / "b.db", conninfo));
    BOOST_TEST(second.status == 0, second.err);
    BOOST_TEST(!contains(second.out, "held back"), second.out);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM sync_rejects") == std::to_string(1 + 60 + 2 + 1));

    // The user fixes the benchmark in the store: the next sync sends it and its rows, once.
    {
        SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE benchmarks SET commit_message = 'fixed by hand' WHERE id = 2");
    }
    const auto fixed = run_sync(args(dir / "b.db", conninfo));
    BOOST_TEST(fixed.status == 0, fixed.err);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM sync_rejects") == "0");
    BOOST_TEST(pg.query(name, "SELECT status FROM benchmarks WHERE benchmark_id = '" + ids[1] + "'") == "completed");
    const auto again = run_sync(args(dir / "b.db", conninfo));
    BOOST_TEST(again.status == 0, again.err);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(text_in_a_numeric_column_and_measurements_that_are_not_an_object_are_rejected)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto ids = add_rows(dir / "b.db", StoreShape{2, 20, 3}, 92);
    {
        SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE device_measurements SET cpu_util = 'abc' WHERE id = 5");
        db.exec("UPDATE device_measurements SET gpu_mem_megabytes = x'00ff' WHERE id = 40");  // the last row: at the mark
        db.exec("UPDATE model_measurements SET measurements = '[1,2]' WHERE id = 2");
        db.exec("UPDATE model_measurements SET measurements = '{\"a\":\"fast\"}' WHERE id = 4");
    }
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    const auto r = run_sync(args(dir / "b.db", conninfo));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.out, "rejected device_measurements row 5 of benchmark " + ids[0] +
                                   ": cpu_util is 'abc', not a number"), r.out);
    BOOST_TEST(contains(r.out, "rejected device_measurements row 40"), r.out);
    BOOST_TEST(contains(r.out, "rejected model_measurements row 2 of benchmark " + ids[0] +
                                   ": measurements '[1,2]' is not a JSON object of numbers"), r.out);
    BOOST_TEST(contains(r.out, "rejected model_measurements row 4"), r.out);
    BOOST_TEST(server_count(conninfo, "device_measurements") == 38);
    BOOST_TEST(server_count(conninfo, "model_measurements") == 4);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM device_measurements WHERE cpu_util = 0") == "0");
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM sync_rejects") == "4");

    // Fixed in the store (the row at the mark too), they go on the next sync; the rest is as it was.
    {
        SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE device_measurements SET cpu_util = 12.5 WHERE id = 5");
        db.exec("UPDATE device_measurements SET gpu_mem_megabytes = NULL WHERE id = 40");
        db.exec("UPDATE model_measurements SET measurements = '{\"x\":1,\"y\":2}' WHERE id = 2");
        db.exec("UPDATE model_measurements SET measurements = '{\"a\":0.5}' WHERE id = 4");
    }
    const auto fixed = run_sync(args(dir / "b.db", conninfo));
    BOOST_TEST(fixed.status == 0, fixed.err + fixed.out);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM sync_rejects") == "0");
}

BOOST_AUTO_TEST_SUITE_END()
