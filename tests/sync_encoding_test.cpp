#define BOOST_TEST_MODULE sync_encoding
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "benchstore/error.hpp"
#include "sync/copy_binary.hpp"
#include "sync/pg_connection.hpp"

using namespace benchstore;
using namespace benchstore::sync_;

namespace {

std::string value_of(const std::vector<std::pair<std::string, std::string>>& params, const std::string& key)
{
    std::string found = "<absent>";
    for (const auto& [k, v] : params)
        if (k == key) found = v;  // the last one wins, as in libpq
    return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_encoding)

BOOST_AUTO_TEST_CASE(store_timestamps_become_postgres_microseconds_since_2000)
{
    BOOST_TEST(*parse_pg_timestamp("2000-01-01T00:00:00.000000") == 0);
    BOOST_TEST(*parse_pg_timestamp("2000-01-01T00:00:00.000001") == 1);
    BOOST_TEST(*parse_pg_timestamp("1999-12-31T23:59:59.999999") == -1);
    BOOST_TEST(*parse_pg_timestamp("2025-07-29T20:08:07.875408") == 807134887875408LL);
    BOOST_TEST(*parse_pg_timestamp("2025-07-29 20:08:07.8754") == 807134887875400LL);
    BOOST_TEST(*parse_pg_timestamp("2025-07-29T20:08:07Z") == 807134887000000LL);
    BOOST_TEST(*parse_pg_timestamp("2024-02-29T12:00:00.5") == 762523200500000LL);
    BOOST_TEST(!parse_pg_timestamp("yesterday").has_value());
    BOOST_TEST(!parse_pg_timestamp("2025-13-01T00:00:00").has_value());
    // Days past the month's end are refused, not carried into the next month.
    BOOST_TEST(!parse_pg_timestamp("2025-02-31T10:00:00.000000").has_value());
    BOOST_TEST(!parse_pg_timestamp("2025-02-29T10:00:00.000000").has_value());
    BOOST_TEST(!parse_pg_timestamp("1900-02-29T10:00:00").has_value());
    BOOST_TEST(!parse_pg_timestamp("2025-04-31T10:00:00").has_value());
    BOOST_TEST(!parse_pg_timestamp("2025-06-31 10:00:00").has_value());
    BOOST_TEST(parse_pg_timestamp("2000-02-29T10:00:00").has_value());
    BOOST_TEST(parse_pg_timestamp("2024-02-29T23:59:59.999999").has_value());
    BOOST_TEST(*parse_pg_timestamp("2025-03-01T00:00:00") - *parse_pg_timestamp("2025-02-28T00:00:00") == 86'400'000'000LL);
    BOOST_TEST(parse_pg_timestamp("2025-12-31T00:00:00").has_value());
    BOOST_TEST(parse_pg_timestamp("2025-04-30T00:00:00").has_value());
}

BOOST_AUTO_TEST_CASE(uuids_become_sixteen_bytes)
{
    unsigned char b[16];
    BOOST_TEST(parse_uuid("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5B", b));
    BOOST_TEST(b[0] == 0x01);
    BOOST_TEST(b[15] == 0x5b);
    BOOST_TEST(!parse_uuid("0190a1b2c3d47e5f8a9b0c1d2e3f4a5b", b));
    BOOST_TEST(!parse_uuid("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g", b));
}

BOOST_AUTO_TEST_CASE(copy_rows_use_the_binary_wire_format)
{
    std::string out;
    CopyRowWriter w(out);
    w.begin_row(3);
    w.add_int8(1);
    w.add_null();
    w.add_float8(1.0);
    const std::string expected("\0\3" "\0\0\0\x08" "\0\0\0\0\0\0\0\1" "\xff\xff\xff\xff" "\0\0\0\x08" "\x3f\xf0\0\0\0\0\0\0", 30);
    BOOST_TEST(out == expected);
    BOOST_TEST(copy_binary_header().size() == 19u);
    BOOST_TEST(copy_binary_header().substr(0, 11) == std::string_view("PGCOPY\n\xff\r\n\0", 11));
}

BOOST_AUTO_TEST_CASE(connection_defaults_fill_only_what_the_user_left_out)
{
    unsetenv("PGDATABASE");
    unsetenv("PGCONNECT_TIMEOUT");
    auto p = connection_parameters("");
    BOOST_TEST(value_of(p, "dbname") == "metrics");
    BOOST_TEST(value_of(p, "connect_timeout") == "10");
    BOOST_TEST(value_of(p, "keepalives") == "1");
    BOOST_TEST(value_of(p, "client_encoding") == "UTF8");

    p = connection_parameters("host=db.example dbname=perf connect_timeout=3 sslmode=verify-full sslrootcert=/ca.pem");
    BOOST_TEST(value_of(p, "dbname") == "perf");
    BOOST_TEST(value_of(p, "connect_timeout") == "3");
    BOOST_TEST(value_of(p, "sslmode") == "verify-full");  // TLS settings pass through untouched
    BOOST_TEST(value_of(p, "sslrootcert") == "/ca.pem");

    p = connection_parameters("postgresql://u@db.example:6543/perf?sslmode=require");
    BOOST_TEST(value_of(p, "dbname") == "perf");
    BOOST_TEST(value_of(p, "port") == "6543");
    BOOST_TEST(value_of(p, "sslmode") == "require");

    BOOST_TEST(value_of(connection_parameters("perf"), "dbname") == "perf");

    setenv("PGDATABASE", "fromenv", 1);
    BOOST_TEST(value_of(connection_parameters("host=h"), "dbname") == "<absent>");  // libpq reads PGDATABASE
    unsetenv("PGDATABASE");

    BOOST_CHECK_THROW(connection_parameters("host=h password=s3cr3t 'oops"), InvalidArgument);
    // libpq's parse errors quote the raw text: never passed on.
    for (const char* bad : {"postgresql://postgres:%zzSECRET@127.0.0.1:5432/postgres",
                            "postgresql://h/db?user=u&password=SECRET%zz", "host=h password=my SECRETpart dbname=x",
                            "postgresql://u:SECR/ET@127.0.0.1/db", "postgresql://postgres:SEC@RET@127.0.0.1/db",
                            "postgresql://u:SECRET/db"}) {
        try {
            connection_parameters(bad);
            BOOST_ERROR("no error for " << bad);
        } catch (const InvalidArgument& e) {
            const std::string what = e.what();
            BOOST_TEST(what.find("malformed connection string") != std::string::npos, what);
            for (const char* secret : {"SECRET", "SECR", "ET@", "RET"})
                BOOST_TEST(what.find(secret) == std::string::npos, bad << ": " << what);
        }
    }
    // Legitimate '@'s: a percent-encoded one in the password, one in a query user name.
    BOOST_TEST(value_of(connection_parameters("postgresql://u:p%40ss@h/db"), "password") == "p@ss");
    BOOST_TEST(value_of(connection_parameters("postgresql://h:5432/db?user=me@corp"), "user") == "me@corp");
    try {
        connection_parameters("host=h bogus_option=1 password=s3cr3t");
    } catch (const InvalidArgument& e) {
        BOOST_TEST(std::string(e.what()).find("s3cr3t") == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
