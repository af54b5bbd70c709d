#!/bin/sh
# Fails when the meson files and the tree disagree:
#  - a lib/<module>/**.c not listed in lib/<module>/meson.build,
#  - a tests/test_<module>*.c not listed (name without .c) in
#    lib/<module>/meson.build, or a tests/test_*.c that matches no module
#    (the Makefile would never run it either),
#  - a tests/support/*.c not listed in the top meson.build,
#  - a file listed that does not exist.
# Run from anywhere; prints every problem, exit status 1 if any.
set -eu
cd "$(dirname "$0")/.."

status=0
problem() {
  echo "check-meson-sources: $*"
  status=1
}

# The quoted strings of a meson file, one a line.
quoted() { grep -o "'[^']*'" "$1" | tr -d "'"; }

modules=$(for d in lib/*/; do basename "$d"; done)

for m in $modules; do
  mb=lib/$m/meson.build
  has_c=$(find "lib/$m" -name '*.c' | head -n 1)
  if [ ! -f "$mb" ]; then
    [ -n "$has_c" ] && problem "lib/$m has .c files but no meson.build"
    continue
  fi
  listed=$(quoted "$mb")
  for f in $(find "lib/$m" -name '*.c' | sort); do
    rel=${f#lib/$m/}
    echo "$listed" | grep -qxF "$rel" || problem "$f is not listed in $mb"
  done
  for item in $listed; do
    case $item in
      *.c) [ -f "lib/$m/$item" ] || problem "$mb lists $item, which does not exist" ;;
      test_*) [ -f "tests/$item.c" ] || problem "$mb lists $item, but tests/$item.c does not exist" ;;
    esac
  done
done

for f in tests/test_*.c; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .c)
  # The Makefile runs tests/test_<m>*.c with module <m>; so must meson.
  owner=
  for m in $modules; do
    case $name in test_"$m"*) owner="$owner $m" ;; esac
  done
  if [ -z "$owner" ]; then
    problem "$f matches no module folder (name it tests/test_<module>*.c)"
    continue
  fi
  found=
  for m in $owner; do
    [ -f "lib/$m/meson.build" ] && quoted "lib/$m/meson.build" | grep -qxF "$name" && found=1
  done
  [ -n "$found" ] || problem "$f is not listed in sl_tests of lib/<module>/meson.build (one of:$owner)"
done

for f in tests/support/*.c; do
  [ -e "$f" ] || continue
  quoted meson.build | grep -qxF "$f" || problem "$f is not listed in meson.build (tests/support)"
done

[ $status = 0 ] && echo "check-meson-sources: every lib/**/*.c and tests/test_*.c is in the meson files"
exit $status
