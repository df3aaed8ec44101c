# Compose projects converged in parallel on real containers: independent services (and chains of them) start at the
# same time and stop at the same time in reverse order; a failing service is reported with its name while the others
# still converge; Start-ContainerProject -Scale and scale: give <project>-<service>-<n> replicas that all answer to
# the service name on the project network; an alias belongs to the network that declares it only.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Dir = Join-Path $script:Root 'par'
    $null = New-Item -ItemType Directory $script:Dir
    # a-app waits for a-job, b-app for b-job; one after the other, b-job would start only after a-job has ended
    $script:ChainFile = Join-Path $script:Dir 'chains.yaml'
    Set-Content -Path $script:ChainFile -Value @'
services:
  a-job:
    image: busybox-test:latest
    command: ["sleep", "2"]
  a-app:
    image: busybox-test:latest
    command: ["sh", "-c", "trap 'sleep 2; exit 0' TERM; while :; do sleep 0.1; done"]
    stop_grace_period: 20s
    depends_on:
      a-job: { condition: service_completed_successfully }
  b-job:
    image: busybox-test:latest
    command: ["sleep", "2"]
  b-app:
    image: busybox-test:latest
    command: ["sh", "-c", "trap 'sleep 2; exit 0' TERM; while :; do sleep 0.1; done"]
    stop_grace_period: 20s
    depends_on:
      b-job: { condition: service_completed_successfully }
  broken:
    image: nosuch-image-for-compose-test:latest
    pull_policy: never
  after-broken:
    image: busybox-test:latest
    command: ["sleep", "300"]
    depends_on: [broken]
'@
    $script:NetFile = Join-Path $script:Dir 'nets.yaml'
    Set-Content -Path $script:NetFile -Value @'
services:
  web:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    scale: 2
    networks:
      front: { aliases: [site] }
      back: {}
  frontclient:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    networks: [front]
  backclient:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    networks: [back]
networks:
  front: {}
  back: {}
'@
    $script:C = "chains$PID"
    $script:N = "nets$PID"
    function Get-Ipv4([string] $Container) {
        $text = (Invoke-ContainerExec $Container -- ip -4 -o addr show) -join "`n"
        @([regex]::Matches($text, 'inet\s+([0-9.]+)/') | ForEach-Object { $_.Groups[1].Value })
    }
    function Resolve-InContainer([string] $Container, [string] $Name, [string] $Server) {
        # NXDOMAIN exits 1: that answer is "no address", not an error of the test
        $text = (Invoke-ContainerExec $Container -ErrorAction SilentlyContinue -- nslookup $Name $Server 2>$null) -join "`n"
        # the answers follow the "Name:" line (the server's own address comes first)
        $answer = ($text -split 'Name:\s*', 2)[1]
        if (-not $answer) { return @() }
        @([regex]::Matches($answer, 'Address(?: \d+)?:\s+([0-9.]+)') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
    }
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object Name -ne 'pscontainers' |
        Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'Start-ContainerProject runs independent services in parallel' {
    It 'starts two independent chains at the same time and reports the failing service by name while the others converge' {
        $err = $null
        $out = Start-ContainerProject -Path $script:ChainFile -ProjectName $script:C -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        # the broken service and the one that needs it fail; both chains are up
        @($err).Count | Should -Be 2
        $byTarget = @{}; $err | ForEach-Object { $byTarget[$_.Exception.Message] = $_ }
        $broken = $err | Where-Object { $_.FullyQualifiedErrorId -like 'ImageNotFound,*' }
        $broken | Should -Not -BeNullOrEmpty
        $broken.Exception.Message | Should -Match "^Service 'broken': "
        $dependent = $err | Where-Object { $_.FullyQualifiedErrorId -like 'DependencyFailed,*' }
        $dependent.Exception.Message | Should -Be "Service 'after-broken' depends on 'broken', which failed."
        $dependent.TargetObject | Should -Be 'broken'
        Get-Container "$($script:C)-after-broken-1" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-Container "$($script:C)-a-app-1").Status | Should -Be 'Running'
        (Get-Container "$($script:C)-b-app-1").Status | Should -Be 'Running'
        ($out.Name | Sort-Object) | Should -Be (@('a-app', 'a-job', 'b-app', 'b-job' | ForEach-Object { "$($script:C)-$_-1" }) | Sort-Object)
        $aJob = Get-Container "$($script:C)-a-job-1" -All
        $bJob = Get-Container "$($script:C)-b-job-1" -All
        # each job sleeps 2 s: they ran at the same time (one after the other, b-job would start after a-job ended)
        $bJob.State.StartedAt | Should -BeLessThan $aJob.State.FinishedAt
        $aJob.State.StartedAt | Should -BeLessThan $bJob.State.FinishedAt
        # and each app only after its own job
        (Get-Container "$($script:C)-a-app-1").State.StartedAt | Should -BeGreaterThan $aJob.State.FinishedAt
        (Get-Container "$($script:C)-b-app-1").State.StartedAt | Should -BeGreaterThan $bJob.State.FinishedAt
    }

    BeforeAll {
        # progress goes to the host; a runspace of its own collects the records (Activity|Status|RecordType) and the output
        function Invoke-WithProgress([scriptblock] $Script, $Argument) {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$((Get-Module PsContainers).Path -replace '\.dll$', '.psd1')'").AddStatement().
                    AddScript($Script.ToString()).AddArgument($Argument)
                $out = $ps.Invoke()
                $ps.Streams.Error | Should -BeNullOrEmpty
                $lines = @($ps.Streams.Progress | ForEach-Object { "$($_.Activity)|$($_.StatusDescription)|$($_.RecordType)" })
            } finally { $ps.Dispose() }
            @($out), $lines
        }
    }

    It 'reports progress per service' {
        # progress goes to the host; a runspace of its own collects the records of an up that has nothing to change
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$((Get-Module PsContainers).Path -replace '\.dll$', '.psd1')'").AddStatement().
                AddCommand('Start-ContainerProject').AddParameter('Path', $script:ChainFile).AddParameter('ProjectName', $script:C).AddParameter('Service', @('a-app', 'b-app'))
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $lines = @($ps.Streams.Progress | ForEach-Object { "$($_.Activity)|$($_.StatusDescription)|$($_.RecordType)" })
        } finally { $ps.Dispose() }
        $lines | Should -Contain 'a-app|Up to date|Completed'
        $lines | Should -Contain 'b-job|Up to date|Completed'
        ($lines | Where-Object { $_ -like "Start-ContainerProject $($script:C)|*" }) | Should -Not -BeNullOrEmpty
    }

    It 'stops independent services at the same time, dependents first, with progress per container and service' {
        # a-app and b-app each take 2 s to stop (their TERM trap sleeps): one after the other they would end 2 s apart
        $stopped, $lines = Invoke-WithProgress { Stop-ContainerProject $args[0] -PassThru } $script:C
        $lines | Should -Contain "a-app|Stopping $($script:C)-a-app-1|Processing"
        $lines | Should -Contain 'a-app|Stopped|Completed'
        $lines | Should -Contain 'b-app|Stopped|Completed'   # the jobs have exited: nothing to stop there
        $lines | Should -Contain "Stop-ContainerProject $($script:C)|done|Completed"
        $names = $stopped.Name
        # the output keeps the reverse dependency order
        $names.IndexOf("$($script:C)-a-app-1") | Should -BeLessThan $names.IndexOf("$($script:C)-a-job-1")
        $names.IndexOf("$($script:C)-b-app-1") | Should -BeLessThan $names.IndexOf("$($script:C)-b-job-1")
        $aApp = Get-Container "$($script:C)-a-app-1" -All
        $bApp = Get-Container "$($script:C)-b-app-1" -All
        $aApp.Status | Should -Be 'Exited'
        $bApp.Status | Should -Be 'Exited'
        $aApp.ExitCode | Should -Be 0   # the trap ran: stopped by TERM, not killed
        $bApp.ExitCode | Should -Be 0
        # the two 2-second stops overlapped
        [math]::Abs(($aApp.State.FinishedAt - $bApp.State.FinishedAt).TotalSeconds) | Should -BeLessThan 1.5
    }

    It 'removes the project (down) with every container gone, with progress' {
        $removed, $lines = Invoke-WithProgress { Remove-ContainerProject $args[0] -Timeout 1 -Confirm:$false -PassThru } $script:C
        $lines | Should -Contain "a-app|Removing $($script:C)-a-app-1|Processing"
        $lines | Should -Contain 'b-app|Removed|Completed'
        $lines | Should -Contain "Remove-ContainerProject $($script:C)|done|Completed"
        @($removed | Where-Object Kind -eq 'container').Count | Should -Be 4
        Get-Container -Project $script:C -All | Should -BeNullOrEmpty
        Get-ContainerNetwork "$($script:C)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Start-ContainerProject -Scale, replicas by the service name, aliases per network' {
    AfterAll { Remove-ContainerProject $script:N -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue }

    It 'scales a service with -Scale over the file''s scale, naming replicas project-service-number' {
        $out = Start-ContainerProject -Path $script:NetFile -ProjectName $script:N -Scale @{ web = 3 } -PassThru
        ($out | Where-Object Service -eq 'web').Name | Should -Be @(1, 2, 3 | ForEach-Object { "$($script:N)-web-$_" })
        (Get-Container -Project $script:N -Service web | Sort-Object Number).Number | Should -Be @(1, 2, 3)
        { Start-ContainerProject -Path $script:NetFile -ProjectName $script:N -Scale @{ nosuch = 2 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'ComposeUndefinedReference,PsContainers.Commands.StartContainerProjectCommand'
        { Start-ContainerProject -Path $script:NetFile -ProjectName $script:N -Scale @{ web = 'many' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidScale,PsContainers.Commands.StartContainerProjectCommand'
        { Start-ContainerProject -Path $script:NetFile -ProjectName $script:N -Scale @{ web = -1 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidScale,PsContainers.Commands.StartContainerProjectCommand'
    }

    It 'records the aliases per network: the service name on each, site on front only' {
        $web = Get-Container "$($script:N)-web-2"
        $web.NetworkSettings.Networks["$($script:N)_front"].Aliases | Should -Be @('web', 'site')
        $web.NetworkSettings.Networks["$($script:N)_back"].Aliases | Should -Be @('web')
    }

    It 'answers the service name with every replica on both networks, and the alias on its own network only' {
        $front = (Get-ContainerNetwork "$($script:N)_front")
        $back = (Get-ContainerNetwork "$($script:N)_back")
        $frontIps = 1..3 | ForEach-Object { $c = "$($script:N)-web-$_"
            (Get-Ipv4 $c) | Where-Object { ([ipaddress]$_).GetAddressBytes()[0..2] -join '.' -eq (([ipaddress]$front.Gateway).GetAddressBytes()[0..2] -join '.') } }
        $backIps = 1..3 | ForEach-Object { $c = "$($script:N)-web-$_"
            (Get-Ipv4 $c) | Where-Object { ([ipaddress]$_).GetAddressBytes()[0..2] -join '.' -eq (([ipaddress]$back.Gateway).GetAddressBytes()[0..2] -join '.') } }
        @($frontIps).Count | Should -Be 3
        @($backIps).Count | Should -Be 3
        Resolve-InContainer "$($script:N)-frontclient-1" web $front.Gateway | Should -Be @($frontIps | Sort-Object)
        Resolve-InContainer "$($script:N)-backclient-1" web $back.Gateway | Should -Be @($backIps | Sort-Object)
        Resolve-InContainer "$($script:N)-frontclient-1" site $front.Gateway | Should -Be @($frontIps | Sort-Object)
        Resolve-InContainer "$($script:N)-backclient-1" site $back.Gateway | Should -BeNullOrEmpty
        Resolve-InContainer "$($script:N)-backclient-1" "$($script:N)-web-3" $back.Gateway | Should -Be @($backIps[2])
    }

    It 'runs a command in replica n of a service (Invoke-ContainerExec -Project -Service -Index)' {
        Invoke-ContainerExec -Project $script:N -Service web -Index 3 -- hostname | Should -Be (Get-Container "$($script:N)-web-3").Config.Hostname
        Invoke-ContainerExec -Project $script:N -Service web -- cat /proc/1/cmdline | Should -Not -BeNullOrEmpty
        (Invoke-ContainerExec -Project $script:N -Service web -- hostname) | Should -Be (Get-Container "$($script:N)-web-1").Config.Hostname
        { Invoke-ContainerExec -Project $script:N -Service web -Index 9 -ErrorAction Stop -- true } |
            Should -Throw -ErrorId 'ContainerNotFound,PsContainers.Commands.InvokeContainerExecCommand'
        { Invoke-ContainerExec -Project "nosuch$PID" -Service web -ErrorAction Stop -- true } |
            Should -Throw -ErrorId 'ProjectNotFound,PsContainers.Commands.InvokeContainerExecCommand'
        $line = "Invoke-ContainerExec -Project $($script:N) -Service fr"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('frontclient')
    }

    It 'freezes and thaws a project or one service (Suspend-, Resume-ContainerProject)' {
        $paused = Suspend-ContainerProject $script:N -Service web -PassThru
        ($paused | Where-Object Service -eq web).Status | Sort-Object -Unique | Should -Be 'Paused'
        @($paused).Count | Should -Be 3
        (Get-Container "$($script:N)-frontclient-1").Status | Should -Be 'Running'
        (Get-Container "$($script:N)-web-2").Status | Should -Be 'Paused'
        $null = Suspend-ContainerProject $script:N
        (Get-Container -Project $script:N).Status | Sort-Object -Unique | Should -Be 'Paused'
        $resumed = Get-ContainerProject $script:N | Resume-ContainerProject -PassThru
        @($resumed).Count | Should -Be 5
        $resumed.Status | Sort-Object -Unique | Should -Be 'Running'
        (Invoke-ContainerExec "$($script:N)-web-2" -- echo alive) | Should -Be 'alive'
        { Suspend-ContainerProject "nosuch$PID" -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectNotFound,PsContainers.Commands.SuspendContainerProjectCommand'
    }

    It 'waits for running, healthy and exited, naming the service that does not get there (Wait-ContainerProject)' {
        $all = Wait-ContainerProject $script:N -Condition Running -Timeout 10
        @($all).Count | Should -Be 5
        # no healthcheck: Healthy is running, as up --wait
        (Wait-ContainerProject $script:N -Service web -Timeout 10).Name | Sort-Object | Should -Be @(1, 2, 3 | ForEach-Object { "$($script:N)-web-$_" })
        $err = $null
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = Wait-ContainerProject $script:N -Service web, frontclient -Condition Exited -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 8   # the five waits ran at the same time
        @($err).Count | Should -Be 2
        ($err | ForEach-Object FullyQualifiedErrorId | Sort-Object -Unique) | Should -Be 'WaitTimedOut,PsContainers.Commands.WaitContainerProjectCommand'
        ($err | ForEach-Object { $_.Exception.Message } | Sort-Object) -join "`n" | Should -Match "^Service 'frontclient': Container '$($script:N)-frontclient-1' did not exit within "
        ($err | ForEach-Object { $_.Exception.Message }) -join "`n" | Should -Match "Service 'web': "
        # the timeout reads as whole seconds, not 00:00:00.9999869
        ($err | ForEach-Object { $_.Exception.Message }) -join "`n" | Should -Match 'did not exit within 1 s \(it is running\)\.'
        @($out).Count | Should -Be 4
        # a container that exits: its ExitCode is the result
        Invoke-ContainerExec "$($script:N)-frontclient-1" -Detach -- sh -c 'sleep 1; kill 1'
        $done = Wait-ContainerProject $script:N -Service frontclient -Condition Exited -Timeout 30
        $done.Status | Should -Be 'Exited'
        $done.ExitCode | Should -Be 143
        # an exited container that its restart policy (no) will not start again fails Running at once, naming the
        # service and the exit code, instead of using up the timeout (docker compose up --wait)
        $err = $null
        $sw.Restart()
        $null = Wait-ContainerProject $script:N -Service frontclient, web -Condition Running -Timeout 60 -ErrorVariable err -ErrorAction SilentlyContinue
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 20
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ContainerExited,PsContainers.Commands.WaitContainerProjectCommand'
        $err[0].Exception.Message | Should -Match "^Service 'frontclient': Container '$($script:N)-frontclient-1' exited with code 143 and its restart policy \(no\)"
    }

    It 'scales down to the file''s scale, removing the highest numbers' {
        $null = Start-ContainerProject -Path $script:NetFile -ProjectName $script:N
        (Get-Container -Project $script:N -Service web -All | Sort-Object Number).Name | Should -Be @("$($script:N)-web-1", "$($script:N)-web-2")
        $null = Start-ContainerProject -Path $script:NetFile -ProjectName $script:N -Scale @{ web = 0 }
        Get-Container -Project $script:N -Service web -All | Should -BeNullOrEmpty
        (Get-Container "$($script:N)-backclient-1").Status | Should -Be 'Running'
    }
}
