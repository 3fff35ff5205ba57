#pragma once
// Starting a program as a child process of a test, and waiting for it: the one helper every test that
// runs an executable or a helper program uses (the runner, export, sync, the recorder's writers).
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace benchstore::test {

// Where one of the child's standard streams goes.
class Redirect {
public:
    static Redirect inherit() { return Redirect(Kind::inherit); }  // the test's own
    static Redirect discard() { return Redirect(Kind::file, "/dev/null"); }
    static Redirect file(std::filesystem::path path) { return Redirect(Kind::file, std::move(path)); }  // created or truncated
    static Redirect fd(int descriptor)  // e.g. a pipe's write end
    {
        Redirect r(Kind::fd);
        r.m_fd = descriptor;
        return r;
    }
    // A file, or /dev/null when the path is empty.
    static Redirect file_or_discard(const std::filesystem::path& path) { return path.empty() ? discard() : file(path); }

    // In the child: puts the stream in place as `target` (1 or 2).
    void apply(int target) const;

private:
    enum class Kind { inherit, file, fd };
    explicit Redirect(Kind kind, std::filesystem::path path = {}) : m_kind(kind), m_path(std::move(path)) {}
    Kind m_kind;
    std::filesystem::path m_path;
    int m_fd = -1;
};

struct ChildOptions {
    Redirect out = Redirect::inherit();
    Redirect err = Redirect::inherit();
    std::vector<std::pair<std::string, std::string>> env;  // set in the child, on top of the test's own
    std::filesystem::path cwd;                              // empty: the test's; a failed chdir exits 126
    std::function<void()> before_exec;                      // runs in the child, streams already in place
};

// Options that only say where standard output and error go.
inline ChildOptions output_to(Redirect out, Redirect err)
{
    ChildOptions o;
    o.out = std::move(out);
    o.err = std::move(err);
    return o;
}

// Starts argv[0] (a path) with argv. A child that cannot run the program exits 127.
pid_t spawn_child(const std::vector<std::string>& argv, const ChildOptions& options = {});

// Waits for the child: its exit status, or 128 + the signal that killed it (as a shell reports it).
int wait_child(pid_t pid);

} // namespace benchstore::test
