#pragma once
// One output file that appears under its final name complete or not at all. Bytes go to a hidden
// temporary file beside the final name (".NAME.tmp-XXXXXX", same folder so the rename is atomic);
// sync() fsyncs and closes it; publish() renames it to the final name without ever replacing an
// existing file. An AtomicFile destroyed before publish() removes its temporary file, so an
// interrupted writer never leaves a half file under a final name (a killed process leaves only a
// hidden temporary). sync_directory() then makes the renames durable.
//
// Used by the CSV export (through CsvFile, which adds buffering and RFC 4180 fields) and by anything
// else that writes a result file a user will pick up (an HTML report).
// Not thread-safe: one writer per file. Every failure throws OutputError naming the file.
#include <filesystem>
#include <string_view>

namespace benchstore {

class AtomicFile {
public:
    // Creates the temporary file in final_path's folder (which must exist), with the given
    // permission bits (mkstemp's 0600 would hide results meant to be handed over). Throws OutputError.
    explicit AtomicFile(std::filesystem::path final_path, unsigned mode = 0644);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Writes all of bytes (unbuffered: callers batch). Throws OutputError (a full disk, say).
    void write(std::string_view bytes);
    // fsyncs and closes the temporary file. Throws OutputError.
    void sync();
    // Renames the synced temporary file to the final name. Never replaces an existing file: throws
    // OutputError when the name is taken (or the rename fails). Call sync() first.
    void publish();
    // Removes the published final file again (when a later file of the same set failed).
    void unpublish();

    const std::filesystem::path& final_path() const { return m_final; }
    const std::filesystem::path& temp_path() const { return m_temp; }

private:
    std::filesystem::path m_final;
    std::filesystem::path m_temp;
    int m_fd = -1;
    bool m_published = false;
};

// fsyncs a folder so that renames into it survive a crash. Throws OutputError.
void sync_directory(const std::filesystem::path& dir);

} // namespace benchstore
