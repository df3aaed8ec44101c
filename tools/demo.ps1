<#
.SYNOPSIS
    The main job, end to end: a generated busybox image, a detached busybox httpd published on a host port and fetched from the host, its listing, an exec into
    it, its logs, stop and remove - everything printed as objects. Uses a private store root in a temp dir
    and removes it afterwards.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'

Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Images.Helpers.psm1')

# Render objects with their views at a readable width even when the output is redirected
function Out-Demo([switch] $List) {
    $v = if ($List) { $input | Format-List } else { $input | Format-Table -AutoSize }
    $v | Out-String -Width 150 | ForEach-Object TrimEnd | Write-Host
}

function Show([string] $Title, [string] $Command) {
    Write-Host ''
    Write-Host "### $Title" -ForegroundColor Cyan
    Write-Host "PS> $Command"
}

$root = Join-Path ([IO.Path]::GetTempPath()) ('psc-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $root | Out-Null
$env:PSCONTAINERS_ROOT = $root
try {
    Show 'Generate a busybox image (from /bin/busybox) and import it' 'Import-ContainerImage -Path busybox.tar'
    $tar = Join-Path $root 'busybox.tar'
    $null = New-TestImageArchive -Path $tar -Name 'demo/busybox:latest'
    Import-ContainerImage -Path $tar | Out-Demo

    Show 'Run a command attached: its output lines come down the pipeline' "Invoke-ContainerImage demo/busybox -Remove sh -c 'echo hello from `$(hostname); uname -s' | ForEach-Object { `"> `$_`" }"
    Invoke-ContainerImage demo/busybox -Remove sh -c 'echo hello from $(hostname); uname -s' | ForEach-Object { "> $_" } | Write-Host
    Write-Host "exit code: $LASTEXITCODE"

    $site = Join-Path $root 'site'
    New-Item -ItemType Directory -Path $site | Out-Null
    '<h1>Hello from a PsContainers container</h1>' | Set-Content (Join-Path $site 'index.html')
    # a free host port for the published web server
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    Show 'Start busybox httpd detached, serving a host folder, published on a host port' "Invoke-ContainerImage demo/busybox -Detach -Name web -Memory 64MB -Publish ${port}:8080 -Volume '${site}:/www:ro' -- httpd -f -v -p 8080 -h /www"
    $web = Invoke-ContainerImage demo/busybox -Detach -Name web -Memory 64MB -Publish "${port}:8080" -Volume "${site}:/www:ro" -- httpd -f -v -p 8080 -h /www
    $web | Out-Demo

    Show 'Fetch the page from the host through the published port' "(Invoke-WebRequest http://127.0.0.1:${port}/).Content"
    $page = $null
    foreach ($i in 1..50) {
        try { $page = (Invoke-WebRequest "http://127.0.0.1:${port}/" -TimeoutSec 2).Content; break } catch { Start-Sleep -Milliseconds 100 }
    }
    if (-not $page) { throw "The published port ${port} did not answer." }
    Write-Host $page.Trim()

    Show 'Its published ports as objects' 'Get-ContainerPort web'
    Get-ContainerPort web | Out-Demo

    Show 'List running containers (docker ps)' 'Get-Container'
    Get-Container | Out-Demo

    Show 'Exec into it: fetch the page from inside the container' 'Invoke-ContainerExec web -- wget -qO- http://127.0.0.1:8080/'
    Invoke-ContainerExec web -- wget -qO- http://127.0.0.1:8080/ | Write-Host
    Invoke-ContainerExec web -ErrorAction SilentlyContinue -- wget -qO- http://127.0.0.1:8080/missing | Out-Null

    Show 'Its processes and resource use' 'Get-ContainerProcess web; Get-ContainerStatistic web'
    Get-ContainerProcess web | Out-Demo
    Get-ContainerStatistic web | Out-Demo

    Show 'Its log (httpd logs requests on stderr)' 'Get-Container -Name web | Get-ContainerLog -Tail 5'
    Get-Container -Name web | Get-ContainerLog -Tail 5 | Out-String -Width 150 | Write-Host

    Show 'Inspect data is a plain object' 'Get-Container web | Select-Object Name, Status, Pid, @{n=''Memory'';e={$_.HostConfig.Memory}}, @{n=''Mounts'';e={$_.Mounts}}'
    Get-Container web | Select-Object Name, Status, Pid, @{ n = 'Memory'; e = { $_.HostConfig.Memory } }, @{ n = 'Mounts'; e = { $_.Mounts } } | Out-Demo -List

    Show 'Stop it (TERM, then KILL after 2 s)' 'Stop-Container web -Timeout 2 -PassThru'
    Stop-Container web -Timeout 2 -PassThru | Out-Demo

    Show 'Remove exited containers' 'Get-Container -All | Where-Object Status -eq Exited | Remove-Container; Get-Container -All'
    Get-Container -All | Where-Object Status -eq Exited | Remove-Container
    $left = @(Get-Container -All)
    Write-Host "containers left: $($left.Count)"
}
finally {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_ -like "$root*" } |
        Sort-Object Length -Descending | ForEach-Object { & umount -l $_ 2>$null }
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
    Remove-Item Env:PSCONTAINERS_ROOT -ErrorAction SilentlyContinue
}
