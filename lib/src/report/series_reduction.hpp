#pragma once
// Reducing a device series for drawing. A chart a few hundred pixels wide cannot show a million
// samples, and a page that carried them all would not open quickly. The samples are split into
// equal-count buckets in recording order and each bucket keeps its lowest and its highest sample, in
// their own order: at most max_points points, every peak and every trough of the original stays
// (the maximum of the whole series is the maximum of its bucket), and a flat stretch costs two points
// per bucket. Series with no more than max_points samples are kept whole.
//
// Streaming: memory is the output (at most max_points points), whatever the number of samples.
// Not thread-safe: one reduction per series.
#include <cstdint>
#include <optional>
#include <vector>

namespace benchstore::report {

struct PlotPoint {
    double x = 0;  // seconds since the series began
    double y = 0;
};

class SeriesReduction {
public:
    // samples: how many add() calls will come (NULL values included). max_points: at least 2.
    SeriesReduction(std::uint64_t samples, std::uint32_t max_points);

    // The next sample in recording order; an absent value (NULL) is skipped but keeps its place.
    // position: the sample's place in the series when samples the reduction would drop anyway were
    // left out before (increasing); unset: the one after the previous call's.
    void add(double x, std::optional<double> y, std::optional<std::uint64_t> position = std::nullopt);

    // The reduced points, in recording order. Call after the last add().
    const std::vector<PlotPoint>& finish();

    // Whether any sample had a value: a series of NULLs (no GPU) is not drawn at all.
    bool has_values() const { return m_values > 0; }

private:
    void flush();

    std::uint64_t m_samples;
    std::uint64_t m_buckets;   // 0 = keep every point
    std::uint64_t m_index = 0;
    std::uint64_t m_bucket = 0;
    std::uint64_t m_values = 0;
    std::optional<PlotPoint> m_low;
    std::optional<PlotPoint> m_high;
    std::uint64_t m_low_at = 0;  // sample indexes of m_low and m_high, to keep them in order
    std::uint64_t m_high_at = 0;
    std::vector<PlotPoint> m_points;
};

} // namespace benchstore::report
