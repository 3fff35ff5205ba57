#include "benchstore/version.hpp"

namespace benchstore {

const char* version() noexcept
{
    return BENCHSTORE_VERSION_STRING;
}

} // namespace benchstore
