#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Building a 4-stage Dockerfile: Build-ContainerImage against buildah bud on the same context, cold and warm, paired.
.DESCRIPTION
    The context (made once, outside the timing):
    - rootfs.tar: a Debian base made with debootstrap --variant=minbase from the Debian mirror this host's apt uses
      (the first deb line of its sources), cached under -CacheDirectory between runs;
    - payload/: 50 MB of incompressible files (10 x 5 MB).
    The Dockerfile's four stages: base (FROM scratch, ADD rootfs.tar /), packages (FROM base, apt-get install of
    -Package through the mirror), data (FROM base, COPY payload), final (FROM packages, COPY --from=data, then ENV,
    LABEL, EXPOSE, WORKDIR, USER, CMD).
    Each timed build starts after a sync(1) (untimed), so that neither tool pays for the writeback of what the build
    before it left dirty (both write hundreds of MB: a build that syncs its layers would otherwise wait for the other
    tool's files too).
    Each round, in alternating order: a cold build of each tool (ours with -NoCache into its store, buildah with
    --no-cache --layers), then a warm build of each (nothing changed: every step from the cache). RUN steps get the
    network (ours -Network Default, buildah's default). Prints each round, the medians and the ratios ours/buildah
    (the goal: at most 0.5 cold and 0.2 warm). Ours is timed in-process (the cmdlet call), buildah with its process start.
    Each tool has a store of its own under a temporary directory (buildah --root/--runroot), removed at the end.
    Needs root, debootstrap and buildah (apt-get install debootstrap buildah).
.EXAMPLE
    dotnet pwsh ./bench/build.ps1 -ModulePath ./out/PsContainers/PsContainers.psd1 -Rounds 3
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Rounds = 3,
    [string] $Package = 'curl',
    [string] $Suite = 'bookworm',
    [string] $CacheDirectory = '/var/tmp/psc-bench-build'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
foreach ($tool in 'debootstrap', 'buildah') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "$tool is needed: apt-get install debootstrap buildah" }
}

function Get-Mirror {
    # the first Debian mirror of this host's apt sources (one-line or deb822 form)
    $lines = @(Get-ChildItem /etc/apt/sources.list, /etc/apt/sources.list.d/* -File -ErrorAction SilentlyContinue | Get-Content)
    foreach ($l in $lines) {
        if ($l -match '^\s*deb\s+(\[[^\]]*\]\s+)?(https?://\S+/debian)/?\s') { return $Matches[2] }
        if ($l -match '^\s*URIs:\s*(https?://\S+/debian)/?\s*$') { return $Matches[1] }
    }
    throw 'no Debian mirror in /etc/apt/sources.list*'
}

function Measure-Seconds([scriptblock] $Block) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $Block
    return $sw.Elapsed.TotalSeconds
}

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count % 2) { return $s[[int][math]::Floor($s.Count / 2)] }
    return ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2
}

$mirror = Get-Mirror
New-Item -ItemType Directory -Force $CacheDirectory | Out-Null
$rootfsTar = Join-Path $CacheDirectory "debian-$Suite-minbase.tar"
if (-not (Test-Path $rootfsTar)) {
    Write-Host "debootstrap $Suite (minbase) from $mirror ..."
    $target = Join-Path $CacheDirectory "rootfs-$Suite"
    if (Test-Path $target) { & rm -rf --one-file-system $target }
    & debootstrap --variant=minbase $Suite $target $mirror | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "debootstrap failed ($LASTEXITCODE)" }
    & tar --numeric-owner --xattrs -C $target -cf $rootfsTar .
    & rm -rf --one-file-system $target
}

$work = Join-Path ([IO.Path]::GetTempPath()) ('psc-bench-build-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$store = Join-Path $work 'store'
$ctx = Join-Path $work 'ctx'
New-Item -ItemType Directory "$ctx/payload" -Force | Out-Null
$savedRoot = $env:PSCONTAINERS_ROOT
$env:PSCONTAINERS_ROOT = $store
try {
    Copy-Item $rootfsTar (Join-Path $ctx 'rootfs.tar')
    foreach ($i in 1..10) { & dd if=/dev/urandom of="$ctx/payload/blob$i.bin" bs=1M count=5 status=none }
    Set-Content (Join-Path $ctx 'Dockerfile') @"
FROM scratch AS base
ADD rootfs.tar /

FROM base AS packages
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $Package >/dev/null && rm -rf /var/lib/apt/lists/*

FROM base AS data
COPY payload/ /payload/

FROM packages
COPY --from=data /payload /srv/payload
ENV APP_HOME=/srv LANG=C.UTF-8
LABEL org.opencontainers.image.title=psc-bench-build
EXPOSE 8080
WORKDIR /srv
USER nobody
CMD ["ls", "-l", "/srv/payload"]
"@
    $ctxMB = [math]::Round(((Get-ChildItem -Recurse -File $ctx | Measure-Object Length -Sum).Sum) / 1MB)
    Write-Host "context: $ctxMB MB (rootfs.tar of $Suite minbase, 50 MB payload); mirror $mirror; package $Package"

    $ours = { param([bool] $Cold) $null = Build-ContainerImage $ctx -Tag psc-bench-build:latest -Network Default -NoCache:$Cold -InformationAction Ignore }
    $theirs = {
        param([bool] $Cold)
        $a = @('--root', "$work/buildah-root", '--runroot', "$work/buildah-run", 'bud', '--layers', '-q', '-t', 'psc-bench-build:latest')
        if ($Cold) { $a += '--no-cache' }
        & buildah @a $ctx | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "buildah bud failed ($LASTEXITCODE)" }
    }
    # one untimed build each: the base layers and buildah's storage exist before the rounds
    & $ours $true; & $theirs $true

    $results = [ordered]@{ OursCold = @(); TheirsCold = @(); OursWarm = @(); TheirsWarm = @() }
    for ($r = 1; $r -le $Rounds; $r++) {
        $first = if ($r % 2) { 'ours' } else { 'buildah' }
        foreach ($kind in 'Cold', 'Warm') {
            $cold = $kind -eq 'Cold'
            $pair = if ($first -eq 'ours') { @('Ours', 'Theirs') } else { @('Theirs', 'Ours') }
            foreach ($who in $pair) {
                # (not named $block: Measure-Seconds' own $Block would hide it from the script block it runs)
                $builder = if ($who -eq 'Ours') { $ours } else { $theirs }
                # each build starts with nothing dirty: what the previous build left to write back (its own files, its
                # background deletions) is flushed first, untimed, so no tool pays for the other's writes
                & sync
                $results["$who$kind"] += Measure-Seconds { & $builder $cold }
            }
        }
        Write-Host ("round {0} ({1} first): cold ours {2:0.00}s buildah {3:0.00}s; warm ours {4:0.00}s buildah {5:0.00}s" -f $r, $first,
            $results.OursCold[-1], $results.TheirsCold[-1], $results.OursWarm[-1], $results.TheirsWarm[-1])
    }
    $m = @{}; foreach ($k in $results.Keys) { $m[$k] = Get-Median $results[$k] }
    Write-Host ("median cold: ours {0:0.00}s, buildah bud {1:0.00}s, ratio {2:0.00} (goal <= 0.5)" -f $m.OursCold, $m.TheirsCold, ($m.OursCold / $m.TheirsCold))
    Write-Host ("median warm: ours {0:0.00}s, buildah bud {1:0.00}s, ratio {2:0.00} (goal <= 0.2)" -f $m.OursWarm, $m.TheirsWarm, ($m.OursWarm / $m.TheirsWarm))
}
finally {
    $env:PSCONTAINERS_ROOT = $savedRoot
    # buildah's images live in a storage of its own under $work (the host's podman storage is not touched)
    & buildah --root "$work/buildah-root" --runroot "$work/buildah-run" rmi --all --force 2>&1 | Out-Null
    if (Test-Path $work) { & rm -rf --one-file-system $work }
}
