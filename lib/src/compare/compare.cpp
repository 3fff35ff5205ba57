#include "benchstore/compare.hpp"

#include <algorithm>
#include <cmath>

#include "compare/metric_pattern.hpp"
#include "compare/samples.hpp"
#include "compare/side_selection.hpp"
#include "stats/history.hpp"
#include "stats/mann_whitney.hpp"
#include "stats/multiple_testing.hpp"
#include "stats/summary.hpp"
#include "store/sqlite_store.hpp"
#include "store/stats_functions.hpp"
#include "store/transaction.hpp"

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

    MetricComparison measure(const compare_::IdentitySamples& id, const std::string& metric) const
    {
        MetricComparison r;
        r.identity = compare_::identity_text(id.module, id.metadata);
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

void check_hosts(const CompareOptions& options, CompareResult& result)
{
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    if (result.base.hosts.empty() || result.head.hosts.empty()) return;
    if (sorted(result.base.hosts) == sorted(result.head.hosts) && result.base.hosts.size() == 1) return;
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& h : v) out += (out.empty() ? "" : "; ") + h;
        return out;
    };
    std::string message;
    if (sorted(result.base.hosts) != sorted(result.head.hosts))
        message = "base and head ran on different hosts (base: " + join(result.base.hosts) +
                  "; head: " + join(result.head.hosts) + ")";
    else
        message = "the samples come from several hosts (" + join(result.base.hosts) + ")";
    if (options.hosts == HostPolicy::refuse)
        throw HostMismatchError(message + "; timings are not comparable across machines (pass --allow-host-mismatch "
                                          "to compare anyway)");
    result.hosts_differ = true;
    result.warnings.push_back("WARNING: " + message + ": differences may come from the machines, not the code");
}

} // namespace

CompareResult compare(const CompareOptions& options)
{
    validate(options);
    const Judge judge(options);
    const auto base_spec = compare_::parse_side_spec(options.base);
    const auto head_spec = compare_::parse_side_spec(options.head);

    auto db = store::open_store(options.db_path, store::OpenMode::read_only);
    store::register_stats_functions(db);
    compare_::Samples samples;
    try {
        store::with_read_transaction(db, [&] {
            std::array<std::vector<std::int64_t>, 2> refs;
            refs[head_side] = compare_::select_side(db, head_spec, options.filter, options.last, {});
            refs[base_side] = compare_::select_side(db, base_spec, options.filter, options.last, refs[head_side]);
            compare_::load_samples(db, refs, samples);
        });
    } catch (const SQLite::Exception& e) {
        throw StoreError(options.db_path.string() + ": cannot read store: " + e.what());
    }

    CompareResult result;
    result.base = samples.sides[base_side];
    result.head = samples.sides[head_side];
    result.base.spec = options.base;
    result.head.spec = options.head;
    result.alpha = options.alpha;
    result.fdr = options.fdr;
    check_hosts(options, result);

    for (const auto& identity : samples.identities) {
        const bool on_base = identity.benchmarks[base_side] > 0, on_head = identity.benchmarks[head_side] > 0;
        if (!on_head) {
            result.base_only.push_back(compare_::identity_text(identity.module, identity.metadata));
            continue;
        }
        if (!on_base) {
            result.head_only.push_back(compare_::identity_text(identity.module, identity.metadata));
            continue;
        }
        for (const auto& metric : identity.metrics) result.rows.push_back(judge.measure(identity, metric));
    }

    std::vector<double> p_values;
    for (const auto& r : result.rows)
        if (r.p_value) p_values.push_back(*r.p_value);
    result.comparisons = p_values.size();
    if (options.fdr == FdrControl::benjamini_hochberg && !p_values.empty()) {
        const auto adjusted = stats::benjamini_hochberg(p_values);
        std::size_t i = 0;
        for (auto& r : result.rows)
            if (r.p_value) r.adjusted_p_value = adjusted[i++];
    }
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
