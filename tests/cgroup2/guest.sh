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
t0=$(date +%s)
if [ "${CGROUP2_SKIP_XUNIT:-}" != 1 ]; then
    dotnet test tests/PsContainers.Core.Tests/PsContainers.Core.Tests.csproj -c Release --no-build --filter "$filter" \
        --logger 'trx;LogFileName=cgroup2-xunit.trx' --logger 'console;verbosity=normal' --results-directory "$results" || rc=1
    echo "guest: xunit took $(( $(date +%s) - t0 )) s"
fi
t1=$(date +%s)
if [ "${CGROUP2_SKIP_PESTER:-}" != 1 ]; then
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
