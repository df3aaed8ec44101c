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
        # unmount anything a failed test left under the root before deleting it
        Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } |
            Where-Object { $_ -like "$Root*" } | Sort-Object Length -Descending |
            ForEach-Object { & umount -l $_ 2>$null }
        Remove-Item -Recurse -Force $Root -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function *
