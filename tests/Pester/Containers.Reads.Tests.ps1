# Issue 12: reading a container never kills processes. A container whose monitor died (pscmon killed with SIGKILL,
# so its workload keeps running and its root file system stays mounted) reads as exited, as docker ps shows a
# container whose shim crashed; every read (Get-Container, Get-ContainerSystemInfo, Get-ContainerStatistic,
# Get-ContainerPod, Connect-Container, Clear-ContainerSystem -WhatIf) leaves the workload and the mount as they are,
# and only a changing command (Stop-Container, Stop-ContainerPod, Clear-ContainerSystem) repairs it through the one
# stop sequence. Plus the lifecycle's last rules: Start-Container refuses a paused container as docker does,
# Restart-Container thaws and restarts it, and a stop decides from the record, never from the caller's object.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'

    function script:Test-RootfsMounted([string] $Id) {
        $rootfs = Join-Path $script:Root "containers/$Id/rootfs"
        @(Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq $rootfs }).Count -gt 0
    }

    function script:New-Orphan {
        <# A detached container whose monitor was killed with SIGKILL: its workload still runs, its root is still
           mounted, and it reads as exited. Returns the container as started. #>
        param([string] $Name, [hashtable] $Extra = @{})
        $c = Invoke-ContainerImage $script:Img -Detach -Name $Name @Extra -- sleep 300
        $c.State.MonitorPid | Should -BeGreaterThan 0
        $c.Pid | Should -BeGreaterThan 0
        & kill -9 $c.State.MonitorPid
        Wait-ContainerCondition { -not (Test-Live $c.State.MonitorPid) } | Should -BeTrue
        Test-Live $c.Pid | Should -BeTrue -Because 'the workload outlives its monitor'
        Test-RootfsMounted $c.Id | Should -BeTrue
        $c
    }

    function script:Test-Live([int] $ProcessId) {
        <# The process exists and is neither a zombie nor dead (an orphan's workload is reaped by whoever adopted it). #>
        $stat = try { [IO.File]::ReadAllText("/proc/$ProcessId/stat") } catch { return $false }
        $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
        $state -notin 'Z', 'X'
    }

    function script:Get-StateText([string] $Id) { Get-Content -Raw (Join-Path $script:Root "containers/$Id/state.json") }
}

AfterAll {
    Get-ContainerPod -ErrorAction SilentlyContinue | Remove-ContainerPod -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'Reads of a container whose monitor died' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'reports it exited and leaves its workload running and its root mounted; Stop-Container then repairs it' {
        $c = New-Orphan orphan-read
        $recorded = Get-StateText $c.Id
        $recorded | Should -Match '"running"'

        # every read, each checked at once: nothing killed, unmounted or recorded
        function Assert-Untouched([string] $After) {
            Test-Live $c.Pid | Should -BeTrue -Because "$After must not kill the workload"
            Get-ProcessesOfContainer $c.Id | Should -Contain $c.Pid
            Test-RootfsMounted $c.Id | Should -BeTrue -Because "$After must not unmount the root"
            Get-StateText $c.Id | Should -Be $recorded -Because "$After must not record anything"
        }
        $seen = Get-Container orphan-read
        $seen.Status | Should -Be 'Exited'
        $seen.State.Error | Should -Match 'monitor'
        Assert-Untouched 'Get-Container <name>'
        (Get-Container -All | Where-Object Name -eq orphan-read).Status | Should -Be 'Exited'
        Get-Container | Where-Object Name -eq orphan-read | Should -BeNullOrEmpty -Because 'docker ps: it does not run'
        Assert-Untouched 'Get-Container [-All]'
        $info = Get-ContainerSystemInfo
        $info.ContainersRunning | Should -Be 0
        $info.ContainersStopped | Should -BeGreaterOrEqual 1
        Assert-Untouched 'Get-ContainerSystemInfo'
        Get-ContainerStatistic | Where-Object Name -eq orphan-read | Should -BeNullOrEmpty
        Assert-Untouched 'Get-ContainerStatistic'
        $errs = $null
        Connect-Container orphan-read -ErrorAction SilentlyContinue -ErrorVariable errs | Out-Null
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning*'
        Assert-Untouched 'Connect-Container'
        Clear-ContainerSystem -WhatIf
        Get-Container orphan-read -All | Should -Not -BeNullOrEmpty -Because '-WhatIf removes nothing'
        Assert-Untouched 'Clear-ContainerSystem -WhatIf'

        # a changing command repairs it through the stop sequence: killed, unmounted, recorded exited
        Stop-Container orphan-read
        Wait-ContainerCondition { -not (Get-ProcessesOfContainer $c.Id) } | Should -BeTrue
        Test-Live $c.Pid | Should -BeFalse
        Test-RootfsMounted $c.Id | Should -BeFalse
        (Get-StateText $c.Id) | Should -Match '"exited"'
        (Get-Container orphan-read -All).ExitCode | Should -Be -1
        Remove-Container orphan-read
        (Get-Content /proc/self/mountinfo) -match $c.Id | Should -BeNullOrEmpty
    }

    It 'is repaired and removed by Clear-ContainerSystem (after its ShouldProcess), not by its plan' {
        $c = New-Orphan orphan-prune
        Clear-ContainerSystem -WhatIf
        Test-Live $c.Pid | Should -BeTrue
        Test-RootfsMounted $c.Id | Should -BeTrue
        $r = Clear-ContainerSystem -Force
        $r.ContainersDeleted | Should -Contain $c.Id
        Get-Container orphan-prune -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Wait-ContainerCondition { -not (Get-ProcessesOfContainer $c.Id) } | Should -BeTrue
        (Get-Content /proc/self/mountinfo) -match $c.Id | Should -BeNullOrEmpty
    }

    It 'in a pod: Get-ContainerPod only reports the member exited; Stop-ContainerPod repairs it' {
        $pod = New-ContainerPod pod-orphan
        $c = New-Orphan pod-orphan-member -Extra @{ Pod = 'pod-orphan' }
        $recorded = Get-StateText $c.Id
        $p = Get-ContainerPod pod-orphan
        ($p.Containers | Where-Object Name -eq pod-orphan-member).Status | Should -Be 'Exited'
        Test-Live $c.Pid | Should -BeTrue
        Test-RootfsMounted $c.Id | Should -BeTrue
        Get-StateText $c.Id | Should -Be $recorded

        Stop-ContainerPod pod-orphan
        Wait-ContainerCondition { -not (Get-ProcessesOfContainer $c.Id) } | Should -BeTrue
        Test-RootfsMounted $c.Id | Should -BeFalse
        (Get-StateText $c.Id) | Should -Match '"exited"'
        (Get-Container -Id $pod.InfraContainerId -All).Status | Should -Be 'Exited'
        Remove-ContainerPod pod-orphan -Force -Confirm:$false
    }
}

Describe 'Start and restart of a paused container' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'Start-Container refuses it as docker does (ContainerPaused, InvalidOperation) and changes nothing' {
        $c = Invoke-ContainerImage $Img -Detach -Name paused-start -Network none -- sleep 300
        Suspend-Container paused-start
        $errs = $null
        $out = Start-Container paused-start -PassThru -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ContainerPaused,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -Match "'paused-start' is paused"
        $LASTEXITCODE | Should -Be 125
        # non-terminating: the pipeline goes on to the next container
        $null = Invoke-ContainerImage $Img -Name paused-next -Network none -- true
        @(Start-Container paused-start, paused-next -ErrorAction SilentlyContinue -ErrorVariable errs2 -PassThru).Name | Should -Be 'paused-next'
        $errs2.Count | Should -Be 1
        $after = Get-Container paused-start
        $after.Status | Should -Be 'Paused'
        $after.Pid | Should -Be $c.Pid
        $after.State.MonitorPid | Should -Be $c.State.MonitorPid
        Resume-Container paused-start
        (Get-Container paused-start).Status | Should -Be 'Running'
    }

    It 'Restart-Container thaws, stops and starts it again, as docker restart does' {
        $c = Invoke-ContainerImage $Img -Detach -Name paused-restart -Network none -- sleep 300
        Suspend-Container paused-restart
        (Get-Container paused-restart).Status | Should -Be 'Paused'
        $r = Restart-Container paused-restart -Timeout 1 -PassThru
        $r.Status | Should -Be 'Running'
        $r.Pid | Should -Not -Be $c.Pid
        Test-Live $c.Pid | Should -BeFalse
        Invoke-ContainerExec paused-restart -- echo alive | Should -Be 'alive'
    }
}

Describe 'A stop decides from the record, not from the caller''s object' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'stops a container through a stale object taken while it was exited, with the recorded stop signal' {
        # the workload exits 42 on TERM (its recorded stop signal) and 137 on KILL
        $null = Invoke-ContainerImage $Img -Detach -Name stale-stop -Network none -- sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
        Wait-ContainerCondition { (Invoke-ContainerExec stale-stop -- cat /proc/1/cmdline) -match 'trap' } | Should -BeTrue
        Stop-Container stale-stop -Timeout 5
        $stale = Get-Container stale-stop -All
        $stale.Status | Should -Be 'Exited'
        $stale.ExitCode | Should -Be 42
        Start-Container stale-stop
        $running = Get-Container stale-stop
        $running.Status | Should -Be 'Running'
        Wait-ContainerCondition { (Invoke-ContainerExec stale-stop -- cat /proc/1/cmdline) -match 'trap' } | Should -BeTrue

        # the caller's copy is old (exited) and names another stop signal: only its id counts
        $stale.Config.StopSignal = 'KILL'
        $engine = [PsContainers.Core.Engine]::new([PsContainers.Core.PscPaths]::new($script:Root))
        $after = $engine.Containers.Stop($stale, 5, [NullString]::Value, [Threading.CancellationToken]::None)
        $after.Status | Should -Be 'Exited'
        $after.ExitCode | Should -Be 42 -Because 'the record''s stop signal (TERM) was sent, not the stale object''s KILL'
        Test-Live $running.Pid | Should -BeFalse
        (Get-Container stale-stop -All).ExitCode | Should -Be 42
    }
}
