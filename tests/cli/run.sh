#!/bin/sh
# Tests of the `streamlearn` tool (test_cli.py, pytest): output and exit
# codes for good and bad input, the numbers against River (when installed),
# the SVG plot (and its rendering by headless Chromium, when installed).
# $STREAMLEARN is the binary (`make test-cli` sets it).
# Without pytest: skipped with a message, unless SL_REQUIRE_CLI_TESTS=1.
cd "$(dirname "$0")" || exit 1
if [ ! -x "${STREAMLEARN:-}" ]; then
  echo "cli tests: STREAMLEARN must name the streamlearn binary (make test-cli builds and sets it)"; exit 1
fi
if ! python3 -c "import pytest" 2>/dev/null; then
  if [ "${SL_REQUIRE_CLI_TESTS:-0}" = 1 ]; then echo "cli tests: pytest is required (pip install pytest)"; exit 1; fi
  echo "cli tests: SKIPPED (pip install pytest to run them)"; exit 0
fi
exec python3 -m pytest -q -p no:cacheprovider test_*.py
