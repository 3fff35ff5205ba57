#include "report/series_reduction.hpp"

#include <algorithm>

namespace benchstore::report {

SeriesReduction::SeriesReduction(std::uint64_t samples, std::uint32_t max_points)
    : m_samples(samples), m_buckets(samples <= max_points ? 0 : std::max<std::uint32_t>(max_points / 2, 1))
{
    m_points.reserve(std::min<std::uint64_t>(samples, max_points));
}

void SeriesReduction::add(double x, std::optional<double> y, std::optional<std::uint64_t> position)
{
    const std::uint64_t index = position.value_or(m_index);
    m_index = index + 1;
    if (!y) return;
    ++m_values;
    if (m_buckets == 0) {
        m_points.push_back({x, *y});
        return;
    }
    // Bucket b holds the samples [b * n / B, (b + 1) * n / B): equal counts, in order.
    const std::uint64_t bucket =
        std::min(m_buckets - 1, static_cast<std::uint64_t>(static_cast<long double>(index) * m_buckets / m_samples));
    if (bucket != m_bucket) {
        flush();
        m_bucket = bucket;
    }
    const PlotPoint p{x, *y};
    if (!m_low) {
        m_low = m_high = p;
        m_low_at = m_high_at = index;
        return;
    }
    if (p.y < m_low->y) m_low = p, m_low_at = index;
    if (p.y > m_high->y) m_high = p, m_high_at = index;
}

void SeriesReduction::flush()
{
    if (!m_low) return;
    if (m_low_at == m_high_at) {
        m_points.push_back(*m_low);
    } else if (m_low_at < m_high_at) {
        m_points.push_back(*m_low);
        m_points.push_back(*m_high);
    } else {
        m_points.push_back(*m_high);
        m_points.push_back(*m_low);
    }
    m_low.reset();
    m_high.reset();
}

const std::vector<PlotPoint>& SeriesReduction::finish()
{
    flush();
    return m_points;
}

} // namespace benchstore::report
