#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Import of a docker-archive of 100 MB or more: Import-ContainerImage against podman load of the same file.
.DESCRIPTION
    Generates a docker-archive with three layers of incompressible (random) files, then runs paired rounds:
    Import-ContainerImage into a fresh private store, and `podman load` of the same file (its image removed after
    each round), alternating which goes first. Prints each round, the medians and the ratio ours/podman.
    Import-ContainerImage is timed in-process (the cmdlet call); podman load includes its process start.
.EXAMPLE
    dotnet pwsh ./bench/import.ps1 -ModulePath ./out/PsContainers/PsContainers.psd1 -Rounds 5
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Rounds = 5,
    [int] $LayerMB = 36
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$work = Join-Path ([IO.Path]::GetTempPath()) ('psc-bench-import-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null
$name = 'psc-bench-import:latest'
try {
    # ---- the archive: three layers of random data, a config, manifest.json (docker save layout)
    $arch = Join-Path $work 'archive'
    New-Item -ItemType Directory $arch | Out-Null
    $diffIds = @(); $layerNames = @()
    foreach ($i in 1..3) {
        $fs = Join-Path $work "fs$i"
        New-Item -ItemType Directory "$fs/data$i" -Force | Out-Null
        $count = [int][math]::Ceiling($LayerMB / 4)
        foreach ($j in 1..4) { & dd if=/dev/urandom of="$fs/data$i/file$j" bs=1M "count=$count" status=none }
        $tar = Join-Path $arch "layer$i.tar"
        & tar -C $fs -cf $tar .
        Remove-Item -Recurse -Force $fs
        $diffIds += 'sha256:' + (Get-FileHash -Algorithm SHA256 $tar).Hash.ToLowerInvariant()
        $layerNames += "layer$i.tar"
    }
    $config = [ordered]@{
        created = '2024-01-02T03:04:05Z'; architecture = 'amd64'; os = 'linux'
        config = @{ Cmd = @('sh') }
        rootfs = [ordered]@{ type = 'layers'; diff_ids = $diffIds }
    } | ConvertTo-Json -Depth 5 -Compress
    $configBytes = [Text.Encoding]::UTF8.GetBytes($config)
    $configHex = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($configBytes)).ToLowerInvariant()
    [IO.File]::WriteAllBytes((Join-Path $arch "$configHex.json"), $configBytes)
    ConvertTo-Json -Compress -Depth 4 @(, [ordered]@{ Config = "$configHex.json"; RepoTags = @("docker.io/library/$name"); Layers = $layerNames }) |
        Set-Content -NoNewline (Join-Path $arch 'manifest.json')
    $archive = Join-Path $work 'bench.tar'
    & tar -C $arch -cf $archive .
    Remove-Item -Recurse -Force $arch
    $sizeMB = [math]::Round((Get-Item $archive).Length / 1MB, 1)
    if ($sizeMB -lt 100) { Write-Warning "the archive is only $sizeMB MB (raise -LayerMB)" }
    Write-Host "docker-archive: $sizeMB MB, 3 layers, image id sha256:$($configHex.Substring(0, 12))"

    $havePodman = [bool](Get-Command podman -ErrorAction SilentlyContinue)
    if (-not $havePodman) { Write-Warning 'podman not found: measuring Import-ContainerImage alone' }

    function Invoke-Ours {
        $root = Join-Path $work ('store-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $env:PSCONTAINERS_ROOT = $root
        try {
            $t = Measure-Command { $img = Import-ContainerImage -Path $archive }
            if ($img.Id -ne "sha256:$configHex") { throw "unexpected image id $($img.Id)" }
            $t.TotalMilliseconds
        } finally {
            $env:PSCONTAINERS_ROOT = $null
            Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
        }
    }
    function Invoke-Podman {
        & podman rmi -f $name 2>&1 | Out-Null
        $t = Measure-Command { & podman load -q -i $archive 2>&1 | Out-Null }
        if ($LASTEXITCODE -ne 0) { throw 'podman load failed' }
        $id = & podman image inspect --format '{{.Id}}' $name
        if ("sha256:$id" -ne "sha256:$configHex") { throw "podman reports a different id: $id" }
        & podman rmi -f $name 2>&1 | Out-Null
        $t.TotalMilliseconds
    }

    $null = Invoke-Ours   # warm-up (JIT, page cache)
    if ($havePodman) { $null = Invoke-Podman }
    $ours = @(); $theirs = @()
    foreach ($r in 1..$Rounds) {
        if ($havePodman -and ($r % 2 -eq 0)) { $theirs += Invoke-Podman; $ours += Invoke-Ours }
        else { $ours += Invoke-Ours; if ($havePodman) { $theirs += Invoke-Podman } }
        $line = 'round {0}: Import-ContainerImage {1,7:N0} ms' -f $r, $ours[-1]
        if ($havePodman) { $line += '   podman load {0,7:N0} ms' -f $theirs[-1] }
        Write-Host $line
    }
    function Get-Median([double[]] $x) { $s = $x | Sort-Object; if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
    $mo = Get-Median $ours
    $result = [ordered]@{ ArchiveMB = $sizeMB; Rounds = $Rounds; ImportContainerImageMs = [math]::Round($mo, 0) }
    if ($havePodman) {
        $mp = Get-Median $theirs
        $result.PodmanLoadMs = [math]::Round($mp, 0)
        $result.Ratio = [math]::Round($mo / $mp, 2)
        Write-Host ('median: Import-ContainerImage {0:N0} ms, podman load {1:N0} ms, ratio ours/podman {2:N2} ({3:N0} MB/s vs {4:N0} MB/s)' -f `
            $mo, $mp, ($mo / $mp), ($sizeMB / ($mo / 1000)), ($sizeMB / ($mp / 1000)))
    } else {
        Write-Host ('median: Import-ContainerImage {0:N0} ms ({1:N0} MB/s)' -f $mo, ($sizeMB / ($mo / 1000)))
    }
    [pscustomobject] $result
} finally {
    if (Get-Command podman -ErrorAction SilentlyContinue) { & podman rmi -f $name 2>&1 | Out-Null }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
