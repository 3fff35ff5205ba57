#include "store/benchmark_summary.hpp"

#include <string>

#include "store/benchmark_rows.hpp"
#include "store/device_columns.hpp"

namespace benchstore::store {

Query benchmark_summary_rows(SQLite::Database& db, const SelectionSql& sel)
{
    // m: mean, max and count per benchmark; s: the standard deviation around m's mean.
    std::string first_pass = "benchmark_ref";
    std::string second_pass = "d.benchmark_ref";
    std::string stats;
    for (const char* c : device_value_columns) {
        const std::string col(c);
        first_pass += ", benchstore_mean(" + col + ") AS " + col + "_mean, max(" + col + ") AS " + col + "_max";
        second_pass += ", benchstore_std(d." + col + ", m." + col + "_mean) AS " + col + "_std";
        stats += ", m." + col + "_mean AS " + col + "_mean, m." + col + "_max AS " + col + "_max, s." + col +
                 "_std AS " + col + "_std";
        if (col == "cpu_util") {
            first_pass += ", count(cpu_util) AS device_measurement_count";
            stats += ", m.device_measurement_count AS device_measurement_count";
        }
    }
    return Query(db,
                 "WITH m AS (SELECT " + first_pass + " FROM device_measurements WHERE benchmark_ref IN "
                 "(SELECT b.id FROM benchmarks b WHERE " + sel.condition + ") GROUP BY benchmark_ref), "
                 "s AS (SELECT " + second_pass + " FROM device_measurements d JOIN m ON m.benchmark_ref = "
                 "d.benchmark_ref GROUP BY d.benchmark_ref) "
                 "SELECT " + benchmark_select_list + ", mm.measurements AS measurements, mm.id AS measurement_row" + stats +
                 " FROM benchmarks b "
                 "LEFT JOIN model_measurements mm ON mm.benchmark_ref = b.id "
                 "LEFT JOIN m ON m.benchmark_ref = b.id LEFT JOIN s ON s.benchmark_ref = b.id "
                 "WHERE " + sel.condition + " ORDER BY b.id, mm.id",
                 repeat_params(sel, 2));
}

} // namespace benchstore::store
