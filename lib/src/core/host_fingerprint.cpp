#include "core/host_fingerprint.hpp"

#include <dlfcn.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <utility>
#include <vector>

#include "core/json.hpp"

namespace benchstore {
namespace {

std::string trim(std::string s)
{
    const auto first = s.find_first_not_of(" \t\"");
    const auto last = s.find_last_not_of(" \t\"");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

// The value of the first "key<sep>value" line of a text file whose key is one of keys.
std::string field(const char* path, const std::vector<std::string>& keys, char separator)
{
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        const auto at = line.find(separator);
        if (at == std::string::npos) continue;
        const std::string key = trim(line.substr(0, at));
        for (const auto& k : keys)
            if (key == k) return trim(line.substr(at + 1));
    }
    return {};
}

std::string memory_mib()
{
    const std::string total = field("/proc/meminfo", {"MemTotal"}, ':');  // "16318480 kB"
    try {
        return total.empty() ? std::string() : std::to_string(std::stoull(total) / 1024);
    } catch (const std::exception&) {
        return {};
    }
}

// GPU 0's name and the driver version through NVML; empty without an NVIDIA driver.
std::pair<std::string, std::string> nvidia_gpu()
{
    void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return {};
    using InitFn = int (*)();
    using ShutdownFn = int (*)();
    using HandleFn = int (*)(unsigned, void**);
    using NameFn = int (*)(void*, char*, unsigned);
    using DriverFn = int (*)(char*, unsigned);
    auto init = reinterpret_cast<InitFn>(dlsym(lib, "nvmlInit_v2"));
    auto shutdown = reinterpret_cast<ShutdownFn>(dlsym(lib, "nvmlShutdown"));
    auto handle = reinterpret_cast<HandleFn>(dlsym(lib, "nvmlDeviceGetHandleByIndex_v2"));
    auto name = reinterpret_cast<NameFn>(dlsym(lib, "nvmlDeviceGetName"));
    auto driver = reinterpret_cast<DriverFn>(dlsym(lib, "nvmlSystemGetDriverVersion"));
    std::pair<std::string, std::string> out;
    if (init && shutdown && init() == 0) {
        char text[96] = {};
        void* device = nullptr;
        if (handle && name && handle(0, &device) == 0 && name(device, text, sizeof text - 1) == 0) out.first = text;
        char version[96] = {};
        if (driver && driver(version, sizeof version - 1) == 0) out.second = version;
        shutdown();
    }
    dlclose(lib);
    return out;
}

std::string probe()
{
    std::vector<std::pair<std::string, std::string>> items;
    auto add = [&](const char* key, std::string value) {
        if (!value.empty()) items.emplace_back(key, std::move(value));
    };
    add("cpu_model", field("/proc/cpuinfo", {"model name", "Hardware", "cpu model"}, ':'));
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores > 0) add("logical_cores", std::to_string(cores));
    add("memory_mib", memory_mib());
    struct utsname u {};
    if (uname(&u) == 0) add("kernel", std::string(u.sysname) + " " + u.release);
    add("os", field("/etc/os-release", {"PRETTY_NAME"}, '='));
    const auto [gpu, version] = nvidia_gpu();
    add("gpu_name", gpu);
    add("gpu_driver", version);
    return json_object_of_strings(items);
}

} // namespace

const std::string& host_fingerprint()
{
    static const std::string fingerprint = probe();
    return fingerprint;
}

} // namespace benchstore
