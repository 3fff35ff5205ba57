#include "export/stats_functions.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "benchstore/error.hpp"

namespace benchstore::csv {
namespace {

// Aggregate state lives in memory SQLite zero-fills: these must stay trivially constructible.
// Sums are long double: its wider exponent keeps a sum of finite values near DBL_MAX finite.
struct MeanState {
    long double sum;
    long double compensation;
    sqlite3_int64 count;
};

// The corrected two-pass algorithm (Chan, Golub & LeVeque): besides the squares of the deviations
// from the mean, their plain sum, which would be 0 if the mean were exact. The mean arrives rounded
// to a double; near 1e15 that is off by up to 1/16, which on a spread of a few units shifts the sum of
// squares by n * (1/16)^2. Subtracting (sum of deviations)^2 / n takes exactly that error out.
struct SquaresState {
    long double sum;
    long double compensation;
    long double deviations;
    long double deviations_compensation;
    sqlite3_int64 count;
};

void add_compensated(long double& sum, long double& compensation, long double x)
{
    const long double t = sum + x;
    if (std::fabs(sum) >= std::fabs(x)) compensation += (sum - t) + x;
    else compensation += (x - t) + sum;
    sum = t;
}

void mean_step(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    auto* s = static_cast<MeanState*>(sqlite3_aggregate_context(ctx, sizeof(MeanState)));
    if (!s) return sqlite3_result_error_nomem(ctx);
    add_compensated(s->sum, s->compensation, sqlite3_value_double(argv[0]));
    ++s->count;
}

void mean_final(sqlite3_context* ctx)
{
    auto* s = static_cast<MeanState*>(sqlite3_aggregate_context(ctx, 0));
    if (!s || s->count == 0) return sqlite3_result_null(ctx);
    sqlite3_result_double(ctx, static_cast<double>((s->sum + s->compensation) / static_cast<long double>(s->count)));
}

void std_step(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    auto* s = static_cast<SquaresState*>(sqlite3_aggregate_context(ctx, sizeof(SquaresState)));
    if (!s) return sqlite3_result_error_nomem(ctx);
    const long double deviation =
        static_cast<long double>(sqlite3_value_double(argv[0])) - static_cast<long double>(sqlite3_value_double(argv[1]));
    add_compensated(s->sum, s->compensation, deviation * deviation);
    add_compensated(s->deviations, s->deviations_compensation, deviation);
    ++s->count;
}

void std_final(sqlite3_context* ctx)
{
    auto* s = static_cast<SquaresState*>(sqlite3_aggregate_context(ctx, 0));
    if (!s || s->count < 2) return sqlite3_result_null(ctx);
    const long double n = static_cast<long double>(s->count);
    const long double deviations = s->deviations + s->deviations_compensation;
    const long double squares = std::max((s->sum + s->compensation) - deviations * deviations / n, 0.0L);
    sqlite3_result_double(ctx, static_cast<double>(std::sqrt(squares / (n - 1))));
}

void create(SQLite::Database& db, const char* name, int args, void (*step)(sqlite3_context*, int, sqlite3_value**),
            void (*final)(sqlite3_context*))
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function_v2(db.getHandle(), name, args, flags, nullptr, nullptr, step, final, nullptr) != SQLITE_OK)
        throw StoreError(db.getFilename() + ": cannot register SQL function " + name + ": " +
                         sqlite3_errmsg(db.getHandle()));
}

} // namespace

void register_stats_functions(SQLite::Database& db)
{
    create(db, "benchstore_mean", 1, mean_step, mean_final);
    create(db, "benchstore_std", 2, std_step, std_final);
}

} // namespace benchstore::csv
