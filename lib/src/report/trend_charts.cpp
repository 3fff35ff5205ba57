// The trend charts: per model metric, its values across commits, one line per host and benchmark
// identity (module + metadata); the host is named in the label when the page covers several. The source delivers the points grouped by metric and identity, in time order,
// so each chart is written as its points arrive. A chart may hold millions of points, so its frame
// ({"metric":…,"lines":[{"label":…,"points":[…]}]}) is written around the values, each written by
// the JSON library, instead of building the chart as one value.
#include "report/html_text.hpp"
#include "report/page_sections.hpp"

namespace benchstore::report {
namespace {

std::string identity_label(const TrendPoint& p)
{
    if (p.module.empty() && p.metadata.empty()) return "(no module, no metadata)";
    if (p.metadata.empty()) return std::string(p.module);
    if (p.module.empty()) return std::string(p.metadata);
    return std::string(p.module) + " · " + std::string(p.metadata);
}

std::string line_label(const TrendPoint& p, bool name_hosts)
{
    if (!name_hosts) return identity_label(p);
    return (p.host.empty() ? std::string("unknown host") : std::string(p.host)) + " · " + identity_label(p);
}

} // namespace

std::uint64_t write_trend_charts(PageFile& out, ReportSource& source, bool name_hosts)
{
    out.write(std::string("<section id=\"trends\">\n<h2>Model measurements across commits</h2>\n"
              "<p class=\"note\">One chart per measurement; one line per ") +
              (name_hosts ? "host and benchmark (the host first, then module and metadata: each machine's "
                            "trend on its own line), "
                          : "benchmark (module and metadata), ") +
              "commits in the order they were first measured, labelled with their short id. A chart's height "
              "spans at least 10% of the values it shows (more when they differ more), so a line that looks "
              "flat changed by less than that; a 5% change (compare's default threshold) rises about half the "
              "height. Hovering a point gives its change in percent from the line's first commit.</p>\n");
    std::uint64_t charts = 0;
    bool line_open = false;
    std::string metric, host, module, metadata, buf;
    const auto close_chart = [&] {
        if (charts == 0) return;
        buf += "]}]}";
        close_chart_figure(buf);
    };
    source.for_each_trend_point([&](const TrendPoint& p) {
        buf.clear();
        if (charts == 0 || p.metric != metric) {
            if (charts == 0) buf += "<div class=\"charts\">\n";
            close_chart();
            ++charts;
            metric = p.metric;
            std::string caption;
            append_heading_html(caption, p.metric);
            open_chart_figure(buf, "trend", caption);
            buf += "{\"metric\":";
            append_script_json(buf, p.metric);
            buf += ",\"lines\":[";
            line_open = false;
        }
        if (!line_open || p.host != host || p.module != module || p.metadata != metadata) {
            if (line_open) buf += "]},";
            line_open = true;
            host = p.host;
            module = p.module;
            metadata = p.metadata;
            buf += "{\"label\":";
            append_script_json(buf, line_label(p, name_hosts));
            buf += ",\"points\":[";
        } else {
            buf += ',';
        }
        append_script_value(buf, json::Value::array({std::string(p.commit_id), std::string(p.time), p.value}));
        out.write(buf);
    });
    buf.clear();
    close_chart();
    if (charts == 0) buf += "<p class=\"note\">No model measurements in the selection.</p>\n";
    else buf += "</div>\n";
    buf += "</section>\n";
    out.write(buf);
    return charts;
}

} // namespace benchstore::report
