#pragma once
// The parts of the report page, written in order into one PageFile: the head and header, the
// benchmark table, the trend charts, the device charts, and the tail with the embedded scripts.
// Each part streams from the ReportSource; only one chart's data is held at a time.
// Every function throws what the source or the file throws (StoreError, OutputError).
#include <cstdint>
#include <string>

#include "benchstore/compare.hpp"
#include "report/page_file.hpp"
#include "report/report_source.hpp"

namespace benchstore::report {

// <!DOCTYPE html> to the end of the header: title, generation time, source file name, overview,
// contents (with a link to the comparison when there is one). With no benchmarks, says so.
void write_page_head(PageFile& out, const Overview& overview, const std::string& source_name,
                     const std::string& generated_at, bool with_comparison);

// The comparison of two sides (benchstore-report --compare): sides, verdict counts, warnings, and
// one row per identity and metric, regressions first.
void write_compare_section(PageFile& out, const CompareResult& result);

// The benchmark table, oldest first, failed ones marked with their reason. Returns how many of the
// benchmarks have device rows.
std::uint64_t write_benchmark_table(PageFile& out, ReportSource& source);

// One chart per model metric: its trend across commits, one line per host and benchmark identity;
// name_hosts (a page of several hosts) puts the host name in each line's label. Returns the number of charts.
std::uint64_t write_trend_charts(PageFile& out, ReportSource& source, bool name_hosts);

// One chart per benchmark with device rows (the newest max_charts), each line reduced to at most
// max_points points. Returns the number of charts.
std::uint64_t write_device_charts(PageFile& out, ReportSource& source, std::uint32_t max_points,
                                  std::uint32_t max_charts, std::uint64_t benchmarks_with_devices);

// The embedded chart library, the page script, and the end of the document.
void write_page_tail(PageFile& out);

// The opening of a chart figure: kind "trend" or "device", an HTML caption (already escaped), then
// the opening of its JSON data element. Close it with close_chart_figure.
void open_chart_figure(std::string& out, const char* kind, const std::string& caption_html);
void close_chart_figure(std::string& out);

} // namespace benchstore::report
