#!/bin/sh
# Runs the conformance tests (ours against River / scikit-learn in the same
# process) with pytest. Needs the shared library in $SL_LIBRARY.
# Without python deps: skipped with a message, unless SL_REQUIRE_CONFORMANCE=1.
# SL_MODULES (the modules built) picks the test_<module>*.py files to run.
cd "$(dirname "$0")" || exit 1
ls test_*.py >/dev/null 2>&1 || { echo "conformance: no tests"; exit 0; }
if ! python3 -c "import pytest, river, numpy" 2>/dev/null; then
  if [ "${SL_REQUIRE_CONFORMANCE:-0}" = 1 ]; then
    echo "conformance: pytest, river and numpy are required (pip install pytest river numpy scikit-learn)"; exit 1
  fi
  echo "conformance: SKIPPED (pip install pytest river numpy scikit-learn to run them)"; exit 0
fi
files=""
for m in ${SL_MODULES:-core drift model window replay pipeline stream}; do
  for f in test_"$m"*.py; do [ -f "$f" ] && files="$files $f"; done
done
[ -n "$files" ] || { echo "conformance: no tests for these modules"; exit 0; }
exec python3 -m pytest -q -p no:cacheprovider $files
