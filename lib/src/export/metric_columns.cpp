#include "export/metric_columns.hpp"

#include <algorithm>
#include <charconv>

#include "export/file_columns.hpp"

namespace benchstore::export_ {
namespace {

// The fixed columns of the model and summary files: a metric may not take one of these names.
std::unordered_set<std::string> fixed_columns()
{
    std::unordered_set<std::string> fixed{"time", "device_measurement_count"};
    for (const char* c : benchmark_columns) fixed.insert(c);
    for (const char* c : status_columns) fixed.insert(c);
    for (const char* c : device_columns)
        for (const char* stat : {"_mean", "_max", "_std"}) fixed.insert(std::string(c) + stat);
    return fixed;
}

} // namespace

MetricColumns::MetricColumns() : m_taken(fixed_columns()) {}

std::size_t MetricColumns::add(const std::string& name)
{
    if (const auto found = m_index.find(name); found != m_index.end()) return found->second;
    m_index.emplace(name, m_names.size());
    m_names.push_back(name);
    std::string header = name;
    while (m_taken.count(header)) header = "model." + header;
    m_taken.insert(header);
    m_headers.push_back(std::move(header));
    return m_names.size() - 1;
}

std::size_t MetricColumns::join(const std::vector<store::MeasurementField>& fields, std::string& cells)
{
    // The rows of a benchmark usually have the same names in the same order: then the previous
    // row's columns serve, without looking the names up again.
    const bool same_names =
        fields.size() == m_row_names.size() &&
        std::equal(fields.begin(), fields.end(), m_row_names.begin(),
                   [](const store::MeasurementField& f, const std::string& name) { return f.name == name; });
    if (!same_names) {
        m_row_names.resize(fields.size());
        m_row_columns.resize(fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            m_row_names[i] = fields[i].name;
            m_row_columns[i] = add(fields[i].name);
        }
    }
    const std::size_t width =
        m_row_columns.empty() ? 0 : *std::max_element(m_row_columns.begin(), m_row_columns.end()) + 1;
    m_slots.assign(width, nullptr);
    for (std::size_t i = 0; i < fields.size(); ++i) m_slots[m_row_columns[i]] = &fields[i].value;
    cells.clear();
    for (std::size_t c = 0; c < width; ++c) {
        if (c) cells.push_back(',');
        if (!m_slots[c]) continue;
        // The shortest text that reads back to the same double: "100", "1e+05", "-0".
        char buf[32];
        const auto written = std::to_chars(buf, buf + sizeof buf, *m_slots[c]);
        cells.append(buf, written.ptr);
    }
    return width;
}

} // namespace benchstore::export_
