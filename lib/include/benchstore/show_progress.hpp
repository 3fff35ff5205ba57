#pragma once
// Whether a long call (export_csv, sync) shows its progress: one line on standard output rewritten in
// place, shown only when standard output is a terminal. One enum for every call that has a progress line.

namespace benchstore {

enum class ShowProgress { no, on_terminal };

} // namespace benchstore
