# Healthchecks (issue 13) with real containers: the container's monitor (pscmon) runs the probes as execs on its
# own timer, with no pwsh process involved. Images with a HEALTHCHECK are the busybox test image with docker's
# Healthcheck in its config. Intervals are short (200 ms) so the tests are quick; every wait is for a state, with a
# generous timeout, and the assertions are made on the state reached (never on how long it took).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore

    $ms = [long]1000000   # docker's durations are nanoseconds (int64)
    function script:New-HealthImage {
        <# The busybox test image with config.Healthcheck (and Shell, OnBuild, StopSignal) as docker build writes them. #>
        param([string] $Name, [hashtable] $Healthcheck)
        $tars = @(, (Get-TestBusyboxLayers)[0])
        $diffIds = @($tars | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
        $cfg = [Text.Encoding]::UTF8.GetString((New-TestImageConfig -DiffIds $diffIds -Cmd 'sleep', '600')) | ConvertFrom-Json -AsHashtable
        $cfg.config['Healthcheck'] = $Healthcheck
        $cfg.config['Shell'] = @('/bin/sh', '-c')
        $cfg.config['OnBuild'] = @('RUN echo child')
        $cfg.config['StopSignal'] = 'SIGQUIT'
        $cfg.history = @($cfg.history[0])
        $path = Join-Path $TestDrive "$($Name -replace '[:/]', '-').tar"
        $null = Write-TestDockerArchive -Path $path -Tars $tars -Config ([Text.Encoding]::UTF8.GetBytes(($cfg | ConvertTo-Json -Depth 10 -Compress))) -Name $Name
        $null = Import-ContainerImage -Path $path -ErrorAction Stop
    }
    New-HealthImage -Name 'health-ok:1' -Healthcheck @{ Test = @('CMD', 'true'); Interval = 200 * $ms; Retries = 2 }
    New-HealthImage -Name 'health-bad:1' -Healthcheck @{ Test = @('CMD-SHELL', 'echo failing >&2; exit 1'); Interval = 200 * $ms; Timeout = 5000 * $ms; Retries = 2 }

    function script:Get-Health([string] $Name) { (Get-Container $Name -ErrorAction Stop).State.Health }
    function script:Wait-HealthStatus([string] $Name, [string] $Status, [double] $TimeoutSeconds = 60) {
        Wait-ContainerCondition { (Get-Health $Name).Status -eq $Status } -TimeoutSeconds $TimeoutSeconds | Out-Null
        Get-Health $Name
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'An image HEALTHCHECK' {
    It 'turns healthy, as docker ps and inspect show it' {
        $null = Invoke-ContainerImage health-ok:1 -Detach -Name hc-ok
        $c = Wait-Container hc-ok -Condition Healthy -Timeout 60s
        $c.Name | Should -Be 'hc-ok'
        $c.Config.Healthcheck.Test | Should -Be @('CMD', 'true')
        $c.Config.Healthcheck.Interval | Should -Be (200 * 1000000)
        $c.Config.Healthcheck.Retries | Should -Be 2
        $h = Get-Health hc-ok
        $h.Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Healthy)
        $h.FailingStreak | Should -Be 0
        $h.Log[-1].ExitCode | Should -Be 0
        $h.Log[-1].End | Should -BeGreaterOrEqual $h.Log[-1].Start
        (Get-Container hc-ok).StatusText | Should -Match '^Up .* \(healthy\)$'
        # the table's STATUS column (20 wide) holds the short form: "Up 59m (health: st…" at worst, "Up 12s (healthy)"
        Wait-ContainerCondition { (Get-Container hc-ok).StatusText -notmatch 'Less than' } -TimeoutSeconds 10 | Out-Null
        (Get-Container hc-ok | Format-Table | Out-String -Width 300) | Should -Match ' Up \d+[sm] \(healthy\) '
        # the record the monitor writes, in docker's shape with the enum's name
        $json = Get-Content -Raw (Join-Path $script:Root "containers/$((Get-Container hc-ok).Id)/health.json") | ConvertFrom-Json
        $json.Status | Should -Be 'Healthy'
        $json.Log[-1].ExitCode | Should -Be 0
        # and no pwsh process runs the probes: the monitor does
        $monitor = (Get-Container hc-ok).State.MonitorPid
        (Get-Content "/proc/$monitor/comm") | Should -Be 'pscmon'
        # one health_status event per change, written by the monitor (docker's event)
        @(Get-ContainerEvent hc-ok -Action health_status).Action | Should -Be @('health_status: healthy')
    }

    It 'turns unhealthy after Retries consecutive failures, with the output and exit code of each' {
        $null = Invoke-ContainerImage health-bad:1 -Detach -Name hc-bad
        $h = Wait-HealthStatus hc-bad Unhealthy
        $h.Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Unhealthy)
        $h.FailingStreak | Should -BeGreaterOrEqual 2
        $h.Log[-1].ExitCode | Should -Be 1
        $h.Log[-1].Output | Should -Be "failing`n"
        # the last five results only
        Wait-ContainerCondition { (Get-Health hc-bad).FailingStreak -ge 7 } -TimeoutSeconds 60 | Out-Null
        (Get-Health hc-bad).Log.Count | Should -Be 5
        (Get-Container hc-bad).StatusText | Should -Match '\(unhealthy\)$'
        @(Get-Container -Health Unhealthy | ForEach-Object Name) | Should -Contain 'hc-bad'
        @(Get-Container -Health Unhealthy | ForEach-Object Name) | Should -Not -Contain 'hc-ok'
        @(Get-Container -Health Healthy | ForEach-Object Name) | Should -Contain 'hc-ok'
        { Wait-Container hc-bad -Condition Healthy -Timeout 30s -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerUnhealthy*'
        # seven failures, one change: starting -> unhealthy
        @(Get-ContainerEvent hc-bad -Action 'health_status*').Action | Should -Be @('health_status: unhealthy')
    }
}

Describe 'Health parameters' {
    It 'override the image''s healthcheck and keep its other settings' {
        $null = Invoke-ContainerImage health-bad:1 -Detach -Name hc-override -HealthCommand 'echo fine' -HealthRetries 4
        $c = Wait-Container hc-override -Condition Healthy -Timeout 60s
        $c.Config.Healthcheck.Test | Should -Be @('CMD-SHELL', 'echo fine')
        $c.Config.Healthcheck.Retries | Should -Be 4
        $c.Config.Healthcheck.Interval | Should -Be (200 * 1000000)   # the image's
        (Get-Health hc-override).Log[-1].Output | Should -Be "fine`n"
    }

    It '-HealthCommand with several strings runs a program directly (CMD)' {
        $c = New-Container busybox-test:latest -Name hc-cmd -HealthCommand /bin/sh, -c, 'test -d /etc' -HealthInterval 200ms -Command sleep, 600
        $c.Config.Healthcheck.Test | Should -Be @('CMD', '/bin/sh', '-c', 'test -d /etc')
        Start-Container hc-cmd
        (Wait-Container hc-cmd -Condition Healthy -Timeout 60s).Name | Should -Be 'hc-cmd'
    }

    It '-NoHealthcheck disables the image''s healthcheck' {
        $null = Invoke-ContainerImage health-bad:1 -Detach -Name hc-none -NoHealthcheck
        $c = Get-Container hc-none
        $c.Config.Healthcheck.Test | Should -Be @('NONE')
        Start-Sleep -Milliseconds 1500   # several of the image's intervals: nothing may run
        (Get-Container hc-none).State.Health | Should -BeNullOrEmpty
        Test-Path (Join-Path $script:Root "containers/$($c.Id)/health.json") | Should -BeFalse
        (Get-Container hc-none).StatusText | Should -Not -Match '\('
        { Wait-Container hc-none -Condition Healthy -ErrorAction Stop } | Should -Throw -ErrorId 'NoHealthcheck*'
        @(Get-Container -Health None | ForEach-Object Name) | Should -Contain 'hc-none'
    }

    It 'refuses -NoHealthcheck with -Health* settings, and bad durations' {
        { New-Container health-ok:1 -NoHealthcheck -HealthInterval 1s -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHealthcheck*'
        { New-Container health-ok:1 -HealthInterval '500us' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidHealthcheck*'
        { New-Container health-ok:1 -HealthInterval 30 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*'
        @(Get-Container -All | Where-Object Image -eq 'health-ok:1' | Where-Object Name -notlike 'hc-*') | Should -BeNullOrEmpty
    }

    It 'takes docker''s duration forms and TimeSpans' {
        $c = New-Container health-ok:1 -Name hc-durations -HealthInterval 1m30s -HealthTimeout '2.5s' -HealthStartPeriod ([timespan]::FromMinutes(2)) -HealthStartInterval 10s
        $c.Config.Healthcheck.Interval | Should -Be 90000000000
        $c.Config.Healthcheck.Timeout | Should -Be 2500000000
        $c.Config.Healthcheck.StartPeriod | Should -Be 120000000000
        $c.Config.Healthcheck.StartInterval | Should -Be 10000000000
        $c.Config.Healthcheck.Test | Should -Be @('CMD', 'true')   # the image's command
    }
}

Describe 'Start period and timeout' {
    It 'does not count failures in the start period; a success ends it, and later failures count' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name hc-start -HealthCommand 'test -e /tmp/up' `
            -HealthStartPeriod 1h -HealthStartInterval 200ms -HealthInterval 200ms -HealthRetries 1 -Command sleep, 600
        Wait-ContainerCondition { @((Get-Health hc-start).Log).Count -ge 3 } -TimeoutSeconds 60 | Out-Null
        $h = Get-Health hc-start
        @($h.Log).Count | Should -BeGreaterOrEqual 3
        @($h.Log | Where-Object ExitCode -ne 0).Count | Should -Be @($h.Log).Count
        $h.Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Starting)
        $h.FailingStreak | Should -Be 0
        (Get-Container hc-start).StatusText | Should -Match '\(health: starting\)$'
        $null = Invoke-ContainerExec hc-start touch /tmp/up
        $null = Wait-HealthStatus hc-start Healthy
        $null = Invoke-ContainerExec hc-start rm /tmp/up
        # still inside the hour of start period, but no longer starting: one failure (Retries 1) makes it unhealthy
        $h = Wait-HealthStatus hc-start Unhealthy
        $h.Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Unhealthy)
        $h.FailingStreak | Should -Be 1
    }

    It 'kills a probe that exceeds the timeout and counts it as a failure (exit code -1)' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name hc-slow -HealthCommand 'sleep 300' `
            -HealthTimeout 300ms -HealthInterval 200ms -HealthRetries 2 -Command sleep, 600
        $h = Wait-HealthStatus hc-slow Unhealthy
        $h.Log[-1].ExitCode | Should -Be -1
        $h.Log[-1].Output | Should -Be 'Health check exceeded timeout (300ms)'
        Wait-ContainerCondition { @((Get-Health hc-slow).Log).Count -ge 4 } -TimeoutSeconds 60 | Out-Null
        # each timed-out probe was killed: at most the current one (and one being killed) is still there, not one per probe
        @(Get-ContainerProcess hc-slow | Where-Object Command -match 'sleep 300').Count | Should -BeLessOrEqual 2
    }
}

Describe 'Restart and Wait-Container' {
    It 'resets the health to starting when the container restarts' {
        # /run is a tmpfs: the file the probe looks for is gone after the restart
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name hc-restart -StopTimeout 1 -Tmpfs /run -HealthCommand 'test -e /run/ok' `
            -HealthInterval 200ms -HealthRetries 1000 -Command sleep, 600
        $null = Invoke-ContainerExec hc-restart touch /run/ok
        $null = Wait-HealthStatus hc-restart Healthy
        $before = @((Get-Health hc-restart).Log).Count
        Restart-Container hc-restart -Confirm:$false
        (Get-Container hc-restart).State.Status | Should -Be ([PsContainers.Core.Containers.ContainerStatus]::Running)
        # (wait for the new run's streak, not for failed results in the log: a probe the restart's kill cut short is a
        # failed result of the previous run, which the restart's reset leaves out of the streak)
        Wait-ContainerCondition { (Get-Health hc-restart).FailingStreak -ge 2 } -TimeoutSeconds 60 | Out-Null
        $h = Get-Health hc-restart
        $h.Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Starting)
        $h.FailingStreak | Should -BeGreaterOrEqual 2
        $h.Log[0].ExitCode | Should -Be 0 -Because "the last results of the previous run are kept, as docker keeps them ($before before)"
    }

    It 'reads starting, not the previous run''s healthy, the moment Start-Container returns (docker''s initHealthMonitor)' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name hc-again -StopTimeout 1 -HealthCommand 'true' -HealthInterval 200ms -HealthStartInterval 5s -Command sleep, 600
        $null = Wait-Container hc-again -Condition Healthy -Timeout 60s
        foreach ($i in 1..3) {
            Stop-Container hc-again -Confirm:$false
            Start-Container hc-again
            (Get-Health hc-again).Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Starting) -Because "start $i begins a new run"
        }
    }

    It 'runs no probe while the container is paused, as docker' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name hc-pause -HealthCommand 'true' -HealthInterval 200ms -HealthTimeout 300ms -Command sleep, 600
        $null = Wait-Container hc-pause -Condition Healthy -Timeout 60s
        Suspend-Container hc-pause -Confirm:$false
        # a probe already started when it froze times out meanwhile (its result may be logged late, under load: it is
        # told apart by its start, not by its place in the log)
        $frozen = [DateTime]::UtcNow.AddMilliseconds(600)
        Start-Sleep -Milliseconds 2100   # seven intervals after that grace
        $resumed = [DateTime]::UtcNow
        (Get-Health hc-pause).Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Healthy)
        Resume-Container hc-pause -Confirm:$false
        @((Get-Health hc-pause).Log | Where-Object { $_.Start.ToUniversalTime() -gt $frozen -and $_.Start.ToUniversalTime() -lt $resumed }) | Should -BeNullOrEmpty
        Wait-ContainerCondition { @((Get-Health hc-pause).Log | Where-Object { $_.Start.ToUniversalTime() -gt $resumed }).Count -gt 0 } -TimeoutSeconds 60 | Should -BeTrue
        @((Get-Health hc-pause).Log | Where-Object { $_.Start.ToUniversalTime() -gt $resumed })[0].ExitCode | Should -Be 0
    }

    It 'waits for Running and Removed, and times out with WaitTimedOut' {
        $c = New-Container health-bad:1 -Name hc-wait
        { Wait-Container hc-wait -Condition Running -Timeout 500ms -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimedOut*'
        Start-Container hc-wait
        (Wait-Container hc-wait -Condition Running -Timeout 30s).Name | Should -Be 'hc-wait'
        { Wait-Container hc-wait -Condition Exited -Timeout 300ms -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimedOut*'
        $job = Start-ThreadJob { param($m, $root) $env:PSCONTAINERS_ROOT = $root; Import-Module $m; Start-Sleep -Milliseconds 500; Remove-Container hc-wait -Force -Confirm:$false } -ArgumentList (Get-Module PsContainers).Path, $script:Root
        @(Wait-Container hc-wait -Condition Removed -Timeout 60s) | Should -BeNullOrEmpty
        $job | Wait-Job | Remove-Job
        Get-Container hc-wait -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'keeps the default: the exit code' {
        $null = Invoke-ContainerImage health-ok:1 -Detach -Name hc-exit -- sh -c 'sleep 1; exit 4'
        (Wait-Container hc-exit).ExitCode | Should -Be 4
        (Wait-Container hc-exit -Condition Exited -Timeout 10s).ExitCode | Should -Be 4
        { Wait-Container hc-exit -Condition Healthy -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerUnhealthy*'
    }
}

Describe 'Images keep Healthcheck, Shell, OnBuild and StopSignal' {
    It 'through an export and an import in <Format>' -ForEach @(@{ Format = 'DockerArchive' }, @{ Format = 'OciArchive' }) {
        $path = Join-Path $TestDrive "health-$Format.tar"
        Export-ContainerImage health-bad:1 -Path $path -Format $Format
        # imported into a store of its own: what is read back came from the archive
        $other = New-TestStoreRoot
        try {
            $null = Import-ContainerImage -Path $path -ErrorAction Stop
            $img = Get-ContainerImage health-bad:1
        } finally {
            Remove-TestStoreRoot $other
            $env:PSCONTAINERS_ROOT = $script:Root
        }
        $img | Should -Not -BeNullOrEmpty
        $img.Config.Healthcheck.Test | Should -Be @('CMD-SHELL', 'echo failing >&2; exit 1')
        $img.Config.Healthcheck.Interval | Should -Be (200 * 1000000)
        $img.Config.Healthcheck.Timeout | Should -Be (5000 * 1000000)
        $img.Config.Healthcheck.Retries | Should -Be 2
        $img.Config.Shell | Should -Be @('/bin/sh', '-c')
        $img.Config.OnBuild | Should -Be @('RUN echo child')
        $img.Config.StopSignal | Should -Be 'SIGQUIT'
    }
}

Describe 'Healthchecks with <Runtime>' -ForEach @(
    @{ Runtime = 'the default runtime'; Path = $null }
    @{ Runtime = 'runc'; Path = '/usr/sbin/runc' }
) {
    # the probes are "<runtime> exec": the OCI runtime stays swappable, and what pscrun exec hands to the container
    # side (the config with the probe's process) must give the probe the container's environment and working directory
    BeforeAll {
        if ($Path) { Set-ContainerConfiguration -Runtime $Path -Confirm:$false }
    }
    AfterAll {
        Get-Container -All | Where-Object Name -like 'hc-rt-*' | Remove-Container -Force
        if ($Path) { Set-ContainerConfiguration -DefaultRuntime -Confirm:$false }
    }

    It 'runs the probes in the container, with its environment and working directory' {
        $name = 'hc-rt-' + $(if ($Path) { 'runc' } else { 'default' })
        $null = Invoke-ContainerImage health-ok:1 -Detach -Name $name -Environment @{ PROBE_WANT = 'yes' } -WorkingDirectory /tmp `
            -HealthCommand 'test "$PROBE_WANT" = yes && test "$(pwd)" = /tmp && echo "probe ok $PROBE_WANT $(pwd)"' -HealthInterval 200ms -HealthRetries 2
        $c = Wait-Container $name -Condition Healthy -Timeout 60s
        $c.Name | Should -Be $name
        $h = Get-Health $name
        $h.Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Healthy)
        $h.Log[-1].ExitCode | Should -Be 0
        $h.Log[-1].Output | Should -Be "probe ok yes /tmp`n"
        # still healthy after more probes: each one ran and passed
        $before = $h.Log[-1].End
        Wait-ContainerCondition { (Get-Health $name).Log[-1].End -gt $before } -TimeoutSeconds 30 | Out-Null
        (Get-Health $name).Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Healthy)
    }
}

Describe 'The monitor of a probed container' {
    AfterAll { Get-Container -All | Where-Object Name -eq 'hc-small' | Remove-Container -Force }

    It 'stays small between probes (issue 13: under 3 MB resident with a probe every second)' {
        $null = Invoke-ContainerImage health-ok:1 -Detach -Name hc-small -HealthInterval 1s
        $c = Wait-Container hc-small -Condition Healthy -Timeout 60s
        $monitor = $c.State.MonitorPid
        $monitor | Should -BeGreaterThan 0
        # the median of samples over several probe intervals: what the monitor holds while it waits for the next probe
        # (bench/health.ps1 measures the maximum and the CPU on a quiet machine)
        $samples = foreach ($i in 1..12) {
            [int]((Get-Content "/proc/$monitor/status" | Where-Object { $_ -like 'VmRSS:*' }) -replace '\D', '')
            Start-Sleep -Milliseconds 250
        }
        $sorted = @($samples | Sort-Object)
        $sorted.Count | Should -Be 12
        $sorted[0] | Should -BeGreaterThan 0
        $sorted[5] | Should -BeLessThan 3072
        (Get-Health hc-small).Status | Should -Be ([PsContainers.Core.Containers.HealthStatus]::Healthy)
    }
}
