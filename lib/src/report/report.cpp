#include "benchstore/report.hpp"

#include "benchstore/compare.hpp"
#include "benchstore/error.hpp"
#include "benchstore/timestamp.hpp"
#include "report/html_text.hpp"
#include "report/page_file.hpp"
#include "report/page_sections.hpp"
#include "results/results_source.hpp"

namespace benchstore {

ReportResult write_report(const ReportOptions& options)
{
    if (options.max_points_per_series < 4)
        throw InvalidArgument("max_points_per_series must be at least 4 (got " +
                              std::to_string(options.max_points_per_series) + ")");
    if (options.compare_base.empty() != options.compare_head.empty())
        throw InvalidArgument("a comparison needs both sides, base and head");
    // The source and the comparison first: bad input fails before the output folder is touched.
    const auto source = results::open_results_source(
        {options.db_path, options.conninfo, options.statement_timeout}, options.selection);
    const report::Overview overview = source->overview();
    std::optional<CompareResult> comparison;
    if (!options.compare_base.empty()) {
        CompareOptions co;
        co.db_path = options.db_path;
        co.conninfo = options.conninfo;
        co.statement_timeout = options.statement_timeout;
        co.base = options.compare_base;
        co.head = options.compare_head;
        co.filter = options.selection;
        co.hosts = HostPolicy::warn;
        comparison = compare(co);
    }

    report::PageFile page(options.output_path);
    const std::string generated = report::readable_time(format_timestamp(now_utc()));
    report::write_page_head(page, overview, source->name(), generated, comparison.has_value());
    ReportResult result;
    if (comparison) {
        report::write_compare_section(page, *comparison);
        result.regressions = comparison->regressions;
    }
    if (overview.benchmarks > 0) {
        const std::uint64_t with_devices = report::write_benchmark_table(page, *source);
        result.trend_charts = report::write_trend_charts(page, *source, overview.hosts.size() > 1);
        result.device_charts = report::write_device_charts(page, *source, options.max_points_per_series,
                                                           options.max_device_charts, with_devices);
    }
    report::write_page_tail(page);
    page.commit();

    result.path = options.output_path;
    result.page_bytes = page.size();
    result.benchmarks = overview.benchmarks;
    result.device_rows = overview.device_rows;
    result.model_rows = overview.model_rows;
    return result;
}

} // namespace benchstore
