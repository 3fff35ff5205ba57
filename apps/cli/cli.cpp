#include "cli/cli.hpp"

#include <unistd.h>

#include <iostream>

#include "benchstore/error.hpp"
#include "benchstore/version.hpp"

namespace benchstore::cli {

namespace {

std::string masked(const Program& program, const std::string& message)
{
    return program.mask ? program.mask(message) : message;
}

int usage_error(const Program& program, const std::string& message)
{
    std::cerr << program.name << ": error: " << masked(program, message) << "\nusage: " << program.usage
              << std::endl;
    return exit_usage;
}

} // namespace

std::string version_line(const Program& program)
{
    return program.name + " " + benchstore::version();
}

std::optional<cxxopts::ParseResult> parse(const Program& program, cxxopts::Options& cli, int argc,
                                          const char* const* argv)
{
    cli.add_options()
        ("h,help", "show this help")
        ("version", "print the version and exit");
    auto args = cli.parse(argc, argv);
    if (args.count("version")) {
        std::cout << version_line(program) << std::endl;
        return std::nullopt;
    }
    if (args.count("help")) {
        std::cout << cli.help(program.help_groups) << program.help_footer;
        std::cout.flush();
        return std::nullopt;
    }
    if (!args.unmatched().empty()) throw UsageError("unexpected argument '" + args.unmatched().front() + "'");
    return args;
}

int run_main(const Program& program, const std::function<int()>& body) noexcept
{
    try {
        try {
            return body();
        } catch (const UsageError& e) {
            return usage_error(program, e.what());
        } catch (const cxxopts::exceptions::exception& e) {
            return usage_error(program, e.what());
        } catch (const benchstore::ConnectionError& e) {
            print_error(program, e.what());
            return exit_try_later;
        } catch (const std::exception& e) {
            print_error(program, e.what());
            return exit_error;
        } catch (...) {
            print_error(program, "unexpected failure");
            return exit_error;
        }
    } catch (...) {
        return exit_error;  // printing itself failed (or the mask threw): nothing more can be said
    }
}

void print_error(const Program& program, const std::string& message)
{
    std::cerr << program.name << ": error: " << masked(program, message) << std::endl;
}

std::string executable_path() noexcept
{
    try {
        std::string path(4096, '\0');
        const ssize_t n = readlink("/proc/self/exe", path.data(), path.size());
        if (n <= 0 || static_cast<std::size_t>(n) >= path.size()) return {};
        path.resize(static_cast<std::size_t>(n));
        return path;
    } catch (...) {
        return {};
    }
}

} // namespace benchstore::cli
