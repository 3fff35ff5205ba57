#define BOOST_TEST_MODULE sync_paths
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include <libpq-fe.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;
using Clock = std::chrono::steady_clock;

namespace {

std::string sql_number(const SQLite::Column& c)
{
    if (c.isNull()) return "NULL";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", c.getDouble());
    return buf;
}

// An INSERT of the store's device row with this id, as another path (a merged store syncing)
// would put it on the server: same identity, same values.
std::string same_row_insert(const std::filesystem::path& store, int id)
{
    SQLite::Database db(store.string());
    SQLite::Statement q(db, "SELECT b.benchmark_id, d.id, d.cpu_util, d.mem_megabytes, d.gpu_util, "
                            "d.gpu_mem_megabytes, d.time FROM device_measurements d "
                            "JOIN benchmarks b ON b.id = d.benchmark_ref WHERE d.id = ?");
    q.bind(1, id);
    BOOST_TEST_REQUIRE(q.executeStep());
    return "INSERT INTO device_measurements (benchmark_id, local_id, cpu_util, mem_megabytes, gpu_util, "
           "gpu_mem_megabytes, time) VALUES ('" + q.getColumn(0).getString() + "', " + q.getColumn(1).getString() +
           ", " + sql_number(q.getColumn(2)) + ", " + sql_number(q.getColumn(3)) + ", " + sql_number(q.getColumn(4)) +
           ", " + sql_number(q.getColumn(5)) + ", '" + q.getColumn(6).getString() + "')";
}

void exec(PGconn* conn, const std::string& sql)
{
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn, sql.c_str()), &PQclear);
    BOOST_TEST_REQUIRE((PQresultStatus(r.get()) == PGRES_COMMAND_OK || PQresultStatus(r.get()) == PGRES_TUPLES_OK),
                       PQresultErrorMessage(r.get()));
}

// What a sync adds to the per-minute rollup for the one device row with this local id it inserted
// (sync/device_minutes.hpp), run in that sync's transaction after its COPY.
std::string add_minute_of_row(int local_id)
{
    std::string sql = "SELECT benchstore_device_minutes_put(ARRAY[benchmark_id::text], ARRAY[(extract(epoch FROM "
                      "date_trunc('minute', time) - timestamp '2000-01-01') / 60)::bigint], ARRAY[1]";
    for (const char* c : {"cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"})
        sql += std::string(", ARRAY[(") + c + " IS NOT NULL)::integer], ARRAY[" + c + "], ARRAY[" + c + "], ARRAY[" + c + "]";
    return sql + ") FROM device_measurements WHERE local_id = " + std::to_string(local_id);
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_paths)

// A batch goes straight into the table when the server holds none of its keys. A row that arrives
// by another path after that check (a merged copy of the store syncing at the same moment) must
// still count once: here it sits in a transaction that commits only once sync's COPY waits on its
// key. Sync must finish with the row on the server once, reported as already there, not rejected.
BOOST_AUTO_TEST_CASE(a_row_arriving_by_another_path_during_the_copy_counts_once)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    TempDir dir;
    add_rows(dir / "s.db", StoreShape{.benchmarks = 1, .device_rows = 0, .model_rows = 0}, 3);
    BOOST_TEST_REQUIRE(run_sync({"--db", (dir / "s.db").string(), "--dsn", conninfo}).status == 0);  // the schema
    add_rows(dir / "s.db", StoreShape{.benchmarks = 2, .device_rows = 300, .model_rows = 1}, 4);

    std::unique_ptr<PGconn, decltype(&PQfinish)> other(PQconnectdb(conninfo.c_str()), &PQfinish);
    BOOST_TEST_REQUIRE(PQstatus(other.get()) == CONNECTION_OK);
    // The other path is a sync too: its row carries a local_id, so the rollup trigger skips it,
    // and it adds the row to its minute after its COPY, in the same transaction (before that, it
    // holds no lock on the minute that this sync's earlier batches add to).
    exec(other.get(), "BEGIN");
    exec(other.get(), same_row_insert(dir / "s.db", 450));

    const auto log = dir / "sync.out";
    const int pid = spawn_sync({"--db", (dir / "s.db").string(), "--dsn", conninfo, "--batch-rows", "200"}, log);
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    const std::string waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                "AND query LIKE 'COPY device_measurements %'";
    while (pg.query(name, waiting) != "1") {
        BOOST_TEST_REQUIRE((Clock::now() < deadline), "sync's COPY never waited on the other path's row");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    exec(other.get(), add_minute_of_row(450));
    exec(other.get(), "COMMIT");
    BOOST_TEST(wait_for(pid) == 0);

    std::FILE* f = std::fopen(log.c_str(), "r");
    BOOST_TEST_REQUIRE(f != nullptr);
    std::string out(4096, '\0');
    out.resize(std::fread(out.data(), 1, out.size(), f));
    std::fclose(f);
    char expected[128];
    std::snprintf(expected, sizeof expected, "%-25s %10d sent %8d already there %6d rejected", "device_measurements",
                  599, 1, 0);
    BOOST_TEST(contains(out, expected), out);
    BOOST_TEST(compare_with_server({dir / "s.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_SUITE_END()
