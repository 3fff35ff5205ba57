#define BOOST_TEST_MODULE sync_fault
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <random>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchstore/store.hpp"
#include "store/store_info.hpp"
#include "benchstore/sync.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;
using Clock = std::chrono::steady_clock;

namespace {


std::vector<std::string> args(const std::filesystem::path& db, const std::string& conninfo, int batch_rows)
{
    return {"--db", db.string(), "--dsn", conninfo, "--batch-rows", std::to_string(batch_rows)};
}

void sleep_ms(double ms) { std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(ms * 1000))); }

std::string database_name_of(const std::string& conninfo)
{
    const auto at = conninfo.find("dbname=") + 7;
    return conninfo.substr(at, conninfo.find(' ', at) - at);
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_fault)

// kill -9 at random moments (connecting, mid-COPY, between INSERT and COMMIT, right after COMMIT);
// after each round a clean sync finishes, and the oracle holds. At least 50 kills land.
BOOST_AUTO_TEST_CASE(kill_9_at_random_points_loses_and_duplicates_nothing)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{12, 1500, 3}, 21);
    const int batch = 300;

    // How long an uninterrupted sync takes here, so kill delays spread over all of it.
    const auto probe = pg.conninfo(pg.create_database());
    const auto t0 = Clock::now();
    BOOST_REQUIRE_EQUAL(run_sync(args(dir / "b.db", probe, batch)).status, 0);
    const double full_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    BOOST_TEST_MESSAGE("uninterrupted sync: " << full_ms << " ms");

    std::mt19937 rng(4711);
    int kills = 0, rounds = 0, mid_run_kills = 0;
    while (kills < 50) {
        ++rounds;
        const auto conninfo = pg.conninfo(pg.create_database());
        for (int attempt = 0;; ++attempt) {
            const int pid = spawn_sync(args(dir / "b.db", conninfo, batch));
            // Later attempts have less left to do: keep the delay within what is left.
            std::uniform_real_distribution<double> delay(0, full_ms * 0.6);
            sleep_ms(delay(rng));
            kill(pid, SIGKILL);
            const int status = wait_for(pid);
            if (status == 128 + SIGKILL) {
                ++kills;
                if (server_count(conninfo, "device_measurements") > 0) ++mid_run_kills;
                continue;
            }
            BOOST_REQUIRE_MESSAGE(status == 0, "sync exited " << status);
            break;
        }
        BOOST_REQUIRE_EQUAL(run_sync(args(dir / "b.db", conninfo, batch)).status, 0);
        const auto diff = compare_with_server({dir / "b.db"}, conninfo);
        BOOST_REQUIRE_MESSAGE(diff.empty(), "round " << rounds << ": " << diff);
        // The server's high-water mark equals the file's last id.
        BOOST_TEST(pg.query(database_name_of(conninfo), "SELECT high_water_mark FROM sync_state WHERE table_name = "
                                                        "'device_measurements'") == "18000");
    }
    BOOST_TEST_MESSAGE(kills << " kills in " << rounds << " rounds, " << mid_run_kills << " after rows were on the server");
    BOOST_TEST(kills >= 50);
    BOOST_TEST(mid_run_kills >= 10);
}

BOOST_AUTO_TEST_CASE(server_restart_mid_sync_then_next_sync_completes)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{10, 8000, 2}, 22);
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    const auto log = dir / "sync.log";
    const int pid = spawn_sync(args(dir / "b.db", conninfo, 200), log);
    // Wait until some batches are in, then crash the server mid-sync.
    for (int i = 0; i < 2000; ++i) {
        if (server_count(conninfo, "device_measurements") > 2000) break;
        sleep_ms(5);
    }
    pg.restart_immediate();
    const int status = wait_for(pid);
    BOOST_TEST_MESSAGE("sync during restart exited " << status);
    BOOST_TEST((status == 3 || status == 0));
    if (status == 3) {
        std::ifstream err(log.string() + ".err");
        std::string line;
        std::getline(err, line);
        BOOST_TEST(contains(line, "try again later"), line);
    }
    const auto before = server_count(conninfo, "device_measurements");
    BOOST_TEST(before < 80000);  // the restart did land mid-sync
    const auto again = run_sync(args(dir / "b.db", conninfo, 200));
    BOOST_TEST(again.status == 0, again.err);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(server_down_then_up_drains_without_new_local_writes)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{3, 200, 1}, 23);
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    pg.stop();
    const auto down = run_sync(args(dir / "b.db", conninfo, 100));
    BOOST_TEST(down.status == 3);
    BOOST_TEST(contains(down.err, "try again later"));

    // --watch rides the outage out: it keeps trying, and sends once the server is back.
    const auto log = dir / "watch.log";
    auto watch_args = args(dir / "b.db", conninfo, 100);
    watch_args.insert(watch_args.end(), {"--watch", "0.2"});
    const int pid = spawn_sync(watch_args, log);
    sleep_ms(700);
    pg.start();
    bool drained = false;
    for (int i = 0; i < 200 && !drained; ++i) {
        // Every table: model rows are sent after the device rows.
        drained = server_count(conninfo, "device_measurements") == 600 &&
                  server_count(conninfo, "model_measurements") == 3;
        sleep_ms(50);
    }
    BOOST_TEST(drained);
    kill(pid, SIGTERM);
    BOOST_TEST(wait_for(pid) == 0);  // SIGTERM ends it cleanly
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
    // Every --watch line carries its time: "[INFO - 2026-11-30 20:35:01,123] ...", errors as ERROR.
    const std::regex stamped(R"(^\[(INFO|ERROR) - \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] .+$)");
    std::size_t out_lines = 0, err_lines = 0;
    for (const auto& [file, count] : {std::pair{log.string(), &out_lines}, std::pair{log.string() + ".err", &err_lines}}) {
        std::ifstream in(file);
        for (std::string line; std::getline(in, line); ++*count) BOOST_TEST(std::regex_match(line, stamped), line);
    }
    BOOST_TEST(out_lines > 0u);  // what it sent once the server was back
    BOOST_TEST(err_lines > 0u);  // the outage it rode out
}

BOOST_AUTO_TEST_CASE(sigterm_ends_a_sync_after_the_current_batch)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{10, 3000, 1}, 24);
    const auto conninfo = pg.conninfo(pg.create_database());
    const auto log = dir / "sync.log";
    const int pid = spawn_sync(args(dir / "b.db", conninfo, 100), log);
    for (int i = 0; i < 2000 && server_count(conninfo, "device_measurements") <= 0; ++i) sleep_ms(2);
    kill(pid, SIGTERM);
    // Rows are left: not a success. "Try again later": nothing is lost, the next sync finishes.
    BOOST_TEST(wait_for(pid) == 3);
    {
        std::ifstream err(log.string() + ".err");
        std::string line, rest;
        std::getline(err, line);
        BOOST_TEST(contains(line, "stopped by a signal before the end"), line);
        BOOST_TEST(contains(line, "try again later"), line);
        BOOST_TEST(!std::getline(err, rest));  // one line
    }
    const auto sent = server_count(conninfo, "device_measurements");
    BOOST_TEST(sent < 30000);
    BOOST_TEST(sent % 100 == 0);  // whole batches only
    BOOST_TEST(run_sync(args(dir / "b.db", conninfo, 100)).status == 0);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(a_sync_stuck_behind_a_lock_times_out_with_exit_3)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 50, 1}, 60);
    const auto conninfo = pg.conninfo(pg.create_database());
    BOOST_REQUIRE_EQUAL(run_sync(args(dir / "b.db", conninfo, 10)).status, 0);
    add_rows(dir / "b.db", StoreShape{1, 50, 1}, 61);
    // Another session holds this file's sync lock and never lets go (a stopped sync, say).
    std::unique_ptr<PGconn, decltype(&PQfinish)> holder(PQconnectdb(conninfo.c_str()), &PQfinish);
    BOOST_REQUIRE(PQstatus(holder.get()) == CONNECTION_OK);
    const std::string lock = "SELECT pg_advisory_lock(hashtextextended('" + store::read_source_id(dir / "b.db") + "/', 0))";
    PQclear(PQexec(holder.get(), lock.c_str()));
    const auto start = Clock::now();
    auto stuck = args(dir / "b.db", conninfo, 10);
    stuck.insert(stuck.end(), {"--statement-timeout", "1"});
    const auto r = run_sync(stuck);
    BOOST_TEST(r.status == 3);
    BOOST_TEST(contains(r.err, "timed out"), r.err);
    BOOST_TEST(std::chrono::duration<double>(Clock::now() - start).count() < 10);
    holder.reset();
    BOOST_TEST(run_sync(args(dir / "b.db", conninfo, 10)).status == 0);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(writer_recording_during_sync)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{2, 100, 1}, 25);
    const auto conninfo = pg.conninfo(pg.create_database());
    const int writer = spawn_child({built_program("tests/sync_test_writer").string(), (dir / "b.db").string(), "3000", "200"});
    int syncs = 0;
    while (waitpid(writer, nullptr, WNOHANG) == 0) {
        const auto r = run_sync(args(dir / "b.db", conninfo, 250));
        BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
        ++syncs;
    }
    BOOST_TEST(run_sync(args(dir / "b.db", conninfo, 250)).status == 0);
    BOOST_TEST_MESSAGE(syncs << " syncs while the writer wrote");
    BOOST_TEST(syncs >= 2);
    BOOST_TEST(server_count(conninfo, "device_measurements") == 3200);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(writer_killed_mid_run_then_everything_committed_arrives)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto conninfo = pg.conninfo(pg.create_database());
    const int writer = spawn_child({built_program("tests/sync_test_writer").string(), (dir / "b.db").string(), "100000", "0"});
    for (int i = 0; i < 1000 && !std::filesystem::exists(dir / "b.db-wal"); ++i) sleep_ms(10);
    sleep_ms(600);
    const int pid = spawn_sync(args(dir / "b.db", conninfo, 100));
    sleep_ms(300);
    kill(writer, SIGKILL);
    wait_for(writer);
    BOOST_TEST(wait_for(pid) == 0);
    BOOST_TEST(run_sync(args(dir / "b.db", conninfo, 500)).status == 0);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(same_file_twice_in_sequence_and_at_once)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{8, 1500, 2}, 26);
    const auto conninfo = pg.conninfo(pg.create_database());
    for (int round = 0; round < 3; ++round) {
        const int a = spawn_sync(args(dir / "b.db", conninfo, 200));
        const int b = spawn_sync(args(dir / "b.db", conninfo, 200));
        BOOST_TEST(wait_for(a) == 0);
        BOOST_TEST(wait_for(b) == 0);
        BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
        add_rows(dir / "b.db", StoreShape{2, 700, 1}, 27 + round);
    }
    BOOST_TEST(run_sync(args(dir / "b.db", conninfo, 200)).status == 0);
    const auto second = run_sync(args(dir / "b.db", conninfo, 200));
    BOOST_TEST(second.status == 0);
    BOOST_TEST(contains(second.out, "device_measurements                0 sent"), second.out);
    BOOST_TEST(compare_with_server({dir / "b.db"}, conninfo) == "");
}

BOOST_AUTO_TEST_CASE(three_machines_into_one_database_at_once)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const std::vector<std::filesystem::path> stores{dir / "m1.db", dir / "m2.db", dir / "m3.db"};
    for (std::size_t i = 0; i < stores.size(); ++i) add_rows(stores[i], StoreShape{6, 2000, 2}, 30 + static_cast<unsigned>(i));
    const auto conninfo = pg.conninfo(pg.create_database());  // empty: the three race to create the schema too
    std::vector<int> pids;
    for (const auto& s : stores) pids.push_back(spawn_sync(args(s, conninfo, 250)));
    for (int pid : pids) BOOST_TEST(wait_for(pid) == 0);
    BOOST_TEST(compare_with_server(stores, conninfo) == "");
    BOOST_TEST(server_count(conninfo, "device_measurements") == 36000);
}

BOOST_AUTO_TEST_CASE(copied_file_is_detected_and_recovered_with_a_new_source_id)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{3, 100, 1}, 40);
    const auto conninfo = pg.conninfo(pg.create_database());
    BOOST_TEST(run_sync(args(dir / "a.db", conninfo, 50)).status == 0);
    {
        SQLite::Database a((dir / "a.db").string(), SQLite::OPEN_READWRITE);
        a.exec("VACUUM INTO '" + (dir / "b.db").string() + "'");  // the copy, made the safe way
    }
    add_rows(dir / "a.db", StoreShape{2, 80, 1}, 41);   // both copies keep recording
    add_rows(dir / "b.db", StoreShape{2, 120, 1}, 42);
    BOOST_TEST(run_sync(args(dir / "a.db", conninfo, 50)).status == 0);
    const auto copy = run_sync(args(dir / "b.db", conninfo, 50));
    BOOST_TEST(copy.status == 1);
    BOOST_TEST(contains(copy.err, "another copy of this store file"), copy.err);
    BOOST_TEST(contains(copy.err, "--new-source-id"));
    // Nothing silently lost: the copy's own rows are not on the server, and it says so.
    BOOST_TEST(compare_with_server({dir / "a.db", dir / "b.db"}, conninfo) != "");

    auto fix = args(dir / "b.db", conninfo, 50);
    fix.push_back("--new-source-id");
    const auto fixed = run_sync(fix);
    BOOST_TEST(fixed.status == 0, fixed.err);
    BOOST_TEST(contains(fixed.out, "already there"));
    BOOST_TEST(run_sync(args(dir / "a.db", conninfo, 50)).status == 0);
    BOOST_TEST(run_sync(args(dir / "b.db", conninfo, 50)).status == 0);
    BOOST_TEST(compare_with_server({dir / "a.db", dir / "b.db"}, conninfo) == "");
}

// A copy made after the original had sent rows, then the original sends more: the server's mark is
// past everything the copy holds. The copy's own rows (under ids the original already used) must be
// refused as a copy, not reported as "0 left" with exit 0.
BOOST_AUTO_TEST_CASE(a_copy_whose_ids_are_all_below_the_server_mark_is_refused)
{
    auto& pg = shared_postgres();
    TempDir dir;
    StoreShape one{1, 10, 0};
    one.complete = false;
    add_rows(dir / "g.db", one, 70);
    const auto conninfo = pg.conninfo(pg.create_database());
    BOOST_REQUIRE_EQUAL(run_sync(args(dir / "g.db", conninfo, 50)).status, 0);
    {
        SQLite::Database g((dir / "g.db").string(), SQLite::OPEN_READWRITE);
        g.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::filesystem::copy_file(dir / "g.db", dir / "h.db");  // a plain cp
    StoreShape more{1, 50, 0};
    more.complete = false;
    add_rows(dir / "g.db", more, 71);
    BOOST_REQUIRE_EQUAL(run_sync(args(dir / "g.db", conninfo, 50)).status, 0);  // server mark: 60 device rows

    StoreShape own{1, 20, 0};
    own.complete = false;
    add_rows(dir / "h.db", own, 72);  // ids 11..30, below the mark, different rows
    const auto dry = run_sync({"--db", (dir / "h.db").string(), "--dsn", conninfo, "--dry-run"});
    BOOST_TEST(dry.status == 1);
    const auto copy = run_sync(args(dir / "h.db", conninfo, 50));
    BOOST_TEST(copy.status == 1, copy.out);
    BOOST_TEST(contains(copy.err, "another copy of this store file"), copy.err);
    BOOST_TEST(contains(copy.err, "--new-source-id"));
    BOOST_TEST(!contains(copy.out, "0 left"), copy.out);

    auto fix = args(dir / "h.db", conninfo, 50);
    fix.push_back("--new-source-id");
    const auto fixed = run_sync(fix);
    BOOST_TEST(fixed.status == 0, fixed.err);
    BOOST_TEST(compare_with_server({dir / "g.db", dir / "h.db"}, conninfo) == "");
}

// The air-gapped workflow: a copy carried out at t1, the store records more, the newer file syncs,
// then the t1 copy is synced again. Every row of it is on the server: nothing to do, exit 0. A
// copy that went on recording its own rows is still refused.
BOOST_AUTO_TEST_CASE(an_older_copy_synced_after_the_newer_one_is_recognised)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{3, 100, 2}, 80);
    {
        SQLite::Database a((dir / "a.db").string(), SQLite::OPEN_READWRITE);
        a.exec("VACUUM INTO '" + (dir / "t1.db").string() + "'");
    }
    add_rows(dir / "a.db", StoreShape{2, 100, 2}, 81);
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    BOOST_REQUIRE_EQUAL(run_sync(args(dir / "a.db", conninfo, 50)).status, 0);
    const auto rows = server_count(conninfo, "device_measurements");

    for (bool dry : {true, false}) {
        auto a = args(dir / "t1.db", conninfo, 50);
        if (dry) a.push_back("--dry-run");
        const auto older = run_sync(a);
        BOOST_TEST(older.status == 0, older.err);
        BOOST_TEST(contains(older.out, "an older copy of this store file"), older.out);
        BOOST_TEST(line_count(older.err) == 0u, older.err);
    }
    BOOST_TEST(server_count(conninfo, "device_measurements") == rows);
    BOOST_TEST(compare_with_server({dir / "a.db"}, conninfo) == "");
    BOOST_TEST(compare_with_server({dir / "a.db", dir / "t1.db"}, conninfo) == "");

    // The newer file carries on as before.
    add_rows(dir / "a.db", StoreShape{1, 10, 1}, 82);
    BOOST_TEST(run_sync(args(dir / "a.db", conninfo, 50)).status == 0);
    BOOST_TEST(compare_with_server({dir / "a.db"}, conninfo) == "");

    // The t1 copy records rows of its own: they are not on the server, so it is a fork, refused.
    add_rows(dir / "t1.db", StoreShape{1, 20, 1}, 83);
    const auto fork = run_sync(args(dir / "t1.db", conninfo, 50));
    BOOST_TEST(fork.status == 1);
    BOOST_TEST(contains(fork.err, "another copy of this store file"), fork.err);
    BOOST_TEST(contains(fork.err, "--new-source-id"), fork.err);
}

BOOST_AUTO_TEST_CASE(a_row_the_server_rejects_is_reported_and_does_not_block)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{3, 50, 1}, 50);
    std::string bad_id, bad_model_benchmark;
    {
        SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READWRITE);
        // Invalid UTF-8 in a commit message, and a model row whose JSON the server cannot parse.
        db.exec("UPDATE benchmarks SET commit_message = CAST(x'6f6bff20626164' AS TEXT) WHERE id = 2");
        bad_id = db.execAndGet("SELECT benchmark_id FROM benchmarks WHERE id = 2").getString();
        db.exec("UPDATE model_measurements SET measurements = '{\"t\": nope}' WHERE id = 3");
        // A timestamp the client cannot read, itself invalid UTF-8.
        db.exec("UPDATE device_measurements SET time = CAST(x'ff3a3030' AS TEXT) WHERE id = 7");
    }
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    const auto r = run_sync(args(dir / "b.db", conninfo, 20));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.out, "rejected benchmarks row 2 of benchmark " + bad_id), r.out);
    BOOST_TEST(contains(r.out, "rejected model_measurements row 3"), r.out);
    BOOST_TEST(contains(r.out, "rejected device_measurements row 7"), r.out);
    BOOST_TEST(contains(r.err, "rows rejected by the server"));
    // Everything else arrived, except the rejected benchmark's own rows: held back (not orphans),
    // they wait for their benchmark (held_rows_test). The rejects are recorded on the server.
    BOOST_TEST(contains(r.out, "held back 50 device_measurements rows of benchmark " + bad_id), r.out);
    BOOST_TEST(server_count(conninfo, "device_measurements") == 150 - 1 - 50);
    BOOST_TEST(server_count(conninfo, "benchmarks") == 2);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM sync_rejects WHERE table_name = 'benchmarks' AND local_id = 2") == "1");
    SQLite::Database db((dir / "b.db").string());
    const auto third = db.execAndGet("SELECT benchmark_id FROM benchmarks WHERE id = 3").getString();
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM model_measurements WHERE benchmark_id = '" + third + "'") == "0");
    // The next sync is not blocked by them.
    const auto next = run_sync(args(dir / "b.db", conninfo, 20));
    BOOST_TEST(next.status == 0, next.err);
    add_rows(dir / "b.db", StoreShape{1, 10, 1}, 51);
    BOOST_TEST(run_sync(args(dir / "b.db", conninfo, 20)).status == 0);
    BOOST_TEST(server_count(conninfo, "device_measurements") == 150 - 1 - 50 + 10);

    // A bad row deep inside a large batch: the server stops the COPY midway; the batch is split
    // until the row is isolated, and the rest goes in.
    add_rows(dir / "b.db", StoreShape{1, 0, 3000}, 52);
    {
        SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE model_measurements SET measurements = '[1,' WHERE id = (SELECT max(id) - 1234 FROM model_measurements)");
    }
    const auto big = run_sync(args(dir / "b.db", conninfo, 5000));
    BOOST_TEST(big.status == 1);
    BOOST_TEST(contains(big.out, "1 rejected"), big.out);
    BOOST_TEST(server_count(conninfo, "model_measurements") == 3 - 1 - 1 + 1 + 2999);  // one rejected, one held
}

BOOST_AUTO_TEST_SUITE_END()
