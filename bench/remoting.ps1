<#
.SYNOPSIS
    Fan-out over PowerShell remoting (issue 17): Get-Container on three hosts at once (Invoke-Command -Session s1,s2,s3)
    against the same three calls one after another, as a ratio; median of -Runs runs.
.DESCRIPTION
    The hosts are those of tests/Pester/Remoting.Tests.ps1 (Remoting.Helpers.psm1): network namespaces on this machine,
    each with its own sshd and its own store root, reached over SSH from this session. Each host runs -Containers
    containers (busybox sleep, no network). The sessions are opened and the module imported before the clock starts,
    so a run measures what an operator's repeated command costs: sending the command, each host reading its store, and
    serializing the containers back (each at SerializationDepth 2, see module/types/PsContainers.types.ps1xml).
    The two ways alternate in each run so that neither always runs warm. The ratio is serial / fan-out: how many times
    faster the fan-out is. The hosts share this machine's cores (three hosts on two cores cannot run fully in parallel),
    so the ratio here is a floor of what separate machines give.
.EXAMPLE
    dotnet pwsh bench/remoting.ps1 -ModulePath out/PsContainers/PsContainers.psd1 -Runs 21
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Runs = 15,
    [int] $Containers = 5
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Remoting.Helpers.psm1')

function Get-Median([double[]] $v) { $s = $v | Sort-Object; if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }

$lab = $null
try {
    # hosts 7-9 of the helper's /30s: Remoting.Tests.ps1 uses 1-6, so both may run at once
    $lab = New-RemotingTestLab -Index (7..9) -ModulePath $ModulePath
    $sessions = $lab.Sessions
    Invoke-Command -Session $sessions -ArgumentList $Containers {
        param($count)
        foreach ($n in 1..$count) { $null = Invoke-ContainerImage busybox-test:latest -Detach -Name "bench-$n" -Network none -ErrorAction Stop -- sleep 3600 }
    }

    $fanOut = { @(Invoke-Command -Session $sessions { Get-Container }) }
    $serial = { foreach ($s in $sessions) { Invoke-Command -Session $s { Get-Container } } }
    # warm both paths (the first Get-Container of a session loads the engine)
    $expected = 3 * $Containers
    foreach ($b in $fanOut, $serial) { $got = @(& $b).Count; if ($got -ne $expected) { throw "expected $expected containers, got $got" } }

    $tFan = [Collections.Generic.List[double]]::new()
    $tSerial = [Collections.Generic.List[double]]::new()
    for ($r = 0; $r -lt $Runs; $r++) {
        $order = if ($r % 2) { @($serial, $fanOut) } else { @($fanOut, $serial) }
        foreach ($b in $order) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $n = @(& $b).Count
            $ms = $sw.Elapsed.TotalMilliseconds
            if ($n -ne $expected) { throw "expected $expected containers, got $n" }
            if ([object]::ReferenceEquals($b, $fanOut)) { $tFan.Add($ms) } else { $tSerial.Add($ms) }
        }
    }
    $mFan = Get-Median $tFan
    $mSerial = Get-Median $tSerial
    Write-Host ''
    Write-Host "Get-Container on 3 hosts over SSH remoting, $Containers containers each (ms: median [min-max] of $Runs runs)"
    Write-Host ("{0,-52} {1,8:N1} ms [{2:N1}-{3:N1}]" -f 'fan-out: Invoke-Command -Session s1,s2,s3', $mFan, ($tFan | Measure-Object -Minimum).Minimum, ($tFan | Measure-Object -Maximum).Maximum)
    Write-Host ("{0,-52} {1,8:N1} ms [{2:N1}-{3:N1}]" -f 'serial: Invoke-Command -Session s1; s2; s3', $mSerial, ($tSerial | Measure-Object -Minimum).Minimum, ($tSerial | Measure-Object -Maximum).Maximum)
    Write-Host ("{0,-52} {1,8:N2}x" -f 'ratio serial / fan-out (median)', ($mSerial / $mFan))
}
finally {
    Remove-RemotingTestLab $lab
}
