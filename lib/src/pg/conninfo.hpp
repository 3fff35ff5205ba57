#pragma once
// Connection strings: libpq's keyword/value pairs for what the user gave, with benchstore's
// defaults added, and a malformed string refused without quoting any of it. Internal.
#include <string>
#include <utility>
#include <vector>

namespace benchstore::pg {

// Builds libpq keyword/value pairs: the user's conninfo with the defaults added (see
// SyncOptions::conninfo). Throws InvalidArgument for a string libpq cannot parse, or a URI it
// would mis-parse; the message never quotes the string.
std::vector<std::pair<std::string, std::string>> connection_parameters(const std::string& conninfo);

} // namespace benchstore::pg
