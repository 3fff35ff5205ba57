#define BOOST_TEST_MODULE compare_statistics
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "benchstore/compare.hpp"
#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "support/compare_fixture.hpp"
#include "support/export_fixture.hpp"
#include "support/runner_cli.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test::compare_fixture;
using benchstore::test::TempDir;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(statistics)

// 100 A/A comparisons (both sides drawn from one distribution) of 20 metrics each: a run that flags
// any regression is a false alarm; at most 2 x alpha of the runs may raise one.
BOOST_AUTO_TEST_CASE(aa_comparisons_flag_a_regression_in_at_most_two_alpha_of_runs)
{
    TempDir dir;
    const auto db = dir / "b.db";
    std::mt19937_64 rng(20251130);
    std::lognormal_distribution<double> timing(0.0, 0.15);  // ~15% spread, far above the 5% threshold
    constexpr int runs = 100, metrics = 20, reps = 10;
    for (int run = 0; run < runs; ++run) {
        for (const char* side : {"a", "b"}) {
            std::vector<Measurements> rows(reps);
            for (auto& r : rows)
                for (int m = 0; m < metrics; ++m) r.emplace_back("metric_" + std::to_string(m), timing(rng));
            record(db, {side + std::to_string(run) + "x"}, {{"run", std::to_string(run)}}, rows);
        }
    }
    int flagged = 0;
    std::size_t comparisons = 0;
    for (int run = 0; run < runs; ++run) {
        const auto r = compare(options(db, "commit:a" + std::to_string(run) + "x", "commit:b" + std::to_string(run) + "x"));
        comparisons += r.comparisons;
        if (r.regressions > 0) ++flagged;
    }
    BOOST_TEST(comparisons == static_cast<std::size_t>(runs * metrics));
    BOOST_TEST_MESSAGE("A/A runs with a false regression: " << flagged << " of " << runs);
    BOOST_TEST(flagged <= 2 * 0.05 * runs);
}

BOOST_AUTO_TEST_CASE(two_against_two_is_too_few_samples_never_a_guess)
{
    TempDir dir;
    const auto db = dir / "b.db";
    record(db, {"c1"}, {{"m", "1"}}, samples("t", {1.0, 1.1}));
    record(db, {"c2"}, {{"m", "1"}}, samples("t", {5.0, 5.1}));
    const auto r = compare(options(db, "commit:c1", "commit:c2"));
    const auto& t = row(r, "t");
    BOOST_TEST(t.verdict == Verdict::too_few_samples);
    BOOST_TEST(*t.p_value > 0.3);
    BOOST_TEST(t.low_samples);
    BOOST_TEST(r.regressions == 0u);
}

BOOST_AUTO_TEST_CASE(identities_on_one_side_only_are_listed)
{
    TempDir dir;
    const auto db = dir / "b.db";
    record(db, {"c1"}, {{"model", "both"}}, samples("t", {1, 2, 3}));
    record(db, {"c1"}, {{"model", "old"}}, samples("t", {1}));
    record(db, {"c2"}, {{"model", "both"}}, samples("t", {1, 2, 3}));
    record(db, {"c2"}, {{"model", "new"}}, samples("t", {1}));
    const auto r = compare(options(db, "commit:c1", "commit:c2"));
    BOOST_TEST(r.base_only == std::vector<std::string>{"mod {\"model\":\"old\"}"});
    BOOST_TEST(r.head_only == std::vector<std::string>{"mod {\"model\":\"new\"}"});
    BOOST_TEST(r.rows.size() == 1u);
}

BOOST_AUTO_TEST_CASE(direction_thresholds_and_fdr_decide_the_verdict)
{
    TempDir dir;
    const auto db = dir / "b.db";
    std::vector<double> base, head;
    for (int i = 0; i < 10; ++i) {
        base.push_back(100 + i * 0.1);
        head.push_back(108 + i * 0.1);  // +8%, p ~ 1.8e-4
    }
    std::vector<Measurements> b, h;
    for (int i = 0; i < 10; ++i) {
        b.push_back({{"latency", base[i]}, {"tokens_per_second", base[i]}, {"score", base[i]}});
        h.push_back({{"latency", head[i]}, {"tokens_per_second", head[i]}, {"score", head[i]}});
    }
    record(db, {"c1"}, {}, b);
    record(db, {"c2"}, {}, h);
    auto o = options(db, "commit:c1", "commit:c2");
    auto r = compare(o);
    BOOST_TEST(row(r, "latency").verdict == Verdict::regression);
    BOOST_TEST(row(r, "tokens_per_second").verdict == Verdict::improvement);  // default higher-is-better
    BOOST_TEST(row(r, "score").verdict == Verdict::regression);
    BOOST_TEST(r.comparisons == 3u);
    BOOST_TEST(*row(r, "latency").adjusted_p_value >= *row(r, "latency").p_value);

    o.higher_is_better = "^score$";
    o.thresholds = {{"^lat", 10.0}};  // +8% is below 10%: no verdict for latency
    r = compare(o);
    BOOST_TEST(row(r, "latency").verdict == Verdict::no_change);
    BOOST_TEST(row(r, "latency").threshold_percent == 10.0);
    BOOST_TEST(row(r, "score").verdict == Verdict::improvement);
    BOOST_TEST(r.regressions == 0u);

    o = options(db, "commit:c1", "commit:c2");
    o.threshold_percent = 9.0;
    BOOST_TEST(compare(o).regressions == 0u);
}

// Samples near DBL_MAX: each side's median (the mean of two middle values) and the change must stay
// finite, so the verdict comes from the data. Before, both medians overflowed to infinity, the change
// became NaN, and a 6% slowdown of a lower-is-better metric was called an improvement.
BOOST_AUTO_TEST_CASE(values_near_the_largest_double_keep_a_finite_median_and_the_right_verdict)
{
    TempDir dir;
    const auto db = dir / "b.db";
    std::vector<double> base, head;
    for (int i = 0; i < 10; ++i) {
        base.push_back(1.6e308 + i * 0.015e308 / 0.9);  // 1.6e308 to 1.75e308
        head.push_back(1.76e308 + i * 0.003e308 / 0.9);  // 1.76e308 to 1.79e308
    }
    record(db, {"c1"}, {}, samples("latency", base));
    record(db, {"c2"}, {}, samples("latency", head));
    const auto r = compare(options(db, "commit:c1", "commit:c2"));
    const auto& latency = row(r, "latency");
    BOOST_TEST_REQUIRE(latency.base_median.has_value());
    BOOST_TEST(std::isfinite(*latency.base_median));
    BOOST_TEST(std::isfinite(*latency.head_median));
    BOOST_TEST_REQUIRE(latency.change_percent.has_value());
    BOOST_TEST(*latency.change_percent > 5.0);
    BOOST_TEST(*latency.change_percent < 7.0);
    BOOST_TEST(latency.verdict == Verdict::regression);
    const auto tool = run_compare(dir, "--db " + test::shell_quote(db.string()) + " commit:c1 commit:c2 --format csv");
    BOOST_TEST(tool.exit_code == 4, tool.out << tool.err);

    // Medians of opposite signs: head - base overflows, the change (1.7 - -1.7) / 1.7 does not.
    record(db, {"c3"}, {}, samples("latency", std::vector<double>(10, -1.7e308)));
    record(db, {"c4"}, {}, samples("latency", std::vector<double>(10, 1.7e308)));
    const auto opposite = row(compare(options(db, "commit:c3", "commit:c4")), "latency");
    BOOST_TEST_REQUIRE(opposite.change_percent.has_value());
    BOOST_TEST(*opposite.change_percent == 200.0);
    BOOST_TEST(opposite.verdict == Verdict::regression);
}

// The library refuses what the tool refuses: a threshold that is not a finite percentage >= 0 would
// let every change through (NaN) or none (infinity), and the JSON output cannot write it.
BOOST_AUTO_TEST_CASE(a_threshold_must_be_a_finite_percentage)
{
    TempDir dir;
    const auto db = dir / "b.db";
    record(db, {"c1"}, {}, samples("t", {1, 2, 3}));
    record(db, {"c2"}, {}, samples("t", {1, 2, 3}));
    for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity(), -1.0}) {
        auto o = options(db, "commit:c1", "commit:c2");
        o.threshold_percent = bad;
        BOOST_CHECK_THROW(compare(o), InvalidArgument);
        o = options(db, "commit:c1", "commit:c2");
        o.thresholds = {{"t", bad}};
        BOOST_CHECK_THROW(compare(o), InvalidArgument);
    }
}

BOOST_AUTO_TEST_CASE(history_mode_judges_one_new_result_against_the_base_runs)
{
    TempDir dir;
    const auto db = dir / "b.db";
    for (int i = 0; i < 10; ++i) record(db, {"old" + std::to_string(i)}, {}, samples("t", {100.0 + (i % 3)}));
    record(db, {"new"}, {}, samples("t", {120.0}));
    auto o = options(db, "branch:main", "commit:new");
    const auto r = compare(o);
    const auto& t = row(r, "t");
    BOOST_TEST(t.method == TestMethod::history_z);
    BOOST_TEST(t.base_count == 10u);
    BOOST_TEST(t.head_count == 1u);
    BOOST_TEST(*t.z > 10);
    BOOST_TEST(t.verdict == Verdict::regression);
    o.last = 2;  // too short a history
    BOOST_TEST(row(compare(o), "t").verdict == Verdict::too_few_samples);
}

BOOST_AUTO_TEST_CASE(sides_select_by_prefix_run_and_branch)
{
    TempDir dir;
    const auto db = dir / "b.db";
    record(db, {"abc111"}, {}, samples("t", {1}));
    record(db, {"abc222"}, {}, samples("t", {1}));
    record(db, {"fff333", "bench-1", "dev"}, {}, samples("t", {1}));
    BOOST_CHECK_THROW(compare(options(db, "commit:abc", "commit:fff")), InvalidArgument);  // ambiguous
    const auto r = compare(options(db, "commit:abc1", "branch:dev"));
    BOOST_TEST(r.base.commits == std::vector<std::string>{"abc111"});
    BOOST_TEST(r.head.commits == std::vector<std::string>{"fff333"});
    // The head's benchmarks are never on the base side too.
    const auto same = compare(options(db, "branch:main", "commit:abc222"));
    BOOST_TEST(same.base.commits == std::vector<std::string>{"abc111"});
    BOOST_CHECK_THROW(compare(options(db, "tag:x", "commit:abc1")), InvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()
