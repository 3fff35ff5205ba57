#pragma once
// The one reader of the model_measurements.measurements column: a JSON object of name -> finite
// number, in recorded order. Export, compare and sync call it directly; the report reads it through
// SQL as the table-valued function benchstore_measurements (store/measurements_table.hpp), which calls
// it too. Parsed by nlohmann-json's SAX interface (core/json.hpp): no document is built, and one
// vector of fields is reused from row to row. The numbers are taken from the JSON text itself (never
// through SQLite's own text-to-double conversion); export writes each as the shortest text that reads
// back to the same double (std::to_chars), so the CSV carries exactly the recorded values.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace benchstore::store {

struct MeasurementField {
    std::string name;    // decoded UTF-8
    double value = 0;    // finite; -0 keeps its sign
};

// Parses json into fields, replacing what they held (reuse one vector across rows: its entries are
// reused). Returns false, with fields empty, when json is not an object whose values are all finite
// numbers (or not valid UTF-8 JSON).
bool parse_measurements(std::string_view json, std::vector<MeasurementField>& fields);

// What every reader reports for a row parse_measurements refuses, after the store file's name:
// "model_measurements row ID is not a JSON object of finite numbers".
std::string malformed_measurements_reason(std::int64_t row_id);

// parse_measurements, throwing StoreError("FILE: " + malformed_measurements_reason(row_id)) for a
// malformed row.
void read_measurements(std::string_view json, std::int64_t row_id, const std::string& file,
                       std::vector<MeasurementField>& fields);

} // namespace benchstore::store
