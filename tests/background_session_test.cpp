#define BOOST_TEST_MODULE background_session
#include <boost/test/unit_test.hpp>

#include <future>
#include <string>
#include <vector>

#include "pg/background_session.hpp"
#include "support/postgres_server.hpp"

// pg::BackgroundSession (lib/src/pg/background_session.hpp): the second session sync summarises its
// BRIN ranges on while the next batch loads. What sync relies on: the jobs run on a session of
// their own, in order, a waiting job is replaced by a newer one, drain() waits for them all, and a
// session that cannot connect, or whose job throws, says so instead of losing work silently.

using namespace benchstore;
using namespace benchstore::test;
using pg::BackgroundSession;
using pg::PgConnection;

namespace {

PgConnection connect(const std::string& conninfo) { return PgConnection(conninfo, std::chrono::seconds(30)); }

std::string backend_pid(PgConnection& conn) { return conn.exec("SELECT pg_backend_pid() AS pid").text(0, "pid"); }

} // namespace

BOOST_AUTO_TEST_SUITE(background_session)

BOOST_AUTO_TEST_CASE(jobs_run_in_order_on_a_session_of_their_own)
{
    auto& server = shared_postgres();
    auto main = connect(server.conninfo(server.create_database()));
    BackgroundSession session(main.settings());
    std::vector<std::string> pids;
    for (int i = 0; i < 3; ++i) {
        session.post([&](PgConnection& conn) { pids.push_back(backend_pid(conn)); });
        BOOST_TEST(session.drain());
    }
    BOOST_TEST_REQUIRE(pids.size() == 3u);
    BOOST_TEST(pids[0] != backend_pid(main));
    BOOST_TEST(pids[1] == pids[0]);  // one session for all jobs
    BOOST_TEST(pids[2] == pids[0]);
    BOOST_TEST(!session.failed());
}

BOOST_AUTO_TEST_CASE(a_job_posted_while_another_waits_replaces_it)
{
    auto& server = shared_postgres();
    auto main = connect(server.conninfo(server.create_database()));
    BackgroundSession session(main.settings());
    std::promise<void> started, release;
    auto released = release.get_future().share();
    std::vector<std::string> ran;
    session.post([&](PgConnection&) {
        ran.push_back("first");
        started.set_value();
        released.wait();
    });
    started.get_future().wait();  // the first runs: the next ones wait
    session.post([&](PgConnection&) { ran.push_back("second"); });
    session.post([&](PgConnection&) { ran.push_back("third"); });
    release.set_value();
    BOOST_TEST(session.drain());
    BOOST_TEST(ran == (std::vector<std::string>{"first", "third"}), ran.size() << " jobs ran");
}

BOOST_AUTO_TEST_CASE(a_job_that_throws_ends_the_session_and_drain_says_so)
{
    auto& server = shared_postgres();
    auto main = connect(server.conninfo(server.create_database()));
    BackgroundSession session(main.settings());
    session.post([](PgConnection& conn) { conn.exec("SELECT 1 / 0"); });
    BOOST_TEST(!session.drain());
    BOOST_TEST(session.failed());
    bool ran = false;
    session.post([&](PgConnection&) { ran = true; });
    BOOST_TEST(!session.drain());
    BOOST_TEST(!ran);
}

BOOST_AUTO_TEST_CASE(a_session_that_cannot_connect_fails_and_runs_nothing)
{
    auto& server = shared_postgres();
    const auto name = server.create_database();
    auto main = connect(server.conninfo(name));
    // The main connection's role may hold one connection at a time: the second one is refused.
    main.exec("DROP ROLE IF EXISTS one_connection; CREATE ROLE one_connection LOGIN CONNECTION LIMIT 1 PASSWORD 'one'");
    auto limited = connect(server.conninfo(name) + " user=one_connection password=one");
    bool ran = false;
    {
        BackgroundSession session(limited.settings());
        session.post([&](PgConnection&) { ran = true; });
        BOOST_TEST(!session.drain());
        BOOST_TEST(session.failed());
    }
    BOOST_TEST(!ran);
    BOOST_TEST(limited.exec("SELECT 1 AS one").text(0, "one") == "1");  // the main connection is untouched
}

BOOST_AUTO_TEST_SUITE_END()
