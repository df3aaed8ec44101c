# The engine on a cgroup v2 (unified) host, issue 16: limits from the cmdlets read back from the v2 files of the
# container's group, Get-ContainerStatistic from memory.stat/cpu.stat/io.stat/pids.current, OOMKilled from
# memory.events, pause/resume through cgroup.freeze, Update-Container, a healthcheck, a restart policy and the group
# gone after Remove-Container. Tagged CgroupV2: it runs only where /sys/fs/cgroup is a cgroup2 mount (the test lane's
# guest, tests/cgroup2/run-lane.sh; every current distribution) and is skipped on the v1 hybrid hosts here.
# Each wait is for a state with a generous timeout: the guest is emulated (TCG), .NET work there is 25-50x slower.

BeforeDiscovery {
    $script:IsV2 = (& stat -f -c %T /sys/fs/cgroup 2>$null) -eq 'cgroup2fs'
}

Describe 'The engine on cgroup v2' -Tag 'CgroupV2' -Skip:(-not $script:IsV2) {
    BeforeAll {
        Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
        Import-PsContainersForTest
        Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
        Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
        $script:Root = Initialize-ContainerTestStore
        $script:Img = 'busybox-test:latest'

        function script:Get-V2Group([string] $Name) {
            <# The v2 directory of the container's init: /sys/fs/cgroup + the "0::PATH" line of /proc/PID/cgroup (the only line on v2). #>
            $procPid = (Get-Container $Name).Pid
            $lines = @(Get-Content "/proc/$procPid/cgroup")
            $lines.Count | Should -Be 1 -Because 'a v2 host has the one unified hierarchy'
            $lines[0] | Should -Match '^0::/'
            "/sys/fs/cgroup$($lines[0].Substring(3))"
        }
        function script:Read-V2([string] $Name, [string] $File) { (Get-Content -Raw (Join-Path (Get-V2Group $Name) $File)).Trim() }
    }

    AfterAll {
        Remove-ContainerTestStore $script:Root
    }

    AfterEach { Get-Container 'v2-*' -All | Remove-Container -Force -Confirm:$false }

    It 'writes -Memory, -MemorySwap, -Cpus, -CpuShares, -PidsLimit and -CpusetCpus into the v2 files of /pscontainers/ID' {
        $c = Invoke-ContainerImage $Img -Detach -Name v2-limits -Network none -Memory 64MB -MemorySwap 96MB -Cpus 0.5 -CpuShares 512 -PidsLimit 42 -CpusetCpus 0 -- sleep 600
        $g = Get-V2Group v2-limits
        $g | Should -Be "/sys/fs/cgroup/pscontainers/$($c.Id)"
        Read-V2 v2-limits memory.max | Should -Be ([string](64MB))
        Read-V2 v2-limits memory.swap.max | Should -Be ([string](32MB)) -Because 'v2 swap is what -MemorySwap allows beyond -Memory'
        Read-V2 v2-limits cpu.max | Should -Be '50000 100000'
        Read-V2 v2-limits cpu.weight | Should -Be '20' -Because "runc's conversion of 512 shares: 1 + (512-2)*9999/262142"
        Read-V2 v2-limits pids.max | Should -Be '42'
        Read-V2 v2-limits cpuset.cpus | Should -Be '0'
        # the container sees its own group as the root of a cgroup namespace, with the same limits
        $inside = @(Invoke-ContainerExec v2-limits -- sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max')
        $inside | Should -Be @('0::/', [string](64MB), '42')
    }

    It 'reports Get-ContainerStatistic from memory.current/memory.max, cpu.stat, pids.current and io.stat' {
        $null = Invoke-ContainerImage $Img -Detach -Name v2-stats -Network none -Memory 128MB -- sh -c 'dd if=/dev/zero of=/tmp/f bs=1M count=8 conv=fsync 2>/dev/null; sleep 1 & sleep 1 & while :; do :; done'
        Wait-ContainerCondition { [long](Read-V2 v2-stats pids.current) -ge 3 } -TimeoutSeconds 60 | Out-Null
        $s = Get-ContainerStatistic v2-stats -Interval 1
        $s.CgroupVersion | Should -Be 2
        $s.MemoryLimit | Should -Be 128MB
        $s.MemoryUsage | Should -BeGreaterThan 0
        $s.MemoryPercent | Should -BeGreaterThan 0
        $s.CpuPercent | Should -BeGreaterThan 1 -Because 'the shell spins on a core'
        $s.Pids | Should -BeGreaterOrEqual 1
        $s.Pids | Should -BeLessOrEqual ([long](Read-V2 v2-stats pids.current) + 2)
        # /tmp of the container is on the overlay upper (tmpfs here): io.stat may stay empty, so compare with it
        $io = @(Get-Content (Join-Path (Get-V2Group v2-stats) io.stat))
        $wbytes = ($io | ForEach-Object { if ($_ -match 'wbytes=(\d+)') { [long]$Matches[1] } } | Measure-Object -Sum).Sum
        $s.BlockWrite | Should -Be ([long]$wbytes) -Because 'BlockWrite is the sum of wbytes over the devices of io.stat'
    }

    It 'records OOMKilled from memory.events when the memory limit kills the process' {
        $null = New-Container $Img -Name v2-oom -Network none -Memory 16MB -MemorySwap 16MB -- sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived'
        $out = Start-Container v2-oom -Attach -ErrorAction SilentlyContinue
        $out | Should -Not -Contain 'survived'
        $c = Get-Container v2-oom
        $c.State.OOMKilled | Should -BeTrue
        $c.State.ExitCode | Should -Be 137
        $null = New-Container $Img -Name v2-no-oom -Network none -Memory 16MB -- true
        Start-Container v2-no-oom -Attach
        (Get-Container v2-no-oom).State.OOMKilled | Should -BeFalse
    }

    It 'pauses and resumes through cgroup.freeze' {
        $null = Invoke-ContainerImage $Img -Detach -Name v2-pause -Network none -- sleep 600
        Suspend-Container v2-pause
        (Get-Container v2-pause).Status | Should -Be 'Paused'
        Read-V2 v2-pause cgroup.freeze | Should -Be '1'
        (Get-Content (Join-Path (Get-V2Group v2-pause) cgroup.events)) | Should -Contain 'frozen 1'
        (Get-Content "/proc/$((Get-Container v2-pause).Pid)/status" | Where-Object { $_ -like 'State:*' }) | Should -Match 'S \(sleeping\)|D|T'
        Resume-Container v2-pause
        (Get-Container v2-pause).Status | Should -Be 'Running'
        Read-V2 v2-pause cgroup.freeze | Should -Be '0'
        (Get-Content (Join-Path (Get-V2Group v2-pause) cgroup.events)) | Should -Contain 'frozen 0'
    }

    It 'updates the limits of a running container (Update-Container) in the v2 files' {
        $null = Invoke-ContainerImage $Img -Detach -Name v2-update -Network none -Memory 128MB -- sleep 600
        $before = (Get-Container v2-update).Pid
        $null = Update-Container v2-update -Memory 64MB -MemorySwap 96MB -PidsLimit 33 -CpuShares 1024 -Cpus 0.25
        Read-V2 v2-update memory.max | Should -Be ([string](64MB))
        Read-V2 v2-update memory.swap.max | Should -Be ([string](32MB))
        Read-V2 v2-update pids.max | Should -Be '33'
        Read-V2 v2-update cpu.weight | Should -Be '39'
        Read-V2 v2-update cpu.max | Should -Be '25000 100000'
        (Get-Container v2-update).Pid | Should -Be $before
        (Get-Container v2-update).Status | Should -Be 'Running'
    }

    It 'turns a healthcheck healthy (its probes are execs joining the v2 group)' {
        $null = Invoke-ContainerImage $Img -Detach -Name v2-health -Network none -HealthCommand 'test -d /proc/1' -HealthInterval 00:00:01 -HealthRetries 2 -- sleep 600
        $h = Wait-ContainerCondition { $x = (Get-Container v2-health).State.Health; if ($x.Status -eq 'Healthy') { $x } } -TimeoutSeconds 120
        $h.Status | Should -Be 'Healthy'
        $h.Log[-1].ExitCode | Should -Be 0
    }

    It 'restarts an on-failure container in a fresh v2 group' {
        $null = Invoke-ContainerImage $Img -Detach -Name v2-restart -Network none -Restart on-failure:2 -- sh -c 'exit 3'
        $s = Wait-ContainerCondition { $x = Get-Container v2-restart; if ($x.Status -eq 'Exited' -and $x.RestartCount -eq 2) { $x } } -TimeoutSeconds 120
        $s.RestartCount | Should -Be 2
        $s.ExitCode | Should -Be 3
        # the monitor records the exit first and deletes the runtime's container (and its group) right after, as the
        # state says before "die" is published: the group goes within moments of the Exited state
        $gone = Wait-ContainerCondition { if (-not (Test-Path "/sys/fs/cgroup/pscontainers/$($s.Id)")) { $true } } -TimeoutSeconds 30
        $gone | Should -BeTrue -Because 'each run removes its group'
        Test-Path "/sys/fs/cgroup/pscontainers/$($s.Id)" | Should -BeFalse -Because 'each run removes its group'
    }

    It 'removes the container''s group with Remove-Container' {
        $c = Invoke-ContainerImage $Img -Detach -Name v2-gone -Network none -Memory 32MB -- sleep 600
        $g = Get-V2Group v2-gone
        Test-Path $g | Should -BeTrue
        Remove-Container v2-gone -Force -Confirm:$false
        Test-Path $g | Should -BeFalse
        Test-Path "/sys/fs/cgroup/pscontainers/$($c.Id)" | Should -BeFalse
    }

    It 'reports cgroup v2 and the cgroupfs driver in Get-ContainerVersion' {
        $v = Get-ContainerVersion
        $v.CgroupVersion | Should -Be '2'
        $v.CgroupDriver | Should -Be 'cgroupfs'
    }
}
