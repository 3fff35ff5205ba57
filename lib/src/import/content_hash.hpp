#pragma once
// The identity of an imported file in the import ledger: the SHA-256 of its bytes (OpenSSL's libcrypto).
// Internal to the import.
#include <filesystem>
#include <string>

namespace benchstore::import {

// Lower-case hex SHA-256 of the file's content, read in blocks. Throws InvalidArgument when it cannot
// be read.
std::string sha256_of_file(const std::filesystem::path& file);

} // namespace benchstore::import
