#pragma once
// History mode: one new result against the base's recent history (conbench's approach, for teams
// that run each commit once). The rule: z = (x - mean) / sd over the history (sd the sample
// standard deviation, n-1); the two-sided p-value is that of a normal deviate, erfc(|z| / sqrt 2),
// so the same alpha gates it as the two-sample test (alpha 0.05 <=> |z| >= 1.96). A history of
// fewer than min_history values cannot say anything (too few samples). A history with no spread
// (sd 0) gives p = 1 when x equals it and 0 otherwise.
// Pure functions, thread-safe.
#include <cstddef>
#include <optional>
#include <span>

namespace benchstore::stats {

inline constexpr std::size_t min_history = 3;

struct HistoryResult {
    double z = 0;
    double p_value = 1;
};

// nullopt when history has fewer than min_history values. Throws InvalidArgument on NaN.
std::optional<HistoryResult> history_z_test(double x, std::span<const double> history);

} // namespace benchstore::stats
