"""benchstore.DeviceSampler from Python: samples the Python process itself, as a context manager; its
errors surface on stop without hiding the with block's own exception."""
import threading
import time

import numpy as np
import pytest

import benchstore
from conftest import rows


def wait_for(predicate, what, limit=60.0):
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.005)


def test_samples_the_python_process(recorder, store):
    bid = recorder.initialise_benchmark({"k": "v"})
    ballast = np.ones(256 * 1024 * 1024 // 8)  # 256 MiB resident in this process
    with benchstore.DeviceSampler(recorder, bid, interval=0.01, gpu=False) as sampler:
        wait_for(lambda: sampler.samples_recorded >= 3, "three samples")
    assert not sampler.has_gpu
    got = rows(store, "SELECT mem_megabytes, gpu_util, gpu_mem_megabytes FROM device_measurements")
    assert len(got) == sampler.samples_recorded >= 3
    assert all(mem >= 256 for mem, _, _ in got)  # the RSS of this Python process, ballast included
    assert all(gpu is None and gpu_mem is None for _, gpu, gpu_mem in got)
    assert ballast[0] == 1.0


def test_cpu_of_a_busy_python_thread_is_measured(recorder, store):
    bid = recorder.initialise_benchmark({"k": "v"})
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            sum(range(1000))

    with benchstore.DeviceSampler(recorder, bid, interval=0.05, gpu=False) as sampler:
        worker = threading.Thread(target=spin)
        worker.start()
        wait_for(lambda: sampler.samples_recorded >= 4, "four samples")
        stop.set()
        worker.join()
    cpu = [c for (c,) in rows(store, "SELECT cpu_util FROM device_measurements ORDER BY id")]
    assert max(cpu) > 0


def test_error_surfaces_on_exit_but_never_hides_the_blocks_exception(store):
    r = benchstore.MetricsRecorder(str(store), None, "r", "b", "c", "m")
    bid = r.initialise_benchmark({"k": "v"})
    sampler = benchstore.DeviceSampler(r, bid, interval=0.01, gpu=False)
    r.close()  # the sampler's next row fails: kept, and raised by stop()
    wait_for(lambda: sampler.failed, "the sampler to fail")
    assert sampler.samples_recorded == 0
    with pytest.raises(benchstore.Error):
        sampler.stop()

    r2 = benchstore.MetricsRecorder(str(store), None, "r", "b", "c", "m")
    bid2 = r2.initialise_benchmark({"k": "v"})
    with pytest.raises(KeyError):
        with benchstore.DeviceSampler(r2, bid2, interval=0.01, gpu=False):
            r2.close()
            raise KeyError("the block's own error")


def test_bad_sampler_arguments(recorder):
    bid = recorder.initialise_benchmark({"k": "v"})
    with pytest.raises(benchstore.InvalidArgument, match="interval"):
        benchstore.DeviceSampler(recorder, bid, interval=0)
    with pytest.raises(benchstore.ArgumentTypeError, match="pid must be an int"):
        benchstore.DeviceSampler(recorder, bid, pid="1")
