#!/usr/bin/env bash
# The cgroup v2 test lane (issue 16): boots a throwaway QEMU guest whose /sys/fs/cgroup is cgroup v2 only
# (/work/shared/tools/cgroup2-vm/run-in-vm.sh, see its README) and runs tests/cgroup2/guest.sh in it, with this
# repository as the guest's working directory (shared read-write). Build first (build.ps1 build, and the xunit
# project): the guest runs what the host built, since .NET JIT work is 25-50x slower under TCG.
#
#   tests/cgroup2/run-lane.sh RESULT_DIR
#
# RESULT_DIR (under the repository) receives the guest's results: xunit *.trx, pester-summary.json, guest.log.
# When the lane cannot run here (no run-in-vm.sh, not root, QEMU or the Debian kernel package cannot be had) it
# writes RESULT_DIR/skipped.txt with the reason and exits 0, so build.ps1 reports it as SKIPPED. Otherwise it exits
# with the guest's status (0 when every test passed). Environment:
#   CGROUP2_VM          run-in-vm.sh to use (default: ../shared/tools/cgroup2-vm beside the main repo, /work/shared)
#   CGROUP2_LANE_TIMEOUT seconds for the whole guest run (default 960, about 3.5 times what it takes under TCG: with
#                        the host's tests, about 21 minutes, CI stays under 40 minutes even when the guest hangs)
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
results=${1:?usage: run-lane.sh RESULT_DIR}
mkdir -p "$results"
results=$(cd "$results" && pwd)
case "$results/" in "$repo"/*) ;; *) echo "run-lane.sh: RESULT_DIR must lie under $repo (the guest sees only it)" >&2; exit 2;; esac
rm -f "$results"/*.trx "$results"/pester-summary.json "$results"/skipped.txt "$results"/guest.started "$results"/guest.log "$results"/runtime-tools.tap
rm -rf "$results"/runtime-tools

skip() { echo "$1" > "$results/skipped.txt"; echo "cgroup v2 lane SKIPPED: $1"; exit 0; }

vm=${CGROUP2_VM:-}
if [ -z "$vm" ]; then
    for c in "$repo/../shared/tools/cgroup2-vm/run-in-vm.sh" /work/shared/tools/cgroup2-vm/run-in-vm.sh; do
        [ -x "$c" ] && { vm=$c; break; }
    done
fi
[ -n "$vm" ] && [ -x "$vm" ] || skip "run-in-vm.sh not found (set CGROUP2_VM)"
[ "$(id -u)" = 0 ] || skip "the guest needs root"
[ -x out/PsContainers/bin/pscrun ] || { echo "run-lane.sh: out/PsContainers is not built (build.ps1 build)" >&2; exit 2; }

start=$(date +%s)
for attempt in 1 2 3; do
    "$vm" --keep --cpus 2 --mem 4G --timeout "${CGROUP2_LANE_TIMEOUT:-960}" -- bash tests/cgroup2/guest.sh "$results" 2>&1 | tee "$results/guest.log"
    rc=${PIPESTATUS[0]}
    echo "cgroup v2 lane: guest exited $rc after $(( $(date +%s) - start )) s"
    # --keep leaves the run directory (the guest's kernel console): on a timeout its tail is the only evidence of a
    # guest that stopped answering (hung tasks, soft lockups and RCU stalls are logged there), so print it; then remove it
    run_dir=$(sed -n 's/^.*run directory kept: //p' "$results/guest.log" | tail -n 1)
    case "$run_dir" in /tmp/cgroup2-vm.??????) ;; *) run_dir=;; esac # run-in-vm.sh's mktemp template, nothing else
    if [ -n "$run_dir" ] && [ -d "$run_dir" ] && [ ! -L "$run_dir" ]; then
        if [ "$rc" = 124 ]; then
            echo "cgroup v2 lane: the guest timed out; the end of its kernel console:"
            tail -n 80 "$run_dir/console.log" 2>/dev/null
        fi
        rm -rf "$run_dir"
    fi
    [ -e "$results/guest.started" ] && exit "$rc"
    # an emulated kernel on a loaded host can die at boot (the IO-APIC timer check): boot it again
    grep -q 'the guest stopped without a status' "$results/guest.log" || break
    echo "cgroup v2 lane: the guest died before the tests (attempt $attempt), booting again"
done
# the guest never ran the tests: QEMU or the kernel package could not be had (run-in-vm.sh exits 125 before booting)
if [ "$rc" = 125 ] && ! grep -q 'the guest stopped without a status' "$results/guest.log"; then
    skip "the guest could not be prepared (run-in-vm.sh exit 125; see $results/guest.log)"
fi
echo "cgroup v2 lane: the guest did not start the tests (exit $rc; see $results/guest.log)" >&2
exit 1
