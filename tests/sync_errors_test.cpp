#define BOOST_TEST_MODULE sync_errors
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <set>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fstream>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/store.hpp"
#include "benchstore/sync.hpp"
#include "store/sqlite_store.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;

BOOST_AUTO_TEST_SUITE(sync_errors)

BOOST_AUTO_TEST_CASE(wrong_password_is_one_line_exit_1_without_the_password)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 1}, 6);
    const std::string bad = "Wr0ng-Secret-99";
    const auto kv = run_sync({"--db", (dir / "b.db").string(), "--dsn",
                              "host=127.0.0.1 port=" + std::to_string(pg.port()) + " user=postgres password=" + bad +
                                  " dbname=postgres"});
    BOOST_TEST(kv.status == 1);
    BOOST_TEST(contains(kv.err, "password authentication failed"));
    BOOST_TEST(line_count(kv.err) == 1u);
    BOOST_TEST(!contains(kv.out + kv.err, bad));
    const auto uri = run_sync({"--db", (dir / "b.db").string(), "--dsn",
                               "postgresql://postgres:" + bad + "@127.0.0.1:" + std::to_string(pg.port()) + "/postgres"});
    BOOST_TEST(uri.status == 1);
    BOOST_TEST(line_count(uri.err) == 1u);
    BOOST_TEST(!contains(uri.out + uri.err, bad));
    const auto query = run_sync({"--db", (dir / "b.db").string(), "--dsn",
                                 "postgresql://postgres@127.0.0.1:" + std::to_string(pg.port()) + "/postgres?password=" + bad});
    BOOST_TEST(query.status == 1);
    BOOST_TEST(!contains(query.out + query.err, bad));
    // A malformed string that libpq cannot parse: the password still never shows.
    const auto malformed = run_sync({"--db", (dir / "b.db").string(), "--dsn", "host=x password=" + bad + " 'broken"});
    BOOST_TEST(malformed.status == 1);
    BOOST_TEST(!contains(malformed.out + malformed.err, bad));
}

BOOST_AUTO_TEST_CASE(missing_database_and_permission_denied_are_errors_not_retries)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 1}, 7);
    const auto missing = run_sync({"--db", (dir / "b.db").string(), "--dsn", pg.conninfo("no_such_db")});
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(contains(missing.err, "does not exist"));
    BOOST_TEST(line_count(missing.err) == 1u);

    const auto name = pg.create_database();
    pg.query(name, "CREATE ROLE reader LOGIN PASSWORD 'reader-pw'");
    const auto denied = run_sync({"--db", (dir / "b.db").string(), "--dsn",
                                  "host=127.0.0.1 port=" + std::to_string(pg.port()) + " user=reader password=reader-pw "
                                  "dbname=" + name});
    BOOST_TEST(denied.status == 1);
    BOOST_TEST(contains(denied.err, "permission denied"));
    BOOST_TEST(line_count(denied.err) == 1u);
    BOOST_TEST(!contains(denied.err, "reader-pw"));
    pg.query("postgres", "DROP ROLE reader");
}

BOOST_AUTO_TEST_CASE(newer_server_schema_is_refused_before_sending)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 2, 1}, 8);
    sync(sync_options(dir / "b.db", pg.conninfo(name)));
    pg.query(name, "INSERT INTO benchstore_schema_version (version) VALUES (99)");
    add_rows(dir / "b.db", StoreShape{1, 2, 1}, 9);
    const auto r = run_sync({"--db", (dir / "b.db").string(), "--dsn", pg.conninfo(name)});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "newer"));
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM benchmarks") == "1");
}

BOOST_AUTO_TEST_CASE(unreachable_server_exits_3_and_marks_nothing)
{
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 1}, 10);
    auto& pg = shared_postgres();
    // A port nobody listens on.
    const auto r = run_sync({"--db", (dir / "b.db").string(), "--dsn",
                             "host=127.0.0.1 port=1 user=postgres password=" + pg.password() + " dbname=x"});
    BOOST_TEST(r.status == 3);
    BOOST_TEST(line_count(r.err) == 1u);
    BOOST_TEST(contains(r.err, "try again later"));
    BOOST_TEST(!contains(r.err, pg.password()));
    BOOST_CHECK_THROW(sync(sync_options(dir / "b.db", "host=127.0.0.1 port=1 dbname=x")), ConnectionError);
    // A mistake in the connection settings is not a reason to try again later.
    BOOST_TEST(run_sync({"--db", (dir / "b.db").string(), "--dsn", "host=127.0.0.1 port=12x"}).status == 1);
}

BOOST_AUTO_TEST_CASE(a_server_that_never_answers_times_out_with_exit_3)
{
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 1}, 12);
    // A socket that accepts connections (the kernel's backlog) but never says a word.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    BOOST_REQUIRE(listen(fd, 8) == 0);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_sync({"--db", (dir / "b.db").string(), "--dsn",
                             "host=127.0.0.1 port=" + std::to_string(ntohs(addr.sin_port)) + " connect_timeout=2 dbname=x"});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    close(fd);
    BOOST_TEST(r.status == 3);
    BOOST_TEST(contains(r.err, "timeout"), r.err);
    BOOST_TEST(seconds < 10);
}

BOOST_AUTO_TEST_CASE(tls_settings_reach_libpq)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 1}, 13);
    // The test server has no TLS: requiring it must fail, as an error rather than a retry.
    const auto r = run_sync({"--db", (dir / "b.db").string(), "--dsn", pg.conninfo("postgres") + " sslmode=require"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "SSL"), r.err);
    BOOST_TEST(!contains(r.err, pg.password()));
}

BOOST_AUTO_TEST_CASE(environment_supplies_the_connection_and_dbname_defaults_to_metrics)
{
    auto& pg = shared_postgres();
    pg.query("postgres", "DROP DATABASE IF EXISTS metrics");
    pg.query("postgres", "CREATE DATABASE metrics");
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 3, 1}, 11);
    setenv("PGHOST", "127.0.0.1", 1);
    setenv("PGPORT", std::to_string(pg.port()).c_str(), 1);
    setenv("PGUSER", "postgres", 1);
    setenv("PGPASSWORD", pg.password().c_str(), 1);
    const auto r = run_sync({"--db", (dir / "b.db").string()});
    unsetenv("PGHOST");
    unsetenv("PGPORT");
    unsetenv("PGUSER");
    unsetenv("PGPASSWORD");
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "/metrics"));
    BOOST_TEST(!contains(r.out + r.err, pg.password()));
    BOOST_TEST(pg.query("metrics", "SELECT count(*) FROM device_measurements") == "3");
}

BOOST_AUTO_TEST_CASE(usage_and_bad_local_files)
{
    TempDir dir;
    BOOST_TEST(run_sync({}).status == 2);
    BOOST_TEST(run_sync({"--db", "x.db", "--batch-rows", "0"}).status == 2);
    BOOST_TEST(run_sync({"--db", "x.db", "--bogus"}).status == 2);
    const auto missing = run_sync({"--db", (dir / "none.db").string(), "--dsn", "host=127.0.0.1 port=1"});
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(contains(missing.err, "no such store file"));
    BOOST_TEST(!std::filesystem::exists(dir / "none.db"));
    { std::ofstream(dir / "junk.db") << "this is not a database, just some text that is long enough to matter........"; }
    const auto junk = run_sync({"--db", (dir / "junk.db").string(), "--dsn", "host=127.0.0.1 port=1"});
    BOOST_TEST(junk.status == 1);
    BOOST_TEST(line_count(junk.err) == 1u);
}

// Strings libpq parses wrongly or not at all: its messages quote the raw text around the fault,
// and a mis-parsed URI puts part of the password into the host, port or database name.

BOOST_AUTO_TEST_CASE(malformed_connection_strings_never_show_the_password)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 0}, 14);
    const std::string port = std::to_string(pg.port());
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
        {"postgresql://postgres:%zzSECRET@127.0.0.1:" + port + "/postgres", {"SECRET"}},
        {"postgresql://h/db?user=u&password=SECRET%zz", {"SECRET"}},
        {"host=127.0.0.1 port=" + port + " password=my secretpart dbname=x", {"secretpart"}},
        {"postgresql://u:secr/et@127.0.0.1:" + port + "/db", {"secr", "et@"}},
        {"postgresql://postgres:SEC@RET@127.0.0.1:" + port + "/db", {"SEC", "RET"}},
    };
    for (const auto& [dsn, secrets] : cases) {
        for (bool dry : {false, true}) {
            std::vector<std::string> a{"--db", (dir / "b.db").string(), "--dsn", dsn};
            if (dry) a.push_back("--dry-run");
            const auto r = run_sync(a);
            BOOST_TEST(r.status == 1, dsn << ": " << r.err);
            BOOST_TEST(line_count(r.err) == 1u, r.err);
            for (const auto& secret : secrets) BOOST_TEST(!contains(r.out + r.err, secret), dsn << ": " << r.err);
        }
    }
    const auto quoted = run_sync({"--db", (dir / "b.db").string(), "--dsn", "postgresql://h/db?password=SECRET%zz"});
    BOOST_TEST(contains(quoted.err, "malformed connection string"), quoted.err);
    BOOST_TEST(contains(quoted.err, "percent"), quoted.err);
    // A properly encoded password with those characters connects.
    pg.query("postgres", "CREATE ROLE oddpw LOGIN SUPERUSER PASSWORD 'p@ss/w:rd'");
    const auto encoded = run_sync({"--db", (dir / "b.db").string(), "--dsn",
                                   "postgresql://oddpw:p%40ss%2Fw%3Ard@127.0.0.1:" + port + "/" + pg.create_database()});
    pg.query("postgres", "DROP OWNED BY oddpw");
    BOOST_TEST(encoded.status == 0, encoded.err);
    BOOST_TEST(!contains(encoded.out + encoded.err, "ss/w"));
}

BOOST_AUTO_TEST_CASE(watch_and_statement_timeout_out_of_range_are_usage_errors)
{
    TempDir dir;
    const std::string db = (dir / "none.db").string();
    for (const char* watch : {"1e300", "inf", "nan", "-1", "0", "31536001", "0.0000001"}) {
        const auto r = run_sync({"--db", db, "--dsn", "host=127.0.0.1 port=1", "--watch", watch});
        BOOST_TEST(r.status == 2, watch << ": " << r.err);
    }
    for (const char* timeout : {"-5", "0", "2147484", "9223372036854775807"}) {
        const auto r = run_sync({"--db", db, "--dsn", "host=127.0.0.1 port=1", "--statement-timeout", timeout});
        BOOST_TEST(r.status == 2, timeout << ": " << r.err);
        BOOST_TEST(contains(r.err, "--statement-timeout"), r.err);
    }
    for (const char* timeout : {"1", "2147483"}) {  // in range: on to the missing file
        const auto r = run_sync({"--db", db, "--dsn", "host=127.0.0.1 port=1", "--statement-timeout", timeout});
        BOOST_TEST(r.status == 1, timeout << ": " << r.err);
    }
    auto o = sync_options(db, "host=127.0.0.1 port=1");
    o.statement_timeout = std::chrono::seconds(0);
    BOOST_CHECK_THROW(sync(o), InvalidArgument);
    o.statement_timeout = std::chrono::seconds(300);
    std::atomic<bool> stop{false};
    o.stop = &stop;
    auto ignore = [](const auto&) {};
    BOOST_CHECK_THROW(sync_watch(o, std::chrono::milliseconds(0), ignore, ignore), InvalidArgument);
    BOOST_CHECK_THROW(sync_watch(o, std::chrono::hours(24 * 366), ignore, ignore), InvalidArgument);
}

// Masking hides the password's value, not the message around it; libpq's lines are joined by "; ".
BOOST_AUTO_TEST_CASE(messages_keep_their_text_around_a_masked_password)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 1, 1}, 16);
    const std::string db = (dir / "b.db").string();
    const std::string port = std::to_string(pg.port());
    const auto name = run_sync({"--db", db, "--dsn", "host=127.0.0.1 port=" + port + " user=postgres password=" +
                                                         pg.password() + " dbname='my password=x db'"});
    BOOST_TEST(name.status == 1, name.err);
    BOOST_TEST(contains(name.err, "db\" does not exist"), name.err);
    BOOST_TEST(!contains(name.err, pg.password()));
    const auto option = run_sync({"--db", db, "--statement-timeout", "password=abc"});
    BOOST_TEST(option.status == 2, option.err);
    BOOST_TEST(contains(option.err, "--statement-timeout must be a whole number"), option.err);
    BOOST_TEST(!contains(option.err, "abc"), option.err);
    const auto hint = run_sync({"--db", db, "--dsn", "host=h password=a b"});
    BOOST_TEST(hint.status == 1, hint.err);
    BOOST_TEST(contains(hint.err, "in single quotes, as in dbname='my db')"), hint.err);
    const auto refused = run_sync({"--db", db, "--dsn", "host=127.0.0.1 port=1 dbname=x"});
    BOOST_TEST(refused.status == 3, refused.err);
    BOOST_TEST(contains(refused.err, "Connection refused; Is the server running"), refused.err);
    BOOST_TEST(line_count(refused.err) == 1u, refused.err);
}

BOOST_AUTO_TEST_CASE(a_database_that_is_not_utf8_is_refused_before_anything_is_sent)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 2, 1}, 15);
    const std::string name = "latin1_" + std::to_string(pg.port());
    pg.query("postgres", "DROP DATABASE IF EXISTS " + name);
    pg.query("postgres", "CREATE DATABASE " + name + " ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
    for (bool dry : {false, true}) {
        std::vector<std::string> a{"--db", (dir / "b.db").string(), "--dsn", pg.conninfo(name)};
        if (dry) a.push_back("--dry-run");
        const auto r = run_sync(a);
        BOOST_TEST(r.status == 1, r.err);
        BOOST_TEST(line_count(r.err) == 1u, r.err);
        BOOST_TEST(contains(r.err, "LATIN1"), r.err);
        BOOST_TEST(contains(r.err, "not UTF8"), r.err);
        BOOST_TEST(!contains(r.err, pg.password()));
    }
    // Nothing was created there, not even the schema.
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
    pg.query("postgres", "DROP DATABASE " + name);
}

// The server is down for the first attempts: the file gets one new source id, not one per attempt.

BOOST_AUTO_TEST_SUITE_END()
