#!/usr/bin/env bash
# Fingerprints everything spotctl writes (commits, trees, commit messages, `diff`, the rendered
# site and static API) for the demo cloud and for a generated 2,000-host cloud, with the clock
# frozen by faketime so that two builds can be compared byte for byte:
#
#   scripts/output-fingerprint.sh OLD/spotctl /tmp/fp-old
#   scripts/output-fingerprint.sh .build/debug/spotctl /tmp/fp-new
#   diff -r /tmp/fp-old /tmp/fp-new && echo identical
#
# Refactorings that must not change an output are checked this way (docs/architecture.md).
# Needs faketime (Debian: apt-get install faketime), curl and python3.
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
out="$2"
hosts="${HOSTS:-2000}"
command -v faketime >/dev/null || { echo "faketime is needed: apt-get install faketime" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"
work="$(mktemp -d)"
sim=""
trap '[ -n "$sim" ] && kill -9 "$sim" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export DONT_FAKE_MONOTONIC=1
frozen() { local when="$1"; shift; faketime -f "@$when" "$@"; }

# Every commit (oldest first: message, author, date, and each file's content hash), `diff`, and
# every site file's hash. The simulator's port (the demo picks a free one) becomes PORT and commit
# ids become C1, C2, … by age, so that two runs compare byte for byte.
fingerprint() {  # repo name port
  python3 - "$1" "$2" "$3" "$out" <<'PY'
import hashlib, os, subprocess, sys
repo, name, port, out = sys.argv[1:5]
def git(*args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout
commits = git("rev-list", "--reverse", "HEAD").decode().split()
def mask(data):
    data = data.replace(port.encode(), b"PORT")
    for number, commit in enumerate(commits, 1):
        for length in (40, 12, 7):
            data = data.replace(commit[:length].encode(), f"C{number}".encode())
    return data
lines = []
for commit in commits:
    lines.append(mask(git("log", "-1", "--format=%an <%ae> %ad%n%B", commit)).decode())
    for path in git("ls-tree", "-r", "--name-only", commit).decode().splitlines():
        lines.append(f"  {hashlib.sha256(mask(git('show', f'{commit}:{path}'))).hexdigest()[:16]} {path}")
open(os.path.join(out, name + ".commits"), "w").write("\n".join(lines) + "\n")
site = os.path.join(repo, "site")
rows = []
for root, _, files in os.walk(site):
    for file in files:
        if file == ".spotctl-site":
            continue
        path = os.path.join(root, file)
        rows.append(f"{hashlib.sha256(mask(open(path, 'rb').read())).hexdigest()} {os.path.relpath(path, site)}")
open(os.path.join(out, name + ".site"), "w").write("\n".join(sorted(rows, key=lambda r: r.split(' ', 1)[1])) + "\n")
for file in (name + ".diff",):
    target = os.path.join(out, file)
    if os.path.exists(target):
        data = mask(open(target, "rb").read())
        open(target, "wb").write(data)
PY
}

# 1. The demo.
frozen "2026-11-30 12:00:00" "$bin" demo "$work/demo" > /dev/null
frozen "2026-11-30 12:00:00" "$bin" diff --repo "$work/demo" > "$out/demo.diff"
demo_port="$(grep -o '127.0.0.1:[0-9]*' "$work/demo/inventory/hosts/"*.json | head -1 | cut -d: -f3)"
fingerprint "$work/demo" demo "$demo_port"

# 2. A generated cloud: a snapshot, hosts moved and a compute service disabled, a second snapshot.
port="${PORT:-47311}"
"$bin" simulate --hosts "$hosts" --port "$port" > "$work/sim.out" 2>&1 &
sim=$!
for _ in $(seq 1 600); do grep -q '^# control:' "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
eval "$(grep '^export ' "$work/sim.out")"
base="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sim.out" | head -1)"
frozen "2026-11-30 12:00:00" "$bin" init "$work/big" > /dev/null
export HOME="$work"
frozen "2026-11-30 12:10:00" "$bin" snapshot --repo "$work/big" > "$out/big.snapshot1"
curl -sf -H "X-Simulator-Token: $SPOTCTL_SIMULATOR_TOKEN" "$base/__sim/state" > "$work/state.json"
python3 - "$work/state.json" <<'PY'
import json, sys
path = sys.argv[1]
world = json.load(open(path))
aggs = world["aggregates"]
def only_in(host, aggregate):
    """True when the host's only aggregate besides its zone's is `aggregate`."""
    others = [a["name"] for a in aggs if host in a["hosts"] and not a["name"].startswith("az-") and a is not aggregate]
    return not others
spot = next(a for a in aggs if a["name"] == "L40-n3-spot")
od = next(a for a in aggs if a["name"] == "L40-n3")
movers = [h for h in od["hosts"] if only_in(h, od)][:3]
victim_name = next(h for h in spot["hosts"] if only_in(h, spot))
for host in movers:
    od["hosts"].remove(host)
    spot["hosts"].append(host)
# One compute service disabled: that host moves to out of stock, in the same aggregate.
victim = next(h for h in world["hosts"] if h["name"] == victim_name)
victim["status"] = "disabled"
victim["disabled_reason"] = "RMA"
world["servers"] = world["servers"][5:]
json.dump(world, open(path, "w"))
PY
curl -sf -X PUT -H "X-Simulator-Token: $SPOTCTL_SIMULATOR_TOKEN" --data-binary "@$work/state.json" "$base/__sim/state"
frozen "2026-11-30 12:20:00" "$bin" snapshot --repo "$work/big" > "$out/big.snapshot2"
frozen "2026-11-30 12:20:00" "$bin" diff --repo "$work/big" > "$out/big.diff"
frozen "2026-11-30 12:20:00" "$bin" render --repo "$work/big" > /dev/null
fingerprint "$work/big" big "$port"
# Timings differ between runs: keep only the outcome words of the snapshot lines.
sed -i -E 's/ \[[0-9]+ requests, [0-9.]+ s\]$//' "$out/big.snapshot1" "$out/big.snapshot2"
python3 - "$out" "$work/big" <<'PY'
import subprocess, sys
out, repo = sys.argv[1:3]
commits = subprocess.run(["git", "-C", repo, "rev-list", "--reverse", "HEAD"], check=True, capture_output=True).stdout.decode().split()
for name in ("big.snapshot1", "big.snapshot2", "big.diff"):
    path = f"{out}/{name}"
    text = open(path).read()
    for number, commit in enumerate(commits, 1):
        text = text.replace(commit[:12], f"C{number}")
    open(path, "w").write(text)
PY
echo "fingerprint of $bin in $out: $(cat "$out"/* | sha256sum | cut -c1-16)${KEEP:+ (repositories kept in $work)}"
