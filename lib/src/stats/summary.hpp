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

// Arithmetic mean; NaN for an empty sample.
double mean(std::span<const double> values);

// Sample standard deviation (n-1) by the two-pass algorithm; nullopt for fewer than two values.
std::optional<double> sample_std(std::span<const double> values);

// Median as numpy computes it (the mean of the two middle values for an even count); NaN when empty.
double median(std::span<const double> values);

} // namespace benchstore::stats
