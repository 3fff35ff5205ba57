#pragma once
// benchstore-report: one self-contained HTML page to look at a store offline, or at the central
// PostgreSQL that benchstore-sync fills (ReportOptions::conninfo).
//
// The page needs nothing else: the chart library (Chart.js, from Debian's libjs-chart.js), the
// stylesheet and the page's own script are embedded into the library at build time and inlined into
// the page, so no request leaves it (no CDN, no web fonts). It shows:
//   - a header: repositories, branches, commits, hosts, the time range and the counts;
//   - a table of the benchmarks with their status, failed ones marked with their reason;
//   - per model metric, its trend across commits in time order: one line per host and benchmark
//     identity (module + metadata; the host named in the label when the page covers several hosts),
//     points labelled with the short commit id;
//   - per benchmark, its device series: CPU %, RSS MiB, and GPU %, GPU MiB where there are values;
//   - with compare_base and compare_head, the comparison of the two sides (benchstore/compare.hpp:
//     Mann-Whitney U, Benjamini-Hochberg) right after the header, regressions first, verdicts marked
//     by word and symbol (▲ regression, ▼ improvement) as well as colour.
// Lines differ by dash pattern and marker as well as colour, so the page prints and reads in black
// and white.
//
// Large stores: each device series is reduced to at most max_points_per_series points (min and max
// of equal-count buckets, so every peak stays visible), and at most max_device_charts benchmarks get
// a device chart (the newest; the page says when some were left out). Generation streams from the
// store: memory does not grow with the number of device rows.
//
// Safety: every text from the store is escaped for HTML, and for the JSON embedded in <script>
// elements ("<", ">", "&", U+2028 and U+2029 as \u escapes), so a commit message holding
// "</script><script>alert(1)</script>" shows as text and runs nothing. The store is opened read-only;
// the header, table and charts read one snapshot (the comparison, through compare(), reads its own). The page is written as the export writes its files (the shared
// AtomicFile): under a hidden temporary name beside the output file, flushed to disk, then renamed to
// its name, so it appears complete or not at all; an existing file is never replaced.
//
// Thread safety: write_report is reentrant.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "benchstore/api.hpp"
#include "benchstore/selection.hpp"

namespace benchstore {

// Everything one report needs. Plain struct: fill it and call write_report.
struct ReportOptions {
    std::filesystem::path db_path = "benchmarks.db";  // must exist; opened read-only
    // Set: draw from the central PostgreSQL instead of db_path (as CompareOptions::conninfo: sync's
    // connection rules, statement_timeout per statement with a client-side deadline).
    std::optional<std::string> conninfo;
    std::chrono::seconds statement_timeout{300};
    std::filesystem::path output_path = "report.html";  // its folder must exist; must not exist yet
    Selection selection;                                // the same selection as the export; default all
    std::uint32_t max_points_per_series = 500;          // device points drawn per line (at least 4)
    std::uint32_t max_device_charts = 50;               // benchmarks with a device chart (newest first)
    // Side specs as benchstore-compare takes them (commit:SHA, run:ID, branch:NAME); both empty = no
    // comparison, else both required. The selection narrows both sides; the compare library's other
    // options keep their defaults, except that different hosts are a warning on the page, not an error.
    std::string compare_base;
    std::string compare_head;
};

// What a report wrote.
struct ReportResult {
    std::filesystem::path path;
    std::uint64_t page_bytes = 0;
    std::uint64_t benchmarks = 0;
    std::uint64_t device_rows = 0;     // in the selection, before reduction
    std::uint64_t model_rows = 0;
    std::uint64_t trend_charts = 0;    // one per model metric
    std::uint64_t device_charts = 0;   // one per benchmark with device rows, at most max_device_charts
    std::optional<std::size_t> regressions;  // with a comparison: its regressions
};

// Writes the page for options.selection. Throws:
//   StoreError (or NewerSchemaError) when the store is missing, not a benchstore store, from a newer
//     version, or cannot be read;
//   ConnectionError / ServerError when the central database cannot be reached, refuses, times out or
//     has a newer schema;
//   InvalidArgument for an unknown benchmark id, a malformed since/until, an unknown status,
//     max_points_per_series below 4, or a comparison side that is malformed, missing or selects nothing;
//   OutputError when the page cannot be written (output_path exists already, a missing folder, a
//     full disk).
// On a throw no output file is created or replaced and no temporary file is left behind.
BENCHSTORE_API ReportResult write_report(const ReportOptions& options);

} // namespace benchstore
