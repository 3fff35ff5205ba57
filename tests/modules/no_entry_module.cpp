// Test module: a shared library without run_benchmark.
extern "C" __attribute__((visibility("default"))) int not_a_benchmark() { return 1; }
