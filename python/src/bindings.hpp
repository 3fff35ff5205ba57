#pragma once
// Shared pieces of the benchstore._core extension module (the C++ half of the Python package).
//
// The Python package follows the seed's API; these functions turn Python values into the C++
// library's types with the seed's leniency (ints and floats for numbers, None for a missing GPU value)
// and benchstore's strictness (anything else is refused with a one-line message, nothing stored).
// Every conversion runs with the GIL held; the calls into the library then release it.
#include <optional>
#include <string>

#include <pybind11/pybind11.h>

#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"

namespace benchstore::python {

namespace py = pybind11;

// A value of the wrong Python type (a str where a number belongs, a bool, an int metadata value).
// Raised in Python as benchstore.ArgumentTypeError, a subclass of both benchstore.InvalidArgument
// (so of ValueError) and TypeError.
class ArgumentTypeError : public InvalidArgument {
public:
    using InvalidArgument::InvalidArgument;
};

// "int", "NoneType", "numpy.ndarray": the name a message shows for a value's type.
std::string type_name(py::handle value);

// A str, else ArgumentTypeError naming what.
std::string to_string(py::handle value, const std::string& what);

// An int or float (numpy scalars included; not bool), else ArgumentTypeError naming what.
// NaN and infinities pass through: the library refuses them with its own message.
double to_double(py::handle value, const std::string& what);

// None -> empty, else as to_double.
std::optional<double> to_optional_double(py::handle value, const std::string& what);

// A mapping of str to str (the seed's dict[str, str]), in its iteration order.
Metadata to_metadata(py::handle value);

// A mapping of str to number (the seed's dict[str, float]), in its iteration order.
Measurements to_measurements(py::handle value);

// Registers the exception classes (benchstore.Error and its subclasses) on module m and the
// translator from the C++ hierarchy (error.hpp) to them.
void register_errors(py::module_& m);
void register_recorder(py::module_& m);
void register_sampler(py::module_& m);
void register_runner(py::module_& m);

} // namespace benchstore::python
