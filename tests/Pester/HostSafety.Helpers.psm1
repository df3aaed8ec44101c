# Helpers for the host-safety and layer-fidelity suites.
#
# Invoke-InPrivateMountNamespace runs a script block in a child pwsh inside private mount and PID namespaces in which
# every mount of the machine is read-only, /proc shows only the namespace's own processes (a /proc/<pid>/root of an
# outside process would lead back to the machine's writable mounts), /sys/fs/cgroup is a scratch copy and /run,
# /tmp and /dev/shm are scratch tmpfs mounts. Hostile symlinks in test
# images (to /, /etc, /run, /run/lock, /tmp, /proc/self/fd) therefore point at scratch copies or at read-only file
# systems: a regression shows as a changed sentinel in the scratch /run or /tmp, never as damage to this machine.
#   Import-Module "$PSScriptRoot/HostSafety.Helpers.psm1" -Force
#   $r = Invoke-InPrivateMountNamespace { param($x) ...; [pscustomobject]@{ ... } } -ArgumentList 1

Set-StrictMode -Version 3.0

function Invoke-InPrivateMountNamespace {
    <#
    .SYNOPSIS
    Runs ScriptBlock in a child pwsh in a private, read-only mount namespace with scratch /run, /tmp, /dev/shm and
    the PsContainers module imported (store root /tmp/store). Returns what the block returns (deserialized).
    Errors inside the block are returned as a failure: the call throws with the child's error text.
    .PARAMETER AllowContainers
    Leave /proc and the cgroup mounts writable so containers can run (the hostile links then point only at the
    scratch mounts and at read-only file systems).
    #>
    param(
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [object[]] $ArgumentList = @(),
        [switch] $AllowContainers,
        [string[]] $ImportModule = @(),
        # a hung walk (one that follows a link to / walks the whole machine) fails the test instead of hanging it
        [int] $TimeoutSeconds = 300
    )
    $module = $env:PSCONTAINERS_TEST_MODULE
    if (-not $module) { $module = (Resolve-Path (Join-Path $PSScriptRoot '../../out/PsContainers/PsContainers.psd1')).Path }
    # the pwsh apphost beside this session's engine (a `dotnet pwsh` session's process is dotnet itself)
    $pwsh = Join-Path $PSHOME 'pwsh'
    $cgroupName = 'psc-ns-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $payload = [Management.Automation.PSSerializer]::Serialize([pscustomobject]@{
            Script        = $ScriptBlock.ToString()
            Arguments     = $ArgumentList
            Module        = $module
            Imports       = @($ImportModule | ForEach-Object { (Resolve-Path $_).Path })
            AllowContainers = [bool] $AllowContainers
            CgroupName    = $cgroupName
        }, 5)
    # The payload goes in on standard input: /tmp is covered by a scratch mount in the child.
    $psi = [Diagnostics.ProcessStartInfo]::new('unshare')
    # A new PID namespace with its own /proc: /proc/<pid>/root of a process outside would lead back to the
    # machine's writable mounts, so no process outside may be visible.
    foreach ($a in @('--mount', '--pid', '--fork', '--mount-proc', '--propagation', 'private', '--', $pwsh, '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'PrivateNamespace.Child.ps1'))) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
    $p = [Diagnostics.Process]::Start($psi)
    $stdout = $p.StandardOutput.ReadToEndAsync()
    $stderr = $p.StandardError.ReadToEndAsync()
    $p.StandardInput.Write($payload); $p.StandardInput.Close()
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
        $p.Kill($true)
        $p.WaitForExit()
        foreach ($h in Get-ChildItem /sys/fs/cgroup -Directory) { $top = Join-Path $h.FullName $cgroupName; if (Test-Path $top) { & find $top -depth -type d -exec rmdir '{}' + 2>$null } }
        throw "The private-namespace child did not finish in $TimeoutSeconds s (killed). Output:`n$($stdout.Result)`n$($stderr.Result)"
    }
    $p.WaitForExit()
    $code = $p.ExitCode
    # the namespace is gone with its last process: remove the test cgroups (children first)
    foreach ($h in Get-ChildItem /sys/fs/cgroup -Directory) {
        $top = Join-Path $h.FullName $cgroupName
        if (Test-Path $top) {
            & find $top -depth -type d -exec rmdir '{}' + 2>$null
        }
    }
    $out = @($stdout.Result -split "`n") + @($stderr.Result -split "`n")
    $text = @($out | ForEach-Object { "$_".TrimEnd("`r") })
    $marker = $text | Where-Object { $_.StartsWith('PSC-RESULT:') } | Select-Object -Last 1
    if ($code -ne 0 -or -not $marker) {
        throw "The private-namespace child failed (exit $code):`n$($text -join "`n")"
    }
    $xml = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($marker.Substring(11)))
    [Management.Automation.PSSerializer]::Deserialize($xml)
}

function Get-TreeSnapshot {
    <#
    .SYNOPSIS
    A text snapshot of a tree, without following links: one line per entry with type, mode, owner, size, link
    target and a hash of the content. Used to prove that sentinels did not change.
    #>
    param([Parameter(Mandatory)] [string] $Path)
    if (-not (Test-Path -LiteralPath $Path)) { return @() }
    # find -P never follows links; %M mode, %U:%G owner, %s size, %l link target
    $lines = & find -P $Path -printf '%p|%M|%U:%G|%s|%l\n' 2>$null | Sort-Object
    foreach ($l in $lines) {
        $p = ($l -split '\|')[0]
        $hash = ''
        if ((& stat -c %F -- $p 2>$null) -eq 'regular file') { $hash = (& sha256sum -- $p 2>$null) -replace ' .*', '' }
        "$l|$hash"
    }
}

function New-HostileTree {
    <#
    .SYNOPSIS
    Fills Path with the hostile shapes every engine walk must contain: links to /, /etc, /run, /run/lock, /tmp,
    /proc/self/fd and to a sentinel, relative links climbing out, link loops, a 0555 directory holding links, a
    0000 directory, and the Debian shapes var/run -> /run, var/lock -> /run/lock, dev/fd -> /proc/self/fd.
    #>
    param([Parameter(Mandatory)] [string] $Path, [string] $Sentinel = '/run/psc-sentinel')
    $script = @"
set -e
cd '$Path'
mkdir -p var dev links ro-dir closed-dir data
ln -s /run var/run
ln -s /run/lock var/lock
ln -s /proc/self/fd dev/fd
ln -s / links/root
ln -s /etc links/etc
ln -s /tmp links/tmp
ln -s '$Sentinel' links/sentinel
ln -s ../../../../../../../.. links/up
ln -s ../../../../../../../..$Sentinel links/up-sentinel
ln -s loop-b links/loop-a
ln -s loop-a links/loop-b
ln -s self links/self
ln -s / ro-dir/root
ln -s '$Sentinel' ro-dir/sentinel
echo data > ro-dir/file
echo data > closed-dir/file
printf 'hello\n' > data/hello.txt
chmod 0555 ro-dir
chmod 0000 closed-dir
"@
    & bash -c $script
    if ($LASTEXITCODE -ne 0) { throw "could not build the hostile tree in $Path" }
}

function New-SentinelTree {
    <# A sentinel tree with distinct modes, owners and contents (the target of hostile links). #>
    param([Parameter(Mandatory)] [string] $Path)
    & bash -c "set -e; mkdir -p '$Path/sub'; echo keep > '$Path/file'; echo deep > '$Path/sub/deep'; chmod 0751 '$Path'; chmod 1730 '$Path/sub'; chmod 0640 '$Path/file'; chown 12:34 '$Path/file'"
    if ($LASTEXITCODE -ne 0) { throw "could not build the sentinel tree in $Path" }
}

function New-LayerTarFromDirectory {
    <# A layer tar of Directory made by GNU tar (pax, numeric owners, xattrs and file capabilities kept). #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $Path)
    & tar --format=posix --xattrs --xattrs-include='*' --numeric-owner --sort=name -C $Directory -cf $Path .
    if ($LASTEXITCODE -ne 0) { throw "tar failed for $Directory" }
}

function New-TestImageFromLayerTars {
    <#
    .SYNOPSIS
    A docker-archive whose layers are the busybox test root file system followed by the given layer tar files.
    Returns Path, Id, DiffIds.
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string[]] $LayerTar,
        [string] $Name = 'layer-test:latest',
        [switch] $NoBusybox,
        [string[]] $Volumes = @()
    )
    $tars = [Collections.Generic.List[byte[]]]::new()
    if (-not $NoBusybox) { $tars.Add((Get-TestBusyboxLayers)[0]) }
    foreach ($t in $LayerTar) { $tars.Add([IO.File]::ReadAllBytes($t)) }
    $diffIds = @($tars | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
    $cfgBytes = New-TestImageConfig -DiffIds $diffIds
    if ($Volumes.Count -gt 0) {
        $cfg = [Text.Encoding]::UTF8.GetString($cfgBytes) | ConvertFrom-Json -AsHashtable
        $v = [ordered]@{}; foreach ($x in $Volumes) { $v[$x] = @{} }
        $cfg.config['Volumes'] = $v
        $cfgBytes = [Text.Encoding]::UTF8.GetBytes(($cfg | ConvertTo-Json -Depth 10 -Compress))
    }
    Write-TestDockerArchive -Path $Path -Tars $tars.ToArray() -Config $cfgBytes -Name $Name
}

Export-ModuleMember -Function Invoke-InPrivateMountNamespace, Get-TreeSnapshot, New-HostileTree, New-SentinelTree, New-LayerTarFromDirectory, New-TestImageFromLayerTars
