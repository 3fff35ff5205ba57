#pragma once
// Reading a model_measurements.measurements value: a JSON object of name -> number, in recorded
// order. The numbers are taken from the JSON text itself (never through SQLite's own text-to-double
// conversion) and rewritten as the shortest text that reads back to the same double, so the CSV
// carries exactly the recorded values. Shared by export (text) and compare (values).
#include <string>
#include <string_view>
#include <vector>

namespace benchstore::store {

struct MeasurementField {
    std::string name;    // decoded UTF-8
    std::string number;  // shortest round-trip text of the value
    double value = 0;    // the value itself (finite)
};

// Parses json into fields (cleared first; reuse one vector across rows). Returns false when json
// is not an object whose values are all finite numbers.
bool parse_measurements(std::string_view json, std::vector<MeasurementField>& fields);

} // namespace benchstore::store
