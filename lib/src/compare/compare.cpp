#include "benchstore/compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "compare/metric_pattern.hpp"
#include "compare/samples.hpp"
#include "compare/side_selection.hpp"
#include "core/json.hpp"
#include "results/results_source.hpp"
#include "stats/history.hpp"
#include "stats/mann_whitney.hpp"
#include "stats/multiple_testing.hpp"
#include "stats/summary.hpp"

namespace benchstore {
namespace {

using compare_::base_side;
using compare_::head_side;

constexpr std::size_t reliable_samples = 9;  // Google Benchmark's compare.py warns below this

// (head - base) / |base| * 100; unset when base is 0 and head is not. For medians of opposite signs
// near DBL_MAX, head - base overflows: head / |base| - sign(base) is the same quotient without it.
// Unset, never NaN, so that no verdict can take a direction from an undefined change.
std::optional<double> change_percent(double base, double head)
{
    if (base == 0) return head == 0 ? std::optional<double>(0.0) : std::nullopt;
    const double difference = head - base;
    const double ratio = std::isfinite(difference) ? difference / std::fabs(base)
                                                   : head / std::fabs(base) - std::copysign(1.0, base);
    const double percent = ratio * 100;
    if (std::isnan(percent)) return std::nullopt;
    return percent;
}

void validate(const CompareOptions& o)
{
    if (o.base.empty() || o.head.empty()) throw InvalidArgument("both sides, BASE and HEAD, are required");
    if (!(o.alpha > 0 && o.alpha < 1)) throw InvalidArgument("alpha must be between 0 and 1 (exclusive)");
    const auto percentage = [](double p) { return std::isfinite(p) && p >= 0; };
    if (!percentage(o.threshold_percent)) throw InvalidArgument("threshold must be a finite percentage >= 0");
    for (const auto& t : o.thresholds)
        if (!percentage(t.percent))
            throw InvalidArgument("threshold for '" + t.pattern + "' must be a finite percentage >= 0");
    if (o.last < 1) throw InvalidArgument("--last must be at least 1");
}

class Judge {
public:
    explicit Judge(const CompareOptions& o)
        : m_options(o), m_default_higher(default_higher_is_better, "higher-is-better pattern")
    {
        if (!o.higher_is_better.empty()) m_higher.emplace(o.higher_is_better, "--higher-is-better");
        for (const auto& t : o.thresholds) m_thresholds.emplace_back(compare_::MetricPattern(t.pattern, "--threshold"), t.percent);
    }

    MetricComparison measure(const compare_::IdentitySamples& id, const std::string& metric,
                             const std::string& host = {}) const
    {
        MetricComparison r;
        r.host = host;
        r.identity = (host.empty() ? "" : "[" + host + "] ") + compare_::identity_text(id.module, id.metadata);
        r.module = id.module;
        r.metadata = id.metadata;
        r.metric = metric;
        r.higher_is_better = m_default_higher.found_in(metric) || (m_higher && m_higher->found_in(metric));
        r.threshold_percent = threshold_for(metric);
        const auto& v = id.values.at(metric);
        const auto& base = v[base_side];
        const auto& head = v[head_side];
        r.base_count = base.size();
        r.head_count = head.size();
        if (!base.empty()) r.base_median = stats::median(base);
        if (!head.empty()) r.head_median = stats::median(head);
        if (r.base_median && r.head_median) r.change_percent = change_percent(*r.base_median, *r.head_median);
        if (base.empty() || head.empty()) return r;  // too few samples

        const bool history = m_options.mode == CompareMode::history ||
                             (m_options.mode == CompareMode::automatic && head.size() == 1 &&
                              base.size() >= stats::min_history);
        if (history) {
            if (const auto h = stats::history_z_test(*r.head_median, base)) {
                r.method = TestMethod::history_z;
                r.z = h->z;
                r.p_value = h->p_value;
            }
            r.low_samples = base.size() < reliable_samples;
        } else {
            const auto u = stats::mann_whitney_u(base, head);
            r.method = u.method == stats::UMethod::exact ? TestMethod::mann_whitney_exact
                                                         : TestMethod::mann_whitney_asymptotic;
            r.p_value = u.p_value;
            r.low_samples = std::min(base.size(), head.size()) < reliable_samples;
        }
        return r;
    }

    // Whether the test could ever reach alpha with these sample sizes.
    bool can_reach_alpha(const MetricComparison& r) const
    {
        if (!r.p_value) return false;
        if (r.method == TestMethod::history_z) return true;
        return stats::smallest_p_value(r.base_count, r.head_count) < m_options.alpha;
    }

    void decide(MetricComparison& r) const
    {
        if (!can_reach_alpha(r)) {
            r.verdict = Verdict::too_few_samples;
            return;
        }
        const double p = r.adjusted_p_value ? *r.adjusted_p_value : *r.p_value;
        r.verdict = Verdict::no_change;
        if (!(p < m_options.alpha) || !r.change_percent) return;
        const double change = *r.change_percent;
        // Written so that an undefined (NaN) change fails it: no direction comes from one.
        if (!(std::fabs(change) >= r.threshold_percent) || change == 0) return;
        const bool worse = r.higher_is_better ? change < 0 : change > 0;
        r.verdict = worse ? Verdict::regression : Verdict::improvement;
    }

private:
    double threshold_for(const std::string& metric) const
    {
        for (const auto& [re, percent] : m_thresholds)
            if (re.found_in(metric)) return percent;
        return m_options.threshold_percent;
    }

    const CompareOptions& m_options;
    compare_::MetricPattern m_default_higher;
    std::optional<compare_::MetricPattern> m_higher;
    std::vector<std::pair<compare_::MetricPattern, double>> m_thresholds;
};

std::string join(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& h : v) out += (out.empty() ? "" : "; ") + h;
    return out;
}

bool holds(const std::vector<std::string>& list, const std::string& value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

// How the sides' hosts are matched. One host in all: nothing to match. Several, some on both
// sides: per host. None in common: refused, or pooled with a warning under HostPolicy::warn.
void match_hosts(const CompareOptions& options, const compare_::Samples& samples, CompareResult& result)
{
    if (samples.hosts.size() <= 1) return;
    const auto& base = samples.host_keys[base_side];
    const auto& head = samples.host_keys[head_side];
    const bool shared = std::any_of(base.begin(), base.end(), [&](const std::string& key) { return holds(head, key); });
    if (shared) {
        result.per_host = true;
        return;
    }
    const std::string message = "base and head ran on different hosts (base: " + join(result.base.hosts) +
                                "; head: " + join(result.head.hosts) + ")";
    if (options.hosts == HostPolicy::refuse)
        throw HostMismatchError(message + "; timings are not comparable across machines (pass --allow-host-mismatch "
                                          "to compare anyway)");
    result.hosts_differ = true;
    result.warnings.push_back("WARNING: " + message + ": differences may come from the machines, not the code");
}

// The identities with their hosts' samples pooled (the hosts were not matched): one per module and
// metadata, first seen first, values in host order.
std::vector<compare_::IdentitySamples> pooled(const std::vector<compare_::IdentitySamples>& identities)
{
    std::vector<compare_::IdentitySamples> out;
    std::unordered_map<std::string, std::size_t> index;
    for (const auto& identity : identities) {
        auto [it, inserted] = index.emplace(identity.module + '\x1f' + identity.metadata, out.size());
        if (inserted) {
            out.push_back(identity);
            out.back().host_key.clear();
            continue;
        }
        auto& into = out[it->second];
        for (const std::size_t side : {base_side, head_side}) into.benchmarks[side] += identity.benchmarks[side];
        for (const auto& metric : identity.metrics) {
            if (!holds(into.metrics, metric)) into.metrics.push_back(metric);
            auto& values = into.values[metric];
            const auto& more = identity.values.at(metric);
            for (const std::size_t side : {base_side, head_side})
                values[side].insert(values[side].end(), more[side].begin(), more[side].end());
        }
    }
    // Device figures stay after every model metric.
    for (auto& identity : out)
        std::stable_partition(identity.metrics.begin(), identity.metrics.end(),
                              [](const std::string& m) { return m.rfind("device.", 0) != 0; });
    return out;
}

// What the rows call each host: its name, or its name and fingerprint when two hosts share a name.
std::unordered_map<std::string, std::string> host_labels(const std::vector<compare_::Host>& hosts)
{
    std::unordered_map<std::string, std::string> labels;
    for (const auto& h : hosts) {
        const bool shared_name = std::count_if(hosts.begin(), hosts.end(),
                                               [&](const compare_::Host& o) { return o.name == h.name; }) > 1;
        labels[h.key] = h.name.empty() ? std::string(compare_::unknown_host)
                        : shared_name  ? h.description
                                       : h.name;
    }
    return labels;
}

void adjust(const CompareOptions& options, std::vector<MetricComparison>& rows)
{
    std::vector<double> p_values;
    for (const auto& r : rows)
        if (r.p_value) p_values.push_back(*r.p_value);
    if (options.fdr != FdrControl::benjamini_hochberg || p_values.empty()) return;
    const auto adjusted = stats::benjamini_hochberg(p_values);
    std::size_t i = 0;
    for (auto& r : rows)
        if (r.p_value) r.adjusted_p_value = adjusted[i++];
}

// A host whose base samples differ from most other hosts' base samples, per identity and metric:
// each pair of hosts is tested as compare tests the sides (one FDR family of its own), and a host
// that differs from more than half of the others in a metric disagrees there. It takes three hosts
// for a majority to say which one is odd; two hosts that differ are not flagged.
void flag_disagreeing_hosts(const CompareOptions& options, const Judge& judge, const compare_::Samples& samples,
                            const std::unordered_map<std::string, std::string>& labels, CompareResult& result)
{
    // module + metadata -> the per-host identities that have base samples
    std::map<std::string, std::vector<const compare_::IdentitySamples*>> groups;
    for (const auto& identity : samples.identities)
        if (identity.benchmarks[base_side] > 0)
            groups[identity.module + '\x1f' + identity.metadata].push_back(&identity);
    std::vector<MetricComparison> tests;  // one host's base (as head) against another host's base
    std::vector<std::size_t> others;      // per test: how many other hosts its host is tested against
    for (const auto& [key, members] : groups) {
        if (members.size() < 3) continue;
        for (const auto* one : members)
            for (const auto& metric : one->metrics)
                for (const auto* other : members) {
                    if (other == one || !other->values.count(metric)) continue;
                    compare_::IdentitySamples pair;
                    pair.module = one->module;
                    pair.metadata = one->metadata;
                    pair.values[metric][base_side] = other->values.at(metric)[base_side];
                    pair.values[metric][head_side] = one->values.at(metric)[base_side];
                    tests.push_back(judge.measure(pair, metric, labels.at(one->host_key)));
                    others.push_back(members.size() - 1);
                }
    }
    adjust(options, tests);
    struct Tally {
        std::size_t differs = 0, others = 0;
        double change = 0;  // of the first difference found
    };
    std::map<std::pair<std::string, std::string>, Tally> tallies;  // (host, identity + metric)
    for (std::size_t i = 0; i < tests.size(); ++i) {
        auto& t = tests[i];
        judge.decide(t);
        Tally& tally = tallies[{t.host, t.identity + " " + t.metric}];
        tally.others = others[i];
        if ((t.verdict == Verdict::regression || t.verdict == Verdict::improvement) && tally.differs++ == 0)
            tally.change = *t.change_percent;
    }
    std::map<std::string, std::size_t> metrics_checked;
    std::map<std::string, std::pair<std::size_t, std::string>> per_host;  // label -> (metrics, an example)
    for (const auto& [key, tally] : tallies) {
        ++metrics_checked[key.first];
        if (2 * tally.differs <= tally.others) continue;
        auto& found = per_host[key.first];
        if (found.first++ == 0)
            found.second = key.second + " " + (tally.change > 0 ? "+" : "") +
                           json::shortest_number(std::round(tally.change * 10) / 10) + "%";
    }
    for (const auto& [host, found] : per_host) {
        result.disagreeing_hosts.push_back(host);
        result.warnings.push_back("WARNING: host " + host + ": its base samples differ from most other hosts' in " +
                                  std::to_string(found.first) + " of " + std::to_string(metrics_checked[host]) +
                                  " metrics (e.g. " + found.second +
                                  "): a machine gone bad makes false alarms; check it before trusting its verdicts");
    }
}

} // namespace

CompareResult compare(const CompareOptions& options)
{
    validate(options);
    const Judge judge(options);
    const auto base_spec = compare_::parse_side_spec(options.base);
    const auto head_spec = compare_::parse_side_spec(options.head);

    compare_::Samples samples;
    {
        const auto source = results::open_results_source(
            {options.db_path, options.conninfo, options.statement_timeout}, options.filter);
        source->load_comparison(base_spec, head_spec, options.last, samples);
    }

    CompareResult result;
    result.base = samples.sides[base_side];
    result.head = samples.sides[head_side];
    result.base.spec = options.base;
    result.head.spec = options.head;
    result.alpha = options.alpha;
    result.fdr = options.fdr;
    match_hosts(options, samples, result);
    if (!result.per_host) samples.identities = pooled(samples.identities);
    const auto labels = host_labels(samples.hosts);
    if (samples.without_host > 0)
        result.warnings.push_back(std::to_string(samples.without_host) + " benchmarks have no host (written by the "
                                  "original tool): they count as one host, '" + compare_::unknown_host + "'");
    if (samples.skipped_values > 0)
        result.warnings.push_back(std::to_string(samples.skipped_values) + " measurement values are not numbers "
                                  "(text, null, nested): left out of the comparison");

    for (const auto& identity : samples.identities) {
        const std::string host = result.per_host ? labels.at(identity.host_key) : std::string();
        const std::string text =
            (host.empty() ? "" : "[" + host + "] ") + compare_::identity_text(identity.module, identity.metadata);
        const bool on_base = identity.benchmarks[base_side] > 0, on_head = identity.benchmarks[head_side] > 0;
        if (!on_head) {
            result.base_only.push_back(text);
            continue;
        }
        if (!on_base) {
            result.head_only.push_back(text);
            continue;
        }
        for (const auto& metric : identity.metrics) result.rows.push_back(judge.measure(identity, metric, host));
    }
    if (result.per_host) {
        for (const auto& h : samples.hosts) {
            const bool on_base = holds(samples.host_keys[base_side], h.key), on_head = holds(samples.host_keys[head_side], h.key);
            if (on_base != on_head)
                result.warnings.push_back("host " + labels.at(h.key) + " has benchmarks on the " +
                                          (on_base ? "base" : "head") + " side only: nothing of it is compared");
        }
        flag_disagreeing_hosts(options, judge, samples, labels, result);
    }

    adjust(options, result.rows);
    for (const auto& r : result.rows)
        if (r.p_value) ++result.comparisons;
    std::size_t low = 0;
    for (auto& r : result.rows) {
        judge.decide(r);
        if (r.verdict == Verdict::regression) ++result.regressions;
        if (r.verdict == Verdict::improvement) ++result.improvements;
        if (r.low_samples && r.p_value) ++low;
    }
    if (low > 0)
        result.warnings.push_back(std::to_string(low) + " of " + std::to_string(result.comparisons) +
                                  " comparisons have fewer than 9 samples on a side: less reliable (marked *)");
    return result;
}

const char* verdict_text(Verdict verdict)
{
    switch (verdict) {
    case Verdict::regression: return "regression";
    case Verdict::improvement: return "improvement";
    case Verdict::no_change: return "no change";
    case Verdict::too_few_samples: return "too few samples";
    }
    return "?";
}

} // namespace benchstore
