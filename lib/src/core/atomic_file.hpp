#pragma once
// One output file that appears under its final name complete or not at all. Bytes go to a hidden
// temporary file beside the final name (".NAME.tmp-PID-XXXXXX", same folder so the rename is atomic,
// the writer's pid in the name), which the writer holds an exclusive flock on; sync() fsyncs it;
// publish() renames it to the final name without ever replacing an existing file, then closes it. An
// AtomicFile destroyed before publish() removes its temporary file, so an interrupted writer never
// leaves a half file under a final name. What a signal or kill -9 can still leave behind:
// remove_temporaries_on_signals() removes the temporaries on SIGINT/SIGTERM/SIGHUP, and
// remove_abandoned_temporaries() those of writers that died (kill -9). sync_directory() makes the
// renames durable.
//
// Used by the CSV export (through CsvFile, which adds buffering and RFC 4180 fields) and by anything
// else that writes a result file a user will pick up (an HTML report).
// Not thread-safe: one writer per file. Every failure throws OutputError naming the file.
#include <cstddef>
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
    // fsyncs the temporary file. Throws OutputError.
    void sync();
    // Renames the synced temporary file to the final name and closes it. Never replaces an existing
    // file: throws OutputError when the name is taken (or the rename fails). Call sync() first.
    void publish();
    // Removes the published final file again (when a later file of the same set failed).
    void unpublish();

    const std::filesystem::path& final_path() const { return m_final; }
    const std::filesystem::path& temp_path() const { return m_temp; }

private:
    std::filesystem::path m_final;
    std::filesystem::path m_temp;
    int m_fd = -1;
    int m_slot = -1;  // in the table the signal handler reads
    bool m_published = false;
};

// Removes, in dir, the temporaries of AtomicFiles whose writer is gone (killed with kill -9, or on
// a machine that lost power): those whose pid in the name is no running process and whose flock is
// free. A live writer's are never touched (nor those of a pid now reused: left, not risked). Returns
// how many it removed. Never throws: a file it cannot check is left.
std::size_t remove_abandoned_temporaries(const std::filesystem::path& dir);

// Makes SIGINT, SIGTERM and SIGHUP remove the temporaries of this process's live AtomicFiles (up to 32
// at once) and then end the process with the signal, so its exit status is the signal's conventional
// one (128 + N in a shell). For programs whose whole job is writing such files (benchstore-export);
// not for the runner, which handles these signals itself. Process-wide; call once from main.
void remove_temporaries_on_signals();

// fsyncs a folder so that renames into it survive a crash. Throws OutputError.
void sync_directory(const std::filesystem::path& dir);

} // namespace benchstore
