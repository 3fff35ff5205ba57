#define BOOST_TEST_MODULE merge_sync
#include <boost/test/unit_test.hpp>

// Merging stores (benchstore-import of a store) against the sync oracle: the originals and merged
// copies, synced in any order, any number of times, leave each row on the server once.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

int spawn(const std::vector<std::string>& all)
{
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (const auto& a : all) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

int spawn_merge(const fs::path& into, const fs::path& from)
{
    return spawn({IMPORT_EXE, "--db", into.string(), from.string()});
}

// Merges from into `into` and waits; returns the exit status.
int merge(const fs::path& into, const fs::path& from) { return wait_for(spawn_merge(into, from)); }

int sync_store(const fs::path& db, const std::string& conninfo)
{
    return run_sync({"--db", db.string(), "--dsn", conninfo, "--batch-rows", "97"}).status;
}

// Rows of the table; 0 when the store is not there yet (a merge killed while creating it).
std::int64_t rows(const fs::path& db, const std::string& table)
{
    if (!fs::exists(db)) return 0;
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    if (d.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = '" + table + "'").getInt() == 0) return 0;
    return d.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

} // namespace

BOOST_AUTO_TEST_CASE(two_machines_and_a_merged_copy_synced_in_every_order)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto a = dir / "a.db", b = dir / "b.db", usb = dir / "usb.db";
    add_rows(a, StoreShape{4, 120, 3}, 101);
    add_rows(b, StoreShape{3, 80, 2}, 102);
    BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
    BOOST_REQUIRE_EQUAL(merge(usb, b), 0);
    BOOST_TEST(rows(usb, "device_measurements") == 4 * 120 + 3 * 80);
    std::vector<fs::path> order{a, b, usb};
    std::sort(order.begin(), order.end());
    int orders = 0;
    do {
        const auto conninfo = pg.conninfo(pg.create_database());
        for (int pass = 0; pass < 2; ++pass)
            for (const auto& store : order) BOOST_REQUIRE_EQUAL(sync_store(store, conninfo), 0);
        const auto diff = compare_with_server({a, b, usb}, conninfo);
        BOOST_TEST(diff.empty(), "order " << orders << ": " << diff);
        BOOST_TEST(server_count(conninfo, "device_measurements") == 4 * 120 + 3 * 80);
        BOOST_TEST(server_count(conninfo, "benchmarks") == 7);
        ++orders;
    } while (std::next_permutation(order.begin(), order.end()));
    BOOST_TEST(orders == 6);
}

BOOST_AUTO_TEST_CASE(a_newer_copy_adds_only_what_is_new_and_a_merged_store_merges_and_syncs)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto a = dir / "a.db", b = dir / "b.db", usb = dir / "usb.db", second = dir / "second.db";
    add_rows(a, StoreShape{3, 50, 2}, 111);
    add_rows(b, StoreShape{2, 40, 1}, 112);
    BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
    BOOST_REQUIRE_EQUAL(merge(usb, b), 0);
    const auto conninfo = pg.conninfo(pg.create_database());
    BOOST_REQUIRE_EQUAL(sync_store(usb, conninfo), 0);
    // Machine a records more; its newer copy adds only that; the same copy again adds nothing.
    add_rows(a, StoreShape{2, 30, 1}, 113);
    BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
    BOOST_TEST(rows(usb, "benchmarks") == 7);
    BOOST_TEST(rows(usb, "device_measurements") == 3 * 50 + 2 * 40 + 2 * 30);
    BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
    BOOST_TEST(rows(usb, "device_measurements") == 3 * 50 + 2 * 40 + 2 * 30);
    // A merged store merged into another, then everything synced, some twice.
    BOOST_REQUIRE_EQUAL(merge(second, usb), 0);
    BOOST_REQUIRE_EQUAL(merge(second, b), 0);
    BOOST_TEST(rows(second, "device_measurements") == 3 * 50 + 2 * 40 + 2 * 30);
    for (const auto& store : {second, a, usb, b, second}) BOOST_REQUIRE_EQUAL(sync_store(store, conninfo), 0);
    BOOST_TEST(compare_with_server({a, b, usb, second}, conninfo) == "");
    BOOST_TEST(server_count(conninfo, "device_measurements") == 3 * 50 + 2 * 40 + 2 * 30);
}

BOOST_AUTO_TEST_CASE(a_copy_written_to_separately_is_refused)
{
    TempDir dir;
    const auto a = dir / "a.db", copy = dir / "copy.db", usb = dir / "usb.db";
    add_rows(a, StoreShape{2, 20, 1}, 121);
    fs::copy_file(a, copy);
    add_rows(a, StoreShape{1, 10, 1}, 122);
    add_rows(copy, StoreShape{1, 10, 1}, 123);  // same ids, other rows
    BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
    const auto before = rows(usb, "device_measurements");
    BOOST_TEST(merge(usb, copy) == 1);
    BOOST_TEST(rows(usb, "device_measurements") == before);
}

// kill -9 at random moments of a merge: the merged store has all of the source or nothing of it, and
// the next merge finishes the job; synced with the original, each row is on the server once.
BOOST_AUTO_TEST_CASE(kill_9_during_a_merge_leaves_nothing_half_done)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto a = dir / "a.db";
    add_rows(a, StoreShape{20, 4000, 50}, 131);
    const auto total = rows(a, "device_measurements");
    const auto t0 = Clock::now();
    BOOST_REQUIRE_EQUAL(merge(dir / "probe.db", a), 0);
    const double full_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::mt19937 rng(977);
    int kills = 0;
    for (int round = 0; round < 12; ++round) {
        const auto usb = dir / ("usb" + std::to_string(round) + ".db");
        const int pid = spawn_merge(usb, a);
        std::uniform_real_distribution<double> delay(0, full_ms);
        std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(delay(rng) * 1000)));
        kill(pid, SIGKILL);
        const int status = wait_for(pid);
        if (status == 128 + SIGKILL) ++kills;
        const auto held = rows(usb, "device_measurements");
        BOOST_TEST((held == 0 || held == total), "round " << round << ": " << held << " of " << total);
        BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
        BOOST_TEST(rows(usb, "device_measurements") == total);
        if (round % 4 == 0) {
            const auto conninfo = pg.conninfo(pg.create_database());
            BOOST_REQUIRE_EQUAL(sync_store(usb, conninfo), 0);
            BOOST_REQUIRE_EQUAL(sync_store(a, conninfo), 0);
            BOOST_TEST(compare_with_server({a, usb}, conninfo) == "");
        }
    }
    BOOST_TEST_MESSAGE(kills << " merges killed of 12");
    BOOST_TEST(kills >= 4);
}

// A store a runner is writing right now is read as one snapshot: every merge is consistent, and
// once the writer is done the last merge has all of it.
BOOST_AUTO_TEST_CASE(a_store_being_written_merges_as_one_snapshot)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto a = dir / "a.db", usb = dir / "usb.db";
    add_rows(a, StoreShape{1, 10, 1}, 141);
    const int writer = spawn({built_program("tests/sync_test_writer").string(), a.string(), "3000", "200"});
    int merges = 0;
    while (waitpid(writer, nullptr, WNOHANG) == 0) {
        BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
        ++merges;
    }
    BOOST_REQUIRE_EQUAL(merge(usb, a), 0);
    BOOST_TEST(merges >= 2);
    BOOST_TEST(rows(usb, "device_measurements") == rows(a, "device_measurements"));
    BOOST_TEST(rows(usb, "benchmark_status_changes") == rows(a, "benchmark_status_changes"));
    const auto conninfo = pg.conninfo(pg.create_database());
    BOOST_REQUIRE_EQUAL(sync_store(usb, conninfo), 0);
    BOOST_REQUIRE_EQUAL(sync_store(a, conninfo), 0);
    BOOST_TEST(compare_with_server({a, usb}, conninfo) == "");
}
