#!/usr/bin/env bash
# Runs the whole suite from a copy of the committed tree in an empty temporary folder, with no
# `shared/` (or anything else) beside it: what a new user's clone sees. The copy builds from
# scratch (several minutes). Pass `--filter X` to run part of it.
#
#   scripts/test-bare-copy.sh                      # make test in the copy
#   scripts/test-bare-copy.sh --filter SpotSimulatorTests
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
copy="$(mktemp -d)/spotctl"
trap 'rm -rf "$(dirname "$copy")"' EXIT
mkdir -p "$copy"
git -C "$root" archive HEAD | tar -x -C "$copy"
test ! -e "$copy/../shared" || { echo "the copy has a shared/ beside it" >&2; exit 1; }
cd "$copy"
echo "testing a bare copy of $(git -C "$root" rev-parse --short HEAD) in $copy"
if [ "$#" -eq 0 ]; then
  make test
else
  make deps venv browser >/dev/null
  swift test --disable-xctest "$@"
fi
