#define BOOST_TEST_MODULE html_text
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "report/html_text.hpp"

using namespace benchstore::report;

namespace {

std::string html(std::string_view text)
{
    std::string out;
    append_html(out, text);
    return out;
}

std::string script_json(std::string_view text)
{
    std::string out;
    append_script_json(out, text);
    return out;
}

// A plot value as the page writes it (a number of a chart's data JSON).
std::string plot(double value) { return benchstore::json::text(benchstore::json::Value(plot_value(value))); }

} // namespace

BOOST_AUTO_TEST_SUITE(html_text)

BOOST_AUTO_TEST_CASE(html_text_escapes_markup_and_quotes)
{
    BOOST_TEST(html("</script><script>alert(1)</script>") ==
               "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    BOOST_TEST(html("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#39;c&#39;");
    BOOST_TEST(html("naïve ✓") == "naïve ✓");
}

BOOST_AUTO_TEST_CASE(script_json_cannot_end_the_script_element)
{
    BOOST_TEST(script_json("</script><script>alert(1)</script>") ==
               "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"");
    BOOST_TEST(script_json("<!-- & -->") == "\"\\u003c!-- \\u0026 --\\u003e\"");
    BOOST_TEST(script_json("a\xE2\x80\xA8" "b\xE2\x80\xA9" "c") == "\"a\\u2028b\\u2029c\"");
    BOOST_TEST(script_json("quote \" back \\ nl \n") == "\"quote \\\" back \\\\ nl \\n\"");
    BOOST_TEST(script_json("\xE2\x80\x94 dash") == "\"\xE2\x80\x94 dash\"");  // other U+20xx untouched
}

BOOST_AUTO_TEST_CASE(plot_numbers_are_short)
{
    BOOST_TEST(plot(8192.0) == "8192");
    BOOST_TEST(plot(12345.678) == "12346");
    BOOST_TEST(plot(45.2) == "45.2");
    BOOST_TEST(plot(99.98765) == "99.99");
    BOOST_TEST(plot(0.000123456) == "0.0001235");
    BOOST_TEST(plot(0) == "0");
    BOOST_TEST(plot(-0.0) == "0");
    BOOST_TEST(plot(-2.5) == "-2.5");
    BOOST_TEST(plot(std::nan("")) == "null");
}

BOOST_AUTO_TEST_CASE(short_commit_and_readable_time)
{
    BOOST_TEST(short_commit("1a2b3c4d5e6f") == "1a2b3c4");
    BOOST_TEST(short_commit("abc") == "abc");
    BOOST_TEST(readable_time("2026-11-30T20:25:56.123456") == "2026-11-30 20:25:56");
}

// Headings show at most a few dozen characters of a name, cut between characters, never inside one.
BOOST_AUTO_TEST_CASE(long_names_are_shortened_for_headings_with_the_whole_on_hover)
{
    BOOST_TEST(shortened("acme/widgets", 12) == "acme/widgets");
    BOOST_TEST(shortened("acme/widgets", 11) == "acme/widge…");
    BOOST_TEST(shortened("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\xc3\xa9…");  // é é é
    std::string out;
    append_heading_html(out, "a<b", 3);
    BOOST_TEST(out == "a&lt;b");
    out.clear();
    append_heading_html(out, "a<bcd", 3);
    BOOST_TEST(out == "<span title=\"a&lt;bcd\">a&lt;…</span>");
}

BOOST_AUTO_TEST_SUITE_END()
