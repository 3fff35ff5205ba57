#pragma once
// The report page's output file: a 1 MiB buffer over the shared AtomicFile (core/atomic_file.hpp),
// so the page appears under its name complete or not at all, as the export's files do. commit()
// flushes it to disk and renames it into place, never over an existing file. A PageFile destroyed
// before commit() removes its temporary file. Not thread-safe: one writer.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/atomic_file.hpp"

namespace benchstore::report {

class PageFile {
public:
    // Creates the temporary file in final_path's folder. Throws OutputError naming the path.
    explicit PageFile(std::filesystem::path final_path);

    void write(std::string_view text);
    // Bytes written so far.
    std::uint64_t size() const { return m_size; }

    // Flushes, fsyncs, renames to the final name and fsyncs the folder. Throws OutputError (a full
    // disk, a name already taken); the final name is then left as it was.
    void commit();

private:
    void flush();

    AtomicFile m_file;
    std::string m_buffer;
    std::uint64_t m_size = 0;
};

} // namespace benchstore::report
