# Compose recreate semantics on real containers, as docker compose converges: a network_mode service:x container is
# started after x (an implicit dependency) and recreated when x is; anonymous volumes (declared without a name, or by
# the image's VOLUME) keep their data across a recreate; depends_on restart: true restarts the dependent when the
# dependency is recreated; services that profiles leave disabled are not orphans.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Dir = Join-Path $script:Root 'recreate'
    $null = New-Item -ItemType Directory $script:Dir
    $script:File = Join-Path $script:Dir 'compose.yaml'
    # side joins app's namespace and is listed FIRST so that only the implicit dependency orders it after app;
    # worker restarts with db (restart: true); debug is behind a profile
    Set-Content -Path $script:File -Value @'
services:
  side:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    network_mode: "service:app"
  app:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    environment:
      REV: ${REV:-1}
    volumes:
      - /data
  db:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    environment:
      DBREV: ${DBREV:-1}
  worker:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    depends_on:
      db:
        condition: service_started
        restart: true
  debug:
    image: busybox-test:latest
    init: true
    command: ["sleep", "300"]
    profiles: [debug]
'@
    $script:P = "recreate$PID"
    $script:Manifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
    # the plan -WhatIf writes to the host, from a child pwsh on the same store
    function Invoke-WhatIf([string] $Command) {
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "`$env:PSCONTAINERS_ROOT = '$($script:Root)'; Import-Module '$($script:Manifest)'; $Command -WhatIf" 2>&1 |
            Out-String -Width 400
    }
}

AfterAll {
    Remove-ContainerProject $script:P -Volumes -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object Name -ne 'pscontainers' |
        Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'Start-ContainerProject recreates as docker compose does' {
    It 'starts a network_mode service:x container after x, without a depends_on in the file' {
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Profile debug
        $app = Get-Container "$($script:P)-app-1"
        $side = Get-Container "$($script:P)-side-1"
        $side.Status | Should -Be 'Running'
        $side.HostConfig.NetworkContainerId | Should -Be $app.Id
        (Import-ContainerProject -Path $script:File -ProjectName $script:P).GetService('side').DependsOn.Service | Should -Be 'app'
    }

    It 'keeps the anonymous volume''s data when app is recreated, and recreates side into the new namespace' {
        $app = Get-Container "$($script:P)-app-1"
        $side = Get-Container "$($script:P)-side-1"
        Invoke-ContainerExec $app -- sh -c 'echo kept > /data/file'
        $volume = ($app.Mounts | Where-Object Destination -eq '/data').Name
        $volume | Should -Not -BeNullOrEmpty
        $plan = Invoke-WhatIf "Start-ContainerProject -Path '$($script:File)' -ProjectName $($script:P) -Environment @{ REV = '2' }"
        $plan | Should -Match "network_mode service:app, whose container is recreated"
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Environment @{ REV = '2' } -WarningAction SilentlyContinue
        $newApp = Get-Container "$($script:P)-app-1"
        $newApp.Id | Should -Not -Be $app.Id
        ($newApp.Mounts | Where-Object Destination -eq '/data').Name | Should -Be $volume
        Invoke-ContainerExec $newApp -- cat /data/file | Should -Be 'kept'
        $newSide = Get-Container "$($script:P)-side-1"
        $newSide.Id | Should -Not -Be $side.Id
        $newSide.HostConfig.NetworkContainerId | Should -Be $newApp.Id
        # the same interfaces as app: more than loopback
        (Invoke-ContainerExec $newSide -- ip -o link) -join "`n" | Should -Match 'eth0'
        # a second up changes nothing, and the old volume is not duplicated
        $again = Invoke-WhatIf "Start-ContainerProject -Path '$($script:File)' -ProjectName $($script:P) -Environment @{ REV = '2' }"
        $again | Should -Not -Match 'Recreate'
        @(Get-ContainerVolume | Where-Object Name -eq $volume).Count | Should -Be 1
    }

    It 'restarts a depends_on restart: true dependent when its dependency is recreated, and leaves the others' {
        $worker = Get-Container "$($script:P)-worker-1"
        $app = Get-Container "$($script:P)-app-1"
        Start-Sleep -Milliseconds 1100   # StartedAt has second resolution in some views; the record keeps more
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Environment @{ REV = '2'; DBREV = '2' } -WarningAction SilentlyContinue
        $after = Get-Container "$($script:P)-worker-1"
        $after.Id | Should -Be $worker.Id
        $after.State.StartedAt | Should -BeGreaterThan $worker.State.StartedAt
        $after.Status | Should -Be 'Running'
        (Get-Container "$($script:P)-app-1").State.StartedAt | Should -Be $app.State.StartedAt
    }

    It 'does not take a service disabled by profiles for an orphan' {
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Environment @{ REV = '2'; DBREV = '2' } -WarningVariable w -WarningAction SilentlyContinue
        ($w -join "`n") | Should -Not -Match 'orphan'
        $plan = Invoke-WhatIf "Start-ContainerProject -Path '$($script:File)' -ProjectName $($script:P) -Environment @{ REV = '2'; DBREV = '2' } -RemoveOrphans"
        $plan | Should -Not -Match "$($script:P)-debug-1"
        (Get-Container "$($script:P)-debug-1").Status | Should -Be 'Running'
    }

    It 'removes the inherited anonymous volume with the project and -Volumes' {
        $volume = ((Get-Container "$($script:P)-app-1").Mounts | Where-Object Destination -eq '/data').Name
        $null = Remove-ContainerProject $script:P -Volumes -Timeout 0 -Confirm:$false
        Get-ContainerVolume | Where-Object Name -eq $volume | Should -BeNullOrEmpty
    }
}
