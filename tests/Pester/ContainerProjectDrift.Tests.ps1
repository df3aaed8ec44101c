# Compose projects against real containers: file-backed secrets and configs mounted read-only where the spec puts
# them; Compare-ContainerProject reports drift (missing, extra, config changed, stopped) and nothing when the project
# is what the files say.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Dir = Join-Path $script:Root 'drift'
    $null = New-Item -ItemType Directory $script:Dir
    Set-Content -Path (Join-Path $script:Dir 'token.txt') -Value 's3cret' -NoNewline
    Set-Content -Path (Join-Path $script:Dir 'app.conf') -Value 'level=debug' -NoNewline
    Set-Content -Path (Join-Path $script:Dir '.env') -Value 'PSC_DRIFT_API_KEY=k-123-from-dotenv'
    $script:File = Join-Path $script:Dir 'compose.yaml'
    Set-Content -Path $script:File -Value @'
services:
  app:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    environment:
      MODE: ${MODE:-prod}
    secrets:
      - token
      - source: token
        target: /etc/token
      - source: apikey
        target: api.key
        uid: "1000"
        gid: "1001"
        mode: 0400
    configs:
      - appconf
      - source: appconf
        target: /etc/app/app.conf
      - source: motd
        target: /etc/motd.d/welcome
  job:
    image: busybox-test:latest
    command: ["true"]
  side:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    depends_on:
      job: { condition: service_completed_successfully }
secrets:
  token: { file: ./token.txt }
  apikey: { environment: PSC_DRIFT_API_KEY }
configs:
  appconf: { file: ./app.conf }
  motd: { content: "hello from inline content" }
'@
    $script:P = "drift$PID"
}

AfterAll {
    Remove-ContainerProject $script:P -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object Name -ne 'pscontainers' |
        Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'secrets and configs from files' {
    It 'mounts them read-only at /run/secrets/NAME, /NAME and the long syntax targets, without a warning' {
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Wait -WaitTimeout 60 -WarningVariable w
        $w | Should -BeNullOrEmpty
        $app = "$($script:P)-app-1"
        Invoke-ContainerExec $app -- cat /run/secrets/token | Should -Be 's3cret'
        Invoke-ContainerExec $app -- cat /etc/token | Should -Be 's3cret'
        Invoke-ContainerExec $app -- cat /appconf | Should -Be 'level=debug'
        Invoke-ContainerExec $app -- cat /etc/app/app.conf | Should -Be 'level=debug'
        $null = Invoke-ContainerExec $app -ErrorAction SilentlyContinue -- sh -c 'echo x > /run/secrets/token' 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        Get-Content (Join-Path $script:Dir 'token.txt') | Should -Be 's3cret'
        $m = (Get-Container $app).Mounts | Where-Object Destination -eq '/run/secrets/token'
        $m.Source | Should -Be (Join-Path $script:Dir 'token.txt')
        $m.ReadOnly | Should -BeTrue
    }
}

Describe 'secrets and configs from the environment and inline content' {
    It 'writes them into the container as files with the given owner and mode, and never shows the value' {
        $app = "$($script:P)-app-1"
        Invoke-ContainerExec $app -- cat /run/secrets/api.key | Should -Be 'k-123-from-dotenv'
        Invoke-ContainerExec $app -- stat -c '%u:%g %a' /run/secrets/api.key | Should -Be '1000:1001 400'
        Invoke-ContainerExec $app -- cat /etc/motd.d/welcome | Should -Be 'hello from inline content'
        Invoke-ContainerExec $app -- stat -c '%u:%g %a' /etc/motd.d/welcome | Should -Be '0:0 444'
        # a file in the container's own layer, not a mount, as docker compose copies them in; no record keeps the value
        (Get-Container $app).Mounts.Destination | Should -Not -Contain '/run/secrets/api.key'
        Get-Container $app | ConvertTo-Json -Depth 8 | Should -Not -Match 'k-123-from-dotenv'
        Import-ContainerProject -Path $script:File -ProjectName $script:P | ConvertTo-Json -Depth 8 | Should -Not -Match 'k-123-from-dotenv'
        $records = Get-ChildItem -File (Join-Path $script:Root 'containers/*/*') -ErrorAction SilentlyContinue
        $records.Name | Should -Contain 'container.json'
        $records | Select-String -SimpleMatch 'k-123-from-dotenv' | Should -BeNullOrEmpty
    }

    It 'refuses to create a service whose secret variable is not set, naming the variable' {
        $dir = Join-Path $script:Root 'unset'
        $null = New-Item -ItemType Directory $dir
        Set-Content -Path (Join-Path $dir 'compose.yaml') -Value @'
services:
  app:
    image: busybox-test:latest
    command: ["true"]
    secrets: [pw]
secrets:
  pw: { environment: PSC_TEST_SURELY_UNSET_VARIABLE }
'@
        $null = Start-ContainerProject -Path (Join-Path $dir 'compose.yaml') -ProjectName "unset$PID" -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -Match '^ComposeSecretNotSet'
        "$err" | Should -Match 'PSC_TEST_SURELY_UNSET_VARIABLE'
        Get-Container -All -Project "unset$PID" | Should -BeNullOrEmpty
        Remove-ContainerProject "unset$PID" -Confirm:$false -ErrorAction SilentlyContinue
    }
}

Describe 'Compare-ContainerProject' {
    It 'reports nothing when the project is what the files say (a completed job is not stopped)' {
        Compare-ContainerProject -Path $script:File -ProjectName $script:P | Should -BeNullOrEmpty
        Import-ContainerProject -Path $script:File -ProjectName $script:P | Compare-ContainerProject | Should -BeNullOrEmpty
    }

    It 'reports a stopped container, a changed configuration, an extra replica, a missing one and an orphan' {
        $null = Stop-ContainerProject $script:P -Service side -Timeout 1
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -Scale @{ app = 2 }
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Init -Name "$($script:P)-old-1" -Label @{
            'com.docker.compose.project' = $script:P; 'com.docker.compose.service' = 'old'; 'com.docker.compose.container-number' = '1'; 'com.docker.compose.oneoff' = 'False' } -- sleep 300
        Remove-Container "$($script:P)-job-1" -Force -Confirm:$false
        $drift = Compare-ContainerProject -Path $script:File -ProjectName $script:P -Environment @{ MODE = 'dev' }
        $by = @{}; $drift | ForEach-Object { $by[$_.Target] = $_ }
        ($drift.Target | Sort-Object) | Should -Be (@('app-1', 'app-2', 'job-1', 'old-1', 'side-1' | ForEach-Object { "$($script:P)-$_" }) | Sort-Object)
        $hash = (Import-ContainerProject -Path $script:File -ProjectName $script:P -Environment @{ MODE = 'dev' }).GetService('app').ConfigHash
        $by["$($script:P)-app-1"].Difference | Should -Be 'ConfigChanged'
        $by["$($script:P)-app-1"].Desired | Should -Be $hash
        $by["$($script:P)-app-1"].Actual | Should -Be (Get-Container "$($script:P)-app-1").Labels['com.docker.compose.config-hash']
        $by["$($script:P)-app-1"].Service | Should -Be 'app'
        $by["$($script:P)-app-2"].Difference | Should -Be 'Extra'
        $by["$($script:P)-app-2"].Actual | Should -Be 'replica 2 is above the scale 1'
        $by["$($script:P)-job-1"].Difference | Should -Be 'Missing'
        $by["$($script:P)-job-1"].Desired | Should -Be 'replica 1 of 1'
        $by["$($script:P)-old-1"].Difference | Should -Be 'Extra'
        $by["$($script:P)-side-1"].Difference | Should -Be 'Stopped'
        $by["$($script:P)-side-1"].Actual | Should -Be 'exited'
        # -Service limits the report and leaves orphans out
        (Compare-ContainerProject -Path $script:File -ProjectName $script:P -Service side).Target | Should -Be "$($script:P)-side-1"
        # reading changed nothing
        (Get-Container "$($script:P)-app-2").Status | Should -Be 'Running'
        (Get-Container "$($script:P)-old-1").Status | Should -Be 'Running'
    }

    It 'reports a missing network and names an unknown service' {
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -RemoveOrphans -Wait -WaitTimeout 60
        Compare-ContainerProject -Path $script:File -ProjectName $script:P | Should -BeNullOrEmpty
        $null = Remove-ContainerProject $script:P -Timeout 0 -Confirm:$false
        $drift = Compare-ContainerProject -Path $script:File -ProjectName $script:P
        ($drift | Where-Object Kind -eq 'network').Target | Should -Be "$($script:P)_default"
        ($drift | Where-Object Kind -eq 'network').Difference | Should -Be 'Missing'
        @($drift | Where-Object { $_.Kind -eq 'container' -and $_.Difference -eq 'Missing' }).Count | Should -Be 3
        { Compare-ContainerProject -Path $script:File -ProjectName $script:P -Service nosuch -ErrorAction Stop } |
            Should -Throw -ErrorId 'ComposeUndefinedReference,PsContainers.Commands.CompareContainerProjectCommand'
    }
}

Describe 'Invoke-ContainerProject (docker compose run)' {
    It 'starts the dependencies, runs a one-off container with the service definition and removes it with -Remove' {
        Get-Container -Project $script:P -All | Should -BeNullOrEmpty
        $out = Invoke-ContainerProject $script:File -ProjectName $script:P -Service side -Remove -- sh -c 'echo one-off $HOSTNAME'
        $LASTEXITCODE | Should -Be 0
        $out | Should -Match '^one-off '
        # its dependency ran to completion; the service itself got no replica; the one-off is gone
        $job = Get-Container "$($script:P)-job-1" -All
        $job.Status | Should -Be 'Exited'
        $job.ExitCode | Should -Be 0
        Get-Container "$($script:P)-side-1" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All | Where-Object Name -like "$($script:P)-side-run-*") | Should -BeNullOrEmpty
    }

    It 'passes the service''s environment and secrets, and the exit code to $LASTEXITCODE' {
        $out = Invoke-ContainerProject $script:File -ProjectName $script:P -Service app -NoDeps -Remove -Environment @{ MODE = 'batch' } -ErrorVariable err -ErrorAction SilentlyContinue -- sh -c 'echo $MODE $(cat /run/secrets/token); exit 3'
        $out | Should -Be 'batch s3cret'
        $LASTEXITCODE | Should -Be 3
        $err[0].FullyQualifiedErrorId | Should -Be 'ContainerExitCode,PsContainers.Commands.InvokeContainerProjectCommand'
    }

    It 'takes every word after -- as the command when no -Path is given (compose.yaml of the current directory)' {
        Push-Location $script:Dir
        try {
            # not -Remove: a removed-on-exit container whose create wrote secrets into it fails to mount (RootfsMountFailed, the base branch's defect)
            $out = Invoke-ContainerProject -ProjectName $script:P -Service app -NoDeps -- sh -c 'echo hi $MODE'
        }
        finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be 'hi prod'
        Get-Container -All | Where-Object Name -like "$($script:P)-app-run-*" | Remove-Container -Force -Confirm:$false
    }

    It 'sets $LASTEXITCODE 125 when the run fails before its container starts (docker compose run)' {
        $global:LASTEXITCODE = 0
        Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service nosuch -ErrorVariable err -ErrorAction SilentlyContinue -- true
        $err[0].FullyQualifiedErrorId | Should -Be 'ComposeUndefinedReference,PsContainers.Commands.InvokeContainerProjectCommand'
        $LASTEXITCODE | Should -Be 125
        $global:LASTEXITCODE = 0
        Invoke-ContainerProject -Path (Join-Path $script:Dir 'missing.yaml') -Service app -ErrorAction SilentlyContinue -- true
        $LASTEXITCODE | Should -Be 125
    }

    It 'takes docker compose run''s -e, -u, -w, --name and --entrypoint; -Interactive -Tty needs a terminal' {
        $out = Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -e MODE=from-e, EXTRA=1 -User 1000:1001 -WorkingDirectory /tmp -Entrypoint sh -- -c 'echo $MODE $EXTRA $(id -u):$(id -g) $(pwd)'
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be 'from-e 1 1000:1001 /tmp'
        # -Environment stays the files' interpolation variables
        $out = Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -Environment @{ MODE = 'interpolated' } -ContainerEnvironment @{ EXTRA = 'table' } -- sh -c 'echo $MODE $EXTRA'
        $out | Should -Be 'interpolated table'
        Get-Container -All | Where-Object Name -like "$($script:P)-app-run-*" | Remove-Container -Force -Confirm:$false
        $named = Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -Detach -ContainerName "$($script:P)-named" -Command sleep, 300
        $named.Name | Should -Be "$($script:P)-named"
        $named.Labels['com.docker.compose.oneoff'] | Should -Be 'True'
        Remove-Container $named.Name -Force -Confirm:$false
        if (-not [Console]::IsInputRedirected -and -not [Console]::IsOutputRedirected) { Set-ItResult -Skipped -Because 'this session has a terminal' }
        { Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -Remove -Interactive -Tty -ErrorAction Stop -- sh } |
            Should -Throw -ErrorId 'TerminalRequired,PsContainers.Commands.InvokeContainerProjectCommand'
        @(Get-Container -All | Where-Object Name -like "$($script:P)-app-run-*") | Should -BeNullOrEmpty
    }

    It 'runs detached as PROJECT-SERVICE-run-HEX, labelled oneoff, left in place by down' {
        $c = Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -Detach -Command sleep, 300
        $c.Name | Should -Match "^$($script:P)-app-run-[0-9a-f]{12}$"
        $c.Labels['com.docker.compose.oneoff'] | Should -Be 'True'
        $c.Labels['com.docker.compose.service'] | Should -Be 'app'
        $c.Labels['com.docker.compose.project'] | Should -Be $script:P
        $c.Labels['com.docker.compose.slug'] | Should -Be ($c.Name -replace '^.*-run-', '')
        $c.Labels.ContainsKey('com.docker.compose.container-number') | Should -BeFalse
        (Get-Container $c.Name).Status | Should -Be 'Running'
        # a one-off is not a replica: no service-name alias, not counted by ls
        $c.NetworkSettings.Networks["$($script:P)_default"].Aliases | Should -BeNullOrEmpty
        (Get-ContainerProject $script:P).Total | Should -Be 1
        # down leaves the one-off, so its network still has an endpoint (docker compose: "network has active endpoints")
        $null = Remove-ContainerProject $script:P -Timeout 0 -Confirm:$false -ErrorVariable downErr -ErrorAction SilentlyContinue
        (Get-Container $c.Name).Status | Should -Be 'Running'
        Get-Container "$($script:P)-app-1" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $downErr[0].FullyQualifiedErrorId | Should -BeLike 'NetworkInUse,*'
        # the error names the container down left; its remedy what removes it, and no -Force (Remove-ContainerProject has none)
        $downErr[0].Exception.Message | Should -Match ([regex]::Escape($c.Name))
        $downErr[0].Exception.Message | Should -Not -CMatch '[A-Z][a-z]+-Container' -Because 'the engine states the fact; the cmdlet layer names cmdlets'
        $downErr[0].ErrorDetails.RecommendedAction | Should -Match 'Remove-Container -Force'
        $downErr[0].ErrorDetails.RecommendedAction | Should -Match 'Disconnect-ContainerNetwork'
        "$($downErr[0].ErrorDetails.RecommendedAction)" | Should -Not -Match 'Use -Force'
        Remove-Container $c.Name -Force -Confirm:$false
        $null = Remove-ContainerProject $script:P -Confirm:$false
        Get-ContainerNetwork "$($script:P)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service nosuch -ErrorAction Stop -- true } |
            Should -Throw -ErrorId 'ComposeUndefinedReference,PsContainers.Commands.InvokeContainerProjectCommand'
    }

    It 'removes finished one-off containers with -RemoveOrphans (docker compose down --remove-orphans); running ones stay' {
        Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -- true
        $LASTEXITCODE | Should -Be 0
        $running = Invoke-ContainerProject -Path $script:File -ProjectName $script:P -Service app -NoDeps -Detach -Command sleep, 300
        $finished = @(Get-Container -All | Where-Object { $_.Name -like "$($script:P)-app-run-*" -and $_.Name -ne $running.Name })
        $finished.Count | Should -Be 1
        $finished[0].Status | Should -Be 'Exited'
        # only one-offs: the project is found (not ProjectNotFound), the finished one goes, the running one stays
        $null = Remove-ContainerProject $script:P -RemoveOrphans -Timeout 0 -Confirm:$false -ErrorVariable downErr -ErrorAction SilentlyContinue
        # the running one-off still uses the project network
        @($downErr).Count | Should -Be 1
        $downErr[0].FullyQualifiedErrorId | Should -BeLike 'NetworkInUse,*'
        $downErr[0].Exception.Message | Should -Match ([regex]::Escape($running.Name))
        Get-Container $finished[0].Name -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-Container $running.Name).Status | Should -Be 'Running'
        $null = Stop-Container $running.Name -Timeout 0
        $removed = Remove-ContainerProject $script:P -RemoveOrphans -Confirm:$false -PassThru
        ($removed | Where-Object Kind -eq 'container').Target | Should -Be $running.Name
        Get-ContainerNetwork "$($script:P)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'external networks and volumes are checked before anything is created' {
    It 'refuses a missing external network or volume at its file:line, also under -WhatIf, creating nothing' {
        $dir = Join-Path $script:Root 'external'
        $null = New-Item -ItemType Directory $dir -Force
        $file = Join-Path $dir 'compose.yaml'
        Set-Content -Path $file -Value @"
services:
  app:
    image: busybox-test:latest
    command: ["sleep", "300"]
    networks: [default, outside]
networks:
  outside:
    external: true
    name: nosuchnet$PID
"@
        $p = "ext$PID"
        foreach ($whatIf in $true, $false) {
            $err = $null
            Start-ContainerProject -Path $file -ProjectName $p -WhatIf:$whatIf -ErrorVariable err -ErrorAction SilentlyContinue
            @($err).Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NetworkNotFound,PsContainers.Commands.StartContainerProjectCommand'
            $err[0].Exception.Message | Should -BeLike "$($file):7: network 'outside' is declared as external, but no network named 'nosuchnet$PID' exists*"
            $err[0].Exception.Message | Should -Not -CMatch '[A-Z][a-z]+-Container'
            $err[0].ErrorDetails.RecommendedAction | Should -Match 'New-ContainerNetwork'
            Get-ContainerNetwork "$($p)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Get-Container -Project $p -All | Should -BeNullOrEmpty
        }
        Set-Content -Path $file -Value @"
services:
  app:
    image: busybox-test:latest
    command: ["sleep", "300"]
    volumes: ["kept:/data"]
volumes:
  kept:
    external: true
    name: nosuchvol$PID
"@
        $err = $null
        Start-ContainerProject -Path $file -ProjectName $p -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'VolumeNotFound,PsContainers.Commands.StartContainerProjectCommand'
        $err[0].Exception.Message | Should -BeLike "$($file):7: volume 'kept' is declared as external*"
        $err[0].Exception.Message | Should -Not -CMatch '[A-Z][a-z]+-Container'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'New-ContainerVolume'
        Get-ContainerNetwork "$($p)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Container -Project $p -All | Should -BeNullOrEmpty
    }
}
