#include "results/results_source.hpp"

namespace benchstore::results {

std::unique_ptr<ResultsSource> open_results_source(const Location& where, const Selection& selection)
{
    if (where.conninfo) return open_central_results(*where.conninfo, where.statement_timeout, selection);
    return open_store_results(where.db_path, selection);
}

} // namespace benchstore::results
