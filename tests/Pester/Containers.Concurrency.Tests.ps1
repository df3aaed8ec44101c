BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:ModuleManifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Twenty pwsh processes at once' {
    It 'run, stop and remove containers without losing or corrupting anything' {
        $results = Join-Path $TestDrive 'results'
        New-Item -ItemType Directory $results | Out-Null
        $script = Join-Path $TestDrive 'worker.ps1'
        @'
param($Manifest, $Root, $N, $Out)
$ErrorActionPreference = 'Continue'
$env:PSCONTAINERS_ROOT = $Root
Import-Module $Manifest
$r = [ordered]@{ N = $N; Shared = $null; Echo = $null; Own = $null; OwnStopped = $null; Errors = @() }
try {
    $own = Invoke-ContainerImage busybox-test:latest -Detach -Name "own$N" sleep 60 -ErrorAction Stop
    $r.Own = [string] $own.Status
    try { $null = New-Container busybox-test:latest -Name shared true -ErrorAction Stop; $r.Shared = 'created' }
    catch { $r.Shared = [string] $_.CategoryInfo.Category }
    $r.Echo = (Invoke-ContainerImage busybox-test:latest -Remove echo "hello$N") -join ','
    Stop-Container "own$N" -Timeout 1 -ErrorAction Stop
    $r.OwnStopped = [string] (Get-Container "own$N").Status
    Remove-Container "own$N" -Confirm:$false -ErrorAction Stop
} catch { $r.Errors += "$_" }
$r | ConvertTo-Json | Set-Content (Join-Path $Out "$N.json")
'@ | Set-Content $script
        $procs = 1..20 | ForEach-Object {
            Start-Process -FilePath $Pwsh -PassThru -RedirectStandardError (Join-Path $results "$_.err") -RedirectStandardOutput (Join-Path $results "$_.out") `
                -ArgumentList @('-NoProfile', '-NonInteractive', '-File', $script, $ModuleManifest, $Root, $_, $results)
        }
        $procs | Wait-Process -Timeout 240
        $r = 1..20 | ForEach-Object { Get-Content (Join-Path $results "$_.json") -Raw | ConvertFrom-Json }
        $r.Count | Should -Be 20
        @($r | Where-Object { $_.Errors.Count -gt 0 } | ForEach-Object { "$($_.N): $($_.Errors)" }) | Should -BeNullOrEmpty
        @($r | Where-Object Shared -eq 'created').Count | Should -Be 1
        @($r | Where-Object Shared -eq 'ResourceExists').Count | Should -Be 19
        foreach ($x in $r) {
            $x.Own | Should -Be 'Running'
            $x.Echo | Should -Be "hello$($x.N)"
            $x.OwnStopped | Should -Be 'Exited'
        }
        # twenty writers, one journal: every line whole, every container's create, start, die and destroy recorded
        $lines = @(Get-Content "$Root/events/events.log")
        $events = @($lines | ForEach-Object { $_ | ConvertFrom-Json })
        $events.Count | Should -Be $lines.Count
        $created = @($events | Where-Object { $_.Type -eq 'container' -and $_.Action -eq 'create' })
        $created.Count | Should -Be 41 # own, echo and the one shared
        foreach ($n in 1..20) {
            @($events | Where-Object { $_.Actor.Attributes.name -eq "own$n" }).Action | Should -Be @('create', 'start', 'kill', 'die', 'stop', 'destroy')
        }
        # exactly the shared container is left, consistent on disk
        (Get-Container -All).Name | Should -Be @('shared')
        Get-ChildItem "$Root/containers/.names" | ForEach-Object Name | Should -Be @('shared')
        Get-ChildItem "$Root/containers" -Force | Where-Object Name -like '.tmp-*' | Should -BeNullOrEmpty
        Remove-Container shared -Confirm:$false
        Test-ContainerStorage | Should -BeNullOrEmpty
        Get-ChildItem "$Root/containers" -Directory | Where-Object Name -Match '^[0-9a-f]{64}$' | Should -BeNullOrEmpty
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape("$Root/") | Should -BeNullOrEmpty
        # no container's runtime state is left; the runtime's content-addressed cache of compiled seccomp programs
        # (@seccomp-cache, a name no container id can take) stays by design and holds nothing else
        Get-ChildItem "$Root/runtime" -Directory -ErrorAction SilentlyContinue | Where-Object Name -ne '@seccomp-cache' | Should -BeNullOrEmpty
        Get-ChildItem "$Root/runtime/@seccomp-cache" -Force -ErrorAction SilentlyContinue | Where-Object Name -notmatch '^[0-9a-f]{64}\.bpf$' | Should -BeNullOrEmpty
    }
}
