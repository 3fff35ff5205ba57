#pragma once
// benchstore-compare as a library: did HEAD regress against BASE? From one store file (offline) or
// from the central PostgreSQL that benchstore-sync fills (CompareOptions::conninfo).
//
// Each side selects benchmarks (CompareOptions::base / head):
//   commit:SHA    every benchmark of that commit; a unique prefix works; commit:HEAD means the commit
//                 of the newest benchmark in the store (after the filter)
//   run:ID        one benchstore-run invocation (a unique prefix works)
//   branch:NAME   the benchmarks of the branch's newest `last` runs (a benchmark recorded outside
//                 benchstore-run, without a run id, counts as a run of its own)
// both narrowed by `filter` (export's selection: repository, since, until, status...). A benchmark
// selected by both sides stays on the head side only, so `branch:main commit:HEAD` compares HEAD
// against main's runs before it.
//
// A benchmark's identity across the sides is its module plus its metadata. For every identity on
// both sides and every metric — each model measurement name, and the per-benchmark device figures
// device.peak_rss_mib (max mem_megabytes), device.cpu_util_mean, device.gpu_util_mean and
// device.peak_gpu_mem_mib — the samples are:
//   model metrics: one per model-measurement row of the identity's benchmarks (a module that
//                  records per iteration gives one per iteration; --repeat gives one per run);
//   device figures: one per benchmark (NULL figures, such as GPU ones without a GPU, give none).
//
// The test (CompareMode::automatic):
//   two-sample: two-sided Mann-Whitney U as scipy.stats.mannwhitneyu(method="auto") computes it
//               (stats/mann_whitney.hpp). Used whenever head has 2+ samples, or base has < 3.
//   history:    head has exactly one sample and base at least 3: z = (x - mean) / sd of the base
//               samples, p = erfc(|z| / sqrt 2) (|z| >= 1.96 at alpha 0.05).
// A verdict of regression or improvement needs the p-value (the Benjamini-Hochberg adjusted one
// when fdr is on) below alpha AND |change| >= the metric's threshold, in the worse (better)
// direction. Lower is better unless the metric name matches default_higher_is_better or
// CompareOptions::higher_is_better. Where the sizes cannot reach alpha at all (U with 2 against 2:
// p >= 1/3 whatever the data) or history has < 3 values, the verdict is too_few_samples, never a
// guess. Fewer than 9 samples on a side sets low_samples (less reliable, as Google Benchmark's
// compare.py warns).
//
// Hosts (a host is a host name plus its fingerprint, host_info: another CPU, core count, memory,
// kernel, OS, GPU or driver under the same name is another host). When the sides' benchmarks come
// from several hosts and some host is on both sides, each host's base is compared with the same
// host's head: identities are per host (MetricComparison::host, and "[host] " before the identity),
// and FDR control covers the rows of every host together. Hosts on one side only are listed as
// base-only / head-only identities with a warning. A host whose base samples differ from the other
// hosts' base samples (the same two-sample test and threshold, its own FDR family) is named in
// CompareResult::disagreeing_hosts and a warning: a machine gone bad causes false alarms. When the
// sides share no host, the old rule holds: HostPolicy::refuse throws, HostPolicy::warn pools them.
// Filter::host narrows both sides to one host name.
//
// Thread safety: compare() is reentrant; it opens the store read-only (or one read-only
// transaction on the server) and reads one snapshot.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "benchstore/api.hpp"
#include "benchstore/error.hpp"
#include "benchstore/selection.hpp"

namespace benchstore {

// Metric names that are higher-is-better by default (an RE2 regular expression, case-insensitive,
// searched anywhere in the name): throughput, per-second rates, FLOP rates.
inline constexpr const char* default_higher_is_better =
    "throughput|per_sec|per_second|_per_s$|/s$|_ps$|tokens_per|samples_per|items_per|ops_per|qps|[gtmk]?flops|bandwidth";

enum class CompareMode {
    automatic,   // history when head has one sample and base 3+, two-sample otherwise
    two_sample,  // always Mann-Whitney U
    history      // always the z rule: head's median against base's samples
};

enum class FdrControl {
    benjamini_hochberg,  // default: adjusted p-values across every comparison of the run gate verdicts
    none                 // raw p-values gate verdicts
};

enum class HostPolicy {
    refuse,  // default: HostMismatchError when the sides share no host (see "Hosts" above)
    warn     // compare anyway, hosts pooled; the result says so loudly (hosts_differ, a warning)
};

// One per-metric threshold: metrics whose name matches pattern (RE2 syntax, case-insensitive,
// searched) use percent instead of the global threshold. The first matching entry wins.
struct MetricThreshold {
    std::string pattern;
    double percent = 5.0;
};

// Everything one comparison needs. Plain struct with documented defaults; the CLI fills it.
struct CompareOptions {
    std::filesystem::path db_path = "benchmarks.db";  // must exist; opened read-only
    // Set: read the central PostgreSQL instead of db_path (connection string rules as
    // SyncOptions::conninfo, "" for libpq's environment; rows the original Hugging Face tool wrote get
    // the defaults of docs/central-read.md). Every statement has statement_timeout on the server and a
    // client-side deadline of statement_timeout + sync_reply_margin, as sync's.
    std::optional<std::string> conninfo;
    std::chrono::seconds statement_timeout{300};
    std::string base;                                 // side spec (above); required
    std::string head;                                 // side spec (above); required
    Selection filter;                                 // applied to both sides; default: everything
    std::size_t last = 10;                            // runs a branch: side takes, newest first (>= 1)
    double alpha = 0.05;                              // significance level, in (0, 1)
    double threshold_percent = 5.0;                   // minimum |change| for a verdict, >= 0
    std::vector<MetricThreshold> thresholds;          // per-metric overrides, first match wins
    std::string higher_is_better;                     // extra regex (RE2); empty = only the default pattern
    FdrControl fdr = FdrControl::benjamini_hochberg;
    HostPolicy hosts = HostPolicy::refuse;
    CompareMode mode = CompareMode::automatic;
};

enum class Verdict {
    regression,
    improvement,
    no_change,
    too_few_samples,  // the test cannot reach alpha with these sizes (or a side has no sample)
};

enum class TestMethod { none, mann_whitney_exact, mann_whitney_asymptotic, history_z };

// One identity's one metric.
struct MetricComparison {
    std::string identity;  // "module {metadata}" as printed; "[host] module {metadata}" per host
    std::string host;      // the host this row compares, when hosts are matched; else empty
    std::string module;    // empty when not recorded by benchstore-run
    std::string metadata;  // compact JSON object
    std::string metric;    // a model metric name, or device.peak_rss_mib, device.cpu_util_mean, ...
    bool higher_is_better = false;
    double threshold_percent = 5.0;  // the one that applied
    std::size_t base_count = 0;
    std::size_t head_count = 0;
    std::optional<double> base_median;
    std::optional<double> head_median;
    std::optional<double> change_percent;      // (head - base) / |base| * 100; unset when base is 0
    std::optional<double> p_value;             // raw, two-sided
    std::optional<double> adjusted_p_value;    // Benjamini-Hochberg; set when fdr is on
    std::optional<double> z;                   // history mode only
    TestMethod method = TestMethod::none;
    Verdict verdict = Verdict::too_few_samples;
    bool low_samples = false;  // fewer than 9 samples on a side
};

// What one side selected.
struct CompareSide {
    std::string spec;                   // as given
    std::size_t benchmarks = 0;
    std::vector<std::string> runs;      // run ids, oldest first (empty ids omitted)
    std::vector<std::string> commits;   // oldest first
    std::vector<std::string> hosts;     // distinct host descriptions, first seen first
};

struct CompareResult {
    CompareSide base;
    CompareSide head;
    double alpha = 0.05;
    FdrControl fdr = FdrControl::benjamini_hochberg;
    std::vector<MetricComparison> rows;         // identities in first-seen order, metrics within
    std::vector<std::string> base_only;         // identities with benchmarks on the base side only
    std::vector<std::string> head_only;         // ... on the head side only
    std::size_t comparisons = 0;                // rows with a p-value: the family FDR control covers
    std::size_t regressions = 0;
    std::size_t improvements = 0;
    bool hosts_differ = false;                  // the sides share no host (only with HostPolicy::warn)
    bool per_host = false;                      // each host's base compared with its own head
    std::vector<std::string> disagreeing_hosts; // hosts whose base samples differ from the others' 
    std::vector<std::string> warnings;          // one line each: hosts, low samples
};

// The two sides ran on different hosts and HostPolicy::refuse was in force.
class BENCHSTORE_API HostMismatchError : public Error {
public:
    using Error::Error;
};

// Compares. Throws:
//   StoreError (NewerSchemaError) when the store is missing, not a store, or cannot be read;
//   ConnectionError / ServerError when the central database cannot be reached, refuses, times out
//     or has a newer schema than this program;
//   InvalidArgument for a malformed side spec, a side that selects nothing, an ambiguous prefix, an
//     invalid regex, alpha outside (0, 1), a negative threshold, last < 1, or a bad filter;
//   HostMismatchError when the hosts differ under HostPolicy::refuse.
BENCHSTORE_API CompareResult compare(const CompareOptions& options);

enum class CompareFormat {
    table,     // aligned text for a terminal
    markdown,  // a pull-request comment
    csv,       // one row per identity and metric (and per one-side-only identity); RFC 4180
    json       // one object: the sides, the counts, warnings, rows
};

enum class Colour { never, always };  // table only: ANSI colours for verdicts

// Renders result. CSV columns: identity,module,metadata,metric,direction,base_count,head_count,
// base_median,head_median,change_percent,p_value,p_value_adjusted,method,threshold_percent,verdict,
// low_samples; one-side-only identities are rows with verdict only_base / only_head and empty
// figures. Numbers are the shortest round-trip text; absent values are empty (CSV) or null (JSON).
BENCHSTORE_API std::string format_comparison(const CompareResult& result, CompareFormat format, Colour colour = Colour::never);

// "regression", "improvement", "no change", "too few samples".
BENCHSTORE_API const char* verdict_text(Verdict verdict);

} // namespace benchstore
