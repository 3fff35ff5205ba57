#include "store/stats_functions.hpp"

#include <sqlite3.h>

#include <string>

#include "benchstore/error.hpp"
#include "stats/summary.hpp"

namespace benchstore::store {
namespace {

// Aggregate state lives in memory SQLite zero-fills: these must stay trivially constructible.
// Sums are long double (stats::CompensatedSum): its wider exponent keeps a sum of finite values near
// DBL_MAX finite.
struct SumState {
    stats::CompensatedSum sum;
    sqlite3_int64 count;
};

// The corrected two-pass algorithm's second pass (stats::DeviationSums).
struct SquaresState {
    stats::DeviationSums sums;
    sqlite3_int64 count;
};

void mean_step(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    auto* s = static_cast<SumState*>(sqlite3_aggregate_context(ctx, sizeof(SumState)));
    if (!s) return sqlite3_result_error_nomem(ctx);
    s->sum.add(sqlite3_value_double(argv[0]));
    ++s->count;
}

void mean_final(sqlite3_context* ctx)
{
    auto* s = static_cast<SumState*>(sqlite3_aggregate_context(ctx, 0));
    if (!s || s->count == 0) return sqlite3_result_null(ctx);
    sqlite3_result_double(ctx, static_cast<double>(s->sum.value() / static_cast<long double>(s->count)));
}

void std_step(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    auto* s = static_cast<SquaresState*>(sqlite3_aggregate_context(ctx, sizeof(SquaresState)));
    if (!s) return sqlite3_result_error_nomem(ctx);
    s->sums.add(sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1]));
    ++s->count;
}

void std_final(sqlite3_context* ctx)
{
    auto* s = static_cast<SquaresState*>(sqlite3_aggregate_context(ctx, 0));
    if (!s || s->count < 2) return sqlite3_result_null(ctx);
    sqlite3_result_double(ctx, s->sums.sample_std(s->count));
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

} // namespace benchstore::store
