<#
.SYNOPSIS
    Healthcheck cost (issue 13): the resident memory of a container's monitor (pscmon) that probes the container every
    second, and the CPU the healthcheck costs, probes included, measured from /proc/<pid>/stat over -Seconds; podman's
    figures beside them when podman runs the probes on this machine.
.DESCRIPTION
    CPU: pscmon's utime + stime + cutime + cstime (the probes are "<runtime> exec" children it reaps, and the probe's
    process in the container is reaped by that exec process, so all of a probe's CPU ends up in pscmon's cutime/cstime),
    as a percentage of one core over the measured wall time. The container runs sleep, which uses no CPU.
    RSS: VmRSS and RssAnon of pscmon, sampled every second over the same window (the largest is reported; the median
    VmRSS and the largest Pss, from smaps_rollup, are given beside it).
    Targets: RSS < 3 MB, CPU < 1% of one core at a 1 s interval.
    Podman: 4.3.1 runs a healthcheck's probes from systemd timers (podman healthcheck run); on a host without systemd no
    probe ever runs and the health stays "starting". The script reports that instead of figures, and otherwise
    measures conmon plus the probes' "podman healthcheck run" processes the same way.
.EXAMPLE
    dotnet pwsh bench/health.ps1 -ModulePath out/PsContainers/PsContainers.psd1 -Seconds 60
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Seconds = 60,
    [switch] $SkipPodman
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Images.Helpers.psm1')

$clockTicks = [double](& getconf CLK_TCK)
function Get-CpuTicks([int] $ProcessId) {
    # /proc/<pid>/stat: utime(14) stime(15) cutime(16) cstime(17), 1-based, counted from the pid
    $s = Get-Content "/proc/$ProcessId/stat" -Raw
    $f = $s.Substring($s.LastIndexOf(')') + 2).Split(' ')
    [pscustomobject]@{ Self = [double]$f[11] + [double]$f[12]; Children = [double]$f[13] + [double]$f[14] }
}
function Get-Rss([int] $ProcessId) {
    $st = Get-Content "/proc/$ProcessId/status"
    $kb = { param($k) [int](($st | Where-Object { $_ -like "${k}:*" }) -replace '\D', '') }
    $pss = [int]((Get-Content "/proc/$ProcessId/smaps_rollup" | Where-Object { $_ -like 'Pss:*' }) -replace '\D', '')
    [pscustomobject]@{ RssKB = & $kb 'VmRSS'; AnonKB = & $kb 'RssAnon'; PssKB = $pss }
}
function Measure-Monitor([int] $ProcessId, [int] $Seconds) {
    $t0 = Get-CpuTicks $ProcessId
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $maxRss = 0; $maxAnon = 0; $maxPss = 0; $all = [Collections.Generic.List[int]]::new()
    while ($sw.Elapsed.TotalSeconds -lt $Seconds) {
        $r = Get-Rss $ProcessId
        $maxRss = [math]::Max($maxRss, $r.RssKB); $maxAnon = [math]::Max($maxAnon, $r.AnonKB); $maxPss = [math]::Max($maxPss, $r.PssKB)
        $all.Add($r.RssKB)
        Start-Sleep -Milliseconds 1000
    }
    $all.Sort()
    $t1 = Get-CpuTicks $ProcessId
    $self = $t1.Self - $t0.Self; $children = $t1.Children - $t0.Children; $cpu = $self + $children
    [pscustomobject]@{
        RssKB = $maxRss; AnonKB = $maxAnon; PssKB = $maxPss; MedianRssKB = $all[[int][math]::Floor(($all.Count - 1) / 2)]
        SelfPercent = [math]::Round(100 * $self / $clockTicks / $sw.Elapsed.TotalSeconds, 3)
        ChildrenPercent = [math]::Round(100 * $children / $clockTicks / $sw.Elapsed.TotalSeconds, 3)
        CpuPercent = [math]::Round(100 * $cpu / $clockTicks / $sw.Elapsed.TotalSeconds, 3)
        CpuSeconds = [math]::Round($cpu / $clockTicks, 2); WallSeconds = [math]::Round($sw.Elapsed.TotalSeconds, 1)
    }
}

$root = Join-Path ([IO.Path]::GetTempPath()) ('psc-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $root | Out-Null
$env:PSCONTAINERS_ROOT = $root
$tar = Join-Path $root 'image.tar'
$podmanImage = 'localhost/pscbench/busybox:latest'
$results = [ordered]@{}
try {
    $null = New-TestImageArchive -Path $tar -Name 'pscbench/busybox:latest'
    $null = Import-ContainerImage -Path $tar
    Write-Host "runtime: $((Get-ContainerConfiguration).Runtime)"

    # a container probed every second; wait until healthy, let the monitor settle, then measure
    $null = Invoke-ContainerImage pscbench/busybox -Detach -Name bench-health -Network none -HealthCommand 'true' -HealthInterval 1s -- sleep 100000
    $c = Wait-Container bench-health -Condition Healthy -Timeout 2m
    Start-Sleep -Seconds 3
    $mon = $c.State.MonitorPid
    $before = @((Get-Container bench-health).State.Health.Log)[-1].End
    $m = Measure-Monitor $mon $Seconds
    $h = (Get-Container bench-health).State.Health
    $probes = [math]::Round(($h.Log[-1].End - $before).TotalSeconds)
    $results['pscmon, 1 s healthcheck: RSS max (VmRSS / RssAnon KB)'] = "$($m.RssKB) / $($m.AnonKB) KB (target < 3072 KB: $(if ($m.RssKB -lt 3072) { 'met' } else { 'NOT met' }); VmRSS median $($m.MedianRssKB) KB, Pss max $($m.PssKB) KB)"
    $results['pscmon + probes: CPU of one core'] = "$($m.CpuPercent) % ($($m.CpuSeconds) s in $($m.WallSeconds) s, ~$probes probes: pscmon $($m.SelfPercent) %, probes $($m.ChildrenPercent) %; target < 1 %: $(if ($m.CpuPercent -lt 1) { 'met' } else { 'NOT met' }))"
    $results['load average while measuring'] = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '
    $results['health after the window'] = "$($h.Status), failing streak $($h.FailingStreak)"
    Remove-Container bench-health -Force -Confirm:$false

    # a container without a healthcheck, for comparison
    $null = Invoke-ContainerImage pscbench/busybox -Detach -Name bench-idle -Network none -- sleep 100000
    Start-Sleep -Seconds 3
    $idle = Measure-Monitor (Get-Container bench-idle).State.MonitorPid ([math]::Min($Seconds, 20))
    $results['pscmon, no healthcheck: RSS max / CPU'] = "$($idle.RssKB) / $($idle.AnonKB) KB (Pss $($idle.PssKB) KB), $($idle.CpuPercent) %"
    Remove-Container bench-idle -Force -Confirm:$false

    if (-not $SkipPodman -and (Test-Path /usr/bin/podman)) {
        & podman load -q -i $tar | Out-Null
        $id = & podman run -d --network none --name pscbench-health --health-cmd true --health-interval 1s $podmanImage sleep 100000
        if ($LASTEXITCODE) { throw 'podman run failed' }
        Start-Sleep -Seconds 10
        $status = & podman inspect --format '{{.State.Health.Status}}' $id
        $conmon = [int](& podman inspect --format '{{.State.ConmonPid}}' $id)
        if ($status -eq 'starting') {
            $results['podman 4.3.1, 1 s healthcheck'] = "no probe ran in 10 s: health stays 'starting' (podman schedules probes with systemd timers; this host has no systemd)"
            $cm = Get-Rss $conmon
            $results['conmon (podman''s monitor, no probes running): RSS'] = "$($cm.RssKB) / $($cm.AnonKB) KB"
        } else {
            $pm = Measure-Monitor $conmon $Seconds
            $results['podman: conmon RSS max / CPU (probes run by systemd are not counted)'] = "$($pm.RssKB) / $($pm.AnonKB) KB, $($pm.CpuPercent) %"
        }
    }
} finally {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    if (-not $SkipPodman -and (Test-Path /usr/bin/podman)) {
        & podman rm -f -t 0 pscbench-health 2>$null | Out-Null
        & podman rmi -f $podmanImage 2>$null | Out-Null
    }
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}
$results.GetEnumerator() | ForEach-Object { '{0,-62} {1}' -f $_.Key, $_.Value }
