#!/usr/bin/env bash
# Creates .venv at the package root with python-openstackclient, for the tests that drive the
# real `openstack` CLI against the simulated cloud (Tests/SpotSimulatorTests/OpenStackClientTests.swift).
# Idempotent: exits at once when .venv/bin/openstack already exists.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
if [ -x "$venv/bin/openstack" ]; then
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "python3 with the venv module is needed (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  python3 -m venv "$venv"
fi
echo "installing python-openstackclient into $venv (about 30 s)"
"$venv/bin/pip" install -q --disable-pip-version-check python-openstackclient
"$venv/bin/openstack" --version >/dev/null
