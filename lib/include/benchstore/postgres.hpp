#pragma once
// What every part of the public API that talks to PostgreSQL shares (sync, benchstore-central's
// maintenance, and compare and the report reading the central database): how much longer than the
// statement timeout a client waits for a reply, and the masking of passwords in connection strings.
// Below sync.hpp, so the PostgreSQL layer that implements them needs nothing of sync.
#include <chrono>
#include <string>

#include "benchstore/api.hpp"

namespace benchstore {

// How much longer than the statement timeout sync waits for any one reply before it gives up on a
// silent server itself (the server's own statement_timeout normally answers first).
inline constexpr std::chrono::seconds sync_reply_margin{5};

// The connection string with any password replaced by "***" (key=value and URI forms).
BENCHSTORE_API std::string mask_conninfo(const std::string& text);

} // namespace benchstore
