<#
.SYNOPSIS
    Runs the Pester suite against the built module in this (fresh) pwsh process and writes a summary file.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ResultDirectory,
    [Parameter(Mandatory)] [string] $SummaryFile,
    [Parameter(Mandatory)] [string] $TestPath
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$env:NO_COLOR = '1'
Import-Module $PesterPath -Force
# Test files import the module themselves through this variable (a binary module cannot be unloaded,
# so every suite runs in a fresh process).
$env:PSCONTAINERS_TEST_MODULE = (Resolve-Path $ModulePath).Path

$c = New-PesterConfiguration
$c.Run.Path = @($TestPath -split ',')
$c.Run.PassThru = $true
$c.Output.Verbosity = 'Detailed'
$c.TestResult.Enabled = $true
$c.TestResult.OutputFormat = 'JUnitXml'
$c.TestResult.OutputPath = Join-Path $ResultDirectory 'pester-junit.xml'
$c.Should.ErrorAction = 'Continue'
$r = Invoke-Pester -Configuration $c

$failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount
# what failed, by name and first line of the error, so the suite's last lines say it (CI shows only the tail)
$failedNames = @(
    @($r.Failed) | ForEach-Object { "$($_.ExpandedPath): $((@($_.ErrorRecord)[0].Exception.Message -split "`n")[0])" }
    @($r.FailedBlocks) | ForEach-Object { "$($_.ExpandedPath) (block): $((@($_.ErrorRecord)[0].Exception.Message -split "`n")[0])" }
    @($r.FailedContainers) | ForEach-Object { "$($_.Item) (file): $((@($_.ErrorRecord)[0].Exception.Message -split "`n")[0])" }
)
[pscustomobject]@{ Passed = $r.PassedCount; Failed = $failed; Skipped = $r.SkippedCount; FailedNames = $failedNames } |
    ConvertTo-Json | Set-Content -Path $SummaryFile
"Pester: $($r.PassedCount) passed, $failed failed, $($r.SkippedCount) skipped"
exit ([int]($failed -gt 0))
