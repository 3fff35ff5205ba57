#pragma once
// One reader per file format, each in its own file, each writing through an ImportContext inside the
// file's transaction. Each throws InvalidArgument naming the file and the field or position.
// Internal to the import.
#include "import/import_context.hpp"

namespace benchstore::import {

void read_google_benchmark(ImportContext& context);  // google_benchmark.cpp
void read_pytest_benchmark(ImportContext& context);  // pytest_benchmark.cpp
void read_hf_benchmark_v2(ImportContext& context);   // hf_benchmark_v2.cpp

} // namespace benchstore::import
