"""setuptools' half of `pip install .`: the package is python/benchstore, and its extension benchstore._core is
built by the project's own CMake for the interpreter running this (tools/wheel_build.py's build_package, as
tools/wheel.sh does: libbenchstore linked in statically)."""
import pathlib
import shutil
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
import wheel_build  # noqa: E402


class CMakeBuildExt(build_ext):
    def build_extension(self, ext):
        package = wheel_build.build_package(ROOT)
        [built] = package.glob("_core*.so")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(
    version=wheel_build.project_version(),
    packages=["benchstore"],
    package_dir={"": "python"},
    package_data={"benchstore": ["py.typed", "_core.pyi"]},
    ext_modules=[Extension("benchstore._core", sources=[])],
    cmdclass={"build_ext": CMakeBuildExt},
    # setuptools' own scratch folders, away from CMake's build/.
    options={"build": {"build_base": "build-setuptools"}, "egg_info": {"egg_base": "build-setuptools"}},
)
