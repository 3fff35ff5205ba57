#define BOOST_TEST_MODULE password_mask
#include <boost/test/unit_test.hpp>

// mask_conninfo(): the secret value goes, and only it: the text around it stays readable.
#include "benchstore/sync.hpp"

using namespace benchstore;

BOOST_AUTO_TEST_SUITE(password_mask)

BOOST_AUTO_TEST_CASE(masks_passwords_in_connection_strings)
{
    BOOST_TEST(mask_conninfo("host=h password=abc user=u") == "host=h password=*** user=u");
    BOOST_TEST(mask_conninfo("password = 'a b\\'c' x=1") == "password = *** x=1");
    BOOST_TEST(mask_conninfo("postgresql://u:abc@h:5/db") == "postgresql://u:***@h:5/db");
    BOOST_TEST(mask_conninfo("postgres://h/db?sslmode=require&password=abc") == "postgres://h/db?sslmode=require&password=***");
    // An unquoted value with a space (libpq refuses it): up to the next " key=".
    BOOST_TEST(mask_conninfo("host=h password=my secretpart dbname=x") == "host=h password=*** dbname=x");
    BOOST_TEST(mask_conninfo("host=h sslpassword=k3y") == "host=h sslpassword=***");
    // A URI's userinfo runs to its last '@', whatever libpq makes of it.
    BOOST_TEST(mask_conninfo("postgresql://u:secr/et@127.0.0.1/db") == "postgresql://u:***@127.0.0.1/db");
    BOOST_TEST(mask_conninfo("postgresql://postgres:SEC@RET@127.0.0.1/db") == "postgresql://postgres:***@127.0.0.1/db");
    BOOST_TEST(mask_conninfo("see 'postgres://u:p@h/db?password=SE@CRET&x=1' there") ==
               "see 'postgres://u:***@h/db?password=***&x=1' there");
    BOOST_TEST(mask_conninfo("password authentication failed for user \"u\"") ==
               "password authentication failed for user \"u\"");
}

BOOST_AUTO_TEST_CASE(masks_the_value_only_and_keeps_the_text_around_it)
{
    // The malformed-string hint's own example: a quoted value ends at its closing quote.
    BOOST_TEST(mask_conninfo("a value with spaces must be in single quotes, as in password='a b'); in a URI, "
                             "percent-encode @") ==
               "a value with spaces must be in single quotes, as in password=***); in a URI, percent-encode @");
    // cxxopts quotes arguments in typographic quotes.
    BOOST_TEST(mask_conninfo("Argument \xe2\x80\x98password=abc\xe2\x80\x99 failed to parse") ==
               "Argument \xe2\x80\x98password=***\xe2\x80\x99 failed to parse");
    BOOST_TEST(mask_conninfo("Option \xe2\x80\x98-password=abc def\xe2\x80\x99 starts with a - but has incorrect syntax") ==
               "Option \xe2\x80\x98-password=*** def\xe2\x80\x99 starts with a - but has incorrect syntax");
    // A database name holding "password=", as the server quotes it.
    BOOST_TEST(mask_conninfo("cannot connect to h:5432/my password=abc db: FATAL: database \"my password=abc db\" does "
                             "not exist") ==
               "cannot connect to h:5432/my password=*** db: FATAL: database \"my password=*** db\" does not exist");
    // Without a following key=value, an unquoted value ends at whitespace, as libpq reads it.
    BOOST_TEST(mask_conninfo("password=abc and more text") == "password=*** and more text");
    BOOST_TEST(mask_conninfo("first line password=abc\nsecond line") == "first line password=***\nsecond line");
    // An unclosed quote hides the rest: it may all be the password.
    BOOST_TEST(mask_conninfo("host=h password='abc def") == "host=h password=***");
    BOOST_TEST(mask_conninfo("postgres://h/db?password=abc\" there") == "postgres://h/db?password=***\" there");
}

BOOST_AUTO_TEST_SUITE_END()
