#define BOOST_TEST_MODULE array_literal
#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>

#include "pg/array_literal.hpp"
#include "pg/connection.hpp"
#include "support/postgres_server.hpp"

// pg::ArrayLiteral (lib/src/pg/array_literal.hpp): the array parameters of sync's and the central
// reader's statements. What they rely on: the server reads back exactly the elements given, whatever
// characters a text holds, every double to the bit, NULLs as NULL.

using namespace benchstore;
using namespace benchstore::test;

namespace {

pg::PgConnection connect()
{
    auto& server = shared_postgres();
    return pg::PgConnection(server.conninfo(server.create_database()), std::chrono::seconds(30));
}

} // namespace

BOOST_AUTO_TEST_SUITE(array_literal)

BOOST_AUTO_TEST_CASE(quoted_texts_read_back_as_given)
{
    auto conn = connect();
    const std::vector<std::string> texts{"plain", "with \"quotes\"", "back\\slash", "a,b", "{braces}", "", "NULL",
                                         " spaced ", "ünï"};
    pg::ArrayLiteral literal;
    for (const auto& t : texts) literal.add_quoted(t);
    const auto r = conn.exec("SELECT x, n FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n",
                             {literal.text()});
    BOOST_TEST_REQUIRE(r.rows() == static_cast<int>(texts.size()));
    for (int i = 0; i < r.rows(); ++i) {
        BOOST_TEST(!r.is_null(i, "x"));
        BOOST_TEST(r.text(i, "x") == texts[static_cast<std::size_t>(i)]);
    }
}

BOOST_AUTO_TEST_CASE(numbers_read_back_exactly_and_nulls_as_null)
{
    auto conn = connect();
    pg::ArrayLiteral integers, doubles, bare;
    integers.add_integer(std::numeric_limits<std::int64_t>::min());
    integers.add_integer(std::int64_t{-1});
    integers.add_integer(std::numeric_limits<std::int64_t>::max());
    doubles.add_double(0.1);
    doubles.add_double(std::nullopt);
    doubles.add_double(1.0 / 3.0);
    doubles.add_double(-2.5e-300);
    bare.add_bare("0195f5a4-7c3e-7e5b-9f1a-2b3c4d5e6f70");
    BOOST_TEST(!integers.empty());
    BOOST_TEST(pg::ArrayLiteral().empty());
    BOOST_TEST(pg::ArrayLiteral().text() == "{}");
    BOOST_TEST(conn.exec("SELECT $1::bigint[]::text AS a", {integers.text()}).text(0, "a") ==
               "{-9223372036854775808,-1,9223372036854775807}");
    // Each double against the same value written as a float8 literal in the SQL: equal to the bit.
    BOOST_TEST(conn.exec("SELECT ($1::float8[])[1] = 0.1::float8 AND ($1::float8[])[2] IS NULL "
                         "AND ($1::float8[])[3] = (1::float8 / 3) AND ($1::float8[])[4] = -2.5e-300::float8 AS same",
                         {doubles.text()})
                   .text(0, "same") == "t");
    BOOST_TEST(conn.exec("SELECT ($1::uuid[])[1]::text AS id", {bare.text()}).text(0, "id") ==
               "0195f5a4-7c3e-7e5b-9f1a-2b3c4d5e6f70");
}

BOOST_AUTO_TEST_SUITE_END()
