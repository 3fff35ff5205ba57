// benchstore._core: the compiled half of the benchstore Python package (see python/benchstore/).
#include "benchstore/version.hpp"
#include "bindings.hpp"

#ifndef BENCHSTORE_DEFAULT_BENCHES_DIR
#define BENCHSTORE_DEFAULT_BENCHES_DIR "benches"
#endif

PYBIND11_MODULE(_core, m)
{
    namespace bp = benchstore::python;
    m.doc() = "benchstore's C++ library for Python: the recorder, the device sampler and the runner.";
    bp::register_errors(m);
    bp::register_recorder(m);
    bp::register_sampler(m);
    bp::register_runner(m);
    // The C++ library's version is the package's (a wheel's file name and METADATA take it from the
    // same project(VERSION)).
    m.attr("__version__") = benchstore::version();
    // Where the build put the bundled modules: the default --benches of `python3 -m benchstore`, as
    // benchstore-run has it.
    m.attr("default_benches_dir") = BENCHSTORE_DEFAULT_BENCHES_DIR;
}
