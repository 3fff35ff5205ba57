#define BOOST_TEST_MODULE sync_index
#include <boost/test/unit_test.hpp>

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
constexpr const char* one_day = "time BETWEEN '2026-01-10' AND '2026-01-11'";

void add_rows_over_days(const std::filesystem::path& store)
{
    add_rows(store, StoreShape{.benchmarks = 2, .device_rows = device_rows / 2, .model_rows = 0}, 7);
    SQLite::Database db(store.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE device_measurements SET time = strftime('%Y-%m-%dT%H:%M:%S', 1767225600 + id * 20, 'unixepoch') "
            "|| '.000000'");
}

// Syncs rows spread over days into the database's indexed table (its schema created or adopted
// already), in several batches, and checks that a one-day dashboard panel reads only the pages of
// about that day right after the sync, without any VACUUM: autovacuum is off for the table and
// autosummarize for its index, so nothing but sync can have summarised the new block ranges.
void check_one_day_reads_its_own_pages(const std::string& name)
{
    auto& pg = shared_postgres();
    const auto conninfo = pg.conninfo(name);
    TempDir dir;
    add_rows(dir / "s.db", StoreShape{.benchmarks = 1, .device_rows = 0, .model_rows = 0}, 1);
    sync(sync_options(dir / "s.db", conninfo));  // creates or adopts the schema
    pg.query(name, "ALTER TABLE device_measurements SET (autovacuum_enabled = off); "
                   "ALTER INDEX device_measurements_time_brin SET (autosummarize = off)");

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
    const long long pages = std::stoll(pg.query(name, "SELECT pg_relation_size('device_measurements') / 8192"));
    BOOST_TEST_MESSAGE("one-day panel visited " << visited << " of " << pages << " pages");
    // A day is 1/23 of the rows; its block ranges (128 pages each) at most a few more.
    BOOST_TEST(pages > 5 * 128);
    BOOST_TEST(visited < pages / 3, visited << " of " << pages << " pages visited");

    // Summaries taken while a range was still filling must still find every row of the day.
    const std::string count = std::string("SELECT count(*) FROM device_measurements WHERE ") + one_day;
    const auto by_index = pg.query(name, "SET enable_seqscan = off; " + count);
    const auto by_scan = pg.query(name, "SET enable_bitmapscan = off; SET enable_indexscan = off; " + count);
    BOOST_TEST(by_index == by_scan);
    BOOST_TEST(std::stoll(by_scan) == 24 * 3600 / 20 + 1);
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_index)

BOOST_AUTO_TEST_CASE(rows_just_synced_are_covered_by_the_time_index)
{
    check_one_day_reads_its_own_pages(shared_postgres().create_database());
}

BOOST_AUTO_TEST_CASE(rows_just_synced_into_an_adopted_database_are_covered_by_the_time_index)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    std::ifstream in(std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql");
    const std::string hf_schema((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST_REQUIRE(!hf_schema.empty());
    pg.query(name, hf_schema);
    check_one_day_reads_its_own_pages(name);
}

BOOST_AUTO_TEST_SUITE_END()
