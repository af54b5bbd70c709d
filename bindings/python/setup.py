"""Builds the streamlearn package: pure Python over ctypes, plus the shared
library compiled from the repository's C sources with the system compiler
(no CPython extension, so the wheel is tagged py3-none-<platform>).

The C sources are looked for at $STREAMLEARN_SOURCE, then in `_csrc/`
(where `sdist` copies them, so a source distribution builds on its own),
then at ../.. (the repository this package lives in).

Environment knobs:
  CC                   the C compiler (default: cc)
  STREAMLEARN_MODULES  handle folders of lib/ to build (default: every one
                       with sources), e.g. "drift model"
  STREAMLEARN_ZSTD=1   build with zstd-compressed checkpoints (links the
                       system libzstd; off by default so the wheel needs
                       nothing but libc and libm)
"""
import glob
import os
import re
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    try:
        from wheel.bdist_wheel import bdist_wheel
    except ImportError:  # no wheel package: an sdist can still be made
        bdist_wheel = None

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_NAME = {"darwin": "libstreamlearn.dylib", "win32": "streamlearn.dll"}.get(sys.platform, "libstreamlearn.so")


def source_root():
    """The directory holding include/streamlearn.h and lib/."""
    for cand in (os.environ.get("STREAMLEARN_SOURCE"), os.path.join(HERE, "_csrc"), os.path.join(HERE, "..", "..")):
        if cand and os.path.isfile(os.path.join(cand, "include", "streamlearn.h")):
            return os.path.abspath(cand)
    raise RuntimeError("libstreamlearn C sources not found: set STREAMLEARN_SOURCE to the repository")


def version():
    text = open(os.path.join(source_root(), "include", "streamlearn", "version.h")).read()
    part = [re.search(rf"#define SL_VERSION_{k} (\d+)", text).group(1) for k in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(part)


def c_sources(root):
    """lib/core plus the handle folders asked for (default: all with sources)."""
    wanted = os.environ.get("STREAMLEARN_MODULES")
    folders = ["core"] + (wanted.split() if wanted else sorted(
        d for d in os.listdir(os.path.join(root, "lib")) if d != "core"))
    return [s for d in folders for s in sorted(glob.glob(os.path.join(root, "lib", d, "*.c")))]


def compile_library(out):
    """Compiles and links the shared library to `out` with the system compiler."""
    if sys.platform == "win32":
        raise RuntimeError("building libstreamlearn with setup.py is not supported on Windows; "
                           "build it with meson and set STREAMLEARN_LIBRARY")
    root = source_root()
    cc = os.environ.get("CC", "cc").split()
    flags = ["-std=c99", "-O2", "-fPIC", "-fvisibility=hidden", "-DSL_BUILDING",
             "-I" + os.path.join(root, "include"), "-I" + os.path.join(root, "lib")]
    libs = ["-lm"]
    if os.environ.get("STREAMLEARN_ZSTD") == "1":
        flags.append("-DSL_HAVE_ZSTD")
        libs.insert(0, "-lzstd")
    if sys.platform == "darwin":
        link = ["-dynamiclib", "-install_name", "@loader_path/" + LIB_NAME]
    else:
        link = ["-shared", "-Wl,--version-script=" + os.path.join(root, "lib", "libstreamlearn.vers")]
    cmd = cc + flags + c_sources(root) + link + ["-o", out] + libs
    print(" ".join(cmd))
    subprocess.check_call(cmd)


class BuildWithLibrary(build_py):
    """build_py, then the C library into the package directory."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "streamlearn", LIB_NAME)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        compile_library(target)


class SdistWithSources(sdist):
    """sdist that carries the C sources in _csrc/ so it builds outside the repository."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        root = source_root()
        for part in ("include", "lib"):
            shutil.copytree(os.path.join(root, part), os.path.join(base_dir, "_csrc", part),
                            ignore=shutil.ignore_patterns("*.o", "meson.build"))


commands = {"build_py": BuildWithLibrary, "sdist": SdistWithSources}
if bdist_wheel is not None:

    class PlatformWheel(bdist_wheel):
        """The wheel holds a native library but no CPython extension: py3-none-<platform>."""

        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            _, _, plat = super().get_tag()
            return "py3", "none", plat

    commands["bdist_wheel"] = PlatformWheel


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(
    version=version(),
    distclass=BinaryDistribution,
    cmdclass=commands,
)
