// benchstore.Error and its subclasses, created here so the C++ translator and the package share them.
// InvalidArgument is also a ValueError (bad input), ArgumentTypeError also a TypeError (wrong type),
// OutputError also an OSError: code written against Python's built-in exceptions keeps working.
#include "bindings.hpp"

namespace benchstore::python {
namespace {

PyObject* g_error = nullptr;
PyObject* g_invalid_argument = nullptr;
PyObject* g_argument_type_error = nullptr;
PyObject* g_store_error = nullptr;
PyObject* g_newer_schema_error = nullptr;
PyObject* g_output_error = nullptr;

PyObject* new_exception(py::module_& m, const char* name, std::initializer_list<PyObject*> bases, const char* doc)
{
    py::tuple base_tuple(bases.size());
    std::size_t i = 0;
    for (PyObject* b : bases) base_tuple[i++] = py::reinterpret_borrow<py::object>(b);
    const std::string qualified = std::string("benchstore.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base_tuple.ptr(), nullptr);
    if (!type) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(type));
    return type;
}

} // namespace

void register_errors(py::module_& m)
{
    g_error = new_exception(m, "Error", {PyExc_Exception}, "Base class of every error benchstore raises.");
    g_invalid_argument = new_exception(m, "InvalidArgument", {g_error, PyExc_ValueError},
                                       "Bad input (unknown benchmark id, NaN, empty name): nothing was stored.");
    g_argument_type_error = new_exception(m, "ArgumentTypeError", {g_invalid_argument, PyExc_TypeError},
                                          "A value of the wrong type: nothing was stored.");
    g_store_error = new_exception(m, "StoreError", {g_error},
                                  "The SQLite store could not be opened, read or written.");
    g_newer_schema_error = new_exception(m, "NewerSchemaError", {g_store_error},
                                         "The store was written by a newer benchstore; it is left untouched.");
    g_output_error = new_exception(m, "OutputError", {g_error, PyExc_OSError},
                                   "Output files (CSV export) could not be written.");

    // Most derived first: the first matching catch wins.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const ArgumentTypeError& e) {
            PyErr_SetString(g_argument_type_error, e.what());
        } catch (const NewerSchemaError& e) {
            PyErr_SetString(g_newer_schema_error, e.what());
        } catch (const InvalidArgument& e) {
            PyErr_SetString(g_invalid_argument, e.what());
        } catch (const StoreError& e) {
            PyErr_SetString(g_store_error, e.what());
        } catch (const OutputError& e) {
            // An OSError with one argument keeps it as the message (no errno/strerror split).
            PyErr_SetString(g_output_error, e.what());
        } catch (const Error& e) {
            PyErr_SetString(g_error, e.what());
        }
    });
}

} // namespace benchstore::python
