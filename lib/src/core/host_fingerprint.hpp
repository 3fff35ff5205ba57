#pragma once
// The machine a benchmark runs on, recorded with each benchmark (benchmarks.host_info) so that
// benchstore-compare can tell results from different machines apart. Internal to the library.
#include <string>

namespace benchstore {

// A compact JSON object of strings describing this machine, keys in this order, each present only
// when known:
//   cpu_model      /proc/cpuinfo's first "model name" (or "Hardware"/"cpu model" elsewhere)
//   logical_cores  online logical CPUs (sysconf)
//   memory_mib     MemTotal of /proc/meminfo, in MiB
//   kernel         uname -sr, e.g. "Linux 6.1.0-18-amd64"
//   os             PRETTY_NAME of /etc/os-release
//   gpu_name       GPU 0's name through NVML (libnvidia-ml.so.1 loaded at run time)
//   gpu_driver     the NVIDIA driver version through NVML
// Probed once per process and cached (reading it again costs nothing). Never throws: what cannot
// be read is left out. Thread-safe.
const std::string& host_fingerprint();

} // namespace benchstore
