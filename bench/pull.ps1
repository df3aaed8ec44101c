<#
.SYNOPSIS
    Pull benchmark: a generated multi-layer image of random data (default 3 x 22 MB, over 60 MB) served by a
    local docker-registry, pulled by Request-ContainerImage (download, verify and unpack into a fresh store),
    `podman pull` (fresh storage) and `skopeo copy` to a directory (download only), in paired rounds whose
    order rotates. Prints each round, the medians and the ratios.
.EXAMPLE
    dotnet pwsh bench/pull.ps1 -ModulePath out/PsContainers/PsContainers.psd1 -Rounds 5
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Rounds = 5,
    [int] $LayerCount = 3,
    [double] $LayerMegabytes = 22,
    [switch] $SkipPodman
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Registry.Helpers.psm1') -Force

$work = Join-Path ([IO.Path]::GetTempPath()) ('psc-bench-pull-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$savedRoot = $env:PSCONTAINERS_ROOT
function Get-Median([double[]] $v) { $s = $v | Sort-Object; if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
try {
    $reg = Start-TestRegistry -Dir (Join-Path $work 'registry')
    $tar = Join-Path $work 'image.tar'
    $null = New-TestRandomLayerImage -Path $tar -Name 'bench/random:1' -LayerCount $LayerCount -LayerMegabytes $LayerMegabytes
    $ref = "$($reg.Host)/bench/random:1"
    & skopeo copy -q --dest-tls-verify=false "docker-archive:$tar" "docker://$ref" 2>&1 | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'skopeo could not push the benchmark image' }
    $size = (Get-ChildItem -Recurse -File (Join-Path $work 'registry/data') | Where-Object { $_.Name -eq 'data' } | Measure-Object Length -Sum).Sum
    Write-Host ("Image {0}: {1} layers, {2:0.0} MB in the registry" -f $ref, $LayerCount, ($size / 1e6))

    $tools = [ordered]@{
        'PsContainers' = {
            param($i)
            $env:PSCONTAINERS_ROOT = Join-Path $work "psc-$i"
            $null = Request-ContainerImage $ref -Quiet
        }
        'skopeo copy (dir, no unpack)' = {
            param($i)
            & skopeo copy -q --src-tls-verify=false "docker://$ref" "dir:$(Join-Path $work "skopeo-$i")" 2>&1 | Out-Null
            if ($LASTEXITCODE -ne 0) { throw 'skopeo copy failed' }
        }
    }
    if (-not $SkipPodman -and (Get-Command podman -ErrorAction SilentlyContinue)) {
        $tools['podman pull'] = {
            param($i)
            $pr = Join-Path $work "podman-$i"
            & podman --root "$pr/root" --runroot "$pr/run" pull -q --tls-verify=false $ref 2>&1 | Out-Null
            if ($LASTEXITCODE -ne 0) { throw 'podman pull failed' }
        }
    }
    $times = @{}; foreach ($k in $tools.Keys) { $times[$k] = [System.Collections.Generic.List[double]]::new() }
    $names = @($tools.Keys)
    # warm-up (JIT, page cache), not counted
    foreach ($k in $names) { & $tools[$k] 'warm' }
    for ($r = 0; $r -lt $Rounds; $r++) {
        $order = for ($j = 0; $j -lt $names.Count; $j++) { $names[($j + $r) % $names.Count] }
        $line = @()
        foreach ($k in $order) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            & $tools[$k] $r
            $sw.Stop()
            $times[$k].Add($sw.Elapsed.TotalSeconds)
            $line += '{0} {1:0.000}s' -f $k, $sw.Elapsed.TotalSeconds
        }
        Write-Host ("round {0}: {1}" -f ($r + 1), ($line -join ', '))
    }
    Write-Host ''
    $ours = Get-Median $times['PsContainers']
    $rows = foreach ($k in $names) {
        $m = Get-Median $times[$k]
        [pscustomobject]@{ Tool = $k; MedianSeconds = [Math]::Round($m, 3); MBps = [Math]::Round($size / 1e6 / $m, 1); 'PsContainers/this' = [Math]::Round($ours / $m, 2) }
    }
    $rows
}
finally {
    Stop-TestRegistryProcesses
    $env:PSCONTAINERS_ROOT = $savedRoot
    Get-ChildItem $work -Directory -Filter 'podman-*' -ErrorAction SilentlyContinue | ForEach-Object {
        & podman --root "$($_.FullName)/root" --runroot "$($_.FullName)/run" system reset -f 2>&1 | Out-Null
    }
    Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_ -like "$work*" } |
        Sort-Object Length -Descending | ForEach-Object { & umount -l $_ 2>$null }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
