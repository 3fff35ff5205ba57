#include "bindings.hpp"

namespace benchstore::python {
namespace {

// numbers.Real, looked up once: it covers int, float and NumPy's scalar types.
bool is_real_number(py::handle value)
{
    static PyObject* real = [] {
        py::object numbers = py::module_::import("numbers");
        return py::object(numbers.attr("Real")).release().ptr();
    }();
    const int r = PyObject_IsInstance(value.ptr(), real);
    if (r < 0) throw py::error_already_set();
    return r == 1;
}

py::object mapping_items(py::handle value, const std::string& what)
{
    if (PyDict_Check(value.ptr())) return py::reinterpret_borrow<py::dict>(value).attr("items")();
    static PyObject* mapping = [] {
        py::object abc = py::module_::import("collections.abc");
        return py::object(abc.attr("Mapping")).release().ptr();
    }();
    const int r = PyObject_IsInstance(value.ptr(), mapping);
    if (r < 0) throw py::error_already_set();
    if (r == 0) throw ArgumentTypeError(what + " must be a dict, not " + type_name(value));
    return value.attr("items")();
}

} // namespace

std::string type_name(py::handle value)
{
    PyTypeObject* type = Py_TYPE(value.ptr());
    return type->tp_name;
}

std::string to_string(py::handle value, const std::string& what)
{
    if (!PyUnicode_Check(value.ptr())) throw ArgumentTypeError(what + " must be a str, not " + type_name(value));
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
    if (!text) {  // lone surrogates cannot be UTF-8: the library's own "not valid UTF-8" case
        PyErr_Clear();
        throw InvalidArgument(what + " is not valid UTF-8 text");
    }
    return std::string(text, static_cast<std::size_t>(size));
}

double to_double(py::handle value, const std::string& what)
{
    PyObject* p = value.ptr();
    if (PyFloat_Check(p)) return PyFloat_AS_DOUBLE(p);
    if (PyBool_Check(p) || !is_real_number(value))
        throw ArgumentTypeError(what + " must be a number (int or float), not " + type_name(value));
    const double v = PyFloat_AsDouble(p);
    if (v == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();  // an int too large for a double
        throw InvalidArgument(what + " is out of range for a double");
    }
    return v;
}

std::optional<double> to_optional_double(py::handle value, const std::string& what)
{
    if (value.is_none()) return std::nullopt;
    return to_double(value, what);
}

Metadata to_metadata(py::handle value)
{
    Metadata out;
    for (py::handle item : mapping_items(value, "metadata")) {
        auto pair = py::reinterpret_borrow<py::tuple>(item);
        std::string key = to_string(pair[0], "metadata key");
        std::string text = to_string(pair[1], "metadata value for '" + key + "'");
        out.emplace_back(std::move(key), std::move(text));
    }
    return out;
}

Measurements to_measurements(py::handle value)
{
    Measurements out;
    for (py::handle item : mapping_items(value, "measurements")) {
        auto pair = py::reinterpret_borrow<py::tuple>(item);
        std::string name = to_string(pair[0], "measurement name");
        const double v = to_double(pair[1], "measurement '" + name + "'");
        out.emplace_back(std::move(name), v);
    }
    return out;
}

} // namespace benchstore::python
