// The device charts: per benchmark, CPU %, RSS MiB, GPU % and GPU MiB over time, each line reduced
// to at most max_points points (series_reduction.hpp). GPU lines appear only where there are values.
#include <array>
#include <charconv>
#include <optional>

#include "report/html_text.hpp"
#include "report/page_sections.hpp"
#include "report/series_reduction.hpp"

namespace benchstore::report {
namespace {

// Seconds since 1970 of a stored time "YYYY-MM-DDTHH:MM:SS.ffffff", without a calendar library: this
// runs once per device row. Empty when the text is not in that form.
std::optional<double> seconds_of(std::string_view t)
{
    if (t.size() < 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return {};
    const auto field = [&](std::size_t at, std::size_t len) {
        int v = -1;
        const auto r = std::from_chars(t.data() + at, t.data() + at + len, v);
        return r.ptr == t.data() + at + len ? v : -1;
    };
    const int y0 = field(0, 4), m = field(5, 2), d = field(8, 2), hh = field(11, 2), mm = field(14, 2),
              ss = field(17, 2);
    if (y0 < 0 || m < 1 || m > 12 || d < 1 || hh < 0 || mm < 0 || ss < 0) return {};
    // Howard Hinnant's days_from_civil.
    const int y = y0 - (m <= 2);
    const int era = y / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const double days = era * 146097.0 + doe - 719468;
    double fraction = 0;
    if (t.size() > 20 && t[19] == '.') {
        double scale = 0.1;
        for (std::size_t i = 20; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, scale /= 10)
            fraction += (t[i] - '0') * scale;
    }
    return days * 86400.0 + hh * 3600.0 + mm * 60.0 + ss + fraction;
}

struct SeriesSpec {
    const char* name;
    const char* axis;
};
constexpr std::array<SeriesSpec, 4> series_specs{
    {{"CPU %", "pct"}, {"RSS MiB", "mib"}, {"GPU %", "pct"}, {"GPU MiB", "mib"}}};

class DeviceChartWriter final : public DeviceVisitor {
public:
    DeviceChartWriter(PageFile& out, std::uint32_t max_points) : m_out(out), m_max_points(max_points) {}

    void begin(const BenchmarkInfo& b) override
    {
        m_caption.clear();
        append_heading_html(m_caption, b.module.empty() ? std::string_view("(no module)") : b.module);
        if (!b.metadata.empty()) {
            m_caption += " · ";
            append_heading_html(m_caption, b.metadata);
        }
        m_caption += "<span class=\"sub\"><code>";
        append_html(m_caption, short_commit(b.commit_id));
        m_caption += "</code> ";
        append_html(m_caption, readable_time(b.created_at));
        m_caption += " UTC · ";
        append_html(m_caption, b.status);
        m_caption += " · " + std::to_string(b.device_rows) + (b.device_rows == 1 ? " sample" : " samples");
        if (b.device_rows > m_max_points) m_caption += ", drawn as the min and max of " + std::to_string(m_max_points / 2) + " buckets";
        m_caption += "</span>";
        m_series.clear();
        for (std::size_t i = 0; i < series_specs.size(); ++i) m_series.emplace_back(b.device_rows, m_max_points);
        m_start.reset();
        m_index = 0;
    }

    void sample(const DeviceSample& s) override
    {
        // x: seconds since the first sample; a time that cannot be read keeps the sample's place.
        const std::optional<double> at = seconds_of(s.time);
        if (!m_start && at) m_start = *at;
        const std::uint64_t position = s.position.value_or(m_index);
        const double x = at && m_start ? *at - *m_start : static_cast<double>(position);
        m_index = position + 1;
        m_series[0].add(x, s.cpu_util, position);
        m_series[1].add(x, s.mem_megabytes, position);
        m_series[2].add(x, s.gpu_util, position);
        m_series[3].add(x, s.gpu_mem_megabytes, position);
    }

    void end() override
    {
        m_buf.clear();
        open_chart_figure(m_buf, "device", m_caption);
        json::Value series = json::Value::array();
        for (std::size_t i = 0; i < series_specs.size(); ++i) {
            const auto& points = m_series[i].finish();
            if (!m_series[i].has_values()) continue;
            json::Value xy = json::Value::array();
            for (const auto& point : points) {
                xy.push_back(plot_value(point.x));
                xy.push_back(plot_value(point.y));
            }
            series.push_back({{"name", series_specs[i].name}, {"axis", series_specs[i].axis}, {"points", std::move(xy)}});
        }
        append_script_value(m_buf, json::Value{{"series", std::move(series)}});
        close_chart_figure(m_buf);
        m_out.write(m_buf);
        ++m_charts;
    }

    std::uint64_t charts() const { return m_charts; }

private:
    PageFile& m_out;
    std::uint32_t m_max_points;
    std::string m_caption;
    std::string m_buf;
    std::vector<SeriesReduction> m_series;
    std::optional<double> m_start;
    std::uint64_t m_index = 0;
    std::uint64_t m_charts = 0;
};

} // namespace

std::uint64_t write_device_charts(PageFile& out, ReportSource& source, std::uint32_t max_points,
                                  std::uint32_t max_charts, std::uint64_t benchmarks_with_devices)
{
    std::string head = "<section id=\"devices\">\n<h2>Device series</h2>\n<p class=\"note\">Per benchmark: CPU % "
                       "(of one core) and GPU % on the left axis, resident memory and GPU memory in MiB on the "
                       "right; GPU lines only where the store has GPU values. Each line is drawn from at most " +
                       std::to_string(max_points) + " points: the lowest and highest sample of equal-count "
                       "buckets, so peaks stay visible.";
    if (benchmarks_with_devices > max_charts)
        head += " Shown: the newest " + std::to_string(max_charts) + " of the " +
                std::to_string(benchmarks_with_devices) + " benchmarks with device samples; narrow the "
                "selection to see others.";
    head += "</p>\n";
    if (benchmarks_with_devices == 0) head += "<p class=\"note\">No device samples in the selection.</p>\n";
    else head += "<div class=\"charts\">\n";
    out.write(head);
    DeviceChartWriter writer(out, max_points);
    if (benchmarks_with_devices > 0) {
        source.for_each_device_series(writer, max_charts, max_points);
        out.write("</div>\n");
    }
    out.write("</section>\n");
    return writer.charts();
}

} // namespace benchstore::report
