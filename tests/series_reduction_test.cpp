#define BOOST_TEST_MODULE series_reduction
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "report/series_reduction.hpp"

using benchstore::report::PlotPoint;
using benchstore::report::SeriesReduction;

BOOST_AUTO_TEST_SUITE(series_reduction)

BOOST_AUTO_TEST_CASE(short_series_are_kept_whole)
{
    SeriesReduction r(5, 500);
    for (int i = 0; i < 5; ++i) r.add(i * 0.1, i * 10.0);
    const auto& points = r.finish();
    BOOST_REQUIRE_EQUAL(points.size(), 5u);
    for (int i = 0; i < 5; ++i) BOOST_TEST(points[i].y == i * 10.0);
    BOOST_TEST(r.has_values());
}

BOOST_AUTO_TEST_CASE(a_million_samples_become_at_most_max_points_with_every_peak_kept)
{
    const std::uint64_t n = 1'000'000;
    SeriesReduction r(n, 500);
    for (std::uint64_t i = 0; i < n; ++i) {
        double y = 50 + 10 * std::sin(static_cast<double>(i) / 5000.0);
        if (i == 777'777) y = 400;  // a one-sample spike
        if (i == 123'456) y = -3;   // a one-sample dip
        r.add(static_cast<double>(i) / 10.0, y);
    }
    const auto& points = r.finish();
    BOOST_TEST(points.size() <= 500u);
    BOOST_TEST(points.size() >= 400u);
    const auto high = std::max_element(points.begin(), points.end(), [](auto a, auto b) { return a.y < b.y; });
    const auto low = std::min_element(points.begin(), points.end(), [](auto a, auto b) { return a.y < b.y; });
    BOOST_TEST(high->y == 400.0);
    BOOST_TEST(high->x == 77'777.7);
    BOOST_TEST(low->y == -3.0);
    BOOST_TEST(low->x == 12'345.6);
    // In recording order, and the ends of the range are still reached.
    BOOST_TEST(std::is_sorted(points.begin(), points.end(), [](auto a, auto b) { return a.x < b.x; }));
    BOOST_TEST(points.front().x < 200.0);
    BOOST_TEST(points.back().x > 99'800.0);
}

BOOST_AUTO_TEST_CASE(absent_values_keep_their_place_and_an_all_null_series_has_no_values)
{
    SeriesReduction gpu(1000, 10);
    for (int i = 0; i < 1000; ++i) gpu.add(i, std::nullopt);
    BOOST_TEST(gpu.finish().empty());
    BOOST_TEST(!gpu.has_values());

    SeriesReduction some(1000, 10);
    for (int i = 0; i < 1000; ++i) some.add(i, i >= 900 ? std::optional<double>(i) : std::nullopt);
    const auto& points = some.finish();
    BOOST_TEST(some.has_values());
    BOOST_TEST(points.size() == 2u);  // the last bucket's lowest and highest
    BOOST_TEST(points.front().x == 900.0);
    BOOST_TEST(points.back().x == 999.0);
}

BOOST_AUTO_TEST_SUITE_END()
