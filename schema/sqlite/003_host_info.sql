-- Version 3: the machine a benchmark ran on, beyond its host name: a compact JSON object of strings
-- (cpu_model, logical_cores, memory_mib, kernel, os, and gpu_name, gpu_driver where NVML answers).
-- NULL for benchmarks recorded before version 3. benchstore-compare refuses to compare sides whose
-- hosts differ unless told to.
ALTER TABLE benchmarks ADD COLUMN host_info TEXT;
