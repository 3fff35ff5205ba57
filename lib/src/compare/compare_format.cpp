// format_comparison: the four renderings of a CompareResult (table, markdown, CSV, JSON).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "benchstore/compare.hpp"
#include "core/control_characters.hpp"
#include "core/json.hpp"

namespace benchstore {
namespace {

std::string printf_text(const char* format, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

std::string number(const std::optional<double>& v) { return v ? printf_text("%.6g", *v) : "-"; }
std::string p_text(const std::optional<double>& v) { return v ? printf_text("%.2g", *v) : "-"; }
std::string change_text(const std::optional<double>& v) { return v ? printf_text("%+.1f%%", *v) : "-"; }
std::string exact_number(const std::optional<double>& v) { return v && std::isfinite(*v) ? json::shortest_number(*v) : ""; }

const char* method_text(TestMethod m)
{
    switch (m) {
    case TestMethod::none: return "";
    case TestMethod::mann_whitney_exact: return "mann-whitney-exact";
    case TestMethod::mann_whitney_asymptotic: return "mann-whitney-asymptotic";
    case TestMethod::history_z: return "history-z";
    }
    return "";
}

std::string verdict_cell(const MetricComparison& r)
{
    std::string v = verdict_text(r.verdict);
    if (r.verdict == Verdict::regression || r.verdict == Verdict::improvement)
        for (char& c : v) c = static_cast<char>(c - 'a' + 'A');
    if (r.low_samples && r.p_value) v += " *";
    return v;
}

std::string side_line(const char* name, const CompareSide& s)
{
    std::string out = std::string(name) + ": " + s.spec + " (" + std::to_string(s.benchmarks) + " benchmark" +
                      (s.benchmarks == 1 ? "" : "s");
    if (!s.runs.empty()) out += ", " + std::to_string(s.runs.size()) + " run" + (s.runs.size() == 1 ? "" : "s");
    if (!s.commits.empty()) {
        out += ", commit" + std::string(s.commits.size() == 1 ? " " : "s ");
        for (std::size_t i = 0; i < s.commits.size(); ++i) {
            if (i) out += ' ';
            out += s.commits[i].substr(0, 12);
        }
    }
    return out + ")";
}

std::string totals_line(const CompareResult& r)
{
    std::string out = std::to_string(r.comparisons) + " comparison" + (r.comparisons == 1 ? "" : "s") + " (" +
                      (r.fdr == FdrControl::benjamini_hochberg ? "Benjamini-Hochberg FDR" : "raw p-values") +
                      " at alpha " + printf_text("%g", r.alpha) + "): " + std::to_string(r.regressions) +
                      (r.regressions == 1 ? " regression, " : " regressions, ") + std::to_string(r.improvements) +
                      (r.improvements == 1 ? " improvement" : " improvements");
    return out;
}

std::vector<std::string> header_cells(const CompareResult& r)
{
    std::vector<std::string> h{"metric", "base n", "head n", "base median", "head median", "change", "p-value"};
    if (r.fdr == FdrControl::benjamini_hochberg) h.push_back("p (BH)");
    h.push_back("verdict");
    return h;
}

std::vector<std::string> row_cells(const CompareResult& res, const MetricComparison& r)
{
    std::vector<std::string> c{escape_control_characters(r.metric) + (r.higher_is_better ? " (higher is better)" : ""),
                               std::to_string(r.base_count),
                               std::to_string(r.head_count),
                               number(r.base_median),
                               number(r.head_median),
                               change_text(r.change_percent),
                               p_text(r.p_value)};
    if (res.fdr == FdrControl::benjamini_hochberg) c.push_back(p_text(r.adjusted_p_value));
    c.push_back(verdict_cell(r));
    return c;
}

// Store text (names, commits, hosts) and the sides as given reach the terminal escaped: only the
// table's own colours are escape sequences (core/control_characters.hpp).
std::string table(const CompareResult& res, Colour colour)
{
    const auto shown = [](std::string_view text) { return escape_control_characters(text); };
    std::string out = shown(side_line("base", res.base)) + "\n" + shown(side_line("head", res.head)) + "\n";
    if (!res.base.hosts.empty()) {
        out += "hosts:";
        for (const auto& h : res.base.hosts) out += " " + shown(h);
        if (res.hosts_differ) {
            out += " | head:";
            for (const auto& h : res.head.hosts) out += " " + shown(h);
        }
        out += "\n";
    }
    for (const auto& w : res.warnings)
        out += (colour == Colour::always ? "\x1b[1;33m" + shown(w) + "\x1b[0m" : shown(w)) + "\n";

    const auto header = header_cells(res);
    std::vector<std::size_t> width(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
    for (const auto& r : res.rows) {
        const auto cells = row_cells(res, r);
        for (std::size_t i = 0; i < cells.size(); ++i) width[i] = std::max(width[i], cells[i].size());
    }
    auto line = [&](const std::vector<std::string>& cells, const char* start, const char* end) {
        std::string l = "  ";
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const std::string pad(width[i] - cells[i].size(), ' ');
            const bool left = i == 0 || i + 1 == cells.size();
            if (i + 1 == cells.size()) l += start;
            l += left ? cells[i] + (i + 1 == cells.size() ? "" : pad) : pad + cells[i];
            if (i + 1 == cells.size()) l += end;
            l += i + 1 == cells.size() ? "" : "  ";
        }
        return l + "\n";
    };
    std::string current;
    for (const auto& r : res.rows) {
        if (r.identity != current) {
            current = r.identity;
            out += "\n" + shown(current) + "\n" + line(header, "", "");
        }
        const char* start = "";
        if (colour == Colour::always && r.verdict == Verdict::regression) start = "\x1b[1;31m";
        if (colour == Colour::always && r.verdict == Verdict::improvement) start = "\x1b[1;32m";
        out += line(row_cells(res, r), start, *start ? "\x1b[0m" : "");
    }
    if (!res.base_only.empty() || !res.head_only.empty()) out += "\n";
    for (const auto& id : res.base_only) out += "only in base: " + shown(id) + "\n";
    for (const auto& id : res.head_only) out += "only in head: " + shown(id) + "\n";
    out += "\n" + totals_line(res) + "; a verdict needs p < alpha and a change of at least the threshold\n";
    return out;
}

// Control characters escaped (a newline would end the table row), then the cell separator.
std::string markdown_cell(const std::string& text)
{
    std::string out;
    for (char c : escape_control_characters(text)) {
        if (c == '|') out += "\\|";
        else out += c;
    }
    return out;
}

std::string markdown(const CompareResult& res)
{
    std::string out = "### benchstore-compare: `" + markdown_cell(res.base.spec) + "` → `" +
                      markdown_cell(res.head.spec) + "`\n\n";
    out += (res.regressions ? "**" : "") + totals_line(res) + (res.regressions ? "**" : "") + "\n\n";
    out += "- " + markdown_cell(side_line("base", res.base)) + "\n- " + markdown_cell(side_line("head", res.head)) + "\n";
    for (const auto& w : res.warnings) out += "- ⚠️ " + markdown_cell(w) + "\n";
    out += "\n| benchmark ";
    const auto header = header_cells(res);
    for (const auto& h : header) out += "| " + h + " ";
    out += "|\n|---";
    for (std::size_t i = 0; i < header.size(); ++i) out += i == 0 || i + 1 == header.size() ? "|---" : "|---:";
    out += "|\n";
    for (const auto& r : res.rows) {
        out += "| " + markdown_cell(r.identity) + " ";
        for (const auto& c : row_cells(res, r)) out += "| " + markdown_cell(c) + " ";
        out += "|\n";
    }
    if (!res.base_only.empty() || !res.head_only.empty()) out += "\n";
    for (const auto& id : res.base_only) out += "- only in base: " + markdown_cell(id) + "\n";
    for (const auto& id : res.head_only) out += "- only in head: " + markdown_cell(id) + "\n";
    return out;
}

std::string csv_field(const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csv(const CompareResult& res)
{
    std::string out = "identity,module,metadata,metric,direction,base_count,head_count,base_median,head_median,"
                      "change_percent,p_value,p_value_adjusted,method,threshold_percent,verdict,low_samples\n";
    for (const auto& r : res.rows) {
        std::string verdict = verdict_text(r.verdict);
        for (char& c : verdict)
            if (c == ' ') c = '_';
        out += csv_field(r.identity) + "," + csv_field(r.module) + "," + csv_field(r.metadata) + "," +
               csv_field(r.metric) + "," + (r.higher_is_better ? "higher_is_better" : "lower_is_better") + "," +
               std::to_string(r.base_count) + "," + std::to_string(r.head_count) + "," + exact_number(r.base_median) +
               "," + exact_number(r.head_median) + "," + exact_number(r.change_percent) + "," +
               exact_number(r.p_value) + "," + exact_number(r.adjusted_p_value) + "," + method_text(r.method) + "," +
               json::shortest_number(r.threshold_percent) + "," + verdict + "," + (r.low_samples ? "true" : "false") + "\n";
    }
    for (const auto* list : {&res.base_only, &res.head_only})
        for (const auto& id : *list)
            out += csv_field(id) + ",,,,,,,,,,,,,," + (list == &res.base_only ? "only_base" : "only_head") + ",\n";
    return out;
}

json::Value json_number(const std::optional<double>& v) { return v && std::isfinite(*v) ? json::Value(*v) : json::Value(); }

json::Value json_side(const CompareSide& s)
{
    return {{"spec", s.spec}, {"benchmarks", s.benchmarks}, {"runs", s.runs}, {"commits", s.commits}, {"hosts", s.hosts}};
}

json::Value json_row(const MetricComparison& r)
{
    return {{"identity", r.identity},
            {"host", r.host},
            {"module", r.module},
            {"metadata", r.metadata},
            {"metric", r.metric},
            {"higher_is_better", r.higher_is_better},
            {"base_count", r.base_count},
            {"head_count", r.head_count},
            {"base_median", json_number(r.base_median)},
            {"head_median", json_number(r.head_median)},
            {"change_percent", json_number(r.change_percent)},
            {"p_value", json_number(r.p_value)},
            {"p_value_adjusted", json_number(r.adjusted_p_value)},
            {"z", json_number(r.z)},
            {"method", method_text(r.method)},
            {"threshold_percent", r.threshold_percent},
            {"verdict", verdict_text(r.verdict)},
            {"low_samples", r.low_samples}};
}

std::string json_text(const CompareResult& res)
{
    json::Value rows = json::Value::array();
    for (const auto& r : res.rows) rows.push_back(json_row(r));
    const json::Value out = {{"base", json_side(res.base)},
                             {"head", json_side(res.head)},
                             {"alpha", res.alpha},
                             {"fdr", res.fdr == FdrControl::benjamini_hochberg ? "benjamini-hochberg" : "none"},
                             {"comparisons", res.comparisons},
                             {"regressions", res.regressions},
                             {"improvements", res.improvements},
                             {"hosts_differ", res.hosts_differ},
                             {"per_host", res.per_host},
                             {"disagreeing_hosts", res.disagreeing_hosts},
                             {"warnings", res.warnings},
                             {"only_base", res.base_only},
                             {"only_head", res.head_only},
                             {"rows", std::move(rows)}};
    return json::text(out) + "\n";
}

} // namespace

std::string format_comparison(const CompareResult& result, CompareFormat format, Colour colour)
{
    switch (format) {
    case CompareFormat::table: return table(result, colour);
    case CompareFormat::markdown: return markdown(result);
    case CompareFormat::csv: return csv(result);
    case CompareFormat::json: return json_text(result);
    }
    return table(result, colour);
}

} // namespace benchstore
