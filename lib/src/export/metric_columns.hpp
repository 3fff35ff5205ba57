#pragma once
// The union of metric names over the selected model rows, first seen first, and the header each
// gets. Memory grows with the number of distinct names, not with the rows.
// Header rule (export.hpp): a metric's header is its name, unless that is a fixed column of the model
// or summary file or an earlier metric's header; then "model." is put before it until it is neither.
// Internal to export.
#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/measurements_json.hpp"

namespace benchstore::export_ {

class MetricColumns {
public:
    MetricColumns();

    // The column of name, added as the next one when it is new.
    std::size_t add(const std::string& name);
    const std::vector<std::string>& names() const { return m_names; }
    const std::vector<std::string>& headers() const { return m_headers; }

    // One row's cells, joined by commas, from the first column up to the last the row has (its names
    // are added first); returns how many that is. Names first seen come last, so a row's columns are
    // always among those known when it is read: the rest are empty cells to add at the end. A name
    // given twice keeps its last number. cells is reused from row to row.
    std::size_t join(const std::vector<store::MeasurementField>& fields, std::string& cells);

private:
    std::vector<std::string> m_names;
    std::vector<std::string> m_headers;
    std::unordered_map<std::string, std::size_t> m_index;
    std::unordered_set<std::string> m_taken;
    std::vector<std::string> m_row_names;    // the last joined row's names
    std::vector<std::size_t> m_row_columns;  // and their columns
    std::vector<const double*> m_slots;      // the value of each column in the current row
};

} // namespace benchstore::export_
