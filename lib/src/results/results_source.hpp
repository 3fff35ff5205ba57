#pragma once
// Where compare and the report read results from: one interface, two implementations.
//   - the local SQLite store (store/store_results.cpp): today's read layer;
//   - the central PostgreSQL that benchstore-sync fills (central/central_results.cpp), with rows
//     the original Hugging Face tool wrote read under documented defaults (docs/central-read.md).
// Both take the same Selection and the same side specs, and hand over the same shapes: the report's
// streams (report/report_source.hpp) and compare's samples (compare/samples.hpp). Statistics,
// verdicts and page code never see which one it is. Internal to the library.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "benchstore/selection.hpp"
#include "compare/samples.hpp"
#include "compare/side_selection.hpp"
#include "report/report_source.hpp"

namespace benchstore::results {

// Which source: the store file, or the central database when conninfo is set.
struct Location {
    std::filesystem::path db_path;                // the store file (opened read-only)
    std::optional<std::string> conninfo;          // set: the central database (sync's conninfo rules)
    std::chrono::seconds statement_timeout{300};  // central: per statement, as sync's
};

// A source of results restricted to one Selection, reading one consistent snapshot for its life.
class ResultsSource : public report::ReportSource {
public:
    // What the page header and messages call the source: the store's file name, or host:port/dbname.
    virtual std::string name() const = 0;

    // Compare's read: head's benchmarks (spec head), then base's among those not on head (so
    // `branch:main commit:HEAD` compares HEAD with main's runs before it), their model values and
    // per-benchmark device figures, collected base side first. Throws InvalidArgument when a side
    // selects nothing or a prefix is ambiguous, StoreError (or ServerError) when reading fails.
    virtual void load_comparison(const compare_::SideSpec& base, const compare_::SideSpec& head,
                                 std::size_t last, compare_::Samples& samples) = 0;
};

// Opens the source where names. Throws StoreError (NewerSchemaError) for a missing, foreign or newer
// store; ConnectionError / ServerError for an unreachable or refusing server or a newer central
// schema; InvalidArgument for a bad selection or an unknown benchmark id.
std::unique_ptr<ResultsSource> open_results_source(const Location& where, const Selection& selection);

std::unique_ptr<ResultsSource> open_store_results(const std::filesystem::path& db_path, const Selection& selection);
std::unique_ptr<ResultsSource> open_central_results(const std::string& conninfo, std::chrono::seconds statement_timeout,
                                                    const Selection& selection);

} // namespace benchstore::results
