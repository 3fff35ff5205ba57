#define BOOST_TEST_MODULE sync_index
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>
#include <SQLiteCpp/Database.h>

#include "benchstore/sync.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;

namespace {

// The plan's Bitmap Heap Scan node, or null.
const nlohmann::json* bitmap_heap_scan(const nlohmann::json& node)
{
    if (node.value("Node Type", "") == "Bitmap Heap Scan") return &node;
    if (node.contains("Plans"))
        for (const auto& child : node["Plans"])
            if (const auto* found = bitmap_heap_scan(child)) return found;
    return nullptr;
}

// 100,000 device rows, 20 s apart: about 23 days, spread over many BRIN block ranges.
constexpr int device_rows = 100'000;
// A Wednesday: in a partitioned table, the day's rows lie in the first half of their week's
// partition, so its last block range is one the panel can skip only if sync summarised it (the
// first range of each partition has a summary from the start: its index was built on the empty
// partition).
constexpr const char* one_day = "time BETWEEN '2026-01-07' AND '2026-01-08'";

void add_rows_over_days(const std::filesystem::path& store)
{
    add_rows(store, StoreShape{.benchmarks = 2, .device_rows = device_rows / 2, .model_rows = 0}, 7);
    SQLite::Database db(store.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE device_measurements SET time = strftime('%Y-%m-%dT%H:%M:%S', 1767225600 + id * 20, 'unixepoch') "
            "|| '.000000'");
}

// Turns autovacuum off for the whole server of this test executable and waits until new sessions
// see it off. A partitioned table takes no autovacuum setting of its own, and sync creates the
// weekly partitions its rows need as it goes (with the parent index's autosummarize), so only the
// server-wide setting keeps autovacuum from summarising their ranges.
void turn_autovacuum_off(PostgresServer& pg, const std::string& name)
{
    pg.query(name, "ALTER SYSTEM SET autovacuum = off");
    pg.query(name, "SELECT pg_reload_conf()");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (pg.query(name, "SELECT current_setting('autovacuum')") != "off")
        BOOST_TEST_REQUIRE((std::chrono::steady_clock::now() < deadline), "the server did not reload its settings");
}

// The block ranges of the table's BRIN indexes (its leaf partitions' when it is partitioned) that
// are not summarised: brin_summarize_new_values summarises them and says how many there were.
long long unsummarised_ranges(PostgresServer& pg, const std::string& name, const std::string& table)
{
    return std::stoll(pg.query(
        name, "SELECT coalesce(sum(brin_summarize_new_values(i.indexrelid::regclass)), 0) FROM pg_index i "
              "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
              "WHERE a.amname = 'brin' AND c.relkind = 'i' AND i.indrelid IN (SELECT '" + table +
                  "'::regclass UNION ALL SELECT relid FROM pg_partition_tree('" +
              table + "') WHERE isleaf)"));
}

// Syncs rows spread over days into the database's indexed table (its schema created or adopted
// already), in several batches, and checks that a one-day dashboard panel reads only the pages of
// about that day right after the sync, without any VACUUM: autovacuum is off, so nothing but sync
// can have summarised the new block ranges. A database benchstore creates is partitioned by week
// (lib/src/central/partitions.hpp): there the panel reads one week's partition, and must read only
// about that day's pages of it.
// role: conninfo words for another role than the server's superuser ("" for none).
void check_one_day_reads_its_own_pages(const std::string& name, bool partitioned, const std::string& role = "")
{
    auto& pg = shared_postgres();
    const auto conninfo = pg.conninfo(name) + role;
    TempDir dir;
    add_rows(dir / "s.db", StoreShape{.benchmarks = 1, .device_rows = 0, .model_rows = 0}, 1);
    sync(sync_options(dir / "s.db", conninfo));  // creates or adopts the schema
    BOOST_TEST_REQUIRE(pg.query(name, "SELECT relkind FROM pg_class WHERE oid = 'device_measurements'::regclass") ==
                       (partitioned ? "p" : "r"));
    turn_autovacuum_off(pg, name);

    add_rows_over_days(dir / "s.db");
    auto options = sync_options(dir / "s.db", conninfo);
    options.batch_rows = 7000;  // batches end inside block ranges: partly filled ranges get summarised
    const auto result = sync(options);
    BOOST_TEST(result.tables[2].sent == device_rows);
    BOOST_TEST(compare_with_server({dir / "s.db"}, conninfo, {}, ServerRows::from_benchstore) == "");

    const std::string panel = std::string("SELECT date_trunc('minute', time), avg(cpu_util) FROM device_measurements "
                                          "WHERE ") + one_day + " GROUP BY 1";
    const auto plan = nlohmann::json::parse(
        pg.query(name, "SET enable_seqscan = off; SET max_parallel_workers_per_gather = 0; "
                       "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + panel));
    const auto* scan = bitmap_heap_scan(plan.at(0).at("Plan"));
    BOOST_TEST_REQUIRE(scan != nullptr, plan.dump());
    const long long visited = scan->value("Exact Heap Blocks", 0LL) + scan->value("Lossy Heap Blocks", 0LL);
    // The table, or the partition of the day's week (the only one the panel reads).
    const std::string scanned = scan->value("Relation Name", "");
    const long long pages = std::stoll(pg.query(name, "SELECT pg_relation_size('" + scanned + "') / 8192"));
    BOOST_TEST_MESSAGE("one-day panel visited " << visited << " of " << pages << " pages of " << scanned);
    if (!partitioned) {
        // A day is 1/23 of the rows; its block ranges (128 pages each) at most a few more.
        BOOST_TEST(pages > 5 * 128);
        BOOST_TEST(visited < pages / 3, visited << " of " << pages << " pages visited");
    } else {
        // A day is 1/7 of its week's partition (Monday 2026-01-05, three block ranges or more); its
        // block ranges at most two, so the last one at least is skipped.
        BOOST_TEST(scanned == "device_measurements_p20260105");
        BOOST_TEST(pages > 2 * 128);
        BOOST_TEST(visited <= 2 * 128, visited << " of " << pages << " pages of " << scanned << " visited");
    }

    // Summaries taken while a range was still filling must still find every row of the day.
    const std::string count = std::string("SELECT count(*) FROM device_measurements WHERE ") + one_day;
    const auto by_index = pg.query(name, "SET enable_seqscan = off; " + count);
    const auto by_scan = pg.query(name, "SET enable_bitmapscan = off; SET enable_indexscan = off; " + count);
    BOOST_TEST(by_index == by_scan);
    BOOST_TEST(std::stoll(by_scan) == 24 * 3600 / 20 + 1);
    // Sync summarised every range it appended to, in every partition: none is left for anyone else.
    BOOST_TEST(unsummarised_ranges(pg, name, "device_measurements") == 0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_index)

BOOST_AUTO_TEST_CASE(rows_just_synced_are_covered_by_the_time_index)
{
    check_one_day_reads_its_own_pages(shared_postgres().create_database(), true);
}

// Sync summarises on a second session while the next batch loads (lib/src/sync/brin_summary.hpp).
// A role that may hold only one connection cannot open it: sync then summarises on its own
// connection at the end, and its rows are covered all the same.
BOOST_AUTO_TEST_CASE(rows_synced_by_a_role_limited_to_one_connection_are_covered_by_the_time_index)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    pg.query(name, "DROP ROLE IF EXISTS single_session; "
                   "CREATE ROLE single_session LOGIN CONNECTION LIMIT 1 PASSWORD 'single'; "
                   "ALTER DATABASE " + name + " OWNER TO single_session");
    check_one_day_reads_its_own_pages(name, true, " user=single_session password=single");
}

BOOST_AUTO_TEST_CASE(rows_just_synced_into_an_adopted_database_are_covered_by_the_time_index)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    std::ifstream in(std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql");
    const std::string hf_schema((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST_REQUIRE(!hf_schema.empty());
    pg.query(name, hf_schema);
    check_one_day_reads_its_own_pages(name, false);
}

BOOST_AUTO_TEST_SUITE_END()
