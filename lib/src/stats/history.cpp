#include "stats/history.hpp"

#include <cmath>
#include <limits>

#include "benchstore/error.hpp"
#include "stats/summary.hpp"

namespace benchstore::stats {

std::optional<HistoryResult> history_z_test(double x, std::span<const double> history)
{
    if (std::isnan(x)) throw InvalidArgument("history test value is NaN");
    if (history.size() < min_history) return std::nullopt;
    const double m = mean(history);
    const double sd = *sample_std(history);
    HistoryResult r;
    const double diff = x - m;
    if (sd == 0) {
        r.z = diff == 0 ? 0 : std::copysign(std::numeric_limits<double>::infinity(), diff);
    } else {
        r.z = diff / sd;
    }
    r.p_value = std::erfc(std::fabs(r.z) / std::sqrt(2.0));
    return r;
}

} // namespace benchstore::stats
