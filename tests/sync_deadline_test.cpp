#define BOOST_TEST_MODULE sync_deadline
#include <boost/test/unit_test.hpp>

// A server that stops answering while the TCP connection stays open (a proxy that stopped
// forwarding, a backend stopped with SIGSTOP) must not hang sync: each wait has a client-side
// deadline, the run exits 3 with one "timed out" line, and the next sync is exact.
#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <libpq-fe.h>

#include "benchstore/sync.hpp"
#include "support/postgres_server.hpp"
#include "support/silent_forwarder.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int statement_timeout = 2;
// The client's reply limit, plus room for connecting, the side connection that ends the stalled
// server process, and a loaded CI machine.
constexpr double bound_seconds = statement_timeout + sync_reply_margin.count() + 8;

// conninfo with its port replaced (to go through the forwarder).
std::string via_port(const std::string& conninfo, int port)
{
    const auto at = conninfo.find("port=") + 5;
    return conninfo.substr(0, at) + std::to_string(port) + conninfo.substr(conninfo.find(' ', at));
}

std::vector<std::string> args(const std::filesystem::path& db, const std::string& conninfo)
{
    return {"--db", db.string(), "--dsn", conninfo, "--batch-rows", "500", "--statement-timeout",
            std::to_string(statement_timeout)};
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string read_text(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string source_id_of(const std::filesystem::path& db)
{
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet("SELECT value FROM store_info WHERE key = 'source_id'").getString();
}

using PgConn = std::unique_ptr<PGconn, decltype(&PQfinish)>;

std::string exec1(PGconn* c, const std::string& sql)
{
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c, sql.c_str()), &PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error(std::string("test query failed: ") + PQresultErrorMessage(r.get()));
    return status == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
}

// What every silent-server case ends in: exit 3 within the bound, one line saying it timed out.
void check_timed_out(int status, const std::string& err, double took)
{
    BOOST_TEST(status == 3, err);
    BOOST_TEST(contains(err, "timed out"), err);
    BOOST_TEST(line_count(err) == 1u, err);
    BOOST_TEST(!contains(err, shared_postgres().password()));
    BOOST_TEST(took < bound_seconds);
}

// Then a sync straight to the server finishes the job, exactly.
void check_resync_is_exact(const std::filesystem::path& db, const std::string& conninfo)
{
    const auto again = run_sync(args(db, conninfo));
    BOOST_TEST(again.status == 0, again.err);
    BOOST_TEST(compare_with_server({db}, conninfo) == "");
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_deadline)

// Silence at two places: early (a statement waits for its reply) and in the middle of the device
// rows' COPY (the client's sends pile up unread).
BOOST_AUTO_TEST_CASE(a_proxy_that_goes_silent_ends_in_exit_3_then_a_resync_is_exact)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{6, 3000, 2}, 31);
    for (const std::int64_t silent_after : {4'000, 700'000}) {
        const auto conninfo = pg.conninfo(pg.create_database());
        {
            SilentForwarder proxy(pg.port());
            proxy.go_silent_after(silent_after);
            const auto start = Clock::now();
            const auto r = run_sync(args(dir / "b.db", via_port(conninfo, proxy.port())));
            const double took = seconds_since(start);
            BOOST_TEST_MESSAGE("silent after " << silent_after << " bytes: exit " << r.status << " in " << took
                                               << " s: " << r.err);
            BOOST_TEST(proxy.silenced());
            check_timed_out(r.status, r.err, took);
        }
        check_resync_is_exact(dir / "b.db", conninfo);
    }
}

// The backend itself stops (SIGSTOP) while sync waits for its reply. It is caught waiting for the
// file's lock, which the test holds, so the stop lands before the server's own timeout can answer.
BOOST_AUTO_TEST_CASE(a_stopped_backend_ends_in_exit_3_then_a_resync_is_exact)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{3, 500, 2}, 32);
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    BOOST_REQUIRE_EQUAL(run_sync(args(dir / "b.db", conninfo)).status, 0);  // the schema exists
    add_rows(dir / "b.db", StoreShape{3, 500, 2}, 33);

    PgConn holder(PQconnectdb(conninfo.c_str()), &PQfinish);
    BOOST_REQUIRE(PQstatus(holder.get()) == CONNECTION_OK);
    exec1(holder.get(), "BEGIN");
    exec1(holder.get(), "SELECT pg_advisory_xact_lock(hashtextextended('" + source_id_of(dir / "b.db") + "/', 0))");
    const auto log = dir / "sync.log";
    const auto start = Clock::now();
    const int pid = spawn_sync(args(dir / "b.db", conninfo + " application_name=stopped-backend-test"), log);
    // Another connection: within the holder's transaction, pg_stat_activity is a frozen snapshot.
    PgConn watcher(PQconnectdb(conninfo.c_str()), &PQfinish);
    std::string backend;
    while (backend.empty() && seconds_since(start) < 30)
        backend = exec1(watcher.get(), "SELECT pid FROM pg_stat_activity WHERE application_name = "
                                      "'stopped-backend-test' AND wait_event_type = 'Lock'");
    BOOST_REQUIRE(!backend.empty());
    const int backend_pid = std::stoi(backend);
    BOOST_REQUIRE(kill(backend_pid, SIGSTOP) == 0);
    exec1(holder.get(), "COMMIT");  // the stopped backend now holds the lock, and answers nothing
    const int status = wait_for(pid);
    const double took = seconds_since(start);
    kill(backend_pid, SIGCONT);
    const std::string err = read_text(log.string() + ".err");
    BOOST_TEST_MESSAGE("stopped backend: exit " << status << " in " << took << " s: " << err);
    check_timed_out(status, err, took);
    BOOST_TEST(contains(err, "timed out: no reply"), err);  // the client's deadline, not the server's
    check_resync_is_exact(dir / "b.db", conninfo);
}

// --watch reports the timeout and carries on; its next attempt (through the same proxy, now
// forwarding again) sends everything.
BOOST_AUTO_TEST_CASE(watch_reports_a_silent_proxy_and_retries)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{6, 3000, 2}, 34);
    const auto conninfo = pg.conninfo(pg.create_database());
    SilentForwarder proxy(pg.port());
    proxy.go_silent_after(700'000);
    auto a = args(dir / "b.db", via_port(conninfo, proxy.port()));
    a.insert(a.end(), {"--watch", "0.2"});
    const auto log = dir / "watch.log";
    const int pid = spawn_sync(a, log);
    const auto start = Clock::now();
    std::string diff = "not compared yet";
    while (seconds_since(start) < 120) {
        if (proxy.silenced() && server_count(conninfo, "model_measurements") == 12) {
            diff = compare_with_server({dir / "b.db"}, conninfo);
            if (diff.empty()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling a condition
    }
    kill(pid, SIGTERM);
    BOOST_TEST(wait_for(pid) == 0);
    BOOST_TEST(proxy.silenced());
    BOOST_TEST(diff == "");
    const std::string err = read_text(log.string() + ".err");
    BOOST_TEST(contains(err, "timed out"), err);
}

BOOST_AUTO_TEST_SUITE_END()
