# Compose identity on real containers: Project, Service, Number and OneOff from docker compose's labels, the
# -Project/-Service filters of Get-Container, Get-ContainerLog -Project (several containers merged in time order,
# followed at once, printed with docker compose's "web-1 | " prefix) and the -Project/-Service completers.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    $script:P = "shop$PID"
    function New-ServiceContainer([string] $Project, [string] $Service, [int] $Number, [string] $Script, [switch] $OneOff, [switch] $Detach, [string] $Name) {
        $labels = @{
            'com.docker.compose.project' = $Project; 'com.docker.compose.service' = $Service
            'com.docker.compose.container-number' = "$Number"; 'com.docker.compose.oneoff' = $(if ($OneOff) { 'True' } else { 'False' })
        }
        if (-not $Name) { $Name = "$Project-$Service-$Number" }
        if ($Detach) { Invoke-ContainerImage $script:Img -Detach -Name $Name -Label $labels -- sh -c $Script }
        else { New-Container $script:Img -Name $Name -Label $labels -- sh -c $Script }
    }
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'Project, Service, Number and OneOff, and the -Project/-Service filters' {
    BeforeAll {
        $null = New-ServiceContainer $script:P web 1 'sleep 60' -Detach
        $null = New-ServiceContainer $script:P web 2 'sleep 60' -Detach
        $null = New-ServiceContainer $script:P db 1 'sleep 60' -Detach
        $null = New-ServiceContainer $script:P web 3 'true' -OneOff -Name "$($script:P)-web-run-0123456789ab"
        $null = New-ServiceContainer "blog$PID" web 1 'sleep 60' -Detach
        $null = Invoke-ContainerImage $script:Img -Detach -Name "loose$PID" -- sleep 60
    }

    It 'reads the compose labels into typed properties, null and false without them' {
        $c = Get-Container "$($script:P)-web-2"
        $c.Project | Should -Be $script:P
        $c.Service | Should -Be 'web'
        $c.Number | Should -Be 2
        $c.Number | Should -BeOfType [int]
        $c.OneOff | Should -BeFalse
        (Get-Container "$($script:P)-web-run-0123456789ab" -All).OneOff | Should -BeTrue
        $l = Get-Container "loose$PID"
        $l.Project | Should -BeNullOrEmpty
        $l.Service | Should -BeNullOrEmpty
        $l.Number | Should -BeNullOrEmpty
        $l.OneOff | Should -BeFalse
        ($c | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue | ConvertFrom-Json).Service | Should -Be 'web'
    }

    It 'selects a project''s running containers, all of them with -All, and its services' {
        (Get-Container -Project $script:P).Name | Sort-Object | Should -Be (@("$($script:P)-db-1", "$($script:P)-web-1", "$($script:P)-web-2") | Sort-Object)
        (Get-Container -Project $script:P -All).Count | Should -Be 4
        (Get-Container -Project $script:P -Service web).Name | Sort-Object | Should -Be @("$($script:P)-web-1", "$($script:P)-web-2")
        (Get-Container -Project $script:P.ToUpperInvariant() -Service d*).Name | Should -Be "$($script:P)-db-1"
        (Get-Container -Project "*$PID" -Service web).Count | Should -Be 3
        (Get-Container -Service web).Name | Should -Not -Contain "loose$PID"
        Get-Container -Project "nosuch$PID" | Should -BeNullOrEmpty
    }

    It 'shows a project like docker compose ps in the Project view, within 80 columns' {
        $lines = (Get-Container -Project $script:P | Sort-Object Name | Format-Table -View Project | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^NAME\s+SERVICE\s+STATUS\s+PORTS$'
        $lines.Count | Should -Be 5
        $lines[2] | Should -Match "^$($script:P)-db-1\s+db\s+Up "
        $lines[3] | Should -Match "^$($script:P)-web-1\s+web\s+Up "
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'writes a terminating InvalidWildcardPattern for a bad -Project pattern' {
        { Get-Container -Project '[' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidWildcardPattern*'
    }

    It 'completes project names from the labels, and the services of the project typed' {
        $r = TabExpansion2 -inputScript "Get-Container -Project $($script:P.Substring(0, 4))" -cursorColumn ("Get-Container -Project $($script:P.Substring(0, 4))").Length
        $r.CompletionMatches.CompletionText | Should -Contain $script:P
        $r.CompletionMatches.CompletionText | Should -Not -Contain "blog$PID"
        $line = "Get-ContainerLog -Project $($script:P) -Service "
        $s = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $s.CompletionMatches.CompletionText | Should -Be @('db', 'web')
        $line = "Get-Container -Project blog$PID -Service "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('web')
    }
}

Describe 'Get-ContainerLog -Project: several containers, merged in time order' {
    BeforeAll {
        $script:L = "logs$PID"
    }

    It 'merges what the project''s containers logged in time order, with the service and docker compose''s prefix' {
        $null = New-ServiceContainer $script:L web 1 'for i in 1 2 3; do echo web1-$i; sleep 0.2; done'
        $null = New-ServiceContainer $script:L web 2 'sleep 0.1; for i in 1 2 3; do echo web2-$i; sleep 0.2; done'
        $null = New-ServiceContainer $script:L db 1 'sleep 0.05; for i in 1 2 3; do echo db1-$i >&2; sleep 0.2; done'
        Get-Container -Project $script:L -All | Start-Container
        $null = Wait-ContainerCondition { @(Get-Container -Project $script:L).Count -eq 0 } -TimeoutSeconds 20
        $entries = @(Get-ContainerLog -Project $script:L)
        $entries.Count | Should -Be 9
        $entries | ForEach-Object { $_ | Should -BeOfType PsContainers.Core.Containers.ContainerLogEntry }
        $times = $entries.Time
        $times | Should -Be ($times | Sort-Object)
        ($entries | Where-Object Service -eq db).Text | Should -Be @('db1-1', 'db1-2', 'db1-3')
        ($entries | Where-Object Service -eq db).Stream | Should -Be @('stderr', 'stderr', 'stderr')
        ($entries | Where-Object ContainerName -eq "$($script:L)-web-2").Text | Should -Be @('web2-1', 'web2-2', 'web2-3')
        $entries | ForEach-Object { $_.Project | Should -Be $script:L }
        $text = ($entries | Out-String -Width 80) -split "`n" | Where-Object { $_ }
        $text.Count | Should -Be 9
        $text | Should -Contain 'web-1 | web1-1'
        $text | Should -Contain 'web-2 | web2-3'
        $text | Should -Contain 'db-1  | db1-2'
        "$(@(Get-ContainerLog -Project $script:L -Service db -NoLogPrefix)[0])" | Should -Be 'db1-1'
        $tail = @(Get-ContainerLog -Project $script:L -Service web -Tail 1)
        $tail.Text | Sort-Object | Should -Be @('web1-3', 'web2-3')
        $tail.Time | Should -Be ($tail.Time | Sort-Object)
    }

    It 'follows all of them at once until every one has stopped' {
        $null = New-ServiceContainer $script:L api 1 'for i in 1 2 3 4; do echo api1-$i; sleep 0.5; done' -Name "$($script:L)-api-1"
        $null = New-ServiceContainer $script:L api 2 'sleep 0.25; for i in 1 2 3 4; do echo api2-$i; sleep 0.5; done' -Name "$($script:L)-api-2"
        Get-Container -Project $script:L -Service api -All | Start-Container
        $began = [DateTime]::UtcNow
        $entries = @(Get-ContainerLog -Project $script:L -Service api -Follow)
        # it returned only when both had stopped, with every line of each, the later ones written while it followed
        @(Get-Container -Project $script:L -Service api).Count | Should -Be 0
        $entries.Count | Should -Be 8
        ($entries | Where-Object ContainerName -eq "$($script:L)-api-1").Text | Should -Be @('api1-1', 'api1-2', 'api1-3', 'api1-4')
        ($entries | Where-Object ContainerName -eq "$($script:L)-api-2").Text | Should -Be @('api2-1', 'api2-2', 'api2-3', 'api2-4')
        @($entries | Where-Object { $_.Time -gt $began }).Count | Should -BeGreaterThan 2
        @($entries | Where-Object { $_.Time -gt $began }).ContainerName | Select-Object -Unique | Sort-Object |
            Should -Be @("$($script:L)-api-1", "$($script:L)-api-2")
        $entries.Service | Select-Object -Unique | Should -Be 'api'
    }

    It 'follows the project''s containers that start later: a new replica and a restarted one, no line twice (docker compose logs -f)' {
        $late = "late$PID"
        $null = New-ServiceContainer $late api 1 'echo first-1; sleep 2; echo first-2' -Detach
        $job = Start-ThreadJob { param($m, $root, $project) $env:PSCONTAINERS_ROOT = $root; Import-Module $m; Get-ContainerLog -Project $project -Follow } -ArgumentList (Get-Module PsContainers).Path, $script:Root, $late
        try {
            # the follower has read what api-1's log held: api-2 does not exist yet when it began
            Wait-ContainerCondition { @($job | Receive-Job -Keep).Count -ge 1 } -TimeoutSeconds 30 | Should -BeTrue
            Get-Container "$late-api-2" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $null = New-ServiceContainer $late api 2 'echo second-1; sleep 1; echo second-2' -Detach
            $null = Wait-Container "$late-api-1" -Condition Exited -Timeout 30s
            Start-Container "$late-api-1"   # the same container runs again: its log goes on
            Wait-Job $job -Timeout 90 | Should -Not -BeNullOrEmpty   # it ends once none of them runs any more
            $job.State | Should -Be 'Completed'
            $entries = @($job | Receive-Job)
        }
        finally { $job | Remove-Job -Force }
        @(Get-Container -Project $late).Count | Should -Be 0
        ($entries | Where-Object ContainerName -eq "$late-api-1").Text | Should -Be @('first-1', 'first-2', 'first-1', 'first-2')
        ($entries | Where-Object ContainerName -eq "$late-api-2").Text | Should -Be @('second-1', 'second-2')
        $entries.Count | Should -Be 6
        $entries | ForEach-Object { $_.Project | Should -Be $late; $_.Service | Should -Be 'api' }
        $text = ($entries | Out-String -Width 80) -split "`n" | Where-Object { $_ }
        $text | Should -Contain 'api-2 | second-1'
        $text | Should -Contain 'api-1 | first-2'
    }

    It 'writes ProjectNotFound for a project name with no container, and nothing for a wildcard' {
        Get-ContainerLog -Project "nosuch$PID" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match '^ProjectNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-ContainerLog -Project "nosuch$PID*" -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2.Count | Should -Be 0
    }

    It 'prints single-container logs without a prefix, as before' {
        "$(@(Get-ContainerLog "$($script:L)-web-1")[0])" | Should -Be 'web1-1'
    }
}
