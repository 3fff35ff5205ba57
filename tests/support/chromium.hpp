#pragma once
// Headless Chromium (Debian's chromium) for the report tests: load a page from disk with the network
// off and read back the DOM after its scripts ran, or a screenshot. The network is off twice over:
// in a network namespace of its own (unshare -n) when the tests run as root, and always with every
// host name mapped to nothing (--host-resolver-rules), so a page that tried to fetch anything would
// find nothing. Each call uses a fresh profile folder under scratch, so parallel tests don't share one.
#include <filesystem>
#include <optional>
#include <string>

namespace benchstore::test {

// Layout of the browser window, in CSS pixels at device scale 1.
inline constexpr int browser_width = 1280;

// The serialised DOM of page after its scripts ran (--dump-dom, with virtual time to let them finish).
// Throws std::runtime_error when Chromium fails.
std::string chromium_dom(const std::filesystem::path& page, const std::filesystem::path& scratch);

// A PNG screenshot of page in a browser_width x height window. Throws std::runtime_error.
void chromium_screenshot(const std::filesystem::path& page, const std::filesystem::path& png, int height,
                         const std::filesystem::path& scratch);

// The value of attribute name on the <html> element in dom; nullopt when it has none.
std::optional<std::string> root_attribute(const std::string& dom, const std::string& name);

} // namespace benchstore::test
