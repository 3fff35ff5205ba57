#include "stats/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "benchstore/error.hpp"

namespace benchstore::stats {
namespace {

// Coefficients of the Gaussian binomial coefficient [n1+n2 choose m]_q, m = min(n1, n2): entry k
// counts the orderings of the pooled samples whose U equals k. Built as the product over
// i = 1..m of (1 - q^(n+i)) / (1 - q^i), n = max(n1, n2); every intermediate is itself a Gaussian
// binomial, so the coefficients stay non-negative integers, exact in long double up to 2^64.
std::vector<long double> u_counts(std::size_t n1, std::size_t n2)
{
    const std::size_t m = std::min(n1, n2), n = std::max(n1, n2);
    std::vector<long double> c(m * n + 1, 0.0L);
    c[0] = 1.0L;
    std::size_t degree = 0;
    for (std::size_t i = 1; i <= m; ++i) {
        const std::size_t a = n + i;
        // times (1 - q^a)
        for (std::size_t k = std::min(degree + a, m * n); k >= a; --k) c[k] -= c[k - a];
        degree = std::min(degree + a, m * n);
        // divided by (1 - q^i): a running sum with stride i
        for (std::size_t k = i; k <= degree; ++k) c[k] += c[k - i];
    }
    return c;
}

} // namespace

double exact_p_value(double u, std::size_t n1, std::size_t n2)
{
    const auto counts = u_counts(n1, n2);
    const long double total = std::accumulate(counts.begin(), counts.end(), 0.0L);
    // SciPy: sf(U) = cdf(n1*n2 - U), which includes the mass at U.
    const auto limit = static_cast<long double>(n1 * n2) - static_cast<long double>(u);
    long double tail = 0;
    for (std::size_t k = 0; k < counts.size() && static_cast<long double>(k) <= limit; ++k) tail += counts[k];
    return std::clamp(static_cast<double>(2.0L * tail / total), 0.0, 1.0);
}

MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y)
{
    if (x.empty() || y.empty()) throw InvalidArgument("Mann-Whitney U needs at least one value on each side");
    const std::size_t n1 = x.size(), n2 = y.size(), n = n1 + n2;
    std::vector<double> pooled(x.begin(), x.end());
    pooled.insert(pooled.end(), y.begin(), y.end());
    for (double v : pooled)
        if (std::isnan(v)) throw InvalidArgument("Mann-Whitney U sample holds a NaN");

    // Average ranks (scipy.stats.rankdata's default), the tie term and R1 in one pass over the
    // sorted order.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pooled[a] < pooled[b]; });
    double r1 = 0, tie_term = 0;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && pooled[order[j + 1]] == pooled[order[i]]) ++j;
        const double rank = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2.0;
        const double t = static_cast<double>(j - i + 1);
        tie_term += t * t * t - t;
        for (std::size_t k = i; k <= j; ++k)
            if (order[k] < n1) r1 += rank;
        i = j + 1;
    }
    MannWhitneyResult r;
    r.u1 = r1 - static_cast<double>(n1) * static_cast<double>(n1 + 1) / 2.0;
    const double u2 = static_cast<double>(n1) * static_cast<double>(n2) - r.u1;
    const double u = std::max(r.u1, u2);

    const bool exact = (n1 <= 8 || n2 <= 8) && tie_term == 0;
    if (exact) {
        r.method = UMethod::exact;
        r.p_value = exact_p_value(u, n1, n2);
        return r;
    }
    r.method = UMethod::asymptotic;
    const double dn = static_cast<double>(n);
    const double mu = static_cast<double>(n1) * static_cast<double>(n2) / 2.0;
    const double s = std::sqrt(static_cast<double>(n1) * static_cast<double>(n2) / 12.0 *
                               ((dn + 1.0) - tie_term / (dn * (dn - 1.0))));
    const double z = (u - mu - 0.5) / s;  // s == 0 (all values equal): z = -inf, p = 1
    r.p_value = std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
    return r;
}

double smallest_p_value(std::size_t n1, std::size_t n2)
{
    std::vector<double> x(n1), y(n2);
    std::iota(x.begin(), x.end(), 0.0);
    std::iota(y.begin(), y.end(), static_cast<double>(n1));
    return mann_whitney_u(x, y).p_value;
}

} // namespace benchstore::stats
