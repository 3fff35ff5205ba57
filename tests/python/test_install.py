"""cmake --install puts the package where the interpreter finds packages for the prefix, and the installed
extension finds the installed libbenchstore (RPATH relative to itself), without the build tree."""
import os
import subprocess
import sys
import sysconfig

from conftest import BINARY_DIR, rows


def test_installed_package_imports_and_records(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", str(BINARY_DIR), "--prefix", str(prefix)], check=True, capture_output=True)
    [init] = list(prefix.glob("lib/python3*/*-packages/benchstore/__init__.py"))
    site = init.parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BENCHSTORE_DB", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(site)
    code = ("import benchstore, sys; r = benchstore.MetricsRecorder(sys.argv[1], None, 'r', 'b', 'c', 'm');"
            "r.initialise_benchmark({'installed': 'yes'}); r.close(); print(benchstore.__file__)")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.db")], env=env, cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(init)
    assert rows(tmp_path / "s.db", "SELECT metadata FROM benchmarks") == [('{"installed":"yes"}',)]
    # Debian's interpreter looks in lib/python3.X/dist-packages under /usr/local, the default prefix.
    if sysconfig.get_default_scheme() == "posix_local":
        assert site.relative_to(prefix).as_posix() == sysconfig.get_path("platlib").removeprefix("/usr/local/")
