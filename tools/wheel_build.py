#!/usr/bin/env python3
"""Builds the benchstore wheel (and sdist) for the interpreter that runs this script, offline, with the
project's own CMake. Standard library only, so it runs under any CPython 3.9 or newer (a pyenv or conda
interpreter has no `wheel` package to lean on). tools/wheel.sh is the command; setup.py (pip install .)
uses build_package() too, so both build the extension the same way.

    PYTHON tools/wheel_build.py [--out dist] [--build-dir DIR] [--sdist]

The extension is built with -DBENCHSTORE_PYTHON_WHEEL=ON: libbenchstore linked in statically, so the
wheel needs only the system's libsqlite3 and libpq. One build folder per interpreter
(build-wheel-cpXY beside build/, so ccache finds the objects of build/), so a second build of the same interpreter is incremental.
"""
import argparse
import base64
import hashlib
import os
import pathlib
import re
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
NAME = "benchstore"
SUMMARY = "Benchmark metrics recorded into a local SQLite store (Hugging Face's MetricsRecorder API, in C++)"
REQUIRES_PYTHON = ">=3.9"
# What pytest loads by itself once the wheel is installed (off until --benchstore-db is given).
ENTRY_POINTS = "[pytest11]\nbenchstore = benchstore.pytest_plugin\n"
# The sdist: what `pip install` of it (or tools/wheel.sh in its folder) needs to build, nothing else.
SDIST_PATHS = ["CMakeLists.txt", "README.md", "benchstore.pc.in", "pyproject.toml", "setup.py", "cmake", "lib",
               "apps", "schema", "python", "tools/CMakeLists.txt", "tools/wheel_build.py", "tools/wheel.sh",
               "benches/CMakeLists.txt"]
SDIST_GLOBS = ["tools/*.cpp", "benches/*.cpp", "benches/*.py", "LICENSE*"]


def project_version(root=ROOT):
    """The one version: project(benchstore VERSION x.y.z) in the top CMakeLists.txt."""
    match = re.search(r"project\(\s*benchstore\s+VERSION\s+([0-9.]+)", (root / "CMakeLists.txt").read_text())
    if not match:
        raise SystemExit(f"{root / 'CMakeLists.txt'}: no project(benchstore VERSION ...)")
    return match.group(1)


def python_tag():
    return f"cp{sys.version_info.major}{sys.version_info.minor}"


def wheel_tag():
    """cpXY-cpXY-linux_x86_64: this interpreter, its ABI, this platform (PEP 425)."""
    abi = python_tag() + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{python_tag()}-{abi}-{platform}"


def build_package(root=ROOT, build_dir=None, log=sys.stderr):
    """Configures and builds the extension for this interpreter; returns the package folder
    (build_dir/python/benchstore: _core*.so and the pure-Python files)."""
    if build_dir is None and os.environ.get("WHEEL_BUILD_DIR"):
        build_dir = pathlib.Path(os.environ["WHEEL_BUILD_DIR"]) / f"wheel-{python_tag()}"
    build_dir = pathlib.Path(build_dir or root / f"build-wheel-{python_tag()}")
    configure = ["cmake", "-S", str(root), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                 f"-DPython3_EXECUTABLE={sys.executable}", "-DBENCHSTORE_BUILD_PYTHON=ON",
                 "-DBENCHSTORE_PYTHON_WHEEL=ON", "-DBENCHSTORE_BUILD_TESTS=OFF", "-DBENCHSTORE_BUILD_BENCHES=OFF",
                 "-DBENCHSTORE_INSTALL=OFF",
                 # The static library of another build of this source, to link instead of compiling it
                 # again (the tests build a wheel per interpreter); empty: built here.
                 f"-DBENCHSTORE_PYTHON_WHEEL_LIBRARY={os.environ.get('BENCHSTORE_WHEEL_LIBRARY', '')}"]
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(min(os.cpu_count() or 1, 2))
    for cmd in (configure, ["cmake", "--build", str(build_dir), "-j", jobs, "--target", "benchstore_python"]):
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            print(result.stdout, file=log)
            raise SystemExit(f"wheel: {' '.join(cmd[:2])} failed (exit {result.returncode})")
    package = build_dir / "python" / NAME
    cache = (build_dir / "CMakeCache.txt").read_text()
    if "BENCHSTORE_BUILD_PYTHON:BOOL=ON" not in cache or not list(package.glob("_core*.so")):
        raise SystemExit("wheel: the Python extension was not built (is pybind11-dev installed, and this "
                         f"interpreter's headers, {sysconfig.get_paths()['include']}?)")
    return package


def metadata(version):
    readme = (ROOT / "python" / "README.md")
    description = readme.read_text() if readme.exists() else SUMMARY + "\n"
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\nSummary: {SUMMARY}\n"
            f"Requires-Python: {REQUIRES_PYTHON}\nProvides-Extra: numpy\nRequires-Dist: numpy; extra == \"numpy\"\n"
            "Description-Content-Type: text/markdown\n\n" + description)


def package_files(package):
    """The files a wheel carries from the package folder: sources, stubs, the marker, the extension."""
    return sorted(p for p in package.iterdir()
                  if p.is_file() and (p.suffix in (".py", ".pyi") or p.name == "py.typed"
                                      or (p.name.startswith("_core.") and p.suffix == ".so")))


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(package, out_dir, version):
    """Writes NAME-VERSION-TAG.whl (PEP 427): the package, then dist-info's METADATA, WHEEL,
    entry_points.txt and RECORD (every file's sha256 and size; RECORD itself unhashed)."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tag = wheel_tag()
    wheel = out_dir / f"{NAME}-{version}-{tag}.whl"
    dist_info = f"{NAME}-{version}.dist-info"
    entries = [(f"{NAME}/{p.name}", p.read_bytes()) for p in package_files(package)]
    entries += [(f"{dist_info}/METADATA", metadata(version).encode()),
                (f"{dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: benchstore tools/wheel_build.py\n"
                                        f"Root-Is-Purelib: false\nTag: {tag}\n").encode()),
                (f"{dist_info}/entry_points.txt", ENTRY_POINTS.encode())]
    record = "\n".join([_record_line(n, d) for n, d in entries] + [f"{dist_info}/RECORD,,"]) + "\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))
    partial = wheel.with_suffix(".whl.part")
    stamp = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")))[:6]  # reproducible
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    partial.replace(wheel)
    return wheel


def sdist_members(root=ROOT):
    """The files of the sdist, relative to root: SDIST_PATHS and SDIST_GLOBS, as git lists them (tracked,
    or new and not ignored) when root is a checkout, so no build output slips in; else as found."""
    try:
        tracked = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                 check=True, capture_output=True).stdout
        files = [pathlib.Path(p.decode()) for p in tracked.split(b"\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    keep = []
    for f in files:
        text = f.as_posix()
        if any(text == p or text.startswith(p + "/") for p in SDIST_PATHS) or any(f.match(g) for g in SDIST_GLOBS):
            if (root / f).is_file():
                keep.append(f)
    return sorted(keep)


def write_sdist(out_dir, version, root=ROOT):
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = f"{NAME}-{version}"
    sdist = out_dir / f"{base}.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        for f in sdist_members(root):
            tar.add(root / f, arcname=f"{base}/{f.as_posix()}", recursive=False)
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = metadata(version).encode()
        info.size = len(data)
        import io
        tar.addfile(info, io.BytesIO(data))
    return sdist


def main(argv=None):
    p = argparse.ArgumentParser(description="Builds benchstore's wheel for this interpreter (or its sdist).")
    p.add_argument("--out", default=os.environ.get("WHEEL_DIR") or "dist", help="output folder (default $WHEEL_DIR, else dist)")
    p.add_argument("--build-dir", default=None,
                   help="CMake build folder (default $WHEEL_BUILD_DIR/wheel-cpXY, else build-wheel-cpXY in the source)")
    p.add_argument("--sdist", action="store_true", help="write the source distribution instead")
    args = p.parse_args(argv)
    version = project_version()
    if sys.version_info < (3, 9):
        raise SystemExit(f"wheel: CPython 3.9 or newer is needed, not {sys.version.split()[0]}")
    if args.sdist:
        print(write_sdist(args.out, version))
        return 0
    print(write_wheel(build_package(build_dir=args.build_dir), args.out, version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
