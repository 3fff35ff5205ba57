#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <fstream>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/sqlite_migrations.hpp"
#include "benchstore/store.hpp"
#include "store/store_info.hpp"
#include "benchstore/timestamp.hpp"
#include "core/utf8.hpp"
#include "core/uuid.hpp"
#include "store/sqlite_store.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;

BOOST_AUTO_TEST_SUITE(store_file)

BOOST_AUTO_TEST_CASE(creates_current_schema_in_wal_mode)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    BOOST_TEST(db.execAndGet("PRAGMA user_version").getInt() == latest_store_version());
    BOOST_TEST(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    BOOST_TEST(db.execAndGet("PRAGMA synchronous").getInt() == 2);  // FULL
    BOOST_TEST(is_uuid(store::read_source_id(dir / "b.db")));
}

BOOST_AUTO_TEST_CASE(reopening_keeps_source_id_and_data)
{
    TempDir dir;
    std::string id;
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", dir / "b.db");
        id = rec.initialise_benchmark({{"model", "gpt2"}});
    }
    const auto source = store::read_source_id(dir / "b.db");
    auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", dir / "b.db");
    rec.collect_model_measurements(id, {{"t", 1.0}});  // found in the file, not in this recorder's memory
    BOOST_TEST(store::read_source_id(dir / "b.db") == source);
}

BOOST_AUTO_TEST_CASE(refuses_newer_schema_and_leaves_it_untouched)
{
    TempDir dir;
    { store::open_store(dir / "b.db", store::OpenMode::read_write); }
    { SQLite::Database raw((dir / "b.db").string(), SQLite::OPEN_READWRITE); raw.exec("PRAGMA user_version = 99"); }
    BOOST_CHECK_THROW(store::open_store(dir / "b.db", store::OpenMode::read_write), NewerSchemaError);
    try {
        create_global_metrics_recorder("r", "b", "c", "m", dir / "b.db");
        BOOST_FAIL("expected a throw");
    } catch (const NewerSchemaError& e) {
        BOOST_TEST(std::string(e.what()).find("newer benchstore") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("99") != std::string::npos);
    }
    SQLite::Database raw((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(raw.execAndGet("PRAGMA user_version").getInt() == 99);
}

BOOST_AUTO_TEST_CASE(refuses_non_database_and_foreign_database)
{
    TempDir dir;
    { std::ofstream(dir / "junk.db") << "this is not a database, just some text that is long enough........"; }
    BOOST_CHECK_THROW(store::open_store(dir / "junk.db", store::OpenMode::read_write), StoreError);
    BOOST_CHECK_THROW(store::open_store(dir / "missing.db", store::OpenMode::read_only), StoreError);
    { SQLite::Database raw((dir / "other.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); raw.exec("CREATE TABLE t (x)"); }
    BOOST_CHECK_THROW(store::open_store(dir / "other.db", store::OpenMode::read_write), StoreError);
    SQLite::Database raw((dir / "other.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(raw.execAndGet("PRAGMA user_version").getInt() == 0);  // not adopted
}

BOOST_AUTO_TEST_CASE(migrates_an_older_file_forward_and_keeps_its_rows)
{
    BOOST_REQUIRE(sqlite_schema::migrations.size() >= 2u);
    TempDir dir;
    {
        // A store exactly as version 1 of benchstore left it.
        SQLite::Database raw((dir / "v1.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec(std::string(sqlite_schema::migrations[0]));
        raw.exec("INSERT INTO store_info VALUES ('source_id', '3f0c1a52-0000-4000-8000-000000000001')");
        raw.exec("INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, created_at, host) "
                 "VALUES ('01938f5e-7c2a-7b3d-9f10-3a5c7e9b1d2f', 'r', 'b', 'c', 'm', '2025-07-29T20:08:07.875408', 'h')");
        raw.exec("PRAGMA user_version = 1");
    }
    {
        // Read-only (export) reads a version 1 file as it is and never migrates it.
        auto ro = store::open_store(dir / "v1.db", store::OpenMode::read_only);
        BOOST_TEST(ro.execAndGet("SELECT count(*) FROM benchmarks").getInt() == 1);
    }
    BOOST_TEST(SQLite::Database((dir / "v1.db").string(), SQLite::OPEN_READONLY).execAndGet("PRAGMA user_version").getInt() == 1);
    auto db = store::open_store(dir / "v1.db", store::OpenMode::read_write);
    BOOST_TEST(db.execAndGet("PRAGMA user_version").getInt() == latest_store_version());
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'benchmark_status_changes_benchmark'").getInt() == 1);
    BOOST_TEST(db.execAndGet("SELECT created_at FROM benchmarks").getString() == "2025-07-29T20:08:07.875408");
    BOOST_TEST(store::read_source_id(dir / "v1.db") == "3f0c1a52-0000-4000-8000-000000000001");
    // Version 3: the host fingerprint column, NULL for rows recorded before it.
    BOOST_TEST(db.execAndGet("SELECT host_info IS NULL FROM benchmarks").getInt() == 1);
    auto rec = create_global_metrics_recorder("r", "b", "c", "m", dir / "v1.db");
    rec.collect_device_measurements("01938f5e-7c2a-7b3d-9f10-3a5c7e9b1d2f", 1.0, 2.0);
}

BOOST_AUTO_TEST_CASE(many_connections_create_one_new_file_at_once)
{
    // Each round: eight connections open the same brand-new file at the same moment. All must succeed
    // (the second waits for the first) and the file must end up migrated exactly once.
    for (int round = 0; round < 15; ++round) {
        TempDir dir;
        const auto path = dir / "new.db";
        std::atomic<int> ready{0}, failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&] {
                ++ready;
                while (ready.load() < 8) std::this_thread::yield();
                try {
                    auto rec = create_global_metrics_recorder("r", "b", "c", "m", path);
                    rec.initialise_benchmark({});
                } catch (const std::exception& e) {
                    BOOST_TEST_MESSAGE("open failed: " << e.what());
                    ++failures;
                }
            });
        for (auto& th : threads) th.join();
        BOOST_REQUIRE_EQUAL(failures.load(), 0);
        SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
        BOOST_TEST(raw.execAndGet("SELECT count(*) FROM benchmarks").getInt() == 8);
        BOOST_TEST(raw.execAndGet("SELECT count(*) FROM store_info WHERE key = 'source_id'").getInt() == 1);
    }
}

BOOST_AUTO_TEST_CASE(a_foreign_file_is_refused_without_being_changed)
{
    TempDir dir;
    const auto path = dir / "other.db";
    { SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); raw.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)"); }
    const auto bytes = [&] { std::ifstream in(path, std::ios::binary); return std::string(std::istreambuf_iterator<char>(in), {}); };
    const std::string before = bytes();
    BOOST_CHECK_THROW(create_global_metrics_recorder("r", "b", "c", "m", path), StoreError);
    BOOST_TEST((bytes() == before));
    BOOST_TEST(!std::filesystem::exists(path.string() + "-wal"));
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    BOOST_TEST(raw.execAndGet("PRAGMA journal_mode").getString() == "delete");
}

BOOST_AUTO_TEST_CASE(uuid_v7_is_time_ordered_and_well_formed)
{
    std::string previous;
    for (int i = 0; i < 20000; ++i) {
        const std::string id = make_uuid_v7();
        BOOST_REQUIRE(is_uuid(id));
        BOOST_REQUIRE(id[14] == '7');                        // version
        BOOST_REQUIRE(std::string("89ab").find(id[19]) != std::string::npos);  // variant
        BOOST_REQUIRE(id > previous);                         // strictly increasing within a process
        previous = id;
    }
    const auto ms_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string id = make_uuid_v7();
    const long long ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
    BOOST_TEST(std::llabs(ms - ms_now) < 5000);
}

BOOST_AUTO_TEST_CASE(truncates_utf8_on_character_boundaries)
{
    BOOST_TEST(truncate_utf8("abc", 70) == "abc");
    BOOST_TEST(truncate_utf8("héllo", 2) == "hé");
    BOOST_TEST(truncate_utf8("日本語テキスト", 3) == "日本語");
    BOOST_TEST(truncate_utf8("a😀b", 2) == "a😀");
    BOOST_TEST(is_valid_utf8("日本語😀"));
    BOOST_TEST(!is_valid_utf8("\xff\xfe"));
    BOOST_TEST(!is_valid_utf8("\xed\xa0\x80"));  // surrogate
}

BOOST_AUTO_TEST_CASE(timestamps_have_six_fraction_digits)
{
    const Timestamp t = parse_timestamp("2025-07-29T20:08:07");
    BOOST_TEST(format_timestamp(t) == "2025-07-29T20:08:07.000000");
    BOOST_TEST(format_timestamp(parse_timestamp("2025-07-29T20:08:07.875408")) == "2025-07-29T20:08:07.875408");
    BOOST_TEST(format_timestamp(parse_timestamp("2025-07-29")) == "2025-07-29T00:00:00.000000");
    BOOST_TEST(format_file_stamp(t) == "20250729_200807");
    BOOST_CHECK_THROW(parse_timestamp("yesterday"), InvalidArgument);
    BOOST_CHECK_THROW(parse_timestamp("2025-13-40"), InvalidArgument);
    BOOST_CHECK_THROW(parse_timestamp("-001-01-01"), InvalidArgument);
    BOOST_CHECK_THROW(parse_timestamp("10000-01-01"), InvalidArgument);
    BOOST_CHECK_THROW(format_timestamp(t + std::chrono::hours(24 * 366 * 9000)), InvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()
