#pragma once
// The metric cells of each selected model row, worked out once and read back in order.
//
// Export needs a model row's metrics three times (the union of metric names for the headers, the model
// file, the summary). Parsing the JSON column is most of the work for model rows, so the names pass
// parses each row once and writes its cells here; the model file and the summary (when it lists the
// model rows in the same order) read them back instead of parsing again. The records go to an
// anonymous scratch file (O_TMPFILE in the output folder, else tmpfile()): memory does not grow with
// the rows, and nothing is left behind however the process ends.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace benchstore::export_ {

class CellSpool {
public:
    // A spool whose scratch file lives in dir (or the system's temporary folder); null when neither
    // can hold one (the caller then parses each time instead).
    static std::unique_ptr<CellSpool> create(const std::filesystem::path& dir);
    ~CellSpool();
    CellSpool(const CellSpool&) = delete;
    CellSpool& operator=(const CellSpool&) = delete;

    // One row's record: its id, its number of cells, and the cells joined by commas. Throws
    // OutputError when the scratch file cannot be written (a full disk).
    void append(std::int64_t row_id, std::size_t count, std::string_view cells);
    // Starts reading from the first record.
    void rewind();
    // The next record; false after the last. Throws OutputError when the scratch file cannot be read.
    bool next(std::int64_t& row_id, std::size_t& count, std::string& cells);

private:
    CellSpool(std::FILE* file, std::filesystem::path dir) : m_file(file), m_dir(std::move(dir)) {}
    [[noreturn]] void fail(const char* what) const;

    std::FILE* m_file;
    std::filesystem::path m_dir;  // for messages
};

} // namespace benchstore::export_
