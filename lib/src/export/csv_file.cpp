#include "export/csv_file.hpp"

#include <charconv>

namespace benchstore::export_ {
namespace {

constexpr std::size_t buffer_limit = std::size_t{1} << 20;

bool needs_quotes(std::string_view value)
{
    return value.find_first_of(",\"\r\n") != std::string_view::npos;
}

} // namespace

CsvFile::CsvFile(std::filesystem::path final_path) : m_file(std::move(final_path))
{
    m_buffer.reserve(buffer_limit + 4096);
}

void CsvFile::separator()
{
    if (m_row_started) m_buffer.push_back(',');
    m_row_started = true;
}

void CsvFile::text(std::string_view value)
{
    separator();
    if (!needs_quotes(value)) {
        m_buffer.append(value);
        return;
    }
    m_buffer.push_back('"');
    for (char c : value) {
        if (c == '"') m_buffer.push_back('"');
        m_buffer.push_back(c);
    }
    m_buffer.push_back('"');
}

void CsvFile::plain(std::string_view value)
{
    separator();
    m_buffer.append(value);
}

void CsvFile::number(double value)
{
    separator();
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    m_buffer.append(buf, result.ptr);
}

void CsvFile::integer(std::int64_t value)
{
    separator();
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    m_buffer.append(buf, result.ptr);
}

void CsvFile::empty() { separator(); }

void CsvFile::end_header()
{
    m_buffer.push_back('\n');
    m_row_started = false;
    if (m_buffer.size() >= buffer_limit) flush();
}

void CsvFile::end_row()
{
    end_header();
    ++m_rows;
}

void CsvFile::flush()
{
    m_file.write(m_buffer);
    m_buffer.clear();
}

void CsvFile::sync()
{
    flush();
    m_file.sync();
}

} // namespace benchstore::export_
