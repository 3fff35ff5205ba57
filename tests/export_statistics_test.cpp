#define BOOST_TEST_MODULE export_statistics
#include <boost/test/unit_test.hpp>

// The export summary's statistics against independent recomputations: pandas reading the files
// back, a long-double two-pass straight from the store, and exact rational arithmetic.
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/export.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::CsvRows;
using benchstore::test::TempDir;
using benchstore::test::options_for;
using benchstore::test::read_csv;
using benchstore::test::run_pandas_check;

namespace {

// Two-pass statistics in long double, straight from the store: an independent recomputation.
struct Stats {
    long double mean = NAN, max = NAN, std = NAN;
    long long count = 0;
};

Stats two_pass(SQLite::Database& db, const std::string& benchmark_id, const std::string& column)
{
    SQLite::Statement q(db, "SELECT d." + column + " FROM device_measurements d JOIN benchmarks b ON b.id = "
                            "d.benchmark_ref WHERE b.benchmark_id = ? AND d." + column + " IS NOT NULL");
    q.bind(1, benchmark_id);
    std::vector<long double> xs;
    while (q.executeStep()) xs.push_back(q.getColumn(0).getDouble());
    Stats s;
    s.count = static_cast<long long>(xs.size());
    if (xs.empty()) return s;
    long double sum = 0;
    s.max = xs[0];
    for (auto x : xs) { sum += x; s.max = std::max(s.max, x); }
    s.mean = sum / xs.size();
    if (xs.size() > 1) {
        long double ss = 0;
        for (auto x : xs) ss += (x - s.mean) * (x - s.mean);
        s.std = std::sqrt(ss / (xs.size() - 1));
    }
    return s;
}

bool close_to(const std::string& cell, long double want)
{
    if (std::isnan(want)) return cell.empty();
    if (cell.empty()) return false;
    const long double got = std::stold(cell);
    return std::fabs(got - want) <= 1e-12L * std::max(std::fabs(got), std::fabs(want)) || got == want;
}

// Checks every statistic of a summary file against two_pass; returns the number compared.
int check_summary_statistics(SQLite::Database& db, const std::filesystem::path& summary)
{
    const CsvRows rows = read_csv(summary);
    const auto& header = rows.at(0);
    auto column = [&](const std::string& name) {
        const auto it = std::find(header.begin(), header.end(), name);
        BOOST_REQUIRE(it != header.end());
        return static_cast<std::size_t>(it - header.begin());
    };
    int compared = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        BOOST_REQUIRE_EQUAL(row.size(), header.size());
        for (const std::string c : {"cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"}) {
            const Stats s = two_pass(db, row[0], c);
            BOOST_TEST(close_to(row[column(c + "_mean")], s.mean), c << "_mean row " << r << ": " << row[column(c + "_mean")]);
            BOOST_TEST(close_to(row[column(c + "_max")], s.max), c << "_max row " << r);
            BOOST_TEST(close_to(row[column(c + "_std")], s.std), c << "_std row " << r << ": " << row[column(c + "_std")]);
            if (c == "cpu_util") BOOST_TEST(row[column("device_measurement_count")] == std::to_string(s.count));
            compared += 3;
        }
    }
    return compared;
}

} // namespace

BOOST_AUTO_TEST_SUITE(export_statistics)

BOOST_AUTO_TEST_CASE(pandas_reads_the_files_back_and_recomputes_the_summary)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    BOOST_TEST(run_pandas_check(dir / "b.db", export_csv(options_for(dir))) == 0);
}

// Adds three benchmarks of 5000 samples each, values offset + scale * noise (noise in [0, 1)),
// with NULL GPU values in part (all of them for the second benchmark).
void add_noisy_benchmarks(const std::filesystem::path& db, double offset, double scale)
{
    auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", db);
    std::vector<DeviceSample> samples;
    std::uint64_t state = 42;
    for (int b = 0; b < 3; ++b) {
        const auto id = rec.initialise_benchmark({{"model", "noisy" + std::to_string(b)}});
        rec.collect_model_measurements(id, {{"load", 0.5 * b}});
        samples.clear();
        for (int i = 0; i < 5000; ++i) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            const double noise = static_cast<double>(state >> 11) / 9007199254740992.0;
            samples.push_back({offset + scale * noise, 1e-3 * noise, b == 1 ? std::optional<double>() : 50 + 50 * noise,
                               i % 3 == 0 ? std::optional<double>() : offset + 1e3 * scale * noise, std::nullopt});
        }
        rec.collect_device_measurements(id, samples);
    }
}

BOOST_AUTO_TEST_CASE(statistics_equal_a_long_double_two_pass_recomputation)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    // A large offset against a small spread: E[x^2]-E[x]^2 loses every digit here, and a one-pass
    // Welford update (pandas' groupby std) is off by about 1e-8; the two-pass export is not.
    add_noisy_benchmarks(dir / "b.db", 1e9, 1.0);
    const ExportResult r = export_csv(options_for(dir));
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(check_summary_statistics(db, r.summary_csv) == 9 * 12);
}

BOOST_AUTO_TEST_CASE(statistics_of_values_near_the_largest_double_stay_finite)
{
    // Sums of such values overflow a double; the mean and std of the values themselves do not.
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    add_noisy_benchmarks(dir / "b.db", 1.5e308, 2e304);
    const ExportResult r = export_csv(options_for(dir));
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(check_summary_statistics(db, r.summary_csv) == 9 * 12);
}

// The statistics claim of docs/export.md, against exact rational arithmetic (tests/stats_exact_check.py):
// the mean within one ulp of the exact mean, the std within a relative 1e-14 of the exact std.
int run_exact_check(const std::filesystem::path& db, const ExportResult& r)
{
    const std::string cmd = "/usr/bin/python3 " +
                            test::shell_quote(std::string(BENCHSTORE_SOURCE_DIR) + "/tests/stats_exact_check.py") + " " +
                            test::shell_quote(db.string()) + " " + test::shell_quote(r.summary_csv.string()) + " --report";
    return std::system(cmd.c_str());
}

BOOST_AUTO_TEST_CASE(statistics_equal_exact_arithmetic_on_ill_conditioned_data)
{
    // Values near 1e15 with offsets of a few units (a double holds 1/8 steps there): the spread is
    // 1e-15 of the values, so every digit of a naive or one-pass variance is noise.
    for (const double scale : {4.0, 0.5}) {
        TempDir dir;
        add_noisy_benchmarks(dir / "b.db", 1e15, scale);
        const ExportResult r = export_csv(options_for(dir));
        BOOST_TEST(run_exact_check(dir / "b.db", r) == 0, "scale " << scale);
    }
    TempDir dir;  // ordinary figures too
    add_noisy_benchmarks(dir / "b.db", 8000, 400);
    BOOST_TEST(run_exact_check(dir / "b.db", export_csv(options_for(dir))) == 0);
}

BOOST_AUTO_TEST_CASE(pandas_recomputes_the_same_statistics_for_realistic_samples)
{
    TempDir dir;
    add_noisy_benchmarks(dir / "b.db", 8000, 400);
    const ExportResult r = export_csv(options_for(dir));
    BOOST_TEST(run_pandas_check(dir / "b.db", r) == 0);
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(check_summary_statistics(db, r.summary_csv) == 3 * 12);
}

BOOST_AUTO_TEST_SUITE_END()
