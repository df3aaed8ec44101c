param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Get-Command -Module PsContainers | Format-Table -AutoSize
