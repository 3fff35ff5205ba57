#pragma once
// False-discovery-rate control across the comparisons of one compare run.
// Pure functions, thread-safe.
#include <span>
#include <vector>

namespace benchstore::stats {

// Benjamini-Hochberg adjusted p-values (the "fdr_bh" of statsmodels' multipletests, R's
// p.adjust(method = "BH")): with the m p-values sorted ascending, p_(i) * m / i, made monotone from
// the largest down (a running minimum) and capped at 1; returned in the input order. Rejecting
// where the adjusted value is below alpha keeps the expected share of false discoveries among the
// rejections at most alpha (for independent or positively dependent tests).
// Throws InvalidArgument for a p-value outside [0, 1] or NaN.
std::vector<double> benjamini_hochberg(std::span<const double> p_values);

} // namespace benchstore::stats
