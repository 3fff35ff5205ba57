#pragma once
// What compare_test and compare_statistics_test share: stores recorded through the library, compare's
// options, a result's row by metric, and the real benchstore-compare (COMPARE_EXE, tests/compare.cmake).
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "benchstore/compare.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "support/export_fixture.hpp"
#include "support/runner_cli.hpp"
#include "support/temp_dir.hpp"

namespace benchstore {
inline std::ostream& operator<<(std::ostream& out, Verdict v) { return out << verdict_text(v); }
inline std::ostream& operator<<(std::ostream& out, TestMethod m) { return out << static_cast<int>(m); }
} // namespace benchstore

namespace benchstore::test::compare_fixture {

namespace fs = std::filesystem;
using benchstore::test::TempDir;

inline const std::string compare_exe = COMPARE_EXE;

struct Side {
    std::string commit;
    std::string host = "bench-1";
    std::string branch = "main";
};

// Records one benchmark per (metadata) identity with one model row per sample.
inline void record(const fs::path& db, const Side& side, const Metadata& metadata,
            const std::vector<Measurements>& rows)
{
    RecorderOptions o;
    o.db_path = db;
    o.repository = "acme/w";
    o.branch = side.branch;
    o.commit_id = side.commit;
    o.commit_message = "m";
    o.host = side.host;
    o.module = "mod";
    MetricsRecorder rec(o);
    const auto id = rec.initialise_benchmark(metadata);
    for (const auto& r : rows) rec.collect_model_measurements(id, r);
}

inline std::vector<Measurements> samples(const std::string& metric, std::vector<double> values)
{
    std::vector<Measurements> rows;
    for (double v : values) rows.push_back({{metric, v}});
    return rows;
}

inline CompareOptions options(const fs::path& db, const std::string& base, const std::string& head)
{
    CompareOptions o;
    o.db_path = db;
    o.base = base;
    o.head = head;
    return o;
}

inline const MetricComparison& row(const CompareResult& r, const std::string& metric)
{
    for (const auto& m : r.rows)
        if (m.metric == metric) return m;
    BOOST_FAIL("no row for " << metric);
    return r.rows.front();
}

inline test::CommandResult run_compare(const TempDir& dir, const std::string& args)
{
    return test::run_command(test::shell_quote(compare_exe) + " " + args, dir.path());
}

} // namespace benchstore::test::compare_fixture
