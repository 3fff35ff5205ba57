// benchstore._core.Recorder: the C++ MetricsRecorder, with Python values converted (GIL held) and
// the store calls made with the GIL released, so a sampling thread or a data loader keeps running
// while a row is being committed. benchstore.MetricsRecorder (recorder.py) adds the seed's
// constructor on top.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"

namespace benchstore::python {
namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Thrown (GIL released, through the library) when a signal handler raised: the Python error is set on
// this thread and is raised once the GIL is back.
struct PythonErrorSet {};

std::optional<double> gpu_cell(double v) { return std::isnan(v) ? std::nullopt : std::optional<double>(v); }

// Whether value is a NumPy array. NumPy is optional: when no code has imported it, nothing can be an
// array, and it is not imported here (pybind11's array check would import it, failing without it).
bool is_numpy_array(py::handle value)
{
    if (!PyDict_GetItemString(PyImport_GetModuleDict(), "numpy")) return false;
    return py::isinstance<py::array>(value);
}

// The array's element kind must be a number NumPy would convert without loss of meaning: integers and
// floats. Strings, booleans, complex numbers (whose imaginary part a cast drops) and objects are refused,
// as the one-row call refuses str and bool.
void require_real_dtype(py::handle value, const std::string& what)
{
    const py::dtype dtype = py::reinterpret_borrow<py::array>(value).dtype();
    const char kind = dtype.kind();
    if (kind != 'f' && kind != 'i' && kind != 'u')
        throw ArgumentTypeError(what + " must hold numbers (int or float), not " + py::str(value.attr("dtype")).cast<std::string>());
}

// An (n, 2) or (n, 4) array: cpu_util, mem_megabytes[, gpu_util, gpu_mem_megabytes]. NaN in a GPU
// column means "no reading" (NULL), as pandas writes a missing value; NaN elsewhere is refused.
std::vector<DeviceSample> samples_from_array(py::handle value)
{
    require_real_dtype(value, "samples array");
    Array a = Array::ensure(value);
    if (!a) {
        PyErr_Clear();
        throw ArgumentTypeError("samples array must hold numbers, not " + py::str(value.attr("dtype")).cast<std::string>());
    }
    if (a.ndim() != 2 || (a.shape(1) != 2 && a.shape(1) != 4))
        throw InvalidArgument("samples array must have shape (n, 2) or (n, 4), not " +
                              py::str(value.attr("shape")).cast<std::string>());
    const auto rows = static_cast<std::size_t>(a.shape(0));
    const auto cols = static_cast<std::size_t>(a.shape(1));
    const double* d = a.data();
    std::vector<DeviceSample> out(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        const double* row = d + i * cols;
        out[i].cpu_util = row[0];
        out[i].mem_megabytes = row[1];
        if (cols == 4) {
            out[i].gpu_util = gpu_cell(row[2]);
            out[i].gpu_mem_megabytes = gpu_cell(row[3]);
        }
    }
    return out;
}

// A sequence of (cpu_util, mem_megabytes[, gpu_util, gpu_mem_megabytes]) tuples; None = NULL.
std::vector<DeviceSample> samples_from_sequence(py::handle value)
{
    if (!PySequence_Check(value.ptr()) || PyUnicode_Check(value.ptr()))
        throw ArgumentTypeError("samples must be a NumPy array or a sequence of tuples, not " + type_name(value));
    auto seq = py::reinterpret_borrow<py::sequence>(value);
    std::vector<DeviceSample> out;
    out.reserve(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i) {
        py::object item = seq[i];
        const std::string where = "sample " + std::to_string(i);
        if (!PyTuple_Check(item.ptr()) && !PyList_Check(item.ptr()))
            throw ArgumentTypeError(where + " must be a tuple, not " + type_name(item));
        auto t = py::reinterpret_borrow<py::sequence>(item);
        if (t.size() != 2 && t.size() != 4)
            throw InvalidArgument(where + " must have 2 or 4 values (cpu_util, mem_megabytes[, gpu_util, "
                                  "gpu_mem_megabytes]), not " + std::to_string(t.size()));
        DeviceSample s;
        s.cpu_util = to_double(t[0], where + " cpu_util");
        s.mem_megabytes = to_double(t[1], where + " mem_megabytes");
        if (t.size() == 4) {
            s.gpu_util = to_optional_double(t[2], where + " gpu_util");
            s.gpu_mem_megabytes = to_optional_double(t[3], where + " gpu_mem_megabytes");
        }
        out.push_back(s);
    }
    return out;
}

// Each sample's own time: microseconds since 1970-01-01 UTC, one per sample (the Python layer converts
// datetimes and datetime64 values to them).
void set_times(std::vector<DeviceSample>& rows, py::handle times_us)
{
    if (!is_numpy_array(times_us)) {  // a list of ints: the package without NumPy
        if (!PyList_Check(times_us.ptr())) throw ArgumentTypeError("times must be microseconds since 1970 as integers");
        auto list = py::reinterpret_borrow<py::list>(times_us);
        if (list.size() != rows.size())
            throw InvalidArgument("times must hold one time per sample (" + std::to_string(rows.size()) + ")");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (!PyLong_Check(list[i].ptr())) throw ArgumentTypeError("times must be microseconds since 1970 as integers");
            rows[i].time = Timestamp(std::chrono::microseconds(list[i].cast<std::int64_t>()));
        }
        return;
    }
    using Int64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
    Int64Array t = Int64Array::ensure(times_us);
    if (!t) {
        PyErr_Clear();
        throw ArgumentTypeError("times must be microseconds since 1970 as integers");
    }
    if (t.ndim() != 1 || static_cast<std::size_t>(t.shape(0)) != rows.size())
        throw InvalidArgument("times must hold one time per sample (" + std::to_string(rows.size()) + ")");
    const std::int64_t* d = t.data();
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].time = Timestamp(std::chrono::microseconds(d[i]));
}

BenchmarkStatus to_status(const std::string& text)
{
    if (text == "running") return BenchmarkStatus::running;
    if (text == "completed") return BenchmarkStatus::completed;
    if (text == "failed") return BenchmarkStatus::failed;
    throw InvalidArgument("status must be 'running', 'completed' or 'failed', not '" + text + "'");
}

std::filesystem::path to_path(py::handle value, const std::string& what)
{
    py::object text = py::module_::import("os").attr("fspath")(value);
    if (!PyUnicode_Check(text.ptr())) throw ArgumentTypeError(what + " must be a str or path, not " + type_name(value));
    return std::filesystem::path(to_string(text, what));
}

} // namespace

void register_recorder(py::module_& m)
{
    py::class_<MetricsRecorder>(m, "Recorder", "The C++ recorder; use benchstore.MetricsRecorder.")
        .def(py::init([](py::object db_path, py::object repository, py::object branch, py::object commit_id,
                         py::object commit_msg, py::object run_id, py::object module) {
                 RecorderOptions o;
                 o.db_path = to_path(db_path, "store path");
                 o.repository = to_string(repository, "repository");
                 o.branch = to_string(branch, "branch");
                 o.commit_id = to_string(commit_id, "commit_id");
                 o.commit_message = to_string(commit_msg, "commit_msg");
                 if (!run_id.is_none()) o.run_id = to_string(run_id, "run_id");
                 if (!module.is_none()) o.module = to_string(module, "module");
                 py::gil_scoped_release release;
                 return MetricsRecorder(std::move(o));
             }),
             py::arg("db_path"), py::arg("repository"), py::arg("branch"), py::arg("commit_id"),
             py::arg("commit_msg"), py::arg("run_id") = py::none(), py::arg("module") = py::none())
        .def("initialise_benchmark",
             [](MetricsRecorder& r, py::object metadata) {
                 const Metadata md = to_metadata(metadata);
                 py::gil_scoped_release release;
                 return r.initialise_benchmark(md);
             },
             py::arg("metadata"),
             "Creates a benchmark (status running) and returns its UUID. Metadata values must be str.")
        .def("collect_device_measurements",
             [](MetricsRecorder& r, py::object benchmark_id, py::object cpu_util, py::object mem_megabytes,
                py::object gpu_util, py::object gpu_mem_megabytes) {
                 const std::string id = to_string(benchmark_id, "benchmark_id");
                 const double cpu = to_double(cpu_util, "cpu_util");
                 const double mem = to_double(mem_megabytes, "mem_megabytes");
                 const auto gpu = to_optional_double(gpu_util, "gpu_util");
                 const auto gpu_mem = to_optional_double(gpu_mem_megabytes, "gpu_mem_megabytes");
                 py::gil_scoped_release release;
                 r.collect_device_measurements(id, cpu, mem, gpu, gpu_mem);
             },
             py::arg("benchmark_id"), py::arg("cpu_util"), py::arg("mem_megabytes"),
             py::arg("gpu_util") = py::none(), py::arg("gpu_mem_megabytes") = py::none(),
             "Records one device sample, committed before it returns. None stores NULL.")
        .def("collect_device_measurements_batch",
             [](MetricsRecorder& r, py::object benchmark_id, py::object samples, py::object times_us) {
                 const std::string id = to_string(benchmark_id, "benchmark_id");
                 auto rows = is_numpy_array(samples) ? samples_from_array(samples) : samples_from_sequence(samples);
                 if (!times_us.is_none()) set_times(rows, times_us);
                 // A Ctrl-C during the call (the conversion above, or the writes) rolls the batch back
                 // before it commits: a call that raised stored nothing, so a retry stores it once.
                 const auto no_pending_signal = [] {
                     py::gil_scoped_acquire acquire;
                     if (PyErr_CheckSignals() != 0) throw PythonErrorSet{};
                 };
                 try {
                     py::gil_scoped_release release;
                     r.collect_device_measurements(id, std::span<const DeviceSample>(rows), no_pending_signal);
                 } catch (const PythonErrorSet&) {
                     throw py::error_already_set();  // the KeyboardInterrupt (or the handler's own error)
                 }
             },
             py::arg("benchmark_id"), py::arg("samples"), py::arg("times_us") = py::none(),
             "Records many samples in one transaction (all or none): an (n, 2) or (n, 4) NumPy array "
             "(NaN in a GPU column = NULL) or a sequence of tuples (None = NULL); times_us: each sample's "
             "UTC time in microseconds since 1970, else the call's time.")
        .def("collect_model_measurements",
             [](MetricsRecorder& r, py::object benchmark_id, py::object measurements) {
                 const std::string id = to_string(benchmark_id, "benchmark_id");
                 const Measurements ms = to_measurements(measurements);
                 py::gil_scoped_release release;
                 r.collect_model_measurements(id, ms);
             },
             py::arg("benchmark_id"), py::arg("measurements"),
             "Records one row of named measurements (ints and floats).")
        .def("set_status",
             [](MetricsRecorder& r, py::object benchmark_id, py::object status, py::object reason) {
                 const std::string id = to_string(benchmark_id, "benchmark_id");
                 const BenchmarkStatus s = to_status(to_string(status, "status"));
                 const std::string why = to_string(reason, "reason");
                 py::gil_scoped_release release;
                 r.set_status(id, s, why);
             },
             py::arg("benchmark_id"), py::arg("status"), py::arg("reason") = "",
             "Marks a benchmark 'completed', 'failed' (with a reason) or 'running'.")
        .def("benchmark_ids", &MetricsRecorder::benchmark_ids, "The ids this recorder created, oldest first.")
        .def("_export_to_csv",
             [](MetricsRecorder& r, py::object output_dir) {
                 const auto dir = to_path(output_dir, "output_dir");
                 std::vector<std::filesystem::path> paths;
                 {
                     py::gil_scoped_release release;
                     paths = r.export_to_csv(dir);
                 }
                 std::vector<std::string> out;
                 for (const auto& p : paths) out.push_back(p.string());
                 return out;
             },
             py::arg("output_dir"))
        .def("close", &MetricsRecorder::close, py::call_guard<py::gil_scoped_release>(),
             "Closes the store; later calls raise benchstore.Error. Safe to call twice.")
        .def_property_readonly("db_path", [](const MetricsRecorder& r) { return r.db_path().string(); })
        .def_property_readonly("repository", [](const MetricsRecorder& r) { return r.options().repository; })
        .def_property_readonly("branch", [](const MetricsRecorder& r) { return r.options().branch; })
        .def_property_readonly("commit_id", [](const MetricsRecorder& r) { return r.options().commit_id; })
        .def_property_readonly("commit_msg", [](const MetricsRecorder& r) { return r.options().commit_message; });
}

} // namespace benchstore::python
