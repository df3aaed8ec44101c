# Functions shared by the container suites.
#   Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force

Set-StrictMode -Version 3.0

function Initialize-ContainerTestStore {
    <# A private store root with the generated busybox image imported; returns the root. #>
    param([string] $ImageName = 'busybox-test:latest')
    $root = New-TestStoreRoot
    $null = Import-TestBusyboxImage -Name $ImageName
    $root
}

function Get-StoreProcess {
    <# The pscmon processes (monitors and network releases) working for the store at Root: Id and Command. #>
    param([string] $Root)
    Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$' | ForEach-Object {
        $cmd = try { [IO.File]::ReadAllText("/proc/$($_.Name)/cmdline") } catch { '' }
        if ($cmd -like "*pscmon*$Root*") { [pscustomobject]@{ Id = [int]$_.Name; Command = $cmd -replace "`0", ' ' } }
    }
}

function Remove-ContainerTestStore {
    <# Removes every container (killing monitors and processes), then the store root. #>
    param([string] $Root)
    if (-not $Root) { return }
    $env:PSCONTAINERS_ROOT = $Root
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    # a -Remove run returns before its network is released (pscmon net-release goes on detached, as it should):
    # let those finish, since killing one would leave its namespace and addresses behind
    $sw = [Diagnostics.Stopwatch]::StartNew()
    while (@(Get-StoreProcess $Root | Where-Object Command -like '*net-release*').Count -gt 0 -and $sw.Elapsed.TotalSeconds -lt 20) {
        Start-Sleep -Milliseconds 50
    }
    # anything a failed test left behind: monitors of this root, and their containers
    Get-StoreProcess $Root | Where-Object Command -notlike '*net-release*' | ForEach-Object { & kill -9 $_.Id 2>$null }
    if (Test-Path "$Root/runtime") {
        foreach ($d in Get-ChildItem "$Root/runtime" -Directory -ErrorAction SilentlyContinue) {
            & runc --root "$Root/runtime" delete --force $d.Name 2>$null
        }
    }
    Remove-TestStoreRoot $Root
}

function Wait-ContainerCondition {
    <# Polls until the script block returns true or the timeout passes; returns the last result. #>
    param([scriptblock] $Condition, [double] $TimeoutSeconds = 10)
    $sw = [Diagnostics.Stopwatch]::StartNew()
    do {
        $r = & $Condition
        if ($r) { return $r }
        Start-Sleep -Milliseconds 50
    } while ($sw.Elapsed.TotalSeconds -lt $TimeoutSeconds)
    & $Condition
}

function Get-ProcessesOfContainer {
    <# Host pids whose cgroup path contains the container id. #>
    param([string] $Id)
    Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$' | Where-Object {
        $cg = try { [IO.File]::ReadAllText("/proc/$($_.Name)/cgroup") } catch { '' }
        $cg -like "*$Id*"
    } | ForEach-Object { [int] $_.Name }
}

Export-ModuleMember -Function *
