#pragma once
// The report page's output file, written atomically: text goes through a 1 MiB buffer to a hidden
// temporary file beside the final name (".NAME.tmp-XXXXXX"); commit() flushes it to disk and renames
// it over the final name, so a reader sees the old page or the new one, never half of one. A
// PageFile destroyed before commit() removes its temporary file. Not thread-safe: one writer.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace benchstore::report {

class PageFile {
public:
    // Creates the temporary file in final_path's folder. Throws OutputError naming the path.
    explicit PageFile(std::filesystem::path final_path);
    ~PageFile();
    PageFile(const PageFile&) = delete;
    PageFile& operator=(const PageFile&) = delete;

    void write(std::string_view text);
    // Bytes written so far.
    std::uint64_t size() const { return m_size; }

    // Flushes, fsyncs, renames over the final name (replacing an older page) and fsyncs the folder.
    // Throws OutputError (a full disk, say); the final name is then left as it was.
    void commit();

private:
    void flush();

    std::filesystem::path m_final;
    std::filesystem::path m_temp;
    int m_fd = -1;
    std::string m_buffer;
    std::uint64_t m_size = 0;
};

} // namespace benchstore::report
