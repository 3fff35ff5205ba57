// GPU readings through NVML, loaded at run time: no CUDA or NVML headers or libraries are needed to
// build, and a machine without an NVIDIA driver simply has no GPU reader.
#include <dlfcn.h>

#include <cstring>

#include "benchstore/device_sampler.hpp"

namespace benchstore {
namespace {

// The few NVML declarations used here, as nvml.h declares them (stable C ABI).
using NvmlReturn = int;  // nvmlReturn_t; NVML_SUCCESS == 0
constexpr NvmlReturn nvml_success = 0;
struct NvmlDeviceSt;
using NvmlDevice = NvmlDeviceSt*;  // nvmlDevice_t
struct NvmlUtilization {           // nvmlUtilization_t
    unsigned int gpu;
    unsigned int memory;
};
struct NvmlMemory {  // nvmlMemory_t (v1), bytes
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
struct NvmlMemoryV2 {  // nvmlMemory_v2_t, bytes; "used" excludes driver-reserved memory, as nvidia-smi shows
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
};
constexpr unsigned int nvml_memory_v2_version = static_cast<unsigned int>(sizeof(NvmlMemoryV2)) | (2u << 24);

using InitFn = NvmlReturn (*)();
using ShutdownFn = NvmlReturn (*)();
using HandleByIndexFn = NvmlReturn (*)(unsigned int, NvmlDevice*);
using UtilizationFn = NvmlReturn (*)(NvmlDevice, NvmlUtilization*);
using MemoryFn = NvmlReturn (*)(NvmlDevice, NvmlMemory*);
using MemoryV2Fn = NvmlReturn (*)(NvmlDevice, NvmlMemoryV2*);
using NameFn = NvmlReturn (*)(NvmlDevice, char*, unsigned int);

template <typename Fn>
Fn symbol(void* handle, const char* name)
{
    return reinterpret_cast<Fn>(dlsym(handle, name));
}

class NvmlGpuReader final : public GpuReader {
public:
    // Takes ownership of an open library handle on which nvmlInit has succeeded.
    NvmlGpuReader(void* handle, ShutdownFn shutdown, NvmlDevice device, UtilizationFn utilization,
                  MemoryFn memory, MemoryV2Fn memory_v2, std::string name)
        : m_handle(handle), m_shutdown(shutdown), m_device(device), m_utilization(utilization),
          m_memory(memory), m_memory_v2(memory_v2), m_name(std::move(name))
    {
    }

    ~NvmlGpuReader() override
    {
        m_shutdown();
        dlclose(m_handle);
    }

    std::optional<GpuReading> read() noexcept override
    {
        GpuReading r;
        NvmlUtilization util{};
        if (m_utilization(m_device, &util) == nvml_success) r.util = util.gpu;
        r.mem_megabytes = used_megabytes();
        if (!r.util && !r.mem_megabytes) return std::nullopt;
        return r;
    }

    std::string name() const override { return m_name; }

private:
    std::optional<double> used_megabytes() noexcept
    {
        constexpr double mib = 1024.0 * 1024.0;
        if (m_memory_v2) {
            NvmlMemoryV2 mem{};
            mem.version = nvml_memory_v2_version;
            if (m_memory_v2(m_device, &mem) == nvml_success) return static_cast<double>(mem.used) / mib;
            m_memory_v2 = nullptr;  // older driver: fall back to v1 from now on
        }
        NvmlMemory mem{};
        if (m_memory && m_memory(m_device, &mem) == nvml_success) return static_cast<double>(mem.used) / mib;
        return std::nullopt;
    }

    void* m_handle;
    ShutdownFn m_shutdown;
    NvmlDevice m_device;
    UtilizationFn m_utilization;
    MemoryFn m_memory;
    MemoryV2Fn m_memory_v2;
    std::string m_name;
};

} // namespace

std::unique_ptr<GpuReader> open_nvml_gpu_reader(unsigned device_index)
{
    void* handle = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) return nullptr;
    auto init = symbol<InitFn>(handle, "nvmlInit_v2");
    if (!init) init = symbol<InitFn>(handle, "nvmlInit");
    auto shutdown = symbol<ShutdownFn>(handle, "nvmlShutdown");
    auto by_index = symbol<HandleByIndexFn>(handle, "nvmlDeviceGetHandleByIndex_v2");
    if (!by_index) by_index = symbol<HandleByIndexFn>(handle, "nvmlDeviceGetHandleByIndex");
    auto utilization = symbol<UtilizationFn>(handle, "nvmlDeviceGetUtilizationRates");
    auto memory = symbol<MemoryFn>(handle, "nvmlDeviceGetMemoryInfo");
    auto memory_v2 = symbol<MemoryV2Fn>(handle, "nvmlDeviceGetMemoryInfo_v2");
    auto get_name = symbol<NameFn>(handle, "nvmlDeviceGetName");
    if (!init || !shutdown || !by_index || !utilization || (!memory && !memory_v2)) {
        dlclose(handle);
        return nullptr;
    }
    if (init() != nvml_success) {
        dlclose(handle);
        return nullptr;
    }
    NvmlDevice device = nullptr;
    if (by_index(device_index, &device) != nvml_success || !device) {
        shutdown();
        dlclose(handle);
        return nullptr;
    }
    char name[96] = {};
    if (!get_name || get_name(device, name, sizeof name) != nvml_success) name[0] = '\0';
    name[sizeof name - 1] = '\0';
    try {
        return std::make_unique<NvmlGpuReader>(handle, shutdown, device, utilization, memory, memory_v2, name);
    } catch (...) {
        shutdown();
        dlclose(handle);
        return nullptr;
    }
}

} // namespace benchstore
