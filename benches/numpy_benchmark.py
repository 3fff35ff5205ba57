"""numpy_benchmark: a Python benchmark module, run by benchstore-run in its own Python process beside the
C++ modules. Real NumPy work (float64 n x n matrix multiplies through NumPy's BLAS, then an FFT) with the
device sampler running on the Python process, and timings in the seed's style (seconds, first pass and
the mean of the following ones). BENCHSTORE_NUMPY_N sets n (default 512), BENCHSTORE_NUMPY_PASSES
the passes after the first (default 5).

It is the seed's module interface unchanged: run_benchmark(logger, repository, branch, commit_id,
commit_msg, metrics_recorder).
"""
import os
import time

import numpy as np

import benchstore


def _env_int(name, default):
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def run_benchmark(logger, repository, branch, commit_id, commit_msg, metrics_recorder):
    n = _env_int("BENCHSTORE_NUMPY_N", 512)
    passes = _env_int("BENCHSTORE_NUMPY_PASSES", 5)
    metadata = {
        "workload": "numpy_matmul",
        "n": str(n),
        "dtype": "float64",
        "numpy_version": np.__version__,
        "language": "python",
    }
    benchmark_id = metrics_recorder.initialise_benchmark(metadata)
    logger.info(f"numpy_benchmark: n={n}, {passes} passes after the first, benchmark {benchmark_id}")

    with benchstore.DeviceSampler(metrics_recorder, benchmark_id):
        start = time.perf_counter()
        rng = np.random.default_rng(7)
        a = rng.uniform(-1.0, 1.0, size=(n, n))
        b = rng.uniform(-1.0, 1.0, size=(n, n))
        setup_time = time.perf_counter() - start

        start = time.perf_counter()
        c = a @ b
        first_pass_time = time.perf_counter() - start

        pass_times = []
        for _ in range(passes):
            start = time.perf_counter()
            c = a @ b
            pass_times.append(time.perf_counter() - start)

        start = time.perf_counter()
        spectrum = np.fft.rfft2(c)
        fft_time = time.perf_counter() - start

    mean_pass = float(np.mean(pass_times))
    gflops = 2.0 * n ** 3 / mean_pass / 1e9
    metrics_recorder.collect_model_measurements(benchmark_id, {
        "setup_time_secs": setup_time,
        "first_pass_time_secs": first_pass_time,
        "pass_time_mean_secs": mean_pass,
        "pass_time_min_secs": float(np.min(pass_times)),
        "fft_time_secs": fft_time,
        "throughput_gflops": gflops,
    })
    logger.info(f"numpy_benchmark: mean pass {mean_pass:.4f} s, {gflops:.2f} GFLOP/s, "
                f"|spectrum[0,0]|={abs(spectrum[0, 0]):.3f}")
