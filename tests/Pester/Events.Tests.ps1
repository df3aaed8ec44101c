# The engine's event journal (docker events): what the engine and the monitors record for containers, images,
# volumes and networks, read back with Get-ContainerEvent, followed live from a second pwsh process.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:ModuleManifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Get-ContainerEvent' {
    It 'records a container''s life in docker''s words, with its name, image and exit code' {
        $since = Get-Date
        $c = New-Container busybox-test:latest -Name ev-life -- sh -c 'trap "exit 7" TERM; sleep 30 & wait'
        Start-Container ev-life
        Wait-ContainerCondition { (Get-Container ev-life).Status -eq 'Running' } | Out-Null
        Start-Sleep -Milliseconds 200 # the trap is set
        Stop-Container ev-life -Timeout 10
        Remove-Container ev-life -Confirm:$false
        $events = @(Get-ContainerEvent ev-life -Since $since)
        $events.Action | Should -Be @('create', 'start', 'kill', 'die', 'stop', 'destroy')
        $events | ForEach-Object {
            $_ | Should -BeOfType PsContainers.Contract.EngineEvent
            $_.Type | Should -Be 'Container'
            $_.ActorId | Should -Be $c.Id
            $_.ActorName | Should -Be 'ev-life'
            $_.Attributes['image'] | Should -Be 'busybox-test:latest'
            $_.Time | Should -BeGreaterOrEqual $since.ToUniversalTime().AddSeconds(-1)
        }
        ($events | Where-Object Action -eq 'kill').Attributes['signal'] | Should -Be '15'
        ($events | Where-Object Action -eq 'die').Attributes['exitCode'] | Should -Be '7'
        # oldest first, by the clock
        $times = $events.Time
        ($times | Sort-Object) | Should -Be $times
    }

    It 'records a -Remove run''s destroy from its monitor, and pause, unpause and rename from the engine' {
        $since = Get-Date
        Invoke-ContainerImage busybox-test:latest -Remove -Name ev-rm -ErrorAction SilentlyContinue -- sh -c 'exit 3' | Out-Null
        Wait-ContainerCondition { @(Get-ContainerEvent ev-rm -Since $since -Action destroy).Count -eq 1 } | Should -BeTrue
        (Get-ContainerEvent ev-rm -Since $since).Action | Should -Be @('create', 'start', 'die', 'destroy')
        (Get-ContainerEvent ev-rm -Since $since -Action die).Attributes['exitCode'] | Should -Be '3'

        $c = Invoke-ContainerImage busybox-test:latest -Detach -Name ev-p -- sleep 30
        Suspend-Container ev-p
        Resume-Container ev-p
        Rename-Container ev-p ev-q
        Remove-Container ev-q -Force -Confirm:$false
        $e = @(Get-ContainerEvent -Id $c.Id.Substring(0, 12) -Since $since)
        $e.Action | Should -Be @('create', 'start', 'pause', 'unpause', 'rename', 'kill', 'die', 'destroy')
        ($e | Where-Object Action -eq 'rename').Attributes['oldName'] | Should -Be 'ev-p'
        ($e | Where-Object Action -eq 'rename').ActorName | Should -Be 'ev-q'
    }

    It 'records image, volume and network events, and filters by type, action and name' {
        $since = Get-Date
        $img = Get-ContainerImage busybox-test:latest
        Add-ContainerImageTag busybox-test:latest ev-tag:v1
        Remove-ContainerImage ev-tag:v1 -Confirm:$false
        New-ContainerVolume ev-vol | Out-Null
        Remove-ContainerVolume ev-vol -Confirm:$false
        New-ContainerNetwork ev-net | Out-Null
        Remove-ContainerNetwork ev-net -Confirm:$false

        $images = @(Get-ContainerEvent -Type Image -Since $since)
        $images.Action | Should -Be @('tag', 'untag')
        $images.ActorId | Should -Be @($img.Id, $img.Id)
        $images.ActorName | Should -Be @('ev-tag:v1', 'ev-tag:v1')
        (Get-ContainerEvent -Type Volume -Since $since).Action | Should -Be @('create', 'destroy')
        (Get-ContainerEvent -Type Volume -Since $since)[0].ActorName | Should -BeNullOrEmpty
        (Get-ContainerEvent -Type Volume -Since $since)[0].ActorId | Should -Be 'ev-vol'
        $nets = @(Get-ContainerEvent -Type Network -Since $since)
        $nets.Action | Should -Be @('create', 'destroy')
        $nets.ActorName | Should -Be @('ev-net', 'ev-net')
        $nets[0].Attributes['type'] | Should -Be 'bridge'

        @(Get-ContainerEvent -Since $since -Type Image, Network -Action '*tag').Action | Should -Be @('tag', 'untag')
        @(Get-ContainerEvent -Since $since -Name 'ev-*' -Action create).ActorName | Should -Be @('ev-net')
        @(Get-ContainerEvent -Since $since -Until $since.AddSeconds(-1)) | Should -BeNullOrEmpty
        # docker's duration forms for -Since ("that long ago"): Go's syntax and days
        (Get-ContainerEvent -Since '1m30s' -Type Volume).Action | Should -Be @('create', 'destroy')
        (Get-ContainerEvent -Since '1d' -Type Volume -Id 'ev-vol').Action | Should -Be @('create', 'destroy')
        # unquoted, as docker users type them: PowerShell makes 90s a short and 1d a decimal before the cmdlet sees them
        (Get-ContainerEvent -Since 90s -Type Volume).Action | Should -Be @('create', 'destroy')
        (Get-ContainerEvent -Since 1d -Type Volume -Id 'ev-vol').Action | Should -Be @('create', 'destroy')
        @(Get-ContainerEvent -Since 0s -Type Volume) | Should -BeNullOrEmpty
        # a time it cannot read is an InvalidArgument error with its id, not an unhandled exception
        $err = $null
        Get-ContainerEvent -Since 'yesterday-ish' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTime,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-ContainerEvent -Since $since -Name nothing-like-this) | Should -BeNullOrEmpty
    }

    It 'records an exec''s start and its exit code' {
        $since = Get-Date
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name ev-exec -- sleep 30
        Invoke-ContainerExec ev-exec -ErrorAction SilentlyContinue -- sh -c 'exit 4' | Out-Null
        $e = @(Get-ContainerEvent ev-exec -Since $since -Action 'exec_*')
        $e.Action | Should -Be @("exec_create: sh -c exit 4", "exec_start: sh -c exit 4", 'exec_die')
        $e[2].Attributes['exitCode'] | Should -Be '4'
        Remove-Container ev-exec -Force -Confirm:$false
    }

    It 'selects the events of containers piped in' {
        $since = Get-Date
        $a = Invoke-ContainerImage busybox-test:latest -Detach -Name ev-pa -- true
        $b = Invoke-ContainerImage busybox-test:latest -Detach -Name ev-pb -- true
        Wait-ContainerCondition { @(Get-ContainerEvent -Since $since -Action die).Count -eq 2 } | Should -BeTrue
        # docker's order: once "die" is published the container reads as exited
        (Get-Container ev-pa, ev-pb).Status | Should -Be @('Exited', 'Exited')
        $e = @(Get-Container ev-pa | Get-ContainerEvent -Since $since)
        $e.ActorName | Sort-Object -Unique | Should -Be 'ev-pa'
        $e.Action | Should -Be @('create', 'start', 'die')
        @(Get-Container ev-pa, ev-pb | Get-ContainerEvent -Since $since -Action start).ActorName | Should -Be @('ev-pa', 'ev-pb')
        Remove-Container ev-pa, ev-pb -Confirm:$false
    }

    It 'follows new events from a second pwsh process until -Until passes' {
        $since = Get-Date
        $out = Join-Path $TestDrive 'follow.json'
        $err = Join-Path $TestDrive 'follow.err'
        $until = (Get-Date).AddSeconds(15)
        $cmd = "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; " +
            "Get-ContainerEvent -Follow -Type Container -Since ([datetime]::Parse('$($since.ToString('o'))')) -Until ([datetime]::Parse('$($until.ToString('o'))')) | " +
            "ForEach-Object { [pscustomobject]@{ Action = `$_.Action; Name = `$_.ActorName } | ConvertTo-Json -Compress | Add-Content '$out' }"
        $p = Start-Process -FilePath $Pwsh -PassThru -RedirectStandardError $err -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $cmd)
        try {
            Start-Sleep -Seconds 2 # the follower is reading (it would also see these from -Since)
            Invoke-ContainerImage busybox-test:latest -Remove -Name ev-follow -- true | Out-Null
            $got = Wait-ContainerCondition -TimeoutSeconds 20 {
                (Test-Path $out) -and @(Get-Content $out | ConvertFrom-Json | Where-Object Action -eq 'destroy').Count -ge 1
            }
            $got | Should -BeTrue -Because (Get-Content $err -Raw -ErrorAction SilentlyContinue)
            $lines = @(Get-Content $out | ConvertFrom-Json)
            $lines.Action | Should -Be @('create', 'start', 'die', 'destroy')
            $lines.Name | Sort-Object -Unique | Should -Be 'ev-follow'
            # it is still following, and ends by itself when -Until passes
            $p.HasExited | Should -BeFalse
            $p | Wait-Process -Timeout 40
            $p.HasExited | Should -BeTrue
        }
        finally { if (-not $p.HasExited) { $p.Kill() } }
    }

    It 'follows only new events without -Since, as docker events --follow does; with -Since it replays from then' {
        $since = Get-Date
        New-ContainerVolume ev-before | Out-Null # recorded before either follower starts
        $until = (Get-Date).AddSeconds(25)
        $follow = {
            param([string] $Out, [string] $SinceArg)
            $cmd = "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; " +
                "Get-ContainerEvent -Follow -Type Volume $SinceArg -Until ([datetime]::Parse('$($until.ToString('o'))')) | " +
                "ForEach-Object { `$_.ActorId | Add-Content '$Out' }"
            Start-Process -FilePath $Pwsh -PassThru -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $cmd)
        }
        $newOnly = Join-Path $TestDrive 'new-only.txt'
        $replay = Join-Path $TestDrive 'replay.txt'
        $p1 = & $follow $newOnly ''
        $p2 = & $follow $replay "-Since ([datetime]::Parse('$($since.ToString('o'))'))"
        try {
            # volumes made one by one until the follower without -Since shows it is reading (it may start late)
            $n = @{ Made = 0 }
            $seen = Wait-ContainerCondition -TimeoutSeconds 20 {
                New-ContainerVolume "ev-after-$($n.Made)" | Out-Null
                $n.Made++
                Start-Sleep -Milliseconds 300
                (Test-Path $newOnly) -and @(Get-Content $newOnly).Count -ge 1
            }
            $seen | Should -BeTrue
            $i = $n.Made
            $last = "ev-after-$($i - 1)"
            Wait-ContainerCondition -TimeoutSeconds 20 { (Get-Content $newOnly) -contains $last } | Should -BeTrue
            Wait-ContainerCondition -TimeoutSeconds 20 { (Test-Path $replay) -and (Get-Content $replay) -contains $last } | Should -BeTrue
            $got = @(Get-Content $newOnly)
            $got | Should -Not -Contain 'ev-before'
            $got | Should -Not -BeNullOrEmpty
            $got | ForEach-Object { $_ | Should -BeLike 'ev-after-*' }
            $got[-1] | Should -Be $last
            # replayed from -Since: the earlier volume first, then every later one, in order
            $all = @(Get-Content $replay)
            $all[0] | Should -Be 'ev-before'
            $all[1..($all.Count - 1)] | Should -Be @(0..($i - 1) | ForEach-Object { "ev-after-$_" })
        }
        finally {
            foreach ($p in $p1, $p2) { if (-not $p.HasExited) { $p.Kill() } }
            Get-ContainerVolume 'ev-before', 'ev-after-*' -ErrorAction SilentlyContinue | Remove-ContainerVolume -Confirm:$false
        }
    }

    It 'records network connect and disconnect for a run''s own networks on every path, with docker''s attributes' {
        $since = Get-Date
        New-ContainerNetwork ev-n1 | Out-Null
        New-ContainerNetwork ev-n2 | Out-Null
        try {
            $c = Invoke-ContainerImage busybox-test:latest -Detach -Name ev-netc -Network ev-n1 -- sleep 60  # run
            Connect-ContainerNetwork ev-n2 ev-netc | Out-Null
            Disconnect-ContainerNetwork ev-n2 ev-netc
            Stop-Container ev-netc -Timeout 1                                                                  # stop
            Start-Container ev-netc                                                                            # start
            Remove-Container ev-netc -Force -Confirm:$false                                                    # removal
            $mine = { @(Get-ContainerEvent -Type Network -Since $since -Action connect, disconnect | Where-Object { $_.Attributes['container'] -eq $c.Id }) }
            Wait-ContainerCondition { (& $mine).Count -ge 6 } | Should -BeTrue
            $e = & $mine
            ($e | ForEach-Object { "$($_.Action) $($_.ActorName)" }) | Should -Be @(
                'connect ev-n1', 'connect ev-n2', 'disconnect ev-n2', 'disconnect ev-n1', 'connect ev-n1', 'disconnect ev-n1')
            foreach ($x in $e) {
                $x.Type | Should -Be 'Network'
                $x.ActorId | Should -Be $x.ActorName
                $x.Attributes['type'] | Should -Be 'bridge'
                $x.Attributes['container'] | Should -Be $c.Id
            }

            # a restart policy keeps the container on its network while it restarts; when it gives up, the monitor's
            # release writes the disconnect
            $r = Invoke-ContainerImage busybox-test:latest -Detach -Name ev-netr -Network ev-n1 -Restart on-failure:2 -- sh -c 'sleep 0.3; exit 3'
            $theirs = { @(Get-ContainerEvent -Type Network -Since $since -Action connect, disconnect | Where-Object { $_.Attributes['container'] -eq $r.Id }) }
            Wait-ContainerCondition -TimeoutSeconds 30 { (& $theirs).Action -contains 'disconnect' } | Should -BeTrue
            Start-Sleep -Milliseconds 500
            (& $theirs | ForEach-Object { "$($_.Action) $($_.ActorName)" }) | Should -Be @('connect ev-n1', 'disconnect ev-n1')
            Remove-Container ev-netr -Force -Confirm:$false
            @(& $theirs).Count | Should -Be 2
        }
        finally {
            Get-Container ev-netc, ev-netr -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
            Remove-ContainerNetwork ev-n1, ev-n2 -Force -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    It 'keeps the journal bounded and parseable' {
        $dir = Join-Path $Root 'events'
        Get-ChildItem $dir | ForEach-Object Name | Sort-Object | Should -BeIn @('events.lock', 'events.log', 'events.log.1')
        foreach ($line in Get-Content (Join-Path $dir 'events.log')) {
            $o = $line | ConvertFrom-Json
            $o.Type | Should -BeIn @('container', 'image', 'volume', 'network')
            $o.scope | Should -Be 'local'
        }
        (Get-Item (Join-Path $dir 'events.log')).Length | Should -BeLessOrEqual 1MB
    }
}
