#pragma once
// Descriptive statistics over a sample: the building blocks export's summary aggregates and
// compare share. Pure functions, thread-safe.
//
// Sums are Neumaier-compensated in long double (as pandas compensates its means): a mean of values
// near DBL_MAX stays finite and a long sum of small values keeps its low bits.
#include <optional>
#include <span>

namespace benchstore::stats {

// A running compensated sum (Neumaier). Trivially constructible: SQLite's aggregate contexts hold
// it in zero-filled memory.
struct CompensatedSum {
    long double sum;
    long double compensation;

    void add(long double x)  // inline: export's aggregates call it once per device row
    {
        const long double t = sum + x;
        if ((sum < 0 ? -sum : sum) >= (x < 0 ? -x : x)) compensation += (sum - t) + x;
        else compensation += (x - t) + sum;
        sum = t;
    }
    long double value() const { return sum + compensation; }
};

// The second pass of the corrected two-pass standard deviation (Chan, Golub & LeVeque): besides the
// squares of the deviations from the mean, their plain sum, which would be 0 if the mean were exact.
// The mean arrives rounded to a double; near 1e15 that is off by up to 1/16, which on a spread of a
// few units shifts the sum of squares by n * (1/16)^2. Subtracting (sum of deviations)^2 / n takes
// exactly that error out. Trivially constructible, as CompensatedSum.
struct DeviationSums {
    CompensatedSum squares;
    CompensatedSum deviations;

    void add(double value, double mean)
    {
        const long double deviation = static_cast<long double>(value) - static_cast<long double>(mean);
        squares.add(deviation * deviation);
        deviations.add(deviation);
    }
    // Sample standard deviation (n-1) of the count values added; count must be at least 2.
    double sample_std(long long count) const;
};

// Arithmetic mean; NaN for an empty sample.
double mean(std::span<const double> values);

// Sample standard deviation (n-1) by the corrected two-pass algorithm (DeviationSums), as export's
// summary computes it; nullopt for fewer than two values.
std::optional<double> sample_std(std::span<const double> values);

// Median as numpy computes it (the mean of the two middle values for an even count), but finite where
// numpy's overflows (two middle values near DBL_MAX); NaN when empty.
double median(std::span<const double> values);

} // namespace benchstore::stats
