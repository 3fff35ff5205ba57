// benchstore.DeviceSampler: the C++ DeviceSampler, sampling the calling (Python) process by default,
// usable as a context manager. The sampler thread records through the C++ recorder without the GIL.
#include <chrono>
#include <cmath>
#include <memory>

#include "benchstore/device_sampler.hpp"
#include "bindings.hpp"

namespace benchstore::python {

void register_sampler(py::module_& m)
{
    py::class_<DeviceSampler>(m, "DeviceSampler",
                              "Records one device_measurements row for a benchmark every interval seconds on a "
                              "background thread, until stop() or the end of a with block.")
        .def(py::init([](MetricsRecorder& recorder, py::object benchmark_id, py::object interval, py::object pid,
                         bool gpu) {
                 SamplerOptions o;
                 const double seconds = to_double(interval, "interval");
                 if (!(seconds >= 0.001 && seconds <= 86400.0))
                     throw InvalidArgument("interval must be from 0.001 to 86400 seconds");
                 o.interval = std::chrono::milliseconds(std::llround(seconds * 1000));
                 if (!pid.is_none()) {
                     if (!PyLong_Check(pid.ptr()) || PyBool_Check(pid.ptr()))
                         throw ArgumentTypeError("pid must be an int, not " + type_name(pid));
                     o.pid = pid.cast<pid_t>();
                 }
                 o.gpu_source = gpu ? GpuSource::nvml : GpuSource::none;
                 std::string id = to_string(benchmark_id, "benchmark_id");
                 py::gil_scoped_release release;
                 return std::make_unique<DeviceSampler>(recorder, std::move(id), o);
             }),
             py::arg("recorder"), py::arg("benchmark_id"), py::arg("interval") = 0.1, py::arg("pid") = py::none(),
             py::arg("gpu") = true,
             py::keep_alive<1, 2>(),  // the recorder lives at least as long as the sampler
             "interval in seconds (default 0.1); pid None = this process; gpu False = NULL GPU values.")
        .def("stop", &DeviceSampler::stop, py::call_guard<py::gil_scoped_release>(),
             "Stops sampling; raises the error that stopped the thread early, if any.")
        .def_property_readonly("samples_recorded", &DeviceSampler::samples_recorded)
        .def_property_readonly("has_gpu", &DeviceSampler::has_gpu)
        .def_property_readonly("failed", [](const DeviceSampler& s) { return s.error() != nullptr; },
                               "True once recording failed and sampling stopped (stop() raises the error).")
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__",
             [](DeviceSampler& s, py::object exc_type, py::object, py::object) {
                 // A sampling error must not hide the exception already leaving the with block.
                 try {
                     py::gil_scoped_release release;
                     s.stop();
                 } catch (const Error&) {
                     if (exc_type.is_none()) throw;
                 }
                 return false;
             });
}

} // namespace benchstore::python
