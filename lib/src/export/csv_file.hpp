#pragma once
// One CSV output file written atomically: rows go through a 1 MiB buffer into an AtomicFile (a hidden
// temporary beside the final name, core/atomic_file.hpp); sync() flushes it to disk and publish()
// renames it to the final name. A CsvFile destroyed before publish() removes its temporary file, so an
// interrupted export never leaves a half file under a final name (a killed process leaves only a hidden temp).
//
// Fields follow RFC 4180: a field with a comma, a quote, CR or LF is quoted with its quotes doubled;
// rows end with "\n" as pandas writes them. Not thread-safe: one writer per file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/atomic_file.hpp"

namespace benchstore::export_ {

class CsvFile {
public:
    // Creates the temporary file in final_path's folder (which must exist). Throws OutputError.
    explicit CsvFile(std::filesystem::path final_path);
    CsvFile(const CsvFile&) = delete;
    CsvFile& operator=(const CsvFile&) = delete;

    // Appends a text field, quoted where RFC 4180 requires.
    void text(std::string_view value);
    // Appends a field known to need no quoting (numbers, UUIDs, timestamps).
    void plain(std::string_view value);
    // Appends a double as the shortest text that reads back to the same value.
    void number(double value);
    void integer(std::int64_t value);
    void empty();
    // Ends the current row. Data rows are counted; call end_header() for the header row.
    void end_row();
    void end_header();

    std::uint64_t rows() const { return m_rows; }
    const std::filesystem::path& final_path() const { return m_file.final_path(); }

    // Writes out the buffer and fsyncs the file. Throws OutputError (a full disk, say).
    void sync();
    // Renames the synced temporary file to the final name. Never replaces an existing file: throws
    // OutputError when the name is taken (or the rename fails).
    void publish() { m_file.publish(); }
    // Removes the published final file again (when a later file of the same export failed).
    void unpublish() { m_file.unpublish(); }

private:
    void separator();
    void flush();

    AtomicFile m_file;
    std::string m_buffer;
    bool m_row_started = false;
    std::uint64_t m_rows = 0;
};

} // namespace benchstore::export_
