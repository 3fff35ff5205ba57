#pragma once
// The two-sided Mann-Whitney U test, computed exactly as SciPy 1.10's
// scipy.stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", method="auto"):
//   - method: exact when either sample has at most 8 values and the pooled values have no ties;
//     otherwise the normal approximation.
//   - U1 = R1 - n1(n1+1)/2 with average ranks (R1 = rank sum of x); U = max(U1, n1*n2 - U1).
//   - exact: p = 2 * P(U' >= U) under the null distribution of U' (the Gaussian binomial
//     coefficient's coefficients over C(n1+n2, n1)), clipped to 1.
//   - asymptotic: z = (U - n1*n2/2 - 0.5) / s with s = sqrt(n1*n2/12 * ((n+1) - sum(t^3-t)/(n(n-1))))
//     (tie correction over each group of t equal values, continuity correction 0.5);
//     p = 2 * sf(z) = erfc(z / sqrt 2), clipped to [0, 1].
// Pure functions, thread-safe. Tested against SciPy to a relative 1e-9 (tests/stats_test).
#include <span>

namespace benchstore::stats {

enum class UMethod { exact, asymptotic };

struct MannWhitneyResult {
    double u1 = 0;       // U statistic of the first sample (SciPy's `statistic`)
    double p_value = 1;  // two-sided
    UMethod method = UMethod::exact;
};

// Throws InvalidArgument when a sample is empty or holds a NaN (as SciPy raises ValueError).
MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y);

// The smallest two-sided p-value any outcome can give for samples of these sizes (the method
// "auto" picks for tie-free samples): when it is not below alpha the test can never reject, so a
// verdict must be "too few samples" (2 against 2 gives 1/3). Sizes must be at least 1.
double smallest_p_value(std::size_t n1, std::size_t n2);

// The exact two-sided p-value for the statistic u (= max(U1, U2)) with sizes n1, n2.
double exact_p_value(double u, std::size_t n1, std::size_t n2);

} // namespace benchstore::stats
