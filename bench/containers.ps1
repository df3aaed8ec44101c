<#
.SYNOPSIS
    Container benchmarks: run-to-exit of /bin/true in one warm pwsh against podman and runc on the same
    image, Get-Container -All with 100 and 1000 containers against podman ps -a with 100, and the
    monitor's memory against conmon's.
.EXAMPLE
    dotnet pwsh bench/containers.ps1 -ModulePath out/PsContainers/PsContainers.psd1 -Runs 30
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Runs = 30,
    [switch] $SkipPodman,
    [switch] $SkipLarge
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Images.Helpers.psm1')

function Get-Median([double[]] $v) {
    $s = $v | Sort-Object
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}
function Measure-Ms([scriptblock] $Block, [int] $N, [int] $Warmup = 2) {
    for ($i = 0; $i -lt $Warmup; $i++) { $null = & $Block }
    $t = for ($i = 0; $i -lt $N; $i++) {
        $sw = [Diagnostics.Stopwatch]::StartNew(); $null = & $Block; $sw.Elapsed.TotalMilliseconds
    }
    [pscustomobject]@{ Median = [math]::Round((Get-Median $t), 1); Min = [math]::Round(($t | Measure-Object -Minimum).Minimum, 1); Max = [math]::Round(($t | Measure-Object -Maximum).Maximum, 1); Runs = $N }
}
function Get-Rss([int] $ProcessId) {
    $st = Get-Content "/proc/$ProcessId/status"
    $kb = { param($k) [int](($st | Where-Object { $_ -like "${k}:*" }) -replace '\D', '') }
    [pscustomobject]@{ RssKB = & $kb 'VmRSS'; AnonKB = & $kb 'RssAnon'; Threads = & $kb 'Threads' }
}

$results = [ordered]@{}
$root = Join-Path ([IO.Path]::GetTempPath()) ('psc-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $root | Out-Null
$env:PSCONTAINERS_ROOT = $root
$tar = Join-Path $root 'image.tar'
$podmanImage = 'localhost/pscbench/busybox:latest'
$havePodman = -not $SkipPodman -and (Test-Path /usr/bin/podman)
try {
    $null = New-TestImageArchive -Path $tar -Name 'pscbench/busybox:latest'
    $null = Import-ContainerImage -Path $tar
    Write-Host "runtime: $((Get-ContainerConfiguration).Runtime)"

    # ---- 1. run-to-exit of /bin/true
    $ours = Measure-Ms -N $Runs -Block { Invoke-ContainerImage pscbench/busybox -Network none -Remove /bin/true }
    $results['run /bin/true: PsContainers (warm pwsh, attached, -Remove, -Network none)'] = $ours
    $det = Measure-Ms -N $Runs -Block { $c = Invoke-ContainerImage pscbench/busybox -Network none -Detach /bin/true; $null = Wait-Container -InputObject $c; Remove-Container -InputObject $c -Confirm:$false }
    $results['run /bin/true: PsContainers (detach, wait, remove)'] = $det

    # runc run on a prepared bundle of the same image
    $bundle = Join-Path $root 'bundle'
    New-Item -ItemType Directory "$bundle/rootfs" | Out-Null
    $c = New-Container pscbench/busybox -Name export /bin/true
    Export-Container export "$root/rootfs.tar" | Out-Null
    Remove-Container export -Confirm:$false
    & tar -xf "$root/rootfs.tar" -C "$bundle/rootfs"
    Push-Location $bundle; & runc spec; Pop-Location
    $spec = Get-Content "$bundle/config.json" -Raw | ConvertFrom-Json
    $spec.process.terminal = $false; $spec.process.args = @('/bin/true')
    $spec | ConvertTo-Json -Depth 20 | Set-Content "$bundle/config.json"
    $i = 0
    $results['run /bin/true: runc run (prepared bundle)'] = Measure-Ms -N $Runs -Block {
        $script:i++
        & runc --root "$root/runc-state" run --bundle $bundle "pscbench-$PID-$($script:i)" | Out-Null
        if ($LASTEXITCODE) { throw 'runc run failed' }
    }
    # the same runc with the config.json PsContainers generates (default seccomp profile, masked paths ...)
    $sc = Invoke-ContainerImage pscbench/busybox -Network none -Detach -Name seccomp-config sleep 300
    $gen = Get-Content "$root/containers/$($sc.Id)/config.json" -Raw | ConvertFrom-Json -Depth 64
    $gen.process.args = @('/bin/true'); $gen.root.path = "$bundle/rootfs"; $gen.linux.cgroupsPath = "/pscbench-$PID"
    # what belongs to that one container goes: its network namespace path, its /etc files and its release hooks
    foreach ($ns in $gen.linux.namespaces) { if ($ns.PSObject.Properties['path']) { $ns.PSObject.Properties.Remove('path') } }
    $gen.mounts = @($gen.mounts | Where-Object { -not ($_.PSObject.Properties['source'] -and "$($_.source)".StartsWith("$root/")) })
    if ($gen.PSObject.Properties['hooks']) { $gen.PSObject.Properties.Remove('hooks') }
    New-Item -ItemType Directory "$root/bundle2" | Out-Null
    $gen | ConvertTo-Json -Depth 64 | Set-Content "$root/bundle2/config.json"
    Remove-Container seccomp-config -Force -Confirm:$false
    $results['run /bin/true: runc run (PsContainers'' config.json, seccomp)'] = Measure-Ms -N $Runs -Block {
        $script:i++
        & runc --root "$root/runc-state" run --bundle "$root/bundle2" "pscbench-g-$PID-$($script:i)" | Out-Null
        if ($LASTEXITCODE) { throw 'runc run failed' }
    }
    if (Test-Path /usr/bin/crun) {
        try {
            & crun --root "$root/crun-state" run --bundle $bundle "pscbench-crun-probe" 2>$null | Out-Null
            if ($LASTEXITCODE -eq 0) {
                $results['run /bin/true: crun run (prepared bundle)'] = Measure-Ms -N $Runs -Block {
                    $script:i++; & crun --root "$root/crun-state" run --bundle $bundle "pscbench-c-$($script:i)" | Out-Null
                }
            } else { Write-Host 'crun does not run here (cgroup hybrid mode, see peers.md): skipped' }
        } catch { Write-Host "crun skipped: $_" }
    }
    if ($havePodman) {
        & podman load -q -i $tar | Out-Null
        $results['run /bin/true: podman run --rm --network none'] = Measure-Ms -N ([math]::Min($Runs, 15)) -Block {
            & podman run --rm --network none $podmanImage /bin/true | Out-Null
            if ($LASTEXITCODE) { throw 'podman run failed' }
        }
    }

    # ---- 2. listing
    1..100 | ForEach-Object { $null = New-Container pscbench/busybox -Name "list$_" -Label bench=psc /bin/true }
    $results['Get-Container -All, 100 containers'] = Measure-Ms -N 15 -Block { Get-Container -All }
    if ($havePodman) {
        1..100 | ForEach-Object { & podman create -q --network none --label pscbench=1 --name "pscbench-list$_" $podmanImage /bin/true | Out-Null }
        $results['podman ps -a, 100 (+ others'' containers)'] = Measure-Ms -N 15 -Block { & podman ps -a | Out-Null }
    }
    if (-not $SkipLarge) {
        101..1000 | ForEach-Object { $null = New-Container pscbench/busybox -Name "list$_" /bin/true }
        $results['Get-Container -All, 1000 containers'] = Measure-Ms -N 10 -Block { Get-Container -All }
        $results['Get-Container (running only), 1000 stopped containers'] = Measure-Ms -N 10 -Block { Get-Container }
    }
    Get-Container -All | Remove-Container -Force -Confirm:$false

    # ---- 3. monitor memory
    $m = Invoke-ContainerImage pscbench/busybox -Detach -Name rss sleep 120
    Start-Sleep -Milliseconds 2500   # the monitor trims its resident pages after a second of idling
    $mon = Get-Rss $m.State.MonitorPid
    $results['pscmon idle (VmRSS / RssAnon KB, threads)'] = "$($mon.RssKB) / $($mon.AnonKB) KB, $($mon.Threads) threads"
    Remove-Container rss -Force -Confirm:$false
    if ($havePodman) {
        $id = & podman run -d --network none --name pscbench-rss $podmanImage sleep 120
        Start-Sleep -Milliseconds 2500
        $cpid = & podman inspect --format '{{.State.ConmonPid}}' $id
        $cm = Get-Rss ([int]$cpid)
        $results['conmon idle (VmRSS / RssAnon KB, threads)'] = "$($cm.RssKB) / $($cm.AnonKB) KB, $($cm.Threads) threads"
        & podman rm -f -t 0 pscbench-rss | Out-Null
    }
}
finally {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    if ($havePodman) {
        $ids = & podman ps -aq --filter label=pscbench=1
        if ($ids) { & podman rm -f @ids | Out-Null }
        & podman rm -f pscbench-rss 2>$null | Out-Null
        & podman rmi -f $podmanImage 2>$null | Out-Null
    }
    Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_ -like "$root*" } |
        Sort-Object Length -Descending | ForEach-Object { & umount -l $_ 2>$null }
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Write-Host ''
Write-Host 'Results (ms: median [min-max] of N runs in this warm pwsh; RSS in KB)'
foreach ($k in $results.Keys) {
    $v = $results[$k]
    if ($v -is [string]) { Write-Host ("{0,-62} {1}" -f $k, $v) }
    else { Write-Host ("{0,-62} {1,8} ms [{2}-{3}] n={4}" -f $k, $v.Median, $v.Min, $v.Max, $v.Runs) }
}
$base = $results['run /bin/true: PsContainers (warm pwsh, attached, -Remove, -Network none)'].Median
foreach ($peer in 'run /bin/true: runc run (prepared bundle)', 'run /bin/true: runc run (PsContainers'' config.json, seccomp)', 'run /bin/true: crun run (prepared bundle)', 'run /bin/true: podman run --rm --network none') {
    if ($results.Contains($peer)) { Write-Host ("ratio PsContainers / {0}: {1:N2}" -f ($peer -replace '^run /bin/true: '), ($base / $results[$peer].Median)) }
}
