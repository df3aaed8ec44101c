BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Invoke-ContainerImage attached' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'writes stdout lines to the pipeline, so Select-Object -Last 1 works' {
        $last = Invoke-ContainerImage $Img sh -c 'echo a; echo b' | Select-Object -Last 1
        $last | Should -Be 'b'
        $LASTEXITCODE | Should -Be 0
    }

    It 'writes stderr lines to the error stream and the exit code to $LASTEXITCODE with a non-terminating error' {
        $errs = $null
        $out = Invoke-ContainerImage $Img sh -c 'echo out; echo problem >&2; exit 7' -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -Be 'out'
        $LASTEXITCODE | Should -Be 7
        $errs.Count | Should -Be 2
        ($errs | Where-Object { $_.FullyQualifiedErrorId -like 'ContainerStandardError*' }).Exception.Message | Should -Be 'problem'
        $exit = $errs | Where-Object { $_.FullyQualifiedErrorId -like 'ContainerExitCode*' }
        $exit.Exception.ExitCode | Should -Be 7
    }

    It 'accepts -- before the container command' {
        Invoke-ContainerImage $Img -Remove -- echo -n -e 'x\ty' | Should -Be "x`ty"
    }

    It 'removes the container on exit with -Remove' {
        $before = @(Get-Container -All).Count
        $null = Invoke-ContainerImage $Img -Remove -Name rm-me /bin/true
        $LASTEXITCODE | Should -Be 0
        Get-Container -Name rm-me -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All).Count | Should -Be $before
    }

    It 'removes a -Remove container''s anonymous volumes with it and keeps named ones, as docker run --rm' {
        $since = Get-Date
        $anonBefore = @(Get-ContainerVolume | Where-Object Anonymous).Count
        $out = Invoke-ContainerImage $Img -Remove -Name rm-vol -Volume /scratch, rm-kept:/kept -- sh -c 'echo x > /scratch/f; echo y > /kept/f; ls /scratch'
        $out | Should -Be 'f'
        Get-Container -Name rm-vol -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-ContainerVolume | Where-Object Anonymous).Count | Should -Be $anonBefore
        Get-Content (Join-Path (Get-ContainerVolume rm-kept).Mountpoint 'f') | Should -Be 'y'
        @(Get-ContainerEvent -Type Volume -Action destroy -Since $since).Count | Should -Be 1
        # detached too: the monitor removes both when the container ends
        $null = Invoke-ContainerImage $Img -Detach -Remove -Name rm-vol-d -Volume /scratch -- sleep 0.3
        Wait-ContainerCondition { -not (Get-Container -Name rm-vol-d -ErrorAction SilentlyContinue) } | Out-Null
        Wait-ContainerCondition { @(Get-ContainerVolume | Where-Object Anonymous).Count -eq $anonBefore } | Should -BeTrue
        # without -Remove, the container's removal keeps them unless -Volumes is given (docker rm vs docker rm -v)
        $null = Invoke-ContainerImage $Img -Name keep-vol -Volume /scratch -- true
        Remove-Container keep-vol -Force
        @(Get-ContainerVolume | Where-Object Anonymous).Count | Should -Be ($anonBefore + 1)
        Get-ContainerVolume | Where-Object { $_.Anonymous -and -not $_.UsedBy } | Remove-ContainerVolume -Force
        Remove-ContainerVolume rm-kept -Force
    }

    It 'passes environment, working directory, user, hostname, labels and entrypoint' {
        $envFile = Join-Path $TestDrive 'env'
        "FROMFILE=yes`n# comment`n" | Set-Content $envFile
        $out = Invoke-ContainerImage $Img -Remove -Environment @{ A = '1' }, 'B=2' -EnvironmentFile $envFile -WorkingDirectory /tmp `
            -User 1000:1000 -Hostname myhost -Entrypoint /bin/sh -- -c 'echo $A$B$FROMFILE; pwd; id -u; hostname'
        $out | Should -Be @('12yes', '/tmp', '1000', 'myhost')
    }

    It 'applies memory, pids and read-only settings' {
        $c = New-Container $Img -Name limits -Memory 64MB -PidsLimit 20 -ReadOnly -Label tier=test sh -c 'touch /x 2>&1; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'
        $c.HostConfig.Memory | Should -Be 64MB
        $c.Labels['tier'] | Should -Be 'test'
        $out = Start-Container limits -Attach -ErrorAction SilentlyContinue
        $out | Should -Contain '67108864'
        $out | Should -Contain '20'
        ($out -join ' ') | Should -Match 'Read-only file system'
        Remove-Container limits -Force
    }

    It 'records OOMKilled and an oom event before die when the memory limit kills a process, as docker' {
        $since = Get-Date
        # the shell holds 64 MiB in a variable under a 16 MiB limit (no swap here): the OOM killer ends it
        $null = New-Container $Img -Name oom -Memory 16MB -- sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived'
        $out = Start-Container oom -Attach -ErrorAction SilentlyContinue
        $out | Should -Not -Contain 'survived'
        $c = Get-Container oom
        $c.State.OOMKilled | Should -BeTrue
        $c.State.ExitCode | Should -Be 137
        ($c | ConvertTo-Json -Depth 6 | ConvertFrom-Json).State.OOMKilled | Should -BeTrue
        @(Get-ContainerEvent oom -Since $since | Where-Object Action -in 'oom', 'die').Action | Should -Be @('oom', 'die')
        # a run that stays inside its limit is not OOMKilled
        $null = New-Container $Img -Name no-oom -Memory 16MB -- true
        Start-Container no-oom -Attach
        (Get-Container no-oom).State.OOMKilled | Should -BeFalse
        Remove-Container oom, no-oom -Force
    }

    It 'takes -Memory as bytes or as a size with a unit, like docker' {
        foreach ($case in @(@('256m', 256MB), @('1g', 1GB), @('512MB', 512MB), @('1.5GiB', 1.5GB), @(1073741824, 1GB), @(64MB, 64MB))) {
            $c = New-Container $Img -Memory $case[0] true
            try { $c.HostConfig.Memory | Should -Be $case[1] -Because "-Memory $($case[0])" }
            finally { Remove-Container $c.Id -Force }
        }
        $before = @(Get-Container -All).Count
        { New-Container $Img -Memory 'lots' true -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PsContainers.Commands.NewContainerCommand'
        { New-Container $Img -Memory '-5m' true -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PsContainers.Commands.NewContainerCommand'
        { New-Container $Img -Memory 0 true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMemory,PsContainers.Commands.NewContainerCommand'
        @(Get-Container -All).Count | Should -Be $before
        $t = [PsContainers.Transformations.ByteSizeTransformationAttribute]::new()
        $t.Transform($null, '2k') | Should -Be 2048
        $t.Transform($null, [psobject] 4096) | Should -Be 4096
        { $t.Transform($null, 1.5) } | Should -Throw '*is not a size*'
    }

    It 'has only a loopback interface with -Network none and the host network with -Network host' {
        $none = Invoke-ContainerImage $Img -Remove -Network none cat /proc/net/dev
        ($none | Select-Object -Skip 2 | ForEach-Object { ($_ -split ':')[0].Trim() }) | Should -Be @('lo')
        # ... and the loopback interface is up
        (Invoke-ContainerImage $Img -Remove ip link show lo) -join ' ' | Should -Match '<LOOPBACK,UP'
        Invoke-ContainerImage $Img -Remove sh -c 'httpd -p 127.0.0.1:8081 -h /etc && wget -qO- http://127.0.0.1:8081/passwd | head -1' | Should -Match '^root:'
        $hostIfs = Invoke-ContainerImage $Img -Remove -Network host cat /proc/net/dev
        @($hostIfs).Count | Should -BeGreaterThan 3
    }

    It 'bind-mounts -Volume host:container[:ro]' {
        $dir = Join-Path $TestDrive 'vol'
        New-Item -ItemType Directory $dir | Out-Null
        'from host' | Set-Content "$dir/in.txt"
        Invoke-ContainerImage $Img -Remove -Volume "${dir}:/data" sh -c 'cat /data/in.txt; echo back > /data/out.txt' | Should -Be 'from host'
        Get-Content "$dir/out.txt" | Should -Be 'back'
        $null = Invoke-ContainerImage $Img -Remove -Volume "${dir}:/data:ro" sh -c 'echo x > /data/ro.txt' -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Not -Be 0
        Test-Path "$dir/ro.txt" | Should -BeFalse
    }

    It 'resolves a relative -Volume host path against the current location, and refuses a bad -Volume before the image is looked up' {
        $dir = Join-Path $TestDrive 'relvol'
        New-Item -ItemType Directory $dir | Out-Null
        'relative' | Set-Content "$dir/in.txt"
        Push-Location $TestDrive
        try {
            (New-Container $Img -Name relvol -Volume './relvol:/data:ro' -- true).Mounts[0].Source | Should -Be $dir
            Remove-Container relvol -Force
            $before = @(Get-Container -All).Count
            # parsed before any pull or store read: InvalidVolume, not ImageNotFound, for an image that is not there
            { New-Container no-such-image:1 -Pull Never -Volume './relvol' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidVolume,PsContainers.Commands.NewContainerCommand'
            { Invoke-ContainerImage no-such-image:1 -Pull Never -Volume 'bad name:/data' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidVolumeName,PsContainers.Commands.InvokeContainerImageCommand'
            $LASTEXITCODE | Should -Be 125
            @(Get-Container -All).Count | Should -Be $before
        }
        finally { Pop-Location }
    }

    It 'fails clearly for an unknown image and creates nothing' {
        $before = @(Get-Container -All).Count
        # -Pull Never: the store only (the default, Missing, would first try to pull it from docker.io)
        { Invoke-ContainerImage no-such-image:1 -Pull Never -ErrorAction Stop } | Should -Throw -ErrorId 'ImageNotFound*'
        @(Get-Container -All).Count | Should -Be $before
        { Invoke-ContainerImage no-such-image:1 -ErrorAction Stop } | Should -Throw
        @(Get-Container -All).Count | Should -Be $before
    }

    It 'refuses -Interactive -Tty without a terminal' {
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$((Get-Module PsContainers).ModuleBase)/PsContainers.psd1'; `$env:PSCONTAINERS_ROOT = '$Root'; try { Invoke-ContainerImage $Img -Interactive -Tty sh -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }" 2>&1 | Out-String
        $out | Should -Match 'TerminalRequired'
    }
}

Describe 'Invoke-ContainerImage -Init' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'runs a small init as PID 1 that starts the command and passes its exit code through' {
        $out = Invoke-ContainerImage $Img -Init -Remove sh -c 'tr "\0" " " < /proc/1/cmdline; echo; echo pid=$$; exit 3' -ErrorAction SilentlyContinue
        $out[0].Trim() | Should -Be '/dev/init -- sh -c tr "\0" " " < /proc/1/cmdline; echo; echo pid=$$; exit 3'
        $out[1] | Should -Not -Be 'pid=1'
        $LASTEXITCODE | Should -Be 3
    }

    It 'forwards Stop-Container''s TERM to the command, which PID 1 would ignore' {
        $c = Invoke-ContainerImage $Img -Init -Detach sleep 120
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $stopped = $c | Stop-Container -Timeout 20 -PassThru
        $sw.Stop()
        $stopped.State.ExitCode | Should -Be 143   # 128 + SIGTERM: the command got the signal
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 15
    }

    It 'reaps orphaned children so no zombie is left' {
        # the background sleep's parent (a subshell) exits at once, so the sleep is reparented to PID 1
        $out = Invoke-ContainerImage $Img -Init -Remove sh -c '(sleep 0.3 &); sleep 1; ps -o stat,comm | grep -c "^Z" || true'
        $out | Should -Be '0'
    }
}

Describe 'Invoke-ContainerImage -Tty without the caller''s terminal' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'gives a detached container a terminal whose output is logged' {
        $c = Invoke-ContainerImage $Img -Detach -Tty sh -c 'tty; [ -t 1 ] && echo stdout-is-a-terminal; exit 4'
        $codes = Wait-Container -InputObject $c
        $codes.ExitCode | Should -Be 4
        $codes.Name | Should -Be $c.Name
        $log = @(Get-ContainerLog -InputObject $c | ForEach-Object Text)
        $log[0] | Should -Match '^/dev/pts/\d+$'
        $log | Should -Contain 'stdout-is-a-terminal'
    }

    It 'runs attached with a terminal but without -Interactive, output down the pipeline' {
        $out = @(Invoke-ContainerImage $Img -Remove -Tty sh -c '[ -t 0 ] && [ -t 1 ] && echo both-terminals')
        $out | Should -Be @('both-terminals')
        $LASTEXITCODE | Should -Be 0
    }
}

Describe 'Names' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'fails a second -Name with ResourceExists and creates nothing' {
        $null = New-Container $Img -Name dup sleep 1
        $before = @(Get-Container -All).Count
        $err = $null
        New-Container $Img -Name dup sleep 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNameInUse*'
        @(Get-Container -All).Count | Should -Be $before
        Remove-Container dup -Force
    }

    It 'renames, and frees the old name' {
        $c = New-Container $Img -Name old-name true
        Rename-Container old-name new-name
        (Get-Container new-name).Id | Should -Be $c.Id
        Get-Container old-name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $c2 = New-Container $Img -Name old-name true
        $c2.Id | Should -Not -Be $c.Id
        { Rename-Container new-name old-name -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNameInUse*'
        Remove-Container new-name, old-name -Force
    }

    It 'writes a non-terminating ObjectNotFound error for a missing name and nothing for an unmatched wildcard' {
        $err = $null
        Get-Container no-such-ctr -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err = $null
        Get-Container 'zz-nothing*' -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'completes container names' {
        $null = New-Container $Img -Name complete-me true
        $r = TabExpansion2 -inputScript 'Get-Container complete-' -cursorColumn 23
        $r.CompletionMatches.CompletionText | Should -Contain 'complete-me'
        Remove-Container complete-me -Force
    }
}

Describe 'Lifecycle with <Runtime>' -ForEach @(
    @{ Runtime = 'the default runtime'; Path = $null }
    @{ Runtime = 'runc'; Path = '/usr/sbin/runc' }
) {
    BeforeAll {
        if ($Path) { Set-ContainerConfiguration -Runtime $Path -Confirm:$false }
    }
    AfterAll {
        Get-Container -All | Remove-Container -Force
        if ($Path) { Set-ContainerConfiguration -DefaultRuntime -Confirm:$false }
    }

    It 'creates, starts, waits and records the exit code and times' {
        $c = New-Container $Img -Name life sh -c 'sleep 0.3; exit 3'
        $c.Status | Should -Be 'Created'
        $c.Id | Should -Match '^[0-9a-f]{64}$'
        if ($Path) { $c.Runtime | Should -Be $Path }
        Start-Container life -PassThru | ForEach-Object Status | Should -Be 'Running'
        (Wait-Container life).ExitCode | Should -Be 3
        $c = Get-Container life
        $c.Status | Should -Be 'Exited'
        $c.ExitCode | Should -Be 3
        $c.State.FinishedAt | Should -BeGreaterThan $c.State.StartedAt
        $c.StatusText | Should -Match '^Exited \(3\)'
        Get-Content "$Root/containers/$($c.Id)/container.json" -Raw | ConvertFrom-Json | ForEach-Object { $_.Id; $_.Name; $_.ImageId } |
            Should -Be @($c.Id, 'life', $c.ImageId)
    }

    It 'restarts a stopped container' {
        Start-Container life
        (Wait-Container life).ExitCode | Should -Be 3
        (Get-Container life).ExitCode | Should -Be 3
    }

    It 'runs detached and lists running containers by default' {
        $c = Invoke-ContainerImage $Img -Detach -Name web sleep 300
        $c.Status | Should -Be 'Running'
        $c.Pid | Should -BeGreaterThan 0
        (Get-Container).Name | Should -Contain 'web'
        (Get-Container).Name | Should -Not -Contain 'life'
        (Get-Container -All).Name | Should -Contain 'life'
        (Get-Container -Status Exited).Name | Should -Be @('life')
        $c.StatusText | Should -Match '^Up '
        (Get-Container web | ConvertTo-Json -Depth 5 | ConvertFrom-Json).State.Pid | Should -Be $c.Pid
    }

    It 'pauses and resumes' {
        Suspend-Container web
        (Get-Container web).Status | Should -Be 'Paused'
        (Get-Container web).StatusText | Should -Match 'Paused'
        Resume-Container web -PassThru | ForEach-Object Status | Should -Be 'Running'
    }

    It 'restarts a running container' {
        $before = (Get-Container web).State.StartedAt
        Restart-Container web -Timeout 1
        $after = Get-Container web
        $after.Status | Should -Be 'Running'
        $after.State.StartedAt | Should -BeGreaterThan $before
    }

    It 'stops with the signal, then KILL after the timeout' {
        $null = Invoke-ContainerImage $Img -Detach -Name stubborn sh -c 'trap "" TERM; while true; do sleep 0.1; done'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Stop-Container stubborn -Timeout 1
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 8
        $s = Get-Container stubborn
        $s.Status | Should -Be 'Exited'
        $s.ExitCode | Should -Be 137
        Get-ProcessesOfContainer $s.Id | Should -BeNullOrEmpty
    }

    It 'sends signals (Kill-Container)' {
        $null = Invoke-ContainerImage $Img -Detach -Name sig sh -c 'trap "exit 42" USR1; while true; do sleep 0.1; done'
        Start-Sleep -Milliseconds 200
        Send-ContainerSignal sig -Signal USR1
        (Wait-Container sig).ExitCode | Should -Be 42
        $null = Start-Container sig
        Kill-Container sig
        (Get-Container sig).ExitCode | Should -Be 137
    }

    It 'takes a signal number or a real-time name, and refuses a bad signal before touching the container' {
        $null = Invoke-ContainerImage $Img -Detach -Name sig2 sh -c 'trap "exit 43" USR2; trap "exit 44" 36; while true; do sleep 0.1; done'
        Start-Sleep -Milliseconds 200
        { Send-ContainerSignal sig2 -Signal SIGNOPE } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PsContainers.Commands.SendContainerSignalCommand'
        { Stop-Container sig2 -Signal 65 } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PsContainers.Commands.StopContainerCommand'
        (Get-Container sig2).Status | Should -Be 'Running'
        Send-ContainerSignal sig2 -Signal 12
        (Wait-Container sig2).ExitCode | Should -Be 43
        $null = Start-Container sig2
        Start-Sleep -Milliseconds 200
        Send-ContainerSignal sig2 -Signal RTMIN+2
        (Wait-Container sig2).ExitCode | Should -Be 44
        Remove-Container sig2 -Confirm:$false
    }

    It 'refuses an attached start of a running container (the state machine''s ContainerRunning) and leaves it running' {
        $err = $null
        $out = Start-Container web -Attach -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerRunning,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception | Should -BeOfType ([PsContainers.Core.Containers.InvalidStateException])
        $err[0].Exception.Message | Should -Be "Container 'web' is already running."
        $err[0].TargetObject | Should -Be 'web'
        (Get-Container web).Status | Should -Be 'Running'
    }

    It 'refuses to remove a running container without -Force' {
        $err = $null
        Remove-Container web -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerRunning,*'
        # the engine states the fact; the cmdlet layer says what to do, in PowerShell words
        $err[0].Exception.Message | Should -Be "Container 'web' is running."
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Stop-Container'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-Force to stop and remove'
        (Get-Container web).Status | Should -Be 'Running'
        Remove-Container web -Force
        Get-Container web -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'leaves no mounts, monitors or runtime state behind' {
        Get-Container -All | Remove-Container -Force
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape("$Root/containers") | Should -BeNullOrEmpty
        Get-ChildItem "$Root/containers" -Directory | Where-Object Name -Match '^[0-9a-f]{64}$' | Should -BeNullOrEmpty
        # no container's runtime state is left; the runtime's content-addressed cache of compiled seccomp programs
        # (@seccomp-cache, a name no container id can take) stays by design and holds nothing else
        Get-ChildItem "$Root/runtime" -Directory -ErrorAction SilentlyContinue | Where-Object Name -ne '@seccomp-cache' | Should -BeNullOrEmpty
        Get-ChildItem "$Root/runtime/@seccomp-cache" -Force -ErrorAction SilentlyContinue | Where-Object Name -notmatch '^[0-9a-f]{64}\.bpf$' | Should -BeNullOrEmpty
    }
}

Describe 'The docker ps view' {
    It 'shows the published ports of a running container in full in the PORTS column, and none before it runs (docker ps)' {
        $port = Get-Random -Minimum 40000 -Maximum 45000
        $c = New-Container $Img -Name psview -Publish "$($port):80" sleep 30
        try {
            $lines = (($c | Format-Table | Out-String -Width 200) -replace '\e\[[0-9;]*m') -split "`r?`n" | Where-Object { $_ -match '\S' }
            $lines[0] | Should -Match '^CONTAINER ID\s+NAMES\s+IMAGE\s+STATUS\s+PORTS\s+CREATED\s+COMMAND$'
            $lines[2] | Should -Match '^[0-9a-f]{12} psview\s+\S+\s+Created\s+\d+s ago\s+"sleep 30"$' -Because 'a created container publishes nothing yet'
            $c.Ports | Should -Be "0.0.0.0:$($port)->80/tcp"
            Start-Container psview
            $lines = ((Get-Container psview | Format-Table | Out-String -Width 200) -replace '\e\[[0-9;]*m') -split "`r?`n" | Where-Object { $_ -match '\S' }
            $lines[2] | Should -Match ('^[0-9a-f]{12} psview\s+\S+\s+Up \d+s\s+' + [regex]::Escape("0.0.0.0:$($port)->80/tcp ") + '\s*\d+s ago\s+"sleep 30"$')
        } finally { Remove-Container psview -Force }
    }

    It 'shows the host port a start chose for -Publish 80 while the container runs, as docker ps does' {
        $null = Invoke-ContainerImage $Img -Detach -Name psview-any -Publish 80 -- sleep 30
        try {
            $c = Get-Container psview-any
            $c.Ports | Should -Match '^0\.0\.0\.0:\d+->80/tcp$'
            $chosen = [int]$c.NetworkSettings.Ports['80/tcp'][0].HostPort
            $chosen | Should -BeGreaterThan 0
            $c.Ports | Should -Be "0.0.0.0:$chosen->80/tcp"
            ($c | Out-String -Width 120) | Should -Match ([regex]::Escape("0.0.0.0:$chosen->80/tcp"))
        } finally { Remove-Container psview-any -Force }
    }
}

Describe 'The documented pipelines' {
    BeforeAll {
        $null = Invoke-ContainerImage $Img -Detach -Name a sleep 300
        $null = Invoke-ContainerImage $Img -Detach -Name b sleep 300
        $null = Invoke-ContainerImage $Img -Name done1 true
        $null = Invoke-ContainerImage $Img -Detach -Name web sh -c 'for i in 1 2 3 4 5 6 7 8; do echo line$i; done; sleep 300'
    }
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'Get-Container | Stop-Container -WhatIf changes nothing' {
        $before = Get-Container | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Status)" }
        Get-Container | Stop-Container -WhatIf
        Get-Container | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Status)" } | Should -Be $before
        Remove-Container a -Force -WhatIf
        (Get-Container a).Status | Should -Be 'Running'
    }

    It "'a','b' | Stop-Container" {
        'a', 'b' | Stop-Container -Timeout 1
        (Get-Container a, b).Status | Should -Be @('Exited', 'Exited')
    }

    It '$c | Get-Container reads the container again by its Id, in any state; one removed since is ObjectNotFound' {
        $old = Get-Container a
        $fresh = $old | Get-Container
        $fresh.Id | Should -Be $old.Id
        $fresh.Status | Should -Be 'Exited' -Because 'the piped object is read again (it was stopped since), without -All'
        $tmp = New-Container $Img -Name gone-soon -- true
        Remove-Container gone-soon
        $again = New-Container $Img -Name gone-soon -- true
        $tmp | Get-Container -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty -Because 'the Id, not the name, is looked up'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        ($again | Get-Container).Id | Should -Be $again.Id
        Remove-Container gone-soon
    }

    It 'Get-Container -Name web | Get-ContainerLog -Tail 5' {
        Wait-ContainerCondition { @(Get-ContainerLog web).Count -ge 8 } | Should -BeTrue
        $tail = Get-Container -Name web | Get-ContainerLog -Tail 5
        $tail.Text | Should -Be @('line4', 'line5', 'line6', 'line7', 'line8')
        ($tail | Out-String).Trim() -split "`r?`n" | Should -Be @('line4', 'line5', 'line6', 'line7', 'line8')
    }

    It 'Get-Container -All | Where-Object Status -eq Exited | Remove-Container' {
        Get-Container -All | Where-Object Status -eq Exited | Remove-Container -Confirm:$false
        (Get-Container -All).Name | Sort-Object | Should -Be @('web')
    }
}

Describe 'Logs' {
    BeforeAll {
        $script:L = Invoke-ContainerImage $Img -Name logs -Detach sh -c 'echo one; echo two >&2; sleep 1.2; echo three; sleep 0.3'
        Wait-Container logs | Out-Null
    }
    AfterAll { Remove-Container logs -Force }

    It 'writes docker json-file records' {
        $lines = Get-Content "$Root/containers/$($L.Id)/json.log"
        $lines.Count | Should -Be 3
        $r = $lines[1] | ConvertFrom-Json
        $r.log | Should -Be "two`n"
        $r.stream | Should -Be 'stderr'
        $lines[0] | Should -Match '"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z"'
    }

    It 'returns entries with time, stream, text and container' {
        $e = Get-ContainerLog logs
        $e.Text | Should -Be @('one', 'two', 'three')
        $e.Stream | Should -Be @('stdout', 'stderr', 'stdout')
        $e[0].ContainerName | Should -Be 'logs'
        $e[0].ToString() | Should -Be 'one'
    }

    It 'filters by -Since and -Until, and prints -Timestamps' {
        $all = Get-ContainerLog logs
        (Get-ContainerLog logs -Since $all[2].Time).Text | Should -Be @('three')
        (Get-ContainerLog logs -Until $all[1].Time).Text | Should -Be @('one', 'two')
        (Get-ContainerLog logs -Since ([TimeSpan]::FromHours(1))).Count | Should -Be 3
        (Get-ContainerLog logs -Since '1h').Count | Should -Be 3
        (Get-ContainerLog logs -Tail 1 -Timestamps).ToString() | Should -Match '^\d{4}-\d\d-\d\dT[\d:.]+Z three$'
    }

    It 'follows until the container exits' {
        $null = Invoke-ContainerImage $Img -Name follow -Detach sh -c 'for i in 1 2 3; do echo f$i; sleep 0.2; done'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        (Get-ContainerLog follow -Follow).Text | Should -Be @('f1', 'f2', 'f3')
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
        Remove-Container follow -Force
    }
}

Describe 'Exec, top, stats, copy, export' {
    BeforeAll {
        $null = Invoke-ContainerImage $Img -Detach -Name box -Memory 128MB sh -c 'mkdir -p /srv; echo inside > /srv/file; ln -s / /srv/root-link; ln -s /etc/passwd /srv/passwd-link; sleep 300'
        Wait-ContainerCondition { (Invoke-ContainerExec box cat /srv/file -ErrorAction SilentlyContinue) -eq 'inside' } | Should -BeTrue
    }
    AfterAll { Remove-Container box -Force }

    It 'execs with output, exit code, environment, user and working directory' {
        Invoke-ContainerExec box -Environment @{ X = 'y' } -WorkingDirectory /srv -User 1000 sh -c 'echo $X; pwd; id -u' | Should -Be @('y', '/srv', '1000')
        $null = Exec-Container box sh -c 'exit 4' -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Be 4
    }

    It 'execs detached' {
        Invoke-ContainerExec box -Detach sh -c 'echo detached > /srv/d'
        Wait-ContainerCondition { (Invoke-ContainerExec box cat /srv/d -ErrorAction SilentlyContinue) -eq 'detached' } | Should -BeTrue
    }

    It 'lists the processes (top)' {
        Invoke-ContainerExec box -Detach sleep 123
        $p = Wait-ContainerCondition { $x = Get-ContainerProcess box; if ($x.Command -contains 'sleep 123') { $x } }
        $p.Command | Should -Contain 'sleep 300'
        $p.Command | Should -Contain 'sleep 123'
        ($p | Where-Object ContainerPid -eq 1).Command | Should -Be 'sleep 300'
        ($p | Where-Object Command -eq 'sleep 123').User | Should -Be 'root'
    }

    It 'samples statistics' {
        $s = Get-ContainerStatistic box
        $s.MemoryLimit | Should -Be 128MB
        $s.MemoryUsage | Should -BeGreaterThan 0
        $s.Pids | Should -BeGreaterOrEqual 2
        $s.CpuPercent | Should -BeGreaterOrEqual 0
        $stream = Get-ContainerStatistic box -Stream -Interval 0.1 | Select-Object -First 3
        @($stream).Count | Should -Be 3
    }

    It 'gives the host''s memory as the limit of a container without one, as docker stats does' {
        $null = Invoke-ContainerImage $Img -Detach -Name box-nolimit -- sleep 300
        try {
            $s = Get-ContainerStatistic box-nolimit
            $total = (Get-ContainerSystemInfo).MemoryTotal
            $total | Should -BeGreaterThan 0
            $s.MemoryLimit | Should -Be $total
            $s.MemoryPercent | Should -Be ([math]::Round($s.MemoryUsage * 100.0 / $total, 2))
        }
        finally { Remove-Container box-nolimit -Force }
    }

    It 'copies out and in' {
        Copy-ContainerItem box:/srv/file $TestDrive
        Get-Content "$TestDrive/file" | Should -Be 'inside'
        'to box' | Set-Content "$TestDrive/up.txt"
        Copy-ContainerItem "$TestDrive/up.txt" box:/srv/
        Invoke-ContainerExec box cat /srv/up.txt | Should -Be 'to box'
    }

    It 'resolves symlinks inside the container, never on the host' {
        # /srv/root-link -> / : writing through it must land in the container's root, not the host's
        $marker = "psc-escape-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        "x" | Set-Content "$TestDrive/$marker"
        Copy-ContainerItem "$TestDrive/$marker" "box:/srv/root-link/tmp/"
        Test-Path "/tmp/$marker" | Should -BeFalse
        Invoke-ContainerExec box cat "/tmp/$marker" | Should -Be 'x'
        # /srv/passwd-link -> /etc/passwd : reading gives the container's file
        Copy-ContainerItem box:/srv/passwd-link "$TestDrive/pw"
        Get-Content "$TestDrive/pw" | Should -Be (Invoke-ContainerExec box cat /etc/passwd)
    }

    It 'exports the filesystem as a tar' {
        $tar = Join-Path $TestDrive 'box.tar'
        $f = Export-Container box $tar
        $f.Length | Should -BeGreaterThan 100KB
        $names = & tar -tf $tar
        $names | Should -Contain 'bin/busybox'
        $names | Should -Contain 'srv/file'
    }
}

Describe 'Status after faults' {
    It 'shows a container whose monitor was killed as exited, and a stop kills what was left' {
        $c = Invoke-ContainerImage $Img -Detach -Name orphan sleep 300
        $mon = $c.State.MonitorPid
        $mon | Should -BeGreaterThan 0
        & kill -9 $mon
        $s = Wait-ContainerCondition { $x = Get-Container orphan; if ($x.Status -eq 'Exited') { $x } }
        $s.Status | Should -Be 'Exited'
        # reading repairs nothing (Containers.Reads.Tests.ps1 pins every read); a changing command does
        Stop-Container orphan
        Wait-ContainerCondition { -not (Get-ProcessesOfContainer $c.Id) } | Should -BeTrue
        (Get-Content /proc/self/mountinfo) -match $c.Id | Should -BeNullOrEmpty
        Remove-Container orphan -Confirm:$false
    }

    It 'records 137 when the container process is killed' {
        $c = Invoke-ContainerImage $Img -Detach -Name victim sleep 300
        & kill -9 $c.Pid
        (Wait-Container victim).ExitCode | Should -Be 137
        # the monitor reaped it: no zombie is left
        Start-Sleep -Milliseconds 200
        Test-Path "/proc/$($c.Pid)" | Should -BeFalse
        Remove-Container victim -Confirm:$false
    }

    It 'applies the restart policy on-failure:N' {
        $null = Invoke-ContainerImage $Img -Detach -Name flaky -Restart on-failure:2 sh -c 'exit 1'
        $s = Wait-ContainerCondition { $x = Get-Container flaky; if ($x.Status -eq 'Exited' -and $x.RestartCount -eq 2) { $x } } -TimeoutSeconds 15
        $s.RestartCount | Should -Be 2
        $s.ExitCode | Should -Be 1
        Remove-Container flaky -Confirm:$false
    }

    It 'restarts an always container after its process dies, but not after Stop-Container' {
        $c = Invoke-ContainerImage $Img -Detach -Name phoenix -Restart always sleep 300
        & kill -9 $c.Pid
        $s = Wait-ContainerCondition { $x = Get-Container phoenix; if ($x.Status -eq 'Running' -and $x.RestartCount -eq 1) { $x } } -TimeoutSeconds 10
        $s.Pid | Should -Not -Be $c.Pid
        Stop-Container phoenix -Timeout 1
        Start-Sleep -Milliseconds 500
        (Get-Container phoenix).Status | Should -Be 'Exited'
        Remove-Container phoenix -Confirm:$false
    }
}

Describe 'Extension points' {
    It 'runs the exit command after the container exits, with its id' {
        $dir = Join-Path $TestDrive 'exitcmd'
        New-Item -ItemType Directory $dir | Out-Null
        $script = Join-Path $dir 'on-exit.sh'
        "#!/bin/sh`necho `"`$1`" > `"$dir/ran-`$1`"`n" | Set-Content $script
        & chmod +x $script
        $env:PSCONTAINERS_EXIT_COMMAND = $script
        try {
            $c = Invoke-ContainerImage $Img -Detach -Name exiting true
            (Wait-Container exiting).ExitCode | Should -Be 0
            Wait-ContainerCondition { Test-Path "$dir/ran-$($c.Id)" } | Should -BeTrue
            Get-Content "$dir/ran-$($c.Id)" | Should -Be $c.Id
        } finally {
            Remove-Item Env:PSCONTAINERS_EXIT_COMMAND
            Remove-Container exiting -Force
        }
    }
}

Describe 'Wait-Container -Timeout' {
    AfterAll { Get-Container -All | Where-Object Name -like 'waitto-*' | Remove-Container -Force }

    It 'takes seconds (int or double), a TimeSpan or a duration, as the other cmdlets'' timeouts take seconds' {
        $null = New-Container $Img -Name waitto-1 sleep 30
        Start-Container waitto-1
        foreach ($t in @(1, 1.5, [timespan]::FromSeconds(1), '1s', '1.5')) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            { Wait-Container waitto-1 -Timeout $t -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimedOut,PsContainers.Commands.WaitContainerCommand' -Because "-Timeout $t"
            $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9 -Because "-Timeout $t waits about its time"
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because "-Timeout $t does not wait for the exit"
        }
        { Wait-Container waitto-1 -Timeout -2 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PsContainers.Commands.WaitContainerCommand'
        { Wait-Container waitto-1 -Timeout 'soon' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PsContainers.Commands.WaitContainerCommand'
        # a container that ends in time gives its exit code
        $null = New-Container $Img -Name waitto-2 sh -c 'exit 4'
        Start-Container waitto-2
        (Wait-Container waitto-2 -Timeout 20).ExitCode | Should -Be 4
    }
}
