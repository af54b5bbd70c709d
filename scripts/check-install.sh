#!/bin/sh
# Install smoke test: `make install` into a temporary prefix, then build
# examples/link/main.c the way a user would (pkg-config), run it against the
# installed shared library, link it statically too, compile a C++ program
# with the headers, compile every installed header alone as C99 and C++11,
# and check `make uninstall` removes everything.
#
#   scripts/check-install.sh          (BUILD=dir and MODULES=... pass to make)
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
BUILD=${BUILD:-build}
CC=${CC:-cc}
CXX=${CXX:-g++}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

step() { printf '\n-- %s\n' "$*"; }

step "make install PREFIX=$prefix"
make -s BUILD="$BUILD" PREFIX="$prefix" install
(cd "$prefix" && find . -type f -o -type l | sort)

PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
step "pkg-config: $(pkg-config --modversion libstreamlearn)"
cflags=$(pkg-config --cflags libstreamlearn)
libs=$(pkg-config --libs libstreamlearn)
static_libs=$(pkg-config --static --libs libstreamlearn)
echo "cflags: $cflags"
echo "libs: $libs"
echo "static libs: $static_libs"

step "shared: $CC main.c \$(pkg-config --cflags --libs libstreamlearn)"
$CC -std=c99 -Wall -Wextra -Wpedantic -Werror examples/link/main.c $cflags $libs -o "$tmp/detect"
LD_LIBRARY_PATH=$prefix/lib "$tmp/detect"
LD_LIBRARY_PATH=$prefix/lib ldd "$tmp/detect" | grep -F "$prefix/lib/libstreamlearn.so.1" ||
  { echo "the program did not load the installed libstreamlearn.so.1"; exit 1; }

step "static: $CC main.c -static \$(pkg-config --static --libs libstreamlearn)"
$CC -std=c99 -Wall -Wextra -Wpedantic -Werror examples/link/main.c $cflags -static $static_libs -o "$tmp/detect-static"
if readelf -l "$tmp/detect-static" | grep -q INTERP; then echo "not a static executable"; exit 1; fi
"$tmp/detect-static"

step "C++: $CXX -std=c++11 -Wall -Werror cxx_check.cpp"
$CXX -std=c++11 -Wall -Wextra -Werror examples/link/cxx_check.cpp $cflags $libs -o "$tmp/cxx_check"
LD_LIBRARY_PATH=$prefix/lib "$tmp/cxx_check"

step "every installed header alone: C99 -Wpedantic and C++11"
for h in $(cd "$prefix/include" && find . -name '*.h' | sed 's|^\./||' | sort); do
  printf '#include <%s>\nint sl_header_check;\n' "$h" |
    $CC -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only $cflags -x c -
  printf '#include <%s>\nint sl_header_check;\n' "$h" |
    $CXX -std=c++11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only $cflags -x c++ -
  echo "ok $h"
done

step "make uninstall PREFIX=$prefix"
make -s BUILD="$BUILD" PREFIX="$prefix" uninstall
left=$(cd "$prefix" && find . -type f -o -type l)
if [ -n "$left" ]; then echo "left after uninstall:"; echo "$left"; exit 1; fi

cd "$root"
echo
echo "check-install: shared, static, C++ and header checks passed"
