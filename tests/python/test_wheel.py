"""The wheel (tools/wheel.sh) for pyenv's CPython 3.9, 3.12 and 3.13, each installed offline into a fresh venv
of that interpreter: a correct wheel (PEP 427 name, WHEEL, METADATA, RECORD), libbenchstore inside it, the
package working without NumPy (the seed's examples 2, 3, 4 and 6 with only the import changed), its version,
its pytest11 entry point. Also `pip install .` of the checkout with Debian's python3 and the sdist.

The library does not depend on the interpreter: the wheels link this build's libbenchstore_internal.a
(BENCHSTORE_WHEEL_LIBRARY) and only the extension's own sources are compiled per interpreter."""
import base64
import csv
import hashlib
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import tarfile
import zipfile

import pytest

from conftest import BINARY_DIR, SOURCE_DIR, count, rows
from test_seed_examples import EXAMPLES, changed_copy

INTERPRETERS = ["3.9", "3.12", "3.13"]
RUNNER = BINARY_DIR / "apps" / "benchstore-run"
LIBRARY = BINARY_DIR / "lib" / "libbenchstore_internal.a"


def pyenv_interpreter(minor):
    """pyenv's newest CPython minor.x on this machine, or None."""
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
    except OSError:
        root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = sorted(pathlib.Path(root or "/nonexistent").glob(f"versions/{minor}.*/bin/python{minor}"),
                   key=lambda p: [int(x) for x in re.findall(r"\d+", p.parts[-3])])
    return found[-1] if found else None


def clean_env(**extra):
    """No build-tree package, no store from the caller: what a user's shell gives the venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BENCHSTORE_DB", "BENCHSTORE_PYTHON")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def version():
    return subprocess.run([str(RUNNER), "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]


def build_wheel(python, out, *extra):
    env = clean_env(WHEEL_DIR=out, WHEEL_BUILD_DIR=BINARY_DIR, BENCHSTORE_WHEEL_LIBRARY=LIBRARY)
    result = subprocess.run(["bash", str(SOURCE_DIR / "tools" / "wheel.sh"), *extra, str(python)], env=env,
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    return pathlib.Path(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=INTERPRETERS)
def venv(request, tmp_path_factory):
    """(wheel, venv python) for one pyenv interpreter; skipped, saying so, where the machine lacks it."""
    python = pyenv_interpreter(request.param)
    if python is None:
        pytest.skip(f"no pyenv CPython {request.param} on this machine (pyenv versions lists what there is)")
    tmp = tmp_path_factory.mktemp(f"cp{request.param.replace('.', '')}")
    wheel = build_wheel(python, tmp / "dist")
    subprocess.run([str(python), "-m", "venv", str(tmp / "venv")], check=True, env=clean_env(), timeout=300)
    vpython = tmp / "venv" / "bin" / "python"
    result = subprocess.run([str(vpython), "-m", "pip", "install", "--no-index", "--no-deps", "-q", str(wheel)],
                            env=clean_env(PIP_NO_INDEX="1"), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return wheel, vpython


def run_in(vpython, args, cwd, **env):
    return subprocess.run([str(vpython), *args], cwd=cwd, env=clean_env(**env), capture_output=True, text=True,
                          timeout=300)


def test_wheel_name_metadata_and_record(venv):
    wheel, vpython = venv
    tag = run_in(vpython, ["-c", "import sys; print(f'cp{sys.version_info[0]}{sys.version_info[1]}')"], ".").stdout.strip()
    assert wheel.name == f"benchstore-{version()}-{tag}-{tag}-linux_x86_64.whl"
    info = f"benchstore-{version()}.dist-info"
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        wheel_file = z.read(f"{info}/WHEEL").decode()
        assert "Wheel-Version: 1.0" in wheel_file and "Root-Is-Purelib: false" in wheel_file
        assert f"Tag: {tag}-{tag}-linux_x86_64" in wheel_file
        meta = z.read(f"{info}/METADATA").decode()
        assert meta.startswith("Metadata-Version: 2.1\nName: benchstore\nVersion: " + version() + "\n")
        assert "Requires-Python: >=3.9" in meta
        assert "[pytest11]\nbenchstore = benchstore.pytest_plugin" in z.read(f"{info}/entry_points.txt").decode()
        record = list(csv.reader(io.StringIO(z.read(f"{info}/RECORD").decode())))
        assert sorted(r[0] for r in record) == sorted(names)
        for name, digest, size in record:
            if name == f"{info}/RECORD":
                assert digest == size == ""
                continue
            data = z.read(name)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert int(size) == len(data)
    assert {"benchstore/py.typed", "benchstore/_core.pyi", "benchstore/pytest_plugin.py"} <= set(names)


def test_installed_package_is_self_contained(venv, tmp_path):
    _, vpython = venv
    code = ("import benchstore, benchstore._core as c, importlib.util, sys\n"
            "from importlib.metadata import entry_points\n"
            "eps = entry_points()\n"
            "eps = eps.select(group='pytest11') if hasattr(eps, 'select') else eps.get('pytest11', [])\n"
            "print(benchstore.__version__)\n"
            "print(importlib.util.find_spec('numpy') is None)\n"
            "print(sorted(n for n in dir(c) if n.startswith('_speed')))\n"
            "print([e.value for e in eps])\n"
            "print(c.__file__)\n")
    result = run_in(vpython, ["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    got_version, no_numpy, speed_hooks, plugins, core = result.stdout.splitlines()
    assert got_version == version()
    assert no_numpy == "True"  # the venv holds the wheel alone: every check here runs without NumPy
    assert speed_hooks == "[]"
    assert plugins == "['benchstore.pytest_plugin']"
    assert core.startswith(str(vpython.parents[1]))
    linked = subprocess.run(["ldd", core], capture_output=True, text=True).stdout
    assert "libbenchstore" not in linked and "libsqlite3" in linked


def test_seed_examples_without_numpy(venv, tmp_path):
    _, vpython = venv
    db = tmp_path / "store.db"
    for name, prepend in (("example_2.py", None), ("example_3.py", None),
                          ("example_6.py", "from benchstore import create_global_metrics_recorder")):
        script = changed_copy(name, tmp_path, prepend_import=prepend)
        result = run_in(vpython, [str(script)], tmp_path, BENCHSTORE_DB=db)
        assert result.returncode == 0, name + ": " + result.stderr
    assert count(db, "benchmarks") == 3 and count(db, "device_measurements") == 3
    # Example 3 gives connection=None and so records into $BENCHSTORE_DB as well.
    assert sorted(r[0] for r in rows(db, "SELECT commit_message FROM benchmarks")) == [
        "Add new model", "Optimize attention", "Test commit"]

    # Example 4 is a module for the runner: python -m benchstore with this venv's interpreter.
    benches = tmp_path / "benches"
    benches.mkdir()
    (benches / "my_custom_benchmark.py").write_text((EXAMPLES / "example_4.py").read_text())
    result = run_in(vpython, ["-m", "benchstore", "acme/widgets", "main", "abc123", "Fix things", "--benches",
                              str(benches), "--db", str(tmp_path / "runner.db")], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert rows(tmp_path / "runner.db", "SELECT module, status FROM benchmarks") == [("my_custom_benchmark", "completed")]


def test_batch_call_without_numpy(venv, tmp_path):
    _, vpython = venv
    code = ("import benchstore, datetime, sys\n"
            "r = benchstore.MetricsRecorder(sys.argv[1], None, 'r', 'b', 'c', 'm')\n"
            "b = r.initialise_benchmark({'batch': 'tuples'})\n"
            "r.collect_device_measurements_batch(b, [(1, 2.5), (3, 4.0, None, 5)],\n"
            "    times=[datetime.datetime(2025, 1, 2, 3, 4, 5, 6), datetime.datetime(2025, 1, 2, 3, 4, 6)])\n"
            "try:\n"
            "    r.collect_device_measurements_batch(b, [(1, '2')])\n"
            "except benchstore.ArgumentTypeError as e:\n"
            "    print(e)\n")
    result = run_in(vpython, ["-c", code, str(tmp_path / "s.db")], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "sample 0 mem_megabytes must be a number (int or float), not str\n"
    assert rows(tmp_path / "s.db", "SELECT cpu_util, gpu_mem_megabytes, time FROM device_measurements ORDER BY id") == [
        (1.0, None, "2025-01-02T03:04:05.000006"), (3.0, 5.0, "2025-01-02T03:04:06.000000")]


def test_pip_install_of_the_checkout_with_debians_python(tmp_path):
    """pip install . with Debian's python3 and pip, offline, through setuptools (--no-build-isolation)."""
    debian = pathlib.Path("/usr/bin/python3")
    if not debian.exists():
        pytest.skip("no Debian /usr/bin/python3 here")
    # Debian's setuptools and wheel, which the build backend needs, come from the system's packages.
    subprocess.run([str(debian), "-m", "venv", "--system-site-packages", str(tmp_path / "venv")], check=True)
    vpython = tmp_path / "venv" / "bin" / "python"
    env = clean_env(WHEEL_BUILD_DIR=BINARY_DIR, BENCHSTORE_WHEEL_LIBRARY=LIBRARY, PIP_NO_INDEX="1")
    result = subprocess.run([str(vpython), "-m", "pip", "install", "--no-build-isolation", "--no-index", "-q",
                             str(SOURCE_DIR)], env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_in(vpython, ["-c", "import benchstore; print(benchstore.__version__, benchstore.__file__)"], tmp_path)
    assert result.returncode == 0, result.stderr
    got_version, where = result.stdout.split()
    assert got_version == version() and where.startswith(str(tmp_path / "venv"))


def test_sdist_holds_what_a_build_needs_and_nothing_else(tmp_path):
    sdist = build_wheel(sys.executable, tmp_path, "--sdist")
    assert sdist.name == f"benchstore-{version()}.tar.gz"
    base = f"benchstore-{version()}/"
    with tarfile.open(sdist) as tar:
        names = [n.removeprefix(base) for n in tar.getnames()]
        tar.extractall(tmp_path / "x")
    for needed in ("CMakeLists.txt", "pyproject.toml", "setup.py", "PKG-INFO", "tools/wheel_build.py",
                   "python/src/module.cpp", "python/benchstore/__init__.py", "lib/CMakeLists.txt",
                   "apps/cli/run_command.cpp", "schema"):
        assert any(n == needed or n.startswith(needed + "/") for n in names), needed
    for unwanted in ("tests/", "docs/", ".ci/", "build", "dist/", "benches/speed/", ".git"):
        assert not [n for n in names if n.startswith(unwanted)], unwanted
    # The extracted sdist configures as a wheel build: nothing it needs is missing.
    result = subprocess.run(["cmake", "-S", str(tmp_path / "x" / base), "-B", str(tmp_path / "b"),
                             "-DBENCHSTORE_PYTHON_WHEEL=ON", "-DBENCHSTORE_BUILD_TESTS=OFF",
                             "-DBENCHSTORE_BUILD_BENCHES=OFF", "-DBENCHSTORE_INSTALL=OFF"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
