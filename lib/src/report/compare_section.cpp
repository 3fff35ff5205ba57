// The comparison section of the page (benchstore-report --compare BASE HEAD): the compare library's
// result as a table, regressions and improvements first and marked by word and symbol as well as
// colour, so the verdicts survive printing in black and white.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/html_text.hpp"
#include "report/page_sections.hpp"

namespace benchstore::report {
namespace {

std::string figure(const std::optional<double>& value, const char* format = "%.4g")
{
    if (!value || !std::isfinite(*value)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, *value);
    return buf;
}

std::string side_line(const char* name, const CompareSide& side)
{
    std::string out = "<div><dt>";
    out += name;
    out += "</dt><dd><code>";
    append_html(out, side.spec);
    out += "</code> · " + std::to_string(side.benchmarks) + (side.benchmarks == 1 ? " benchmark" : " benchmarks");
    if (!side.commits.empty()) {
        out += " · commits ";
        for (std::size_t i = 0; i < side.commits.size(); ++i) {
            if (i > 0) out += ", ";
            append_html(out, short_commit(side.commits[i]));
        }
    }
    out += "</dd></div>\n";
    return out;
}

int rank(Verdict v)
{
    switch (v) {
    case Verdict::regression: return 0;
    case Verdict::improvement: return 1;
    case Verdict::no_change: return 2;
    case Verdict::too_few_samples: return 3;
    }
    return 4;
}

std::string verdict_cell(Verdict v)
{
    switch (v) {
    case Verdict::regression: return "<span class=\"verdict regression\">▲ regression</span>";
    case Verdict::improvement: return "<span class=\"verdict improvement\">▼ improvement</span>";
    case Verdict::no_change: return "<span class=\"verdict\">no change</span>";
    case Verdict::too_few_samples: return "<span class=\"verdict few\">too few samples</span>";
    }
    return {};
}

void identity_list(std::string& out, const char* title, const std::vector<std::string>& identities)
{
    if (identities.empty()) return;
    out += "<p class=\"note\">";
    out += title;
    out += ": ";
    for (std::size_t i = 0; i < identities.size(); ++i) {
        if (i > 0) out += "; ";
        append_html(out, identities[i]);
    }
    out += "</p>\n";
}

} // namespace

void write_compare_section(PageFile& out, const CompareResult& result)
{
    std::string s = "<section id=\"compare\">\n<h2>Comparison</h2>\n<dl class=\"overview compare\">\n";
    s += side_line("Base", result.base);
    s += side_line("Head", result.head);
    s += "<div><dt>Verdicts</dt><dd>" + std::to_string(result.regressions) +
         (result.regressions == 1 ? " regression, " : " regressions, ") + std::to_string(result.improvements) +
         (result.improvements == 1 ? " improvement" : " improvements") + " in " + std::to_string(result.comparisons) +
         " comparisons</dd></div>\n</dl>\n";
    s += "<p class=\"note\">Two-sided Mann–Whitney U (or the history z rule for one new result); a verdict needs p " +
         std::string(result.fdr == FdrControl::benjamini_hochberg ? "(Benjamini–Hochberg adjusted) " : "") + "below " +
         figure(result.alpha, "%g") + " and a change beyond the metric's threshold. ▲ worse, ▼ better.</p>\n";
    for (const auto& w : result.warnings) {
        s += "<p class=\"warning\">⚠ ";
        append_html(s, w);
        s += "</p>\n";
    }
    identity_list(s, "Only in base", result.base_only);
    identity_list(s, "Only in head", result.head_only);

    std::vector<const MetricComparison*> rows;
    for (const auto& r : result.rows) rows.push_back(&r);
    std::stable_sort(rows.begin(), rows.end(), [](auto a, auto b) { return rank(a->verdict) < rank(b->verdict); });
    s += "<div class=\"table-wrap\"><table class=\"benchmarks compare\">\n<thead><tr><th>Benchmark</th><th>Metric</th>"
         "<th>Base median (n)</th><th>Head median (n)</th><th>Change</th><th>p</th><th>Verdict</th></tr></thead>\n"
         "<tbody>\n";
    for (const MetricComparison* r : rows) {
        s += "<tr class=\"";
        s += r->verdict == Verdict::regression ? "regression" : r->verdict == Verdict::improvement ? "improvement" : "";
        // The module on top, its metadata below, wrapped: a long identity must not push the verdict
        // column off the page.
        s += "\"><td class=\"identity\">";
        if (r->module.empty()) {
            append_html(s, r->identity);  // "[host] " first when hosts are matched
        } else {
            if (!r->host.empty()) append_html(s, "[" + r->host + "] ");
            append_html(s, r->module);
            s += "<span class=\"sub\">";
            append_html(s, r->metadata);
            s += "</span>";
        }
        s += "</td><td>";
        append_html(s, r->metric);
        s += r->higher_is_better ? "<span class=\"sub\">higher is better</span>" : "";
        s += "</td><td class=\"num\">" + figure(r->base_median) + " (" + std::to_string(r->base_count) + ")</td>";
        s += "<td class=\"num\">" + figure(r->head_median) + " (" + std::to_string(r->head_count) + ")</td>";
        s += "<td class=\"num\">" + figure(r->change_percent, "%+.1f %%") + "</td>";
        s += "<td class=\"num\">" + figure(r->adjusted_p_value ? r->adjusted_p_value : r->p_value, "%.3g") + "</td>";
        s += "<td>" + verdict_cell(r->verdict) + (r->low_samples ? "<span class=\"sub\">fewer than 9 samples</span>" : "") +
             "</td></tr>\n";
    }
    if (rows.empty()) s += "<tr><td colspan=\"7\">No benchmark identity is on both sides.</td></tr>\n";
    s += "</tbody>\n</table></div>\n</section>\n";
    out.write(s);
}

} // namespace benchstore::report
