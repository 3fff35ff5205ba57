#pragma once
// The shared edge of every benchstore executable (benchstore-run, benchstore-export, benchstore-sync,
// and any new tools/benchstore-*.cpp): the standard options (--help, --version), option parsing, and
// the one handler that turns what escapes main into one line on stderr and an exit status, as
// ccache's main does. Executables stay thin: parse, fill the library's options struct, call it.
//
// A static library (benchstore_cli), not part of libbenchstore: it is about processes (argv, stdout,
// exit statuses) and brings cxxopts, neither of which library users should get in its ABI.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <cxxopts.hpp>

namespace benchstore::cli {

// Exit statuses every executable uses; benchstore-run and -export never return exit_try_later. They live
// here, not in the library: the library's results say what happened, each executable maps them.
enum ExitStatus : int {
    exit_success = 0,
    exit_error = 1,      // a benchstore::Error or any other failure: one line "NAME: error: ..."
    exit_usage = 2,      // bad options: the error line and the program's usage line
    exit_try_later = 3,  // benchstore::ConnectionError: the server is unreachable, nothing half-done
    exit_regression = 4, // benchstore-compare: CompareResult::regressions > 0 (a CI gate fails on it)
};

// Bad usage found after parsing (a missing argument, a value out of range). The handler prints it
// as a usage error (exit 2). cxxopts' own exceptions are treated the same way.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the handler and the parser need to know about one executable.
struct Program {
    std::string name;         // "benchstore-export": first word of --version, prefix of error lines
    std::string usage;        // one line after "usage: " on a usage error
    // Applied to every message the handler prints; benchstore-sync masks passwords with it.
    std::function<std::string(const std::string&)> mask;
    std::vector<std::string> help_groups;  // option groups --help lists; empty = all
    std::string help_footer;               // printed after --help's option list (exit statuses)
};

// "benchstore-export 0.1.0": the name and the version of the benchstore library it runs with.
std::string version_line(const Program& program);

// Adds --help and --version to cli (call once, before parse), then parses argv. Returns nothing when
// --help or --version was given: the answer is printed on stdout and the caller returns exit_success.
// Throws UsageError (or a cxxopts exception) for unknown options, bad values and stray arguments.
std::optional<cxxopts::ParseResult> parse(const Program& program, cxxopts::Options& cli, int argc,
                                          const char* const* argv);

// The one handler at the top of main: runs body and returns its exit status, or maps what escapes it
//   UsageError, cxxopts exceptions -> "NAME: error: MESSAGE" and "usage: USAGE" on stderr, exit_usage
//   benchstore::ConnectionError    -> "NAME: error: MESSAGE", exit_try_later
//   any other std::exception       -> "NAME: error: MESSAGE", exit_error
//   anything else                  -> "NAME: error: unexpected failure", exit_error
// Messages go through program.mask first. Never throws.
int run_main(const Program& program, const std::function<int()>& body) noexcept;

// Prints "NAME: error: MESSAGE" (masked) on stderr; for errors a body reports itself.
void print_error(const Program& program, const std::string& message);

// The running executable's own path (/proc/self/exe), so an installed program finds what was
// installed beside it; empty when it cannot be read. Never throws.
std::string executable_path() noexcept;

} // namespace benchstore::cli
