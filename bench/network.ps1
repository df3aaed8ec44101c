<#
.SYNOPSIS
    Networking benchmark: what a bridge network costs per container, against podman (and docker when present).
.DESCRIPTION
    Measures, as medians of -Runs runs in this one process:
      1. CNI ADD alone: the bridge plugin (host-local IPAM) into a fresh namespace, then DEL (the bridge is warm).
      2. The engine's network setup + teardown for one container on the default network: namespace, CNI ADD of the
         whole list (bridge, portmap, firewall), hosts/hostname/resolv.conf, then CNI DEL and namespace removal.
      3. When the container cmdlets are present: Invoke-ContainerImage -Rm of /bin/true on the default bridge.
      4. podman run --rm /bin/true with --network none and with the default bridge (and docker run when dockerd runs).
    Prints every figure and the ratios against podman (measured in the same run).
.PARAMETER ModulePath
    The module manifest to import (out/PsContainers/PsContainers.psd1 by default).
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Runs = 15
)
$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path -Force
Add-Type -Path (Join-Path (Split-Path (Get-Module PsContainers).Path) 'PsContainers.Core.dll')

function Measure-Median([scriptblock] $Work, [int] $N = $Runs, [int] $Warmup = 2) {
    for ($i = 0; $i -lt $Warmup; $i++) { & $Work | Out-Null }
    $t = foreach ($i in 1..$N) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Work | Out-Null; $sw.Elapsed.TotalMilliseconds }
    $s = @($t | Sort-Object)
    [pscustomobject]@{ Median = [math]::Round($s[[int][math]::Floor($s.Count / 2)], 1); Min = [math]::Round($s[0], 1); Max = [math]::Round($s[-1], 1) }
}

$root = Join-Path ([IO.Path]::GetTempPath()) ("psc-bench-net-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $root | Out-Null
$env:PSCONTAINERS_ROOT = $root
$results = [ordered]@{}
$none = [Threading.CancellationToken]::None
try {
    $paths = [PsContainers.Core.PscPaths]::new($root)
    $net = [PsContainers.Core.Networking.ContainerNetworking]::new($paths)
    $net.Store.EnsureDefault()

    # 1. the bridge plugin alone (ADD, then DEL outside the timing), into a namespace made beforehand
    $conf = $net.Store.GetConfig('pscontainers')
    $bridgeOnly = [System.Text.Json.Nodes.JsonNode]::Parse($conf.ToJsonString())
    $plugins = $bridgeOnly['plugins'].AsArray()
    while ($plugins.Count -gt 1) { $plugins.RemoveAt(1) }
    $exec = [PsContainers.Core.Networking.CniExecutor]::new((Join-Path $root 'bench-cache'), $null)
    $nsPath = [PsContainers.Core.Networking.NetworkNamespace]::PathFor("bench$PID")
    $adds = foreach ($i in 1..($Runs + 2)) {
        [PsContainers.Core.Networking.NetworkNamespace]::Create($nsPath)
        $rt = [PsContainers.Core.Networking.CniRuntimeConf]::new()
        $rt.ContainerId = "bench$PID$i"; $rt.NetnsPath = $nsPath; $rt.IfName = 'eth0'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $exec.Add($bridgeOnly, $rt, $none) | Out-Null
        $ms = $sw.Elapsed.TotalMilliseconds
        $exec.Del('pscontainers', $rt, $bridgeOnly, $none)
        [PsContainers.Core.Networking.NetworkNamespace]::Delete($nsPath)
        if ($i -gt 2) { $ms }
    }
    $s = @($adds | Sort-Object)
    $results['CNI bridge ADD alone'] = [pscustomobject]@{ Median = [math]::Round($s[[int][math]::Floor($s.Count / 2)], 1); Min = [math]::Round($s[0], 1); Max = [math]::Round($s[-1], 1) }

    # 1b. namespace creation alone
    $results['netns create + delete'] = Measure-Median {
        [PsContainers.Core.Networking.NetworkNamespace]::Create($nsPath)
        [PsContainers.Core.Networking.NetworkNamespace]::Delete($nsPath)
    }

    # 2. the engine's whole network setup + teardown for one container
    $results['network setup + teardown (default bridge)'] = Measure-Median {
        $r = [PsContainers.Core.Networking.NetworkSetupRequest]::new()
        $r.ContainerId = [guid]::NewGuid().ToString('N') + [guid]::NewGuid().ToString('N')
        $net.Setup($r, $none) | Out-Null
        $net.Teardown($r.ContainerId, $none)
    }

    # 3. a whole container run, when the container cmdlets exist and an image can be had
    if ((Get-Command Invoke-ContainerImage -ErrorAction SilentlyContinue) -and (Test-Path (Join-Path $PSScriptRoot '../tests/Pester/Images.Helpers.psm1'))) {
        try {
            Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Images.Helpers.psm1') -Force
            $null = Import-TestBusyboxImage -Name 'psc-bench-busybox:latest'
            $ref = 'psc-bench-busybox:latest'
            $results['Invoke-ContainerImage -Remove /bin/true, bridge'] = Measure-Median { Invoke-ContainerImage $ref -Remove /bin/true } -N ([math]::Max(5, [int]($Runs / 2)))
            $results['Invoke-ContainerImage -Remove /bin/true, none'] = Measure-Median { Invoke-ContainerImage $ref -Remove -Network none /bin/true } -N ([math]::Max(5, [int]($Runs / 2)))
        } catch { Write-Warning "container run not measured: $($_.Exception.Message)" }
    }

    # 4. peers
    if (Get-Command podman -ErrorAction SilentlyContinue) {
        $pimg = $null
        $tar = Join-Path $root 'busybox.tar'
        & podman image exists localhost/psc-bench-busybox 2>$null
        if ($LASTEXITCODE -ne 0) {
            $ctx = Join-Path $root 'ctx'; New-Item -ItemType Directory "$ctx/bin" -Force | Out-Null
            Copy-Item /bin/busybox "$ctx/bin/busybox"
            & ln -s busybox "$ctx/bin/true"
            & tar -C $ctx -cf $tar bin
            & podman import $tar localhost/psc-bench-busybox 2>$null | Out-Null
        }
        & podman image exists localhost/psc-bench-busybox 2>$null
        if ($LASTEXITCODE -eq 0) { $pimg = 'localhost/psc-bench-busybox' }
        if ($pimg) {
            $N = [math]::Max(5, [int]($Runs / 2))
            $results['podman run --rm /bin/true, bridge'] = Measure-Median { & podman run --rm $pimg /bin/true } -N $N -Warmup 1
            $results['podman run --rm /bin/true, none'] = Measure-Median { & podman run --rm --network none $pimg /bin/true } -N $N -Warmup 1
            & podman rmi $pimg 2>$null | Out-Null
        }
    }
    if ((Get-Command docker -ErrorAction SilentlyContinue) -and (Test-Path /var/run/docker.sock)) {
        & docker image inspect busybox:latest 2>$null | Out-Null
        if ($LASTEXITCODE -eq 0) {
            $results['docker run --rm /bin/true, bridge'] = Measure-Median { & docker run --rm busybox:latest /bin/true } -N 5 -Warmup 1
        }
    }
} finally {
    try { foreach ($s in $net.AllStates()) { $net.Teardown($s.ContainerId, $none) } } catch { }
    [PsContainers.Core.Networking.NetworkNamespace]::Delete([PsContainers.Core.Networking.NetworkNamespace]::PathFor("bench$PID"))
    # let the detached releases of the last containers finish before the store goes
    foreach ($f in Get-ChildItem (Join-Path $root 'networks/locks') -Filter *.lock -ErrorAction SilentlyContinue) {
        for ($i = 0; $i -lt 500; $i++) { $l = [PsContainers.Core.Util.FileLock]::TryExclusive($f.FullName); if ($l) { $l.Dispose(); break }; Start-Sleep -Milliseconds 20 }
    }
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

"Networking benchmark ($Runs runs, medians in ms [min-max])"
foreach ($k in $results.Keys) { '{0,-48} {1,8:N1}  [{2:N1}-{3:N1}]' -f $k, $results[$k].Median, $results[$k].Min, $results[$k].Max }
$pb = $results['podman run --rm /bin/true, bridge']; $pn = $results['podman run --rm /bin/true, none']
if ($pb -and $pn) {
    $podmanNet = $pb.Median - $pn.Median
    '{0,-48} {1,8:N1}' -f 'podman: bridge minus none', $podmanNet
    $ours = $results['network setup + teardown (default bridge)'].Median
    '{0,-48} {1,8:N2}x' -f 'ratio: our network setup+teardown / podman''s', ($ours / [math]::Max(1, $podmanNet))
    '{0,-48} {1,8:N2}x' -f 'ratio: CNI bridge ADD alone / podman bridge run', ($results['CNI bridge ADD alone'].Median / $pb.Median)
    if ($results['Invoke-ContainerImage -Remove /bin/true, bridge']) {
        '{0,-48} {1,8:N2}x' -f 'ratio: our bridge run / podman bridge run', ($results['Invoke-ContainerImage -Remove /bin/true, bridge'].Median / $pb.Median)
    }
}
$db = $results['docker run --rm /bin/true, bridge']
if ($db -and $results['Invoke-ContainerImage -Remove /bin/true, bridge']) {
    '{0,-48} {1,8:N2}x' -f 'ratio: our bridge run / docker bridge run', ($results['Invoke-ContainerImage -Remove /bin/true, bridge'].Median / $db.Median)
}
