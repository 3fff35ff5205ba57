#include "support/chromium.hpp"

#include <unistd.h>

#include <stdexcept>

#include "support/export_fixture.hpp"

namespace benchstore::test {
namespace {

// "unshare -n " where a network namespace can be had (root), else nothing.
const std::string& network_off_prefix()
{
    static const std::string prefix = [] {
        if (::geteuid() != 0) return std::string();
        return std::system("unshare -n true >/dev/null 2>&1") == 0 ? std::string("unshare -n ") : std::string();
    }();
    return prefix;
}

std::string run_chromium(const std::string& args, const std::filesystem::path& page,
                         const std::filesystem::path& scratch)
{
    static int calls = 0;
    const auto profile = scratch / ("chromium-profile-" + std::to_string(++calls));
    const std::string command =
        network_off_prefix() + "chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions "
        "--disable-background-networking --disable-sync --disable-default-apps --hide-scrollbars "
        "--force-device-scale-factor=1 --host-resolver-rules=" + shell_quote("MAP * ~NOTFOUND") +
        " --user-data-dir=" + shell_quote(profile.string()) + " --virtual-time-budget=20000 " + args + " " +
        shell_quote("file://" + std::filesystem::absolute(page).string());
    const CommandResult r = run_command(command, scratch);
    if (r.exit_code != 0)
        throw std::runtime_error("chromium exited " + std::to_string(r.exit_code) + ": " + r.err.substr(0, 2000));
    return r.out;
}

} // namespace

std::string chromium_dom(const std::filesystem::path& page, const std::filesystem::path& scratch)
{
    return run_chromium("--window-size=" + std::to_string(browser_width) + ",1000 --dump-dom", page, scratch);
}

void chromium_screenshot(const std::filesystem::path& page, const std::filesystem::path& png, int height,
                         const std::filesystem::path& scratch)
{
    run_chromium("--window-size=" + std::to_string(browser_width) + "," + std::to_string(height) +
                     " --screenshot=" + shell_quote(std::filesystem::absolute(png).string()),
                 page, scratch);
    if (!std::filesystem::exists(png)) throw std::runtime_error("chromium wrote no screenshot " + png.string());
}

std::optional<std::string> root_attribute(const std::string& dom, const std::string& name)
{
    const auto html = dom.find("<html");
    if (html == std::string::npos) return std::nullopt;
    const auto end = dom.find('>', html);
    const std::string tag = dom.substr(html, end - html);
    const auto at = tag.find(" " + name + "=\"");
    if (at == std::string::npos) return std::nullopt;
    const auto start = at + name.size() + 3;
    return tag.substr(start, tag.find('"', start) - start);
}

} // namespace benchstore::test
