#include "support/child_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace benchstore::test {

void Redirect::apply(int target) const
{
    switch (m_kind) {
    case Kind::inherit: return;
    case Kind::file: {
        const int f = open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (f < 0) _exit(126);
        dup2(f, target);
        close(f);
        return;
    }
    case Kind::fd: dup2(m_fd, target); return;
    }
}

pid_t spawn_child(const std::vector<std::string>& argv, const ChildOptions& options)
{
    // Built before fork(): the child of a threaded test should only make async-signal-safe calls.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        for (const auto& [name, value] : options.env) setenv(name.c_str(), value.c_str(), 1);
        if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
        options.out.apply(STDOUT_FILENO);
        options.err.apply(STDERR_FILENO);
        if (options.before_exec) options.before_exec();
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

int wait_child(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

} // namespace benchstore::test
