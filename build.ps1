#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, documents, tests, demonstrates and benchmarks PsContainers.
.DESCRIPTION
    build  - compile the solution and lay out an importable module in out/PsContainers
    package - build, then pack out/PsContainers into out/package/PsContainers.<version>.nupkg, the package that
             Install-PSResource and Install-Module install from a repository (Compress-PSResource, PSResourceGet)
    docs   - turn docs/help/*.md (PlatyPS markdown) into MAML help in out/PsContainers/en-US
    test   - build and package, then run the xunit and Pester suites; ends with one line "N passed, N failed"
    demo   - build, then show the main job with real containers
    bench  - build, then run the benchmarks in bench/
    deps   - install what is missing: Debian packages (when root), Pester, Markdig and YamlDotNet from NuGet
    clean  - remove out/ and the bin/obj folders
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'package', 'docs', 'test', 'demo', 'bench', 'deps', 'clean')]
    [string] $Task = 'build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Pester test files or folders to run (default: all of tests/Pester)
    [string[]] $PesterPath,
    # Skip the xunit suite (with 'test')
    [switch] $SkipXunit,
    # Skip the Pester suite (with 'test')
    [switch] $SkipPester,
    # Skip the cgroup v2 lane (with 'test'; also PSCONTAINERS_CGROUP2_LANE=0). The lane (tests/cgroup2/run-lane.sh)
    # boots a cgroup-v2-only QEMU guest after the other suites and counts its results with theirs: about 4-5 minutes
    # under TCG emulation on a quiet 2-core host. Where the guest cannot be had it is reported as skipped.
    [switch] $SkipCgroup2
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'PsContainers'
$PackageOut = Join-Path $Out 'package'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

# Tool versions pinned by the project: properties of Directory.Packages.props, the one list of package versions.
function Get-PinnedVersion([string] $Name) {
    [xml] $packages = Get-Content -Raw (Join-Path $Root 'Directory.Packages.props')
    $v = @($packages.Project.PropertyGroup | ForEach-Object { $_.$Name } | Where-Object { $_ })
    if ($v.Count -ne 1) { throw "Directory.Packages.props must hold one <$Name> (found $($v.Count))" }
    $v[0]
}
$PesterVersion = Get-PinnedVersion 'PesterVersion'
$MarkdigVersion = Get-PinnedVersion 'MarkdigVersion'
$YamlDotNetVersion = Get-PinnedVersion 'YamlDotNetVersion'
$NuGetCache = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }

# Debian packages the engine and its tests use: the command each one provides, and the package.
$AptPackages = [ordered]@{
    '/bin/busybox'                   = 'busybox-static'
    '/usr/sbin/runc'                 = 'runc'
    '/usr/bin/crun'                  = 'crun'
    '/usr/bin/skopeo'                = 'skopeo'
    '/usr/bin/umoci'                 = 'umoci'
    '/usr/bin/podman'                = 'podman'
    '/usr/bin/podman-compose'        = 'podman-compose'
    '/usr/bin/docker-registry'       = 'docker-registry'
    '/usr/lib/cni/bridge'            = 'containernetworking-plugins'
    '/usr/sbin/iptables'             = 'iptables'
    '/usr/bin/htpasswd'              = 'apache2-utils'
    '/usr/bin/openssl'               = 'openssl'
    '/usr/bin/hyperfine'             = 'hyperfine'
    # Remoting.Tests.ps1 and bench/remoting.ps1 run an sshd per test "host" (PowerShell SSH remoting)
    '/usr/sbin/sshd'                 = 'openssh-server'
    '/usr/bin/tmux'                  = 'tmux'
    '/usr/sbin/ip'                   = 'iproute2'
    '/usr/bin/gcc'                   = 'gcc'
    '/usr/bin/getfattr'              = 'attr'
    '/usr/sbin/setcap'               = 'libcap2-bin'
    '/usr/include/seccomp.h'         = 'libseccomp-dev'
}

function Write-Step([string] $Message) {
    Write-Host "==> $Message"
}

function Invoke-Native {
    param([string] $File, [string[]] $Arguments, [switch] $AllowFailure)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) {
        throw "'$File $($Arguments -join ' ')' failed with exit code $LASTEXITCODE"
    }
}

function Test-IsRoot {
    try { return ((& id -u) -eq '0') } catch { return $false }
}

function Install-Dependencies {
    $missing = @($AptPackages.GetEnumerator() | Where-Object { -not (Test-Path $_.Key) } | ForEach-Object Value | Select-Object -Unique)
    if ($missing.Count -gt 0) {
        if (Test-IsRoot) {
            Write-Step "Installing Debian packages: $($missing -join ', ')"
            $env:DEBIAN_FRONTEND = 'noninteractive'
            Invoke-Native apt-get @('update', '-qq')
            Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing)
        } else {
            Write-Warning "Missing Debian packages (run as root to install them): $($missing -join ', ')"
        }
    }
    Install-PodmanConfig
    if (-not (Test-Path (Join-Path $NuGetCache "pester/$PesterVersion/tools/Pester.psd1")) -or
        -not (Test-Path (Join-Path $NuGetCache "markdig/$MarkdigVersion")) -or
        -not (Test-Path (Join-Path $NuGetCache "yamldotnet/$YamlDotNetVersion"))) {
        Write-Step "Restoring Pester $PesterVersion, Markdig $MarkdigVersion and YamlDotNet $YamlDotNetVersion from NuGet"
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/deps/deps.csproj'), '-v', 'q')
    }
}

# podman on these machines needs its rlimits and cgroup manager set (see docs/architecture.md).
function Install-PodmanConfig {
    if (-not (Test-IsRoot) -or -not (Test-Path /usr/bin/podman)) { return }
    $conf = '/etc/containers/containers.conf'
    if ((Test-Path $conf) -and (Select-String -Path $conf -Pattern 'default_ulimits' -Quiet)) { return }
    New-Item -ItemType Directory -Force -Path /etc/containers | Out-Null
    @'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
'@ | Set-Content -Path $conf
}

function Get-AotProjects {
    # NativeAOT executables shipped in the module's bin/ folder: project folder -> binary name
    $list = @()
    foreach ($p in @(@{ Dir = 'src/PsContainers.Runtime'; Name = 'pscrun' }, @{ Dir = 'src/PsContainers.Monitor'; Name = 'pscmon' }, @{ Dir = 'src/PsContainers.Dns'; Name = 'pscdns' })) {
        $proj = Get-ChildItem -Path (Join-Path $Root $p.Dir) -Filter *.csproj -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($proj) { $list += [pscustomobject]@{ Project = $proj.FullName; Name = $p.Name } }
    }
    $list
}

function Invoke-Build {
    Install-Dependencies
    Write-Step "Building PsContainers.sln ($Configuration)"
    Invoke-Native dotnet @('build', (Join-Path $Root 'PsContainers.sln'), '-c', $Configuration, '-v', 'q', '-nologo', '-clp:ErrorsOnly')

    Write-Step "Publishing the module to $ModuleOut"
    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/PsContainers/PsContainers.csproj'), '-c', $Configuration,
        '-o', $ModuleOut, '--no-build', '-v', 'q', '-nologo', '-clp:ErrorsOnly')
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force
    Copy-Item (Join-Path $Root 'LICENSE') $ModuleOut -Force
    Set-ManifestVersion (Join-Path $ModuleOut 'PsContainers.psd1')

    $bin = Join-Path $ModuleOut 'bin'
    New-Item -ItemType Directory -Force -Path $bin | Out-Null
    Write-Step 'Compiling pscinit (static C init for -Init)'
    Invoke-Native gcc @('-static', '-O2', '-Wall', '-o', (Join-Path $bin 'pscinit'), (Join-Path $Root 'src/PsContainers.Init/pscinit.c'))

    foreach ($aot in Get-AotProjects) {
        Write-Step "Publishing $($aot.Name) (NativeAOT)"
        $tmp = Join-Path $Out "aot/$($aot.Name)"
        Invoke-Native dotnet @('publish', $aot.Project, '-c', 'Release', '-r', 'linux-x64', '-p:PublishAot=true',
            '-p:SelfContained=true', '-o', $tmp, '-v', 'q', '-nologo', '-clp:ErrorsOnly')
        Copy-Item (Join-Path $tmp $aot.Name) $bin -Force
    }
    Invoke-Docs
}

# The one version of the project: <Version> in Directory.Build.props (the assemblies get it from there too).
function Get-ProjectVersion {
    [xml] $props = Get-Content -Raw (Join-Path $Root 'Directory.Build.props')
    $v = @($props.Project.PropertyGroup | ForEach-Object { $_.SelectSingleNode('Version') } | Where-Object { $_ } | ForEach-Object InnerText)
    if ($v.Count -ne 1 -or -not ($v[0] -as [version])) { throw "Directory.Build.props must hold one <Version> of the form 1.2.3 (found: '$($v -join ', ')')" }
    $v[0]
}

# module/PsContainers.psd1 carries '{{ModuleVersion}}'; the laid-out manifest gets the project version.
function Set-ManifestVersion([string] $Manifest) {
    $text = Get-Content -Raw $Manifest
    if ($text -notmatch '\{\{ModuleVersion\}\}') { throw "$Manifest has no {{ModuleVersion}} placeholder" }
    Set-Content -Path $Manifest -Value $text.Replace('{{ModuleVersion}}', (Get-ProjectVersion)) -NoNewline
}

# Packs the laid-out module into out/package/PsContainers.<version>.nupkg with PSResourceGet's Compress-PSResource
# (1.1.0 or later; the pinned pwsh ships 1.2.0): the same .nuspec and layout Publish-PSResource writes, without
# registering a repository. A .nupkg is a zip and keeps no Unix modes: the module restores the execute bits of
# its bin/ helpers when it is imported (module/PsContainers.NativeHelpers.ps1).
function Invoke-Package {
    $psrg = Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $psrg -or $psrg.Version -lt [version]'1.1.0') {
        throw "Packaging needs Microsoft.PowerShell.PSResourceGet 1.1.0 or later (Compress-PSResource); found $(if ($psrg) { $psrg.Version } else { 'none' }). Run build.ps1 with the pinned pwsh: dotnet tool restore && dotnet pwsh ./build.ps1 package"
    }
    Import-Module $psrg -Force
    $version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'PsContainers.psd1')).ModuleVersion
    Write-Step "Packing $ModuleOut into $PackageOut (PSResourceGet $($psrg.Version))"
    if (Test-Path $PackageOut) { Remove-Item -Recurse -Force $PackageOut }
    New-Item -ItemType Directory -Force -Path $PackageOut | Out-Null
    Compress-PSResource -Path $ModuleOut -DestinationPath $PackageOut
    $nupkg = Join-Path $PackageOut "PsContainers.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource did not write $nupkg (found: $(@(Get-ChildItem $PackageOut -Name) -join ', '))" }
    Write-Step "Wrote $nupkg ($([math]::Round((Get-Item $nupkg).Length / 1MB, 1)) MB)"
}

function Invoke-Docs {
    Install-Dependencies
    $helpOut = Join-Path $ModuleOut 'en-US'
    New-Item -ItemType Directory -Force -Path $helpOut | Out-Null
    $platy = Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS | Select-Object -First 1
    if ($platy) {
        Write-Step "Building MAML help with PlatyPS $($platy.Version)"
        Import-Module $platy
        $cmds = Get-ChildItem (Join-Path $Root 'docs/help') -Filter *.md | Where-Object Name -notlike 'about_*' | ForEach-Object { Import-MarkdownCommandHelp -Path $_.FullName }
        Export-MamlCommandHelp -CommandHelp $cmds -OutputFolder $helpOut -Force | Out-Null
        $made = Get-ChildItem $helpOut -Recurse -Filter *.xml | Select-Object -First 1
        if ($made -and $made.DirectoryName -ne $helpOut) { Move-Item $made.FullName (Join-Path $helpOut 'PsContainers.dll-Help.xml') -Force }
    } else {
        Write-Step 'Building MAML help from docs/help (Markdig, YamlDotNet)'
        & (Join-Path $Root 'tools/ConvertTo-Maml.ps1') -HelpPath (Join-Path $Root 'docs/help') `
            -OutputFile (Join-Path $helpOut 'PsContainers.dll-Help.xml') `
            -MarkdigPath (Join-Path $NuGetCache "markdig/$MarkdigVersion/lib/net10.0/Markdig.dll") `
            -YamlDotNetPath (Join-Path $NuGetCache "yamldotnet/$YamlDotNetVersion/lib/net10.0/YamlDotNet.dll")
    }
    Write-Step 'Building the about_ topics from docs/help/about_*.md'
    & (Join-Path $Root 'tools/ConvertTo-AboutHelp.ps1') -HelpPath (Join-Path $Root 'docs/help') -OutputPath $helpOut
}

function Get-PwshPath {
    # The pwsh that runs this script (from the local tool manifest) runs the child sessions too.
    $p = (Get-Process -Id $PID).Path
    if ($p -and (Split-Path $p -Leaf) -like 'pwsh*') { return $p }
    return 'pwsh'
}

# Host directories whose mode and owner no test may change (an engine walk that followed a symlink out of a layer
# once set every directory under /run to 0700): recorded before the suites and compared after them.
$HostSentinelPaths = @('/', '/etc', '/run', '/run/lock', '/tmp', '/var/tmp', '/var/lib', '/dev', '/dev/shm', '/root', '/usr/bin', '/proc/self/fd')

function Get-HostSentinelState {
    foreach ($p in $HostSentinelPaths) {
        if (Test-Path -LiteralPath $p) { (& stat -c '%n %a %u:%g %F' -- $p) } else { "$p absent" }
    }
}

# Network namespaces the engine made (/run/netns/psc-*): the suites must release every one they made, including the
# ones a -Remove run releases after it returned (pscmon net-release, detached).
function Get-LeftNetworkNamespace {
    param([string[]] $Before)
    $sw = [Diagnostics.Stopwatch]::StartNew()
    do {
        $releasing = @(Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$' | Where-Object {
            $c = try { [IO.File]::ReadAllText("/proc/$($_.Name)/cmdline") } catch { '' }
            $c -like "*pscmon`0net-release`0*"
        })
        if ($releasing.Count -eq 0) { break }
        Start-Sleep -Milliseconds 100
    } while ($sw.Elapsed.TotalSeconds -lt 30)
    # a namespace some process still lives in belongs to a running container (not necessarily these suites')
    $inUse = [Collections.Generic.HashSet[string]]::new()
    foreach ($d in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$') {
        $l = try { [IO.File]::ResolveLinkTarget("/proc/$($d.Name)/ns/net", $false).Name } catch { $null }
        if (-not $l) { $l = (& readlink "/proc/$($d.Name)/ns/net" 2>$null) }
        if ($l) { $null = $inUse.Add([string]$l) }
    }
    foreach ($f in @(Get-ChildItem /run/netns -Filter 'psc-*' -ErrorAction SilentlyContinue)) {
        if ($Before -contains $f.Name) { continue }
        $ino = (& stat -L -c '%i' -- $f.FullName 2>$null)
        if ($ino -and $inUse.Contains("net:[$ino]")) { continue }
        $f.Name
    }
}

# The counts of the xunit .trx files under Directory (none found is one failure), failures named "<Label> test: message".
function Read-XunitResult([string] $Directory, [string] $Label) {
    $r = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0; FailedNames = [System.Collections.Generic.List[string]]::new() }
    $trxFiles = @(Get-ChildItem $Directory -Filter *.trx -Recurse -ErrorAction SilentlyContinue)
    if ($trxFiles.Count -eq 0) { Write-Warning "$Label produced no results"; $r.Failed++; $r.FailedNames.Add("$Label produced no results") }
    foreach ($trx in $trxFiles) {
        [xml] $x = Get-Content -Raw $trx.FullName
        $c = $x.TestRun.ResultSummary.Counters
        $r.Passed += [int]$c.passed
        $r.Failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $r.Skipped += [int]$c.notExecuted
        foreach ($t in @($x.TestRun.Results.UnitTestResult) | Where-Object { $_ -and $_.outcome -notin 'Passed', 'NotExecuted' }) {
            $message = "$($t.Output.ErrorInfo.Message)" -split "`n" | Select-Object -First 1
            $r.FailedNames.Add("$Label $($t.testName): $message")
        }
    }
    $r
}

# The counts of a summary file of tests/Invoke-PesterSuite.ps1 (a missing one is one failure).
function Read-PesterResult([string] $Summary, [string] $Label) {
    $r = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0; FailedNames = [System.Collections.Generic.List[string]]::new() }
    if (Test-Path $Summary) {
        $s = Get-Content -Raw $Summary | ConvertFrom-Json
        $r.Passed = $s.Passed; $r.Failed = $s.Failed; $r.Skipped = $s.Skipped
        foreach ($n in @($s.FailedNames)) { if ($n) { $r.FailedNames.Add("$Label $n") } }
    } else {
        Write-Warning "$Label produced no summary"
        $r.Failed++; $r.FailedNames.Add("$Label produced no summary")
    }
    $r
}

function Invoke-Test {
    Invoke-Build
    Invoke-Package   # tests/Pester/Package.Tests.ps1 installs it
    $hostBefore = @(Get-HostSentinelState)
    $netnsBefore = @(Get-ChildItem /run/netns -Filter 'psc-*' -ErrorAction SilentlyContinue | ForEach-Object Name)
    $results = Join-Path $Out 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $passed = 0; $failed = 0; $skipped = 0; $ok = $true
    $failedNames = [System.Collections.Generic.List[string]]::new()

    if (-not $SkipXunit) {
        Write-Step 'Running xunit tests'
        $trxDir = Join-Path $results 'xunit'
        & dotnet test (Join-Path $Root 'PsContainers.sln') -c $Configuration --no-build `
            --logger 'trx;LogFilePrefix=xunit' --logger 'console;verbosity=normal' --results-directory $trxDir
        if ($LASTEXITCODE -ne 0) { $ok = $false }
        $r = Read-XunitResult $trxDir 'xunit'
        $passed += $r.Passed; $failed += $r.Failed; $skipped += $r.Skipped; $r.FailedNames | ForEach-Object { $failedNames.Add($_) }
        if ($r.Failed -gt 0) { $ok = $false }
    }

    if (-not $SkipPester) {
        Write-Step 'Running Pester tests (in a fresh pwsh)'
        $summary = Join-Path $results 'pester-summary.json'
        $paths = if ($PesterPath) { $PesterPath } else { @(Join-Path $Root 'tests/Pester') }
        $pesterArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/Invoke-PesterSuite.ps1'),
            '-ModulePath', (Join-Path $ModuleOut 'PsContainers.psd1'),
            '-PesterPath', (Join-Path $NuGetCache "pester/$PesterVersion/tools/Pester.psd1"),
            '-ResultDirectory', $results, '-SummaryFile', $summary, '-TestPath', ($paths -join ','))
        & (Get-PwshPath) @pesterArgs
        if ($LASTEXITCODE -ne 0) { $ok = $false }
        $r = Read-PesterResult $summary 'Pester'
        $passed += $r.Passed; $failed += $r.Failed; $skipped += $r.Skipped; $r.FailedNames | ForEach-Object { $failedNames.Add($_) }
        if ($r.Failed -gt 0) { $ok = $false }
    }

    if (-not $SkipCgroup2 -and $env:PSCONTAINERS_CGROUP2_LANE -ne '0') {
        # the same runtime scenarios and a focused engine set on a cgroup v2 only kernel, in a QEMU guest (issue 16)
        Write-Step 'Running the cgroup v2 lane (tests/cgroup2/run-lane.sh, a QEMU guest)'
        $lane = Join-Path $results 'cgroup2'
        $laneClock = [Diagnostics.Stopwatch]::StartNew()
        & bash (Join-Path $Root 'tests/cgroup2/run-lane.sh') $lane
        $laneRc = $LASTEXITCODE
        if (Test-Path (Join-Path $lane 'skipped.txt')) {
            $skipped++
            Write-Host "[!] cgroup v2 lane SKIPPED: $((Get-Content -Raw (Join-Path $lane 'skipped.txt')).Trim())"
        } else {
            $x = Read-XunitResult $lane 'cgroup2 xunit'
            $p = Read-PesterResult (Join-Path $lane 'pester-summary.json') 'cgroup2 Pester'
            foreach ($r in $x, $p) { $passed += $r.Passed; $failed += $r.Failed; $skipped += $r.Skipped; $r.FailedNames | ForEach-Object { $failedNames.Add($_) } }
            if ($laneRc -ne 0 -and $x.Failed + $p.Failed -eq 0) { $failed++; $failedNames.Add("cgroup2 lane: exit $laneRc with no failed test (see $lane/guest.log)") }
            if ($laneRc -ne 0 -or $x.Failed + $p.Failed -gt 0) { $ok = $false }
            Write-Host "cgroup v2 lane: $($x.Passed + $p.Passed) passed, $($x.Failed + $p.Failed) failed, $($x.Skipped + $p.Skipped) skipped in $([int]$laneClock.Elapsed.TotalSeconds) s"
        }
    }

    # one more test: the suites left the host's own directories as they found them
    $hostAfter = @(Get-HostSentinelState)
    $changed = @(Compare-Object $hostBefore $hostAfter | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" })
    if ($changed.Count -eq 0) { $passed++; Write-Host '[+] host directories keep their modes and owners' }
    else { $failed++; $ok = $false; Write-Host "[-] host directories changed during the tests:`n  $($changed -join "`n  ")" }
    $leftNetns = @(Get-LeftNetworkNamespace -Before $netnsBefore)
    if ($leftNetns.Count -eq 0) { $passed++; Write-Host '[+] no network namespace is left behind' }
    else {
        $failed++; $ok = $false; $failedNames.Add('network namespaces left behind')
        Write-Host "[-] network namespaces left behind (no process in them): $($leftNetns -join ', ')"
    }

    Write-Host ''
    if ($failedNames.Count -gt 0) {
        # repeated at the end, next to the totals, so a log's tail names what failed
        Write-Host 'Failed:'
        foreach ($n in $failedNames | Select-Object -First 30) {
            Write-Host "  $(if ($n.Length -gt 300) { $n.Substring(0, 300) + '...' } else { $n })"
        }
        if ($failedNames.Count -gt 30) { Write-Host "  ... and $($failedNames.Count - 30) more" }
    }
    if ($skipped -gt 0) { Write-Host "$passed passed, $failed failed, $skipped skipped" }
    else { Write-Host "$passed passed, $failed failed" }
    if (-not $ok -or $failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $Root 'tools/demo.ps1') -ModulePath (Join-Path $ModuleOut 'PsContainers.psd1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    Invoke-Build
    foreach ($b in Get-ChildItem (Join-Path $Root 'bench') -Filter *.ps1 | Sort-Object Name) {
        Write-Step "Benchmark $($b.Name)"
        & (Get-PwshPath) -NoProfile -NonInteractive -File $b.FullName -ModulePath (Join-Path $ModuleOut 'PsContainers.psd1')
    }
}

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item -Recurse -Force $Out }
    Get-ChildItem $Root -Recurse -Directory -Include bin, obj -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -notlike "*$([IO.Path]::DirectorySeparatorChar)node_modules*" } |
        Remove-Item -Recurse -Force
}

Push-Location $Root
try {
    switch ($Task) {
        'build' { Invoke-Build }
        'package' { Invoke-Build; Invoke-Package }
        'docs' { Invoke-Docs }
        'test' { Invoke-Test }
        'demo' { Invoke-Demo }
        'bench' { Invoke-Bench }
        'deps' { Install-Dependencies }
        'clean' { Invoke-Clean }
    }
} finally {
    Pop-Location
}
