<#
.SYNOPSIS
    Compose up and down (issue 14): Start-ContainerProject of a 5-service project (two dependency levels, one
    healthcheck) until every container runs and the healthcheck passes, then Remove-ContainerProject, against
    podman-compose up -d / down on the same file with podman, in paired runs; the ratios ours/podman-compose are printed
    (target: at most 0.3). With -Interop, the same file is brought up by both once and their container names, labels,
    networks and volumes are compared.
.DESCRIPTION
    The project: db (healthcheck "true" every second) and cache on level 0; web (db service_healthy, cache
    service_started), worker (db service_healthy) and api (cache service_started) on level 1; every service runs
    "sleep" on the project's default network (no init: podman's --init needs catatonit, which Debian's podman does not
    ship), db has a named volume.
    Ours: Start-ContainerProject -Wait (each container running, db healthy) and Remove-ContainerProject -Volumes
    -Timeout 0. podman-compose (Debian 1.0.3) has no --wait and starts the services one after the other with one podman
    process each; its "up" is timed until every container runs (podman inspect polled every 50 ms). podman 4.3.1 runs
    healthchecks from systemd timers, which this host does not have, so podman's health would stay "starting": its
    up is not timed to healthy (that favours podman-compose). Its "down" is podman-compose down -v -t 0.
    Pairs alternate which tool goes first; the machine's load average is printed with the figures.
.EXAMPLE
    dotnet pwsh bench/compose.ps1 -ModulePath out/PsContainers/PsContainers.psd1 -Pairs 5
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Pairs = 5,
    [switch] $Interop
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Images.Helpers.psm1')

$image = 'localhost/pscbench/busybox:latest'
$root = Join-Path ([IO.Path]::GetTempPath()) ('psc-bench-compose-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$dir = Join-Path $root 'benchapp'
New-Item -ItemType Directory $dir -Force | Out-Null
$env:PSCONTAINERS_ROOT = Join-Path $root 'store'
$file = Join-Path $dir 'compose.yaml'
Set-Content -Path $file -Value @"
services:
  db:
    image: $image
    command: ["sleep", "100000"]
    healthcheck:
      test: ["CMD-SHELL", "true"]
      interval: 1s
      timeout: 2s
      retries: 30
    volumes:
      - data:/data
  cache:
    image: $image
    command: ["sleep", "100000"]
  web:
    image: $image
    command: ["sleep", "100000"]
    depends_on:
      db: { condition: service_healthy }
      cache: { condition: service_started }
  worker:
    image: $image
    command: ["sleep", "100000"]
    depends_on:
      db: { condition: service_healthy }
  api:
    image: $image
    command: ["sleep", "100000"]
    depends_on:
      cache: { condition: service_started }
volumes:
  data: {}
"@

function Invoke-Podman([string[]] $Arguments) {
    $out = & podman @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "podman $($Arguments -join ' ') failed: $out" }
    $out
}
function Invoke-PodmanCompose([string] $Project, [string[]] $Arguments) {
    $out = & podman-compose -p $Project -f $file @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "podman-compose $($Arguments -join ' ') failed: $out" }
}
function Wait-PodmanRunning([string] $Project, [int] $Count) {
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while ([DateTime]::UtcNow -lt $deadline) {
        $running = @(& podman ps --filter "label=io.podman.compose.project=$Project" --filter status=running --format '{{.Names}}' 2>$null)
        if ($running.Count -ge $Count) { return }
        Start-Sleep -Milliseconds 50
    }
    throw "podman-compose project $Project did not get $Count running containers."
}
function Measure-Ours([string] $Project) {
    $up = [Diagnostics.Stopwatch]::StartNew()
    $null = Start-ContainerProject -Path $file -ProjectName $Project -Wait -WaitTimeout 120
    $up.Stop()
    $down = [Diagnostics.Stopwatch]::StartNew()
    $null = Remove-ContainerProject $Project -Volumes -Timeout 0 -Confirm:$false
    $down.Stop()
    [pscustomobject]@{ Up = $up.Elapsed.TotalSeconds; Down = $down.Elapsed.TotalSeconds }
}
function Measure-PodmanCompose([string] $Project) {
    $up = [Diagnostics.Stopwatch]::StartNew()
    Invoke-PodmanCompose $Project @('up', '-d')
    Wait-PodmanRunning $Project 5
    $up.Stop()
    $down = [Diagnostics.Stopwatch]::StartNew()
    Invoke-PodmanCompose $Project @('down', '-v', '-t', '0')
    $down.Stop()
    [pscustomobject]@{ Up = $up.Elapsed.TotalSeconds; Down = $down.Elapsed.TotalSeconds }
}
function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count % 2) { $s[($s.Count - 1) / 2] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

try {
    $tar = Join-Path $root 'image.tar'
    $null = New-TestImageArchive -Path $tar -Name $image
    $null = Import-ContainerImage -Path $tar
    $null = Invoke-Podman @('load', '-q', '-i', $tar)

    if ($Interop) {
        $p = "interop$PID"
        $null = Start-ContainerProject -Path $file -ProjectName $p -Wait -WaitTimeout 120
        Invoke-PodmanCompose $p @('up', '-d')
        Wait-PodmanRunning $p 5
        $ours = Get-Container -Project $p | Sort-Object Name
        $theirs = Invoke-Podman @('ps', '-a', '--filter', "label=io.podman.compose.project=$p", '--format', 'json') | ConvertFrom-Json | Sort-Object { $_.Names[0] }
        Write-Host "container names   ours: $(($ours.Name) -join ', ')"
        Write-Host "                  podman-compose: $(($theirs | ForEach-Object { $_.Names[0] }) -join ', ')"
        $ourLabels = $ours[0].Labels.Keys | Where-Object { $_ -like 'com.docker.compose.*' } | Sort-Object
        $theirLabels = $theirs[0].Labels.PSObject.Properties.Name | Where-Object { $_ -like 'com.docker.compose.*' -or $_ -like 'io.podman.compose.*' } | Sort-Object
        Write-Host "labels            ours: $($ourLabels -join ', ')"
        Write-Host "                  podman-compose: $($theirLabels -join ', ')"
        Write-Host "networks          ours: $((Get-ContainerNetwork | Where-Object { $_.Labels['com.docker.compose.project'] -eq $p }).Name -join ', ')"
        Write-Host "                  podman-compose: $((Invoke-Podman @('network', 'ls', '--format', '{{.Name}}')) -match $p -join ', ')"
        Write-Host "volumes           ours: $((Get-ContainerVolume | Where-Object { $_.Labels['com.docker.compose.project'] -eq $p }).Name -join ', ')"
        Write-Host "                  podman-compose: $((Invoke-Podman @('volume', 'ls', '--format', '{{.Name}}')) -match $p -join ', ')"
        $null = Remove-ContainerProject $p -Volumes -Timeout 0 -Confirm:$false
        Invoke-PodmanCompose $p @('down', '-v', '-t', '0')
    }

    # one warm-up of each, not counted
    $null = Measure-Ours "warm$PID"; $null = Measure-PodmanCompose "warm$PID"
    $rows = for ($i = 1; $i -le $Pairs; $i++) {
        $name = "bench$PID$i"
        if ($i % 2) { $o = Measure-Ours $name; $q = Measure-PodmanCompose $name } else { $q = Measure-PodmanCompose $name; $o = Measure-Ours $name }
        [pscustomobject]@{
            Pair = $i; OursUp = [math]::Round($o.Up, 2); PodmanUp = [math]::Round($q.Up, 2); UpRatio = [math]::Round($o.Up / $q.Up, 2)
            OursDown = [math]::Round($o.Down, 2); PodmanDown = [math]::Round($q.Down, 2); DownRatio = [math]::Round($o.Down / $q.Down, 2)
        }
    }
    $rows | Format-Table -AutoSize | Out-String | Write-Host
    $load = ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' '
    Write-Host ("median ratio ours/podman-compose: up {0:N2}, down {1:N2} (target <= 0.3); load average: {2}" -f
        (Get-Median $rows.UpRatio), (Get-Median $rows.DownRatio), $load)
}
finally {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    # only the podman-compose projects this script made (interop<pid>, warm<pid>, bench<pid><n>)
    foreach ($p in @("interop$PID", "warm$PID") + @(1..$Pairs | ForEach-Object { "bench$PID$_" })) {
        & podman ps -a --filter "label=io.podman.compose.project=$p" --format '{{.ID}}' 2>$null | ForEach-Object { & podman rm -f $_ 2>&1 | Out-Null }
    }
    Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object { $_.Labels['com.docker.compose.project'] } |
        Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}
