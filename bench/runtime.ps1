#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Run-to-exit of /bin/true in one prepared busybox bundle: pscrun run against runc run (and crun run when it works
    on this host), paired and interleaved, with medians, ratios and peak RSS (GNU time %M).
.EXAMPLE
    dotnet pwsh bench/runtime.ps1 -ModulePath out/PsContainers/PsContainers.psd1 -Runs 30
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Runs = 30,
    [int] $Warmup = 3
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$bin = Join-Path (Split-Path -Parent ([IO.Path]::GetFullPath($ModulePath))) 'bin'
$runtimes = [ordered]@{ pscrun = Join-Path $bin 'pscrun'; runc = '/usr/sbin/runc'; crun = '/usr/bin/crun' }

$work = Join-Path ([IO.Path]::GetTempPath()) ("psc-bench-runtime-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
try {
    # one bundle: busybox-static plus its applet links, the runtime-spec default config (runc spec) running /bin/true
    $bundle = Join-Path $work 'bundle'
    $rootfs = Join-Path $bundle 'rootfs'
    foreach ($d in 'bin', 'proc', 'sys', 'dev', 'etc', 'tmp') { New-Item -ItemType Directory -Force -Path (Join-Path $rootfs $d) | Out-Null }
    Copy-Item /bin/busybox (Join-Path $rootfs 'bin/busybox')
    foreach ($a in (& /bin/busybox --list)) {
        if ($a -ne 'busybox' -and $a -notmatch '[\[/]') { $null = New-Item -ItemType SymbolicLink -Path (Join-Path $rootfs "bin/$a") -Target busybox }
    }
    Push-Location $bundle
    try { & /usr/sbin/runc spec } finally { Pop-Location }
    $cfg = Get-Content -Raw (Join-Path $bundle 'config.json') | ConvertFrom-Json -Depth 64
    $cfg.process.terminal = $false
    $cfg.process.args = @('/bin/true')
    $cfg | ConvertTo-Json -Depth 64 | Set-Content (Join-Path $bundle 'config.json')

    # CPU of the runtime and everything it waited for, in microseconds: getrusage(RUSAGE_CHILDREN) before and after
    Add-Type -Namespace PscBench -Name Rusage -MemberDefinition @'
[System.Runtime.InteropServices.DllImport("libc")] private static extern int getrusage(int who, long[] usage);
public static double ChildrenCpuMs() { var u = new long[18]; getrusage(-1, u); return (u[0] + u[2]) * 1000.0 + (u[1] + u[3]) / 1000.0; }
'@
    $n = 0
    $timeFile = Join-Path $work 'time.out'
    # One run under GNU time: wall (Stopwatch), CPU (user+system of the runtime and everything it waited for), peak RSS.
    function Invoke-Once([string] $name, [string] $path, [switch] $Quiet) {
        $script:n++
        $state = Join-Path $work "state-$name"
        $psi = [Diagnostics.ProcessStartInfo]::new('/usr/bin/time')
        foreach ($a in @('-f', '%M', '-o', $timeFile, $path, '--root', $state, 'run', '--bundle', $bundle, "b$script:n")) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardError = $true
        $psi.RedirectStandardOutput = $true
        $cpu0 = [PscBench.Rusage]::ChildrenCpuMs()
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $p = [Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEnd(); $null = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $sw.Stop()
        $cpu = [PscBench.Rusage]::ChildrenCpuMs() - $cpu0
        if ($p.ExitCode -ne 0) { if (-not $Quiet) { Write-Warning "$name failed: $err" }; return $null }
        $f = (Get-Content $timeFile | Select-Object -Last 1).Split(' ')
        return [pscustomobject]@{ Wall = $sw.Elapsed.TotalMilliseconds; Cpu = $cpu; Rss = [int]$f[0] }
    }

    # which runtimes work here (crun fails on cgroup v1 hybrid hosts: see docs)
    $active = [ordered]@{}
    foreach ($k in $runtimes.Keys) {
        if (-not (Test-Path $runtimes[$k])) { Write-Host "$k`: not installed, skipped"; continue }
        if ($null -eq (Invoke-Once $k $runtimes[$k] -Quiet)) { Write-Host "$k`: does not run the bundle on this host, skipped"; continue }
        $active[$k] = $runtimes[$k]
    }
    foreach ($k in $active.Keys) { for ($i = 0; $i -lt $Warmup; $i++) { $null = Invoke-Once $k $active[$k] } }

    # paired: every round runs each runtime once, in a rotating order
    $times = @{}; foreach ($k in $active.Keys) { $times[$k] = [Collections.Generic.List[object]]::new() }
    $names = @($active.Keys)
    for ($r = 0; $r -lt $Runs; $r++) {
        for ($j = 0; $j -lt $names.Count; $j++) {
            $k = $names[($r + $j) % $names.Count]
            $t = Invoke-Once $k $active[$k]
            if ($null -ne $t) { $times[$k].Add($t) }
        }
    }

    function Get-Median([double[]] $v) { $s = $v | Sort-Object; if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }

    $base = if ($active.Contains('pscrun')) { Get-Median @($times['pscrun'] | ForEach-Object Wall) } else { $null }
    $rows = foreach ($k in $active.Keys) {
        $m = Get-Median @($times[$k] | ForEach-Object Wall)
        $sorted = @($times[$k] | ForEach-Object Wall | Sort-Object)
        [pscustomobject]@{
            Runtime       = $k
            Runs          = $times[$k].Count
            MedianMs      = [Math]::Round($m, 1)
            MinMs         = [Math]::Round($sorted[0], 1)
            MaxMs         = [Math]::Round($sorted[-1], 1)
            'Ratio/pscrun' = if ($base) { [Math]::Round($m / $base, 2) } else { $null }
            CpuMs         = [Math]::Round((Get-Median @($times[$k] | ForEach-Object Cpu)), 1)
            PeakRssKB     = Get-Median @($times[$k] | ForEach-Object Rss)
        }
    }
    $load = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '
    Write-Host "run-to-exit of /bin/true, $Runs paired rounds, load average $load"
    $rows | Format-Table -AutoSize | Out-Host
}
finally {
    foreach ($k in $runtimes.Keys) {
        $state = Join-Path $work "state-$k"
        if ((Test-Path $state) -and (Test-Path $runtimes[$k])) {
            foreach ($c in Get-ChildItem $state -Directory -ErrorAction SilentlyContinue) { & $runtimes[$k] --root $state delete --force $c.Name 2>$null }
        }
    }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
