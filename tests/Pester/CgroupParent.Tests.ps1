# $env:PSCONTAINERS_CGROUP_PARENT (issue 16): the engine makes each container's group PARENT/ID from the root of every
# cgroup hierarchy (linux.cgroupsPath), /pscontainers/ID when it is not set (CgroupV2.Tests.ps1 checks that default in
# the v2 guest). On a systemd host the parent is a subtree systemd leaves alone (docs/architecture.md, "cgroups on
# systemd hosts"). Runs on v1/hybrid hosts here and in the cgroup v2 lane's guest (tests/cgroup2/guest.sh).

Describe 'The cgroup parent of containers ($env:PSCONTAINERS_CGROUP_PARENT)' {
    BeforeAll {
        Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
        Import-PsContainersForTest
        Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
        Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
        $script:Root = Initialize-ContainerTestStore
        $script:Img = 'busybox-test:latest'
        $script:Top = "/psc-parent-$PID"
        $script:Parent = "$script:Top/engine.slice"
        $script:IsV2 = (& stat -f -c %T /sys/fs/cgroup 2>$null) -eq 'cgroup2fs'
        $script:SavedParent = $env:PSCONTAINERS_CGROUP_PARENT
    }

    AfterAll {
        $env:PSCONTAINERS_CGROUP_PARENT = $script:SavedParent
        Remove-ContainerTestStore $script:Root
        # what a failed run may leave: the parent groups pscrun made (empty; rmdir refuses anything else)
        foreach ($d in @(Get-ChildItem -Directory /sys/fs/cgroup, /sys/fs/cgroup/* -ErrorAction Ignore | Where-Object { -not $_.LinkTarget })) {
            foreach ($g in "$($d.FullName)$script:Parent", "$($d.FullName)$script:Top") { if (Test-Path $g) { & rmdir $g 2>$null } }
        }
    }

    AfterEach { Get-Container 'cgp-*' -All | Remove-Container -Force -Confirm:$false }

    It 'puts the container''s group under the parent in every hierarchy, with its limits, and removes it with the container' {
        $env:PSCONTAINERS_CGROUP_PARENT = "$script:Parent/"
        try { $c = Invoke-ContainerImage $Img -Detach -Name cgp-one -Network none -Memory 32MB -PidsLimit 21 -- sleep 600 }
        finally { $env:PSCONTAINERS_CGROUP_PARENT = $script:SavedParent }
        $group = "$script:Parent/$($c.Id)"
        $lines = @(Get-Content "/proc/$((Get-Container cgp-one).Pid)/cgroup")
        if ($script:IsV2) {
            $lines | Should -Be @("0::$group")
            $dirs = @{ memory = "/sys/fs/cgroup$group"; pids = "/sys/fs/cgroup$group" }
            (Get-Content -Raw "/sys/fs/cgroup$group/memory.max").Trim() | Should -Be ([string](32MB))
        }
        else {
            # every v1 hierarchy (the unified one of a hybrid host is joined only when needed)
            $v1 = @($lines | Where-Object { $_ -notmatch '^0::' })
            $v1.Count | Should -BeGreaterThan 3
            foreach ($l in $v1) { $l | Should -BeLike "*:$group" }
            (Get-Content -Raw "/sys/fs/cgroup/memory$group/memory.limit_in_bytes").Trim() | Should -Be ([string](32MB))
            $dirs = @{ memory = "/sys/fs/cgroup/memory$group"; pids = "/sys/fs/cgroup/pids$group" }
        }
        (Get-Content -Raw (Join-Path $dirs.pids pids.max)).Trim() | Should -Be '21'
        # the setting is read when a container is created: later ones with it unset go to /pscontainers again
        $d = Invoke-ContainerImage $Img -Detach -Name cgp-default -Network none -- sleep 600
        $memoryLine = if ($script:IsV2) { '^0::' } else { '^\d+:memory:' }
        @(Get-Content "/proc/$((Get-Container cgp-default).Pid)/cgroup") -match $memoryLine | Should -BeLike "*:/pscontainers/$($d.Id)"
        Remove-Container cgp-one -Force -Confirm:$false
        Test-Path $dirs.memory | Should -BeFalse -Because 'the container''s group goes with it'
        Test-Path $dirs.pids | Should -BeFalse
    }

    It 'refuses a parent that is not an absolute cgroupfs path, naming the variable' {
        $env:PSCONTAINERS_CGROUP_PARENT = 'machine.slice:psc:x'
        try { { New-Container $Img -Name cgp-bad -Network none -ErrorAction Stop -- true } | Should -Throw '*PSCONTAINERS_CGROUP_PARENT*' }
        finally { $env:PSCONTAINERS_CGROUP_PARENT = $script:SavedParent }
        Get-Container cgp-bad -All -ErrorAction Ignore | Should -BeNullOrEmpty -Because 'nothing is created'
    }
}
