# Compose projects run on real containers: Start-ContainerProject (docker compose up -d) with a web (busybox httpd)
# + db (healthcheck) + one-shot init job project: dependency conditions, names, labels, network, aliases and DNS,
# converging (no recreate without a change, only the changed service recreated, scale down removes the highest
# replicas), -WhatIf; Get-ContainerProject (ls); Stop-/Restart-ContainerProject; Remove-ContainerProject (down) with
# and without -Volumes.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
    $script:Dir = Join-Path $script:Root 'app'
    $null = New-Item -ItemType Directory $script:Dir
    $script:Port = Get-FreeTcpPort
    $script:P = "app$PID"
    # web serves a page naming $MODE; db turns healthy after a second; init seeds the shared volume and exits 0
    Set-Content -Path (Join-Path $script:Dir 'compose.yaml') -Value @"
services:
  web:
    image: busybox-test:latest
    init: true
    command: ["sh", "-c", "mkdir -p /www && echo hello-`$`$MODE > /www/index.html && exec httpd -f -p 80 -h /www"]
    environment:
      MODE: `${MODE:-prod}
    ports:
      - "127.0.0.1:$($script:Port):80"
    depends_on:
      db:
        condition: service_healthy
      init:
        condition: service_completed_successfully
    networks:
      default:
        aliases: [frontend]
    labels:
      tier: front
  db:
    image: busybox-test:latest
    init: true
    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 300"]
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 30
    volumes:
      - data:/data
  init:
    image: busybox-test:latest
    command: ["sh", "-c", "echo seeded > /data/seed"]
    volumes:
      - data:/data
volumes:
  data: {}
"@
    $script:File = Join-Path $script:Dir 'compose.yaml'
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:ModuleManifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
    # what -WhatIf writes to the host, from a child pwsh on the same store
    function Invoke-WhatIf([string] $Command) {
        $cmd = "`$env:PSCONTAINERS_ROOT = '$($script:Root)'; Import-Module '$($script:ModuleManifest)'; $Command -WhatIf"
        & $script:Pwsh -NoProfile -NonInteractive -Command $cmd 2>&1 | Out-String -Width 400
    }
    function Get-Ids { @(Get-Container -Project $script:P -All | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Id)" }) }
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object Name -ne 'pscontainers' |
        Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'Start-ContainerProject, Get-ContainerProject and Remove-ContainerProject on a web + db + init project' {
    It 'waits for db healthy and the init job''s success, then starts web (up -d -Wait)' {
        $out = Start-ContainerProject -Path $script:File -ProjectName $script:P -Wait -WaitTimeout 60 -PassThru
        @($out).Count | Should -Be 3
        # dependency order: db and init before web
        $out[-1].Name | Should -Be "$($script:P)-web-1"
        $db = Get-Container "$($script:P)-db-1"
        $db.State.Health.Status | Should -Be 'Healthy'
        $init = Get-Container "$($script:P)-init-1" -All
        $init.Status | Should -Be 'Exited'
        $init.ExitCode | Should -Be 0
        $web = Get-Container "$($script:P)-web-1"
        $web.Status | Should -Be 'Running'
        # web started only after db was healthy and init had finished
        $web.State.StartedAt | Should -BeGreaterThan $init.State.FinishedAt
        $web.State.StartedAt | Should -BeGreaterThan $db.State.Health.Log[0].Start
        (Invoke-ContainerExec "$($script:P)-db-1" -- cat /data/seed) | Should -Be 'seeded'
        $page = Wait-ContainerCondition { & busybox wget -q -O - "http://127.0.0.1:$($script:Port)/" 2>$null } -TimeoutSeconds 10
        $page | Should -Be 'hello-prod'
        # Wait-ContainerProject accepts the one-shot init that exited 0 (web waits on it with service_completed_successfully)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $waited = Wait-ContainerProject $script:P -Timeout 30 -ErrorVariable waitErr
        $waitErr | Should -BeNullOrEmpty
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 15
        @($waited).Count | Should -Be 3
        # a project object down the pipeline is -Project, not -Name (docker compose ps); containers still bind to -Name
        (Get-ContainerProject $script:P | Get-Container).Name | Sort-Object | Should -Be @("$($script:P)-db-1", "$($script:P)-web-1")
        (Get-ContainerProject $script:P | Get-Container -All).Count | Should -Be 3
        (Import-ContainerProject -Path $script:File -ProjectName $script:P | Get-Container -Service web).Name | Should -Be "$($script:P)-web-1"
        (Get-Container "$($script:P)-web-1" | Get-Container).Name | Should -Be "$($script:P)-web-1"
    }

    It 'names and labels the containers, the network and the volume as docker compose does' {
        $web = Get-Container "$($script:P)-web-1"
        $hash = (Import-ContainerProject -Path $script:File -ProjectName $script:P).GetService('web').ConfigHash
        $web.Labels['com.docker.compose.project'] | Should -Be $script:P
        $web.Labels['com.docker.compose.service'] | Should -Be 'web'
        $web.Labels['com.docker.compose.container-number'] | Should -Be '1'
        $web.Labels['com.docker.compose.oneoff'] | Should -Be 'False'
        $web.Labels['com.docker.compose.config-hash'] | Should -Be $hash
        $hash | Should -Match '^[0-9a-f]{64}$'
        $web.Labels['com.docker.compose.project.working_dir'] | Should -Be $script:Dir
        $web.Labels['com.docker.compose.project.config_files'] | Should -Be $script:File
        $web.Labels['com.docker.compose.depends_on'] | Should -Be 'db:service_healthy:false,init:service_completed_successfully:false'
        $web.Labels['tier'] | Should -Be 'front'
        $web.Config.Env | Should -Contain 'MODE=prod'
        $web.HostConfig.Init | Should -BeTrue
        $web.Project | Should -Be $script:P
        $web.Number | Should -Be 1
        $net = Get-ContainerNetwork "$($script:P)_default"
        $net.Labels['com.docker.compose.project'] | Should -Be $script:P
        $net.Labels['com.docker.compose.network'] | Should -Be 'default'
        $vol = Get-ContainerVolume "$($script:P)_data"
        $vol.Labels['com.docker.compose.project'] | Should -Be $script:P
        $vol.Labels['com.docker.compose.volume'] | Should -Be 'data'
        @($web.NetworkSettings.Networks.Keys) | Should -Be @("$($script:P)_default")
        $web.NetworkSettings.Networks["$($script:P)_default"].Aliases | Should -Be @('web', 'frontend')
    }

    It 'makes web reachable by its service name and its alias on the project network' {
        $web = Get-Container "$($script:P)-web-1"
        $ip = if (((Invoke-ContainerExec $web.Name -- ip -4 -o addr show) -join "`n") -match 'eth0\s+inet\s+([0-9.]+)/') { $Matches[1] }
        $ip | Should -Match '^\d+\.\d+\.\d+\.\d+$'
        $gw = (Get-ContainerNetwork "$($script:P)_default").Gateway
        foreach ($name in 'web', 'frontend', "$($script:P)-web-1") {
            (Invoke-ContainerExec "$($script:P)-db-1" -- nslookup $name $gw) -join "`n" | Should -Match "Address:\s+$([regex]::Escape($ip))(\s|$)"
        }
        (Invoke-ContainerExec "$($script:P)-db-1" -- wget -q -O - http://frontend/) | Should -Be 'hello-prod'
    }

    It 'lists the project like docker compose ls: running(2/3), the files, within 80 columns' {
        $p = Get-ContainerProject $script:P
        $p.Name | Should -Be $script:P
        $p.Status | Should -Be 'running(2/3)'
        $p.Running | Should -Be 2
        $p.Total | Should -Be 3
        $p.ConfigFiles | Should -Be @($script:File)
        $p.WorkingDirectory | Should -Be $script:Dir
        (Get-ContainerProject "app*").Name | Should -Contain $script:P
        $lines = (Get-ContainerProject $script:P | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^NAME\s+STATUS\s+CONFIG FILES$'
        $lines[2] | Should -Match "^$($script:P)\s+running\(2/3\)\s+/"
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        { Get-ContainerProject "nosuch$PID" -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectNotFound,PsContainers.Commands.GetContainerProjectCommand'
        Get-ContainerProject "nosuch*" | Should -BeNullOrEmpty
    }

    It 'recreates nothing on a second up' {
        $before = Get-Ids
        $out = Start-ContainerProject -Path $script:File -ProjectName $script:P -PassThru -WarningVariable w
        Get-Ids | Should -Be $before
        @($out).Count | Should -Be 3
        $w | Should -BeNullOrEmpty
    }

    It 'prints the plan with -WhatIf and changes nothing' {
        $before = Get-Ids
        $text = Invoke-WhatIf "Start-ContainerProject -Path '$($script:File)' -ProjectName $($script:P) -Environment @{ MODE = 'dev' }"
        Get-Ids | Should -Be $before
        $text | Should -Match "What if: Performing the operation ""Recreate container \(config-hash [0-9a-f]{12} → [0-9a-f]{12} \(the service's configuration changed\)\)"" on target ""$($script:P)-web-1"""
        $text | Should -Not -Match "$($script:P)-db-1"
        $text | Should -Not -Match "$($script:P)-init-1"
        (Get-Container "$($script:P)-web-1").Config.Env | Should -Contain 'MODE=prod'
    }

    It 'recreates only the service whose configuration changed' {
        $before = @{}
        Get-Container -Project $script:P -All | ForEach-Object { $before[$_.Service] = $_.Id }
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Environment @{ MODE = 'dev' } -Wait -WaitTimeout 60
        $after = @{}
        Get-Container -Project $script:P -All | ForEach-Object { $after[$_.Service] = $_.Id }
        $after['db'] | Should -Be $before['db']
        $after['init'] | Should -Be $before['init']
        $after['web'] | Should -Not -Be $before['web']
        @(Get-Container -Project $script:P -All).Count | Should -Be 3
        $web = Get-Container "$($script:P)-web-1"
        $web.Config.Env | Should -Contain 'MODE=dev'
        $page = Wait-ContainerCondition { & busybox wget -q -O - "http://127.0.0.1:$($script:Port)/" 2>$null } -TimeoutSeconds 10
        $page | Should -Be 'hello-dev'
        # -ForceRecreate recreates an unchanged service; -NoRecreate keeps a changed one
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Environment @{ MODE = 'dev' } -Service db -NoDeps -ForceRecreate
        (Get-Container "$($script:P)-db-1").Id | Should -Not -Be $before['db']
        $webId = (Get-Container "$($script:P)-web-1").Id
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -NoRecreate -Service web -NoDeps
        (Get-Container "$($script:P)-web-1").Id | Should -Be $webId
        { Start-ContainerProject -Path $script:File -ProjectName $script:P -NoRecreate -ForceRecreate -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConflictingOptions,PsContainers.Commands.StartContainerProjectCommand'
    }

    It 'removes the containers and the network but keeps the volume without -Volumes (down)' {
        $removed = Remove-ContainerProject $script:P -Confirm:$false -PassThru
        ($removed | Where-Object Kind -eq 'container').Target | Sort-Object | Should -Be (@("$($script:P)-db-1", "$($script:P)-init-1", "$($script:P)-web-1") | Sort-Object)
        # reverse dependency order: web first
        ($removed | Where-Object Kind -eq 'container')[0].Target | Should -Be "$($script:P)-web-1"
        Get-Container -Project $script:P -All | Should -BeNullOrEmpty
        Get-ContainerNetwork "$($script:P)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-ContainerVolume "$($script:P)_data").Name | Should -Be "$($script:P)_data"
        Get-ContainerProject | Where-Object Name -eq $script:P | Should -BeNullOrEmpty
    }

    It 'removes everything, named and anonymous volumes included, with -Volumes' {
        # the kept volume is reused by the next up: init finds its seed there again
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Wait -WaitTimeout 60
        $anon = Invoke-ContainerImage busybox-test:latest -Detach -Init -Name "$($script:P)-extra-1" -Volume /scratch -Label @{
            'com.docker.compose.project' = $script:P; 'com.docker.compose.service' = 'extra'; 'com.docker.compose.container-number' = '1'; 'com.docker.compose.oneoff' = 'False' } -- sleep 300
        $anonVolume = ($anon.Mounts | Where-Object Destination -eq '/scratch').Name
        $anonVolume | Should -Match '^[0-9a-f]{64}$'
        # a host that cannot ask (-NonInteractive; input closed) refuses -Volumes without -Confirm:$false and removes nothing
        $before = Get-Ids
        $script = Join-Path $script:Root 'down-volumes.ps1'
        Set-Content -Path $script -Value @"
`$env:PSCONTAINERS_ROOT = '$($script:Root)'
Import-Module '$($script:ModuleManifest)'
try { Remove-ContainerProject '$($script:P)' -Volumes -Timeout 0 -ErrorAction Stop; 'DOWN-WENT-AHEAD' }
catch { 'ERRORID=' + `$_.FullyQualifiedErrorId; `$_.Exception.Message }
"@
        foreach ($flags in '-NonInteractive', '') {
            $out = & /bin/sh -c "'$($script:Pwsh)' -NoProfile $flags -File '$script' < /dev/null" 2>&1 | Out-String
            $out | Should -Match 'ERRORID=ConfirmationRequired,PsContainers.Commands.RemoveContainerProjectCommand'
            $out | Should -Match 'Nothing was changed\. Use -Confirm:\$false'
            $out | Should -Not -Match 'DOWN-WENT-AHEAD|Object reference'
            Get-Ids | Should -Be $before
            (Get-ContainerVolume "$($script:P)_data").Name | Should -Be "$($script:P)_data"
        }
        $removed = Remove-ContainerProject -Path $script:File -Name $script:P -Volumes -RemoveOrphans -Timeout 1 -Confirm:$false -PassThru
        ($removed | Where-Object Kind -eq 'volume').Target | Should -Be "$($script:P)_data"
        Get-Container -Project $script:P -All | Should -BeNullOrEmpty
        Get-ContainerNetwork "$($script:P)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerVolume "$($script:P)_data" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerVolume $anonVolume -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { Remove-ContainerProject $script:P -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectNotFound,PsContainers.Commands.RemoveContainerProjectCommand'
    }
}

Describe 'Start-ContainerProject: failed dependencies, scale and orphans' {
    BeforeAll {
        $script:Q = "jobs$PID"
        $script:JobFile = Join-Path $script:Dir 'jobs.yaml'
        Set-Content -Path $script:JobFile -Value @'
services:
  job:
    image: busybox-test:latest
    command: ["sh", "-c", "exit ${JOB_EXIT:-0}"]
  app:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    scale: ${APP_SCALE:-1}
    depends_on:
      job:
        condition: service_completed_successfully
        required: ${JOB_REQUIRED:-true}
'@
    }
    AfterAll {
        Remove-ContainerProject $script:Q -Volumes -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'fails with DependencyFailed when a required job exits non-zero, and creates nothing that depends on it' {
        { Start-ContainerProject -Path $script:JobFile -ProjectName $script:Q -Environment @{ JOB_EXIT = '3' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'DependencyFailed,PsContainers.Commands.StartContainerProjectCommand'
        $err = $null
        Start-ContainerProject -Path $script:JobFile -ProjectName $script:Q -Environment @{ JOB_EXIT = '3' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match "'app' waits for 'job' to complete successfully, but container '$($script:Q)-job-1' exited with code 3"
        $err[0].TargetObject | Should -Be 'job'
        Get-Container "$($script:Q)-app-1" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'only warns when the dependency is not required, and starts the service' {
        $null = Start-ContainerProject -Path $script:JobFile -ProjectName $script:Q -Environment @{ JOB_EXIT = '3'; JOB_REQUIRED = 'false' } -WarningVariable w -WarningAction SilentlyContinue
        ($w -join "`n") | Should -Match "exited with code 3.*not required"
        (Get-Container "$($script:Q)-app-1").Status | Should -Be 'Running'
    }

    It 'scales up and down, removing the highest replicas first' {
        $env = @{ JOB_EXIT = '0'; APP_SCALE = '3' }
        $null = Start-ContainerProject -Path $script:JobFile -ProjectName $script:Q -Environment $env
        (Get-Container -Project $script:Q -Service app).Name | Sort-Object | Should -Be @("$($script:Q)-app-1", "$($script:Q)-app-2", "$($script:Q)-app-3")
        (Get-Container "$($script:Q)-app-3").Number | Should -Be 3
        $env.APP_SCALE = '1'
        $plan = Invoke-WhatIf "Start-ContainerProject -Path '$($script:JobFile)' -ProjectName $($script:Q) -Environment @{ JOB_EXIT = '0'; APP_SCALE = '1' }"
        $plan | Should -Match "Remove container \(replica 3 is above the scale 1\)"" on target ""$($script:Q)-app-3"""
        $plan | Should -Match "Remove container \(replica 2 is above the scale 1\)"" on target ""$($script:Q)-app-2"""
        $plan | Should -Not -Match "$($script:Q)-app-1"
        @(Get-Container -Project $script:Q -Service app).Count | Should -Be 3
        $null = Start-ContainerProject -Path $script:JobFile -ProjectName $script:Q -Environment $env
        (Get-Container -Project $script:Q -Service app -All).Name | Should -Be "$($script:Q)-app-1"
    }

    It 'warns about orphans and removes them with -RemoveOrphans' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Init -Name "$($script:Q)-old-1" -Label @{
            'com.docker.compose.project' = $script:Q; 'com.docker.compose.service' = 'old'; 'com.docker.compose.container-number' = '1'; 'com.docker.compose.oneoff' = 'False' } -- sleep 300
        $null = Start-ContainerProject -Path $script:JobFile -ProjectName $script:Q -WarningVariable w -WarningAction SilentlyContinue
        ($w -join "`n") | Should -Match "orphan container '$($script:Q)-old-1'"
        (Get-Container "$($script:Q)-old-1").Status | Should -Be 'Running'
        $null = Start-ContainerProject -Path $script:JobFile -ProjectName $script:Q -RemoveOrphans
        Get-Container "$($script:Q)-old-1" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'stops in reverse dependency order and restarts in dependency order (Stop-, Restart-ContainerProject)' {
        $app = Get-Container "$($script:Q)-app-1"
        $app.Status | Should -Be 'Running'
        $stopped = Stop-ContainerProject $script:Q -Timeout 5 -PassThru
        $stopped.Name | Should -Be @("$($script:Q)-app-1", "$($script:Q)-job-1")
        (Get-Container "$($script:Q)-app-1" -All).Status | Should -Be 'Exited'
        (Get-ContainerProject $script:Q).Status | Should -Be 'exited(2)'
        $restarted = Get-ContainerProject $script:Q | Restart-ContainerProject -PassThru
        $restarted.Name | Should -Be @("$($script:Q)-job-1", "$($script:Q)-app-1")
        $after = Get-Container "$($script:Q)-app-1"
        $after.Status | Should -Be 'Running'
        $after.Id | Should -Be $app.Id
        $after.State.StartedAt | Should -BeGreaterThan $app.State.StartedAt
        (Get-Container "$($script:Q)-job-1" -All).State.StartedAt | Should -BeLessOrEqual $after.State.StartedAt
        $null = Stop-ContainerProject $script:Q -Service app
        (Get-Container "$($script:Q)-app-1" -All).Status | Should -Be 'Exited'
        $line = "Stop-ContainerProject $($script:Q) -Service a"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('app')
        # the file cmdlets complete -Service from the files (of -Path, or found from the location), not from every project in the store
        $line = "Start-ContainerProject -Path '$($script:JobFile)' -Service "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('app', 'job')
        Push-Location $script:Dir
        try {
            $line = 'Invoke-ContainerProject -Service '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('db', 'init', 'web')
        }
        finally { Pop-Location }
        $line = "Stop-ContainerProject -Name nosuch$PID -Service a"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
        { Stop-ContainerProject "nosuch$PID" -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectNotFound,PsContainers.Commands.StopContainerProjectCommand'
        { Restart-ContainerProject $script:Q -Service nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectNotFound,PsContainers.Commands.RestartContainerProjectCommand'
    }
}

Describe 'Restart-ContainerProject -Service and depends_on restart: true' {
    BeforeAll {
        $script:RDir = Join-Path $script:Root 'restartdeps'
        $null = New-Item -ItemType Directory $script:RDir
        $script:RFile = Join-Path $script:RDir 'compose.yaml'
        Set-Content -Path $script:RFile -Value @"
services:
  db:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
  api:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    depends_on:
      db: { condition: service_started, restart: true }
  front:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    depends_on:
      api: { condition: service_started, restart: true }
  worker:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    depends_on:
      db: { condition: service_started, restart: false }
"@
        $script:R = "rdeps$PID"
        $null = Start-ContainerProject -Path $script:RFile -ProjectName $script:R
    }
    AfterAll { Remove-ContainerProject $script:R -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue }

    It 'restarts the services that depend on the restarted one with restart: true, transitively, and no other (docker compose restart db)' {
        $before = @{}
        Get-Container -Project $script:R | ForEach-Object { $before[$_.Service] = $_ }
        $before.Keys | Sort-Object | Should -Be @('api', 'db', 'front', 'worker')
        $restarted = Restart-ContainerProject $script:R -Service db -Timeout 0 -PassThru
        # dependency order: db before api before front
        $restarted.Name | Should -Be @("$($script:R)-db-1", "$($script:R)-api-1", "$($script:R)-front-1")
        foreach ($s in 'db', 'api', 'front') {
            $after = Get-Container "$($script:R)-$s-1"
            $after.Status | Should -Be 'Running'
            $after.Id | Should -Be $before[$s].Id
            $after.State.StartedAt | Should -BeGreaterThan $before[$s].State.StartedAt
        }
        $worker = Get-Container "$($script:R)-worker-1"
        $worker.State.StartedAt | Should -Be $before['worker'].State.StartedAt
        # a service that nothing depends on with restart: true is restarted alone
        $restarted = Restart-ContainerProject $script:R -Service front -Timeout 0 -PassThru
        $restarted.Name | Should -Be "$($script:R)-front-1"
    }
}

Describe 'Stop-, Restart-, Wait-, Remove-ContainerProject without -Name: the project of the current location' {
    It 'finds the project from compose.yaml in the current location, as docker compose stop/restart/wait/down in its directory' {
        $dir = Join-Path $script:Root "here$PID"
        $null = New-Item -ItemType Directory $dir
        $name = "here$PID"
        Set-Content -Path (Join-Path $dir 'compose.yaml') -Value "name: $name`nservices:`n  app:`n    image: busybox-test:latest`n    init: true`n    command: [`"sleep`", `"300`"]"
        Push-Location $dir
        try {
            $null = Start-ContainerProject
            $first = Get-Container "$name-app-1"
            $first.Status | Should -Be 'Running'
            (Stop-ContainerProject -Timeout 0 -PassThru).Name | Should -Be "$name-app-1"
            (Get-Container "$name-app-1" -All).Status | Should -Be 'Exited'
            (Restart-ContainerProject -PassThru).Name | Should -Be "$name-app-1"
            (Wait-ContainerProject -Condition Running -Timeout 30).Name | Should -Be "$name-app-1"
            (Get-Container "$name-app-1").State.StartedAt | Should -BeGreaterThan $first.State.StartedAt
            $removed = Remove-ContainerProject -Timeout 0 -PassThru
            $removed.Target | Should -Contain "$name-app-1"
            Get-Container -Project $name -All | Should -BeNullOrEmpty
        }
        finally {
            Pop-Location
            Remove-ContainerProject $name -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
        }
        # no compose file where it runs: the loader's error, and nothing is touched
        $empty = Join-Path $script:Root "empty$PID"
        $null = New-Item -ItemType Directory $empty
        Push-Location $empty
        try {
            { Stop-ContainerProject -ErrorAction Stop } | Should -Throw -ErrorId 'ComposeFileNotFound,PsContainers.Commands.StopContainerProjectCommand'
            { Remove-ContainerProject -ErrorAction Stop } | Should -Throw -ErrorId 'ComposeFileNotFound,PsContainers.Commands.RemoveContainerProjectCommand'
        }
        finally { Pop-Location }
    }
}
