#include "stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace benchstore::stats {

double mean(std::span<const double> values)
{
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    CompensatedSum s{};
    for (double v : values) s.add(v);
    return static_cast<double>(s.value() / static_cast<long double>(values.size()));
}

double DeviationSums::sample_std(long long count) const
{
    const long double n = static_cast<long double>(count);
    const long double d = deviations.value();
    const long double corrected = std::max(squares.value() - d * d / n, 0.0L);
    return static_cast<double>(std::sqrt(corrected / (n - 1)));
}

std::optional<double> sample_std(std::span<const double> values)
{
    if (values.size() < 2) return std::nullopt;
    const double m = mean(values);
    DeviationSums sums{};
    for (double v : values) sums.add(v, m);
    return sums.sample_std(static_cast<long long>(values.size()));
}

double median(std::span<const double> values)
{
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> v(values.begin(), values.end());
    const std::size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
    const double upper = v[mid];
    if (v.size() % 2 == 1) return upper;
    const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
    // As numpy rounds it; where the sum overflows (both near DBL_MAX), halving first cannot.
    const double mid_sum = lower + upper;
    return std::isfinite(mid_sum) ? mid_sum / 2.0 : lower / 2.0 + upper / 2.0;
}

} // namespace benchstore::stats
