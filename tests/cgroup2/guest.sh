#!/usr/bin/env bash
# Runs inside the cgroup v2 guest that tests/cgroup2/run-lane.sh boots, in the repository (shared with the host):
# (a) the runtime's scenario tests (xunit, pscrun and runc on the same bundles) and the v2-only runtime tests,
# (b) the engine's v2 set (tests/Pester/CgroupV2.Tests.ps1) in one pwsh process (pwsh starts in 12-29 s here).
# (c) with CGROUP2_RUNTIME_TOOLS=1, the OCI runtime-tools cgroup and lifecycle validation tests against pscrun and
#     runc (tests/cgroup2/runtime-tools.sh; build the suite first with tests/cgroup2/build-runtime-tools.sh).
# Results go to RESULT_DIR: cgroup2-xunit.trx and pester-summary.json, which build.ps1 counts, and runtime-tools.tap.
set -uo pipefail
results=${1:?usage: guest.sh RESULT_DIR}
fs=$(stat -f -c %T /sys/fs/cgroup)
[ "$fs" = cgroup2fs ] || { echo "guest.sh: /sys/fs/cgroup is $fs, not cgroup2fs" >&2; exit 3; }
echo "guest: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
touch "$results/guest.started"
export DOTNET_TieredPGO=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The v2 runtime tests and the scenarios that touch the group's lifetime (mounts, create/start/pause/kill/delete,
# a failed create, exec joining the group). The whole OciRuntimeConformanceTests class takes ~25 minutes under TCG
# on a loaded 2-core host: CGROUP2_XUNIT_FILTER=FullyQualifiedName~Runtime. runs it (and the unit tests) too.
o=FullyQualifiedName~OciRuntimeConformanceTests
filter=${CGROUP2_XUNIT_FILTER:-FullyQualifiedName~CgroupV2RuntimeTests|$o.DefaultMountsDevicesAndSymlinks|$o.Lifecycle_CreateStartKillDelete_LeavesNothing|$o.FailedCreateLeavesNothing|$o.ExecRunsInTheContainer}
rc=0

# Hangs print their evidence to the lane's output (the CI log is all a failed run leaves behind):
# - a runtime call (pscrun or runc: comm "pscrun"/"runc...") that has lived CGROUP2_HANG_SECONDS (default 180; each
#   takes seconds here, also under TCG) is hung: print what every process is doing, then kill it, so its test fails
#   and the lane goes on instead of spending its whole timeout. The lane's tests keep no container created and
#   unstarted that long (a created container's init is "pscrun init" until `start`);
# - a phase (xunit, Pester) past CGROUP2_PHASE_SECONDS (default 300; they take about 120 and 150 s here) prints
#   the same once, and --blame-hang-timeout ends an xunit test hung outside the runtime.
hang_seconds=${CGROUP2_HANG_SECONDS:-180}
phase_seconds=${CGROUP2_PHASE_SECONDS:-300}
runtime_comm='^(pscrun|runc)' # comm of a runtime call (runc's init is "runc:[2:INIT]")
dump() {
    echo "guest: HANG: $1; the processes:"
    ps --ppid 2 -p 2 --deselect -o pid,ppid,stat,wchan:32,etimes,args --forest | cut -c1-200
    for p in $(ps -eo pid=,comm= | awk -v re="$runtime_comm|^(testhost|pwsh)" '$2 ~ re {print $1}'); do
        echo "--- pid $p: $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-200)"
        grep -E '^(State|PPid|Threads|SigBlk|SigCgt)' /proc/$p/status 2>/dev/null
        echo "kernel stack:"; cat /proc/$p/stack 2>/dev/null
        for t in /proc/$p/task/*; do echo "task ${t##*/}: $(cut -d' ' -f3 $t/stat 2>/dev/null) $(cat $t/wchan 2>/dev/null)"; done
        echo "cgroup: $(cat /proc/$p/cgroup 2>/dev/null)"
        ls -l /proc/$p/fd 2>/dev/null | tail -n +2
    done
    echo "--- kernel log:"; dmesg | tail -n 40
}
watchdog() {
    local told=
    while sleep 10; do
        ps -eo pid=,etimes=,comm= | awk -v re="$runtime_comm" -v max="$hang_seconds" '$3 ~ re && $2 >= max' |
        while read -r pid age comm; do
            dump "$comm (pid $pid) has run for $age s"
            kill -KILL "$pid"
            echo "guest: HANG: killed pid $pid"
        done
        read -r phase phase_start < "$results/.phase" 2>/dev/null || continue
        if [ "$told" != "$phase" ] && [ $(( $(date +%s) - phase_start )) -ge "$phase_seconds" ]; then
            told=$phase
            dump "the $phase phase has run for more than $phase_seconds s"
        fi
    done
}
phase() { echo "$1 $(date +%s)" > "$results/.phase"; }
watchdog & watchdog_pid=$!
trap 'kill $watchdog_pid 2>/dev/null; rm -f "$results/.phase"' EXIT
t0=$(date +%s)
if [ "${CGROUP2_SKIP_XUNIT:-}" != 1 ]; then
    phase xunit
    # --blame-hang-timeout: a test hung outside the runtime ends the run (named in the output) instead of the lane
    dotnet test tests/PsContainers.Core.Tests/PsContainers.Core.Tests.csproj -c Release --no-build --filter "$filter" \
        --blame-hang-timeout 5m --blame-hang-dump-type none \
        --logger 'trx;LogFileName=cgroup2-xunit.trx' --logger 'console;verbosity=normal' --results-directory "$results" || rc=1
    echo "guest: xunit took $(( $(date +%s) - t0 )) s"
fi
t1=$(date +%s)
if [ "${CGROUP2_SKIP_PESTER:-}" != 1 ]; then
    phase Pester
    pester_version=$(sed -n 's:.*<PesterVersion>\(.*\)</PesterVersion>.*:\1:p' Directory.Packages.props)
    dotnet pwsh -NoProfile -NonInteractive -File tests/Invoke-PesterSuite.ps1 -ModulePath out/PsContainers/PsContainers.psd1 \
        -PesterPath "$HOME/.nuget/packages/pester/$pester_version/tools/Pester.psd1" -ResultDirectory "$results" \
        -SummaryFile "$results/pester-summary.json" -TestPath tests/Pester/CgroupV2.Tests.ps1,tests/Pester/CgroupParent.Tests.ps1 || rc=1
    echo "guest: Pester took $(( $(date +%s) - t1 )) s"
fi
if [ "${CGROUP2_RUNTIME_TOOLS:-}" = 1 ]; then
    # opt-in: the OCI runtime-tools cgroup and lifecycle tests against pscrun and runc (figures only, never fails)
    t2=$(date +%s)
    bash tests/cgroup2/runtime-tools.sh "$results"
    echo "guest: runtime-tools took $(( $(date +%s) - t2 )) s"
fi
exit $rc
