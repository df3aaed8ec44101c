# Shared helpers for the Pester suites. Import with:
#   BeforeAll { Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force; Import-PsContainersForTest }

function Import-PsContainersForTest {
    $path = $env:PSCONTAINERS_TEST_MODULE
    if (-not $path) { $path = Join-Path $PSScriptRoot '../../out/PsContainers/PsContainers.psd1' }
    Import-Module $path -Force -Global
}

function New-TestStoreRoot {
    <# Creates a private store root for one test file and points the engine at it. #>
    $root = Join-Path ([IO.Path]::GetTempPath()) ("psc-test-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $root | Out-Null
    $env:PSCONTAINERS_ROOT = $root
    $root
}

function Remove-TestStoreRoot([string] $Root) {
    if ($Root -and (Test-Path $Root)) {
        # the store's own networks first: their bridges, subnet rules and reservations are host-wide and would
        # outlive the deleted root (the default network's bridge is shared by every store and stays)
        if ((Get-Command Remove-ContainerNetwork -ErrorAction SilentlyContinue) -and (Test-Path "$Root/networks")) {
            $saved = $env:PSCONTAINERS_ROOT
            try {
                $env:PSCONTAINERS_ROOT = $Root
                Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object { -not $_.IsDefault } |
                    Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
            } catch { Write-Warning "Removing the networks of $Root failed: $_" }
            finally { $env:PSCONTAINERS_ROOT = $saved }
        }
        # unmount anything a failed test left under the root before deleting it
        Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } |
            Where-Object { $_ -like "$Root*" } | Sort-Object Length -Descending |
            ForEach-Object { & umount -l $_ 2>$null }
        Remove-Item -Recurse -Force $Root -ErrorAction SilentlyContinue
    }
}

# The path of a build tool's assembly in the NuGet cache, at the version Directory.Packages.props pins
# (<MarkdigVersion>, <YamlDotNetVersion>): the same one build.ps1 restores and uses.
function Get-PinnedToolAssembly([ValidateSet('Markdig', 'YamlDotNet')] [string] $Package) {
    [xml] $packages = Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Packages.props')
    $version = @($packages.Project.PropertyGroup | ForEach-Object { $_."$($Package)Version" } | Where-Object { $_ })[0]
    if (-not $version) { throw "Directory.Packages.props pins no $Package version" }
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    Join-Path $nuget "$($Package.ToLowerInvariant())/$version/lib/net10.0/$Package.dll"
}

Export-ModuleMember -Function *
