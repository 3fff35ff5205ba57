#define BOOST_TEST_MODULE stats
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "benchstore/error.hpp"
#include "stats/history.hpp"
#include "stats/mann_whitney.hpp"
#include "stats/multiple_testing.hpp"
#include "stats/summary.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;

namespace {

constexpr double tolerance = 1e-9;  // relative

bool close(double actual, double expected)
{
    if (actual == expected) return true;
    return std::fabs(actual - expected) <= tolerance * std::fabs(expected);
}

std::vector<double> read_values(std::istringstream& in, std::size_t n)
{
    std::vector<double> v(n);
    for (auto& x : v) in >> x;
    return v;
}

// Runs tests/stats_check.py (SciPy, numpy) and returns its reference lines.
std::vector<std::string> reference_lines(const TempDir& dir)
{
    const auto out = dir / "reference.txt";
    const std::string cmd = "/usr/bin/python3 " +
                            test::shell_quote(std::string(BENCHSTORE_SOURCE_DIR) + "/tests/stats_check.py") + " " +
                            test::shell_quote(out.string());
    BOOST_REQUIRE_EQUAL(std::system(cmd.c_str()), 0);
    std::ifstream in(out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scipy_agreement)

BOOST_AUTO_TEST_CASE(p_values_median_and_bh_match_scipy_to_1e_9)
{
    TempDir dir;
    const auto lines = reference_lines(dir);
    std::size_t mwu = 0, exact = 0, asymptotic = 0, failures = 0;
    for (const auto& line : lines) {
        std::istringstream in(line);
        std::string kind;
        in >> kind;
        if (kind == "mwu") {
            double p = 0, u1 = 0;
            std::size_t n1 = 0, n2 = 0;
            in >> p >> u1 >> n1;
            const auto x = read_values(in, n1);
            in >> n2;
            const auto y = read_values(in, n2);
            const auto r = stats::mann_whitney_u(x, y);
            ++mwu;
            (r.method == stats::UMethod::exact ? exact : asymptotic) += 1;
            if (!close(r.p_value, p) || !close(r.u1, u1)) {
                if (++failures <= 5)
                    BOOST_ERROR("n1=" << n1 << " n2=" << n2 << ": p " << r.p_value << " vs SciPy " << p << ", U1 "
                                      << r.u1 << " vs " << u1);
            }
        } else if (kind == "median") {
            double m = 0;
            std::size_t n = 0;
            in >> m >> n;
            const auto v = read_values(in, n);
            BOOST_TEST(close(stats::median(v), m), "median of " << n << ": " << stats::median(v) << " vs " << m);
        } else if (kind == "bh") {
            std::size_t m = 0;
            in >> m;
            const auto p = read_values(in, m);
            const auto expected = read_values(in, m);
            const auto adjusted = stats::benjamini_hochberg(p);
            for (std::size_t i = 0; i < m; ++i)
                BOOST_TEST(close(adjusted[i], expected[i]), "bh " << m << "[" << i << "]: " << adjusted[i] << " vs "
                                                                   << expected[i]);
        }
    }
    BOOST_TEST(failures == 0u);
    // Both branches of method="auto" were exercised, over sizes 1..200.
    BOOST_TEST(mwu > 600u);
    BOOST_TEST(exact > 100u);
    BOOST_TEST(asymptotic > 100u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mann_whitney)

BOOST_AUTO_TEST_CASE(two_against_two_can_never_reach_alpha)
{
    // The most extreme ordering of 2 against 2 is 1 of C(4, 2) = 6, two-sided: 1/3.
    BOOST_TEST(close(stats::smallest_p_value(2, 2), 1.0 / 3.0));
    BOOST_TEST(close(stats::smallest_p_value(3, 3), 0.1));
    BOOST_TEST(stats::smallest_p_value(4, 4) < 0.05);
    BOOST_TEST(stats::smallest_p_value(10, 10) < 0.001);
}

BOOST_AUTO_TEST_CASE(identical_samples_give_p_one)
{
    const std::vector<double> x{1, 1, 1}, y{1, 1, 1, 1};
    BOOST_TEST(stats::mann_whitney_u(x, y).p_value == 1.0);
}

BOOST_AUTO_TEST_CASE(empty_or_nan_samples_are_refused)
{
    const std::vector<double> empty, one{1.0}, nan{std::nan("")};
    BOOST_CHECK_THROW(stats::mann_whitney_u(empty, one), InvalidArgument);
    BOOST_CHECK_THROW(stats::mann_whitney_u(one, nan), InvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(history)

BOOST_AUTO_TEST_CASE(z_rule_gates_like_alpha)
{
    const std::vector<double> h{10, 11, 9, 10, 10};  // mean 10, sd sqrt(0.5)
    const auto far = stats::history_z_test(12, h);
    BOOST_REQUIRE(far.has_value());
    BOOST_TEST(close(far->z, 2.0 / std::sqrt(0.5)));
    BOOST_TEST(far->p_value < 0.05);
    const auto near = stats::history_z_test(10.5, h);
    BOOST_TEST(near->p_value > 0.05);
    BOOST_TEST(!stats::history_z_test(12, std::vector<double>{10, 11}).has_value());
    const std::vector<double> flat{5, 5, 5};
    BOOST_TEST(stats::history_z_test(5, flat)->p_value == 1.0);
    BOOST_TEST(stats::history_z_test(6, flat)->p_value == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(summary)

BOOST_AUTO_TEST_CASE(mean_std_and_median)
{
    const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
    BOOST_TEST(stats::mean(v) == 5.0);
    BOOST_TEST(close(*stats::sample_std(v), std::sqrt(32.0 / 7.0)));
    BOOST_TEST(stats::median(v) == 4.5);
    BOOST_TEST(!stats::sample_std(std::vector<double>{1.0}).has_value());
    BOOST_TEST(std::isnan(stats::median(std::vector<double>{})));
}

// Near 1e15 the mean rounds to a multiple of 1/8: 1e15 + 7/3 becomes 1e15 + 2.375. A plain two-pass
// std over the rounded mean is then off by about 6e-4 (relative); the corrected one, shared with
// export's summary, is exact to the last bits. Exact: deviations -4/3, -1/3, 5/3, so var = 7/3.
BOOST_AUTO_TEST_CASE(sample_std_is_exact_on_ill_conditioned_data)
{
    const std::vector<double> v{1e15 + 1, 1e15 + 2, 1e15 + 4};
    const double exact = std::sqrt(7.0 / 3.0);
    BOOST_TEST(std::abs(*stats::sample_std(v) - exact) / exact < 1e-14);
}

// (lower + upper) / 2 overflows to infinity when both middle values are near DBL_MAX (or -DBL_MAX):
// the median of values that are all finite is finite, and where the sum does not overflow it is
// numpy's (the same rounding).
BOOST_AUTO_TEST_CASE(median_of_values_near_the_largest_double_does_not_overflow)
{
    const std::vector<double> huge{1.6e308, 1.7e308, 1.75e308, 1.65e308};
    BOOST_TEST(stats::median(huge) == 1.675e308);
    const std::vector<double> negative{-1.7e308, -1.75e308};
    BOOST_TEST(stats::median(negative) == -1.725e308);
    const std::vector<double> extremes{-1.79e308, 1.79e308};
    BOOST_TEST(stats::median(extremes) == 0.0);
    const std::vector<double> ordinary{0.1, 0.2};
    BOOST_TEST(stats::median(ordinary) == (0.1 + 0.2) / 2.0);
}

BOOST_AUTO_TEST_SUITE_END()
