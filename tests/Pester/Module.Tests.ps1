BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    $script:CommandNames = @(Get-Command -Module PsContainers -CommandType Cmdlet | Sort-Object Name | ForEach-Object Name)
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    $script:Commands = @(Get-Command -Module PsContainers -CommandType Cmdlet)
}

Describe 'The PsContainers module' {
    It 'imports and exports cmdlets' {
        $script:Commands.Count | Should -BeGreaterThan 0
    }

    It 'exports exactly the cmdlets its manifest lists' {
        $manifest = Import-PowerShellDataFile (Join-Path (Split-Path $env:PSCONTAINERS_TEST_MODULE) 'PsContainers.psd1')
        $exported = @($script:Commands | ForEach-Object Name | Sort-Object)
        $missing = @($manifest.CmdletsToExport | Where-Object { $_ -notin $exported })
        $missing | Should -BeNullOrEmpty -Because 'every cmdlet the manifest lists must be implemented'
    }

    It 'exports every docker-word alias the manifest lists' {
        $manifest = Import-PowerShellDataFile (Join-Path (Split-Path $env:PSCONTAINERS_TEST_MODULE) 'PsContainers.psd1')
        $aliases = @(Get-Command -Module PsContainers -CommandType Alias | ForEach-Object Name)
        @($manifest.AliasesToExport | Where-Object { $_ -notin $aliases }) | Should -BeNullOrEmpty
    }

    It 'words every engine remedy in PowerShell terms (ErrorDetails.RecommendedAction)' {
        foreach ($r in [Enum]::GetValues([PsContainers.Core.Remedy])) {
            $text = [PsContainers.RecommendedActions]::For($r)
            if ($r -eq [PsContainers.Core.Remedy]::None) { $text | Should -BeNullOrEmpty; continue }
            $text | Should -Not -BeNullOrEmpty -Because "$r needs words"
            $text | Should -Match '(^|\s)-[A-Z][a-zA-Z]+|[A-Z][a-z]+-Container' -Because "$r names a parameter or a cmdlet"
            $text | Should -Match '\.$'
        }
        # every cmdlet or parameter a remedy names exists
        foreach ($r in [Enum]::GetValues([PsContainers.Core.Remedy])) {
            foreach ($m in [regex]::Matches([string][PsContainers.RecommendedActions]::For($r), '\b[A-Z][a-z]+-Container[A-Za-z]*')) {
                Get-Command $m.Value -Module PsContainers -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "$r names $($m.Value)"
            }
        }
    }

    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        $script:Commands | Where-Object { $_.Verb -notin $approved } | Should -BeNullOrEmpty
    }

    It 'names every noun with the Container prefix' {
        $script:Commands | Where-Object { $_.Noun -notlike 'Container*' } | Should -BeNullOrEmpty
    }

    It 'writes its enums by name in ConvertTo-Json, and leaves every other enum to PowerShell' {
        $o = [pscustomobject]@{
            Status = [PsContainers.Core.Containers.ContainerStatus]::Exited
            Nested = @{ Health = [PsContainers.Core.Containers.HealthStatus]::Unhealthy; Kinds = @([PsContainers.Contract.EventType]::Image) }
            Change = [PsContainers.Core.Containers.ContainerChange]::new('/etc/x', 'Deleted')
            Mount = [PsContainers.Core.Containers.MountSpec]@{ Type = 'Volume'; Source = 'data'; Destination = '/data' }
            Mode = [PsContainers.Core.Containers.NetworkMode]::Bridge
            Day = [DayOfWeek]::Tuesday
        }
        $j = $o | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $j.Status | Should -Be 'Exited'
        $j.Nested.Health | Should -Be 'Unhealthy'
        $j.Nested.Kinds | Should -Be @('Image')
        $j.Change.Kind | Should -Be 'Deleted'
        $j.Mount.Type | Should -Be 'Volume'
        $j.Mount.Name | Should -Be 'data'
        $j.Mode | Should -Be 'Bridge'
        $j.Day | Should -Be 2
        ($o | ConvertTo-Json -Depth 5 -EnumsAsStrings | ConvertFrom-Json).Day | Should -Be 'Tuesday'
        # importing again does not stack converters
        Import-Module (Get-Module PsContainers).Path -Force
        ([PsContainers.Contract.EventType]::Volume | ConvertTo-Json) | Should -Be '"Volume"'
    }

    It 'exports only aliases that point at its own cmdlets' {
        foreach ($a in Get-Command -Module PsContainers -CommandType Alias) {
            $a.ResolvedCommand.Module.Name | Should -Be 'PsContainers'
        }
    }
}

Describe 'Help for <_>' -ForEach $script:CommandNames {
    BeforeAll {
        $script:Name = $_
        $script:Help = Get-Help $script:Name -Full
        $script:Command = Get-Command $script:Name
    }
    It 'has a synopsis' {
        $script:Help.Synopsis | Should -Not -BeNullOrEmpty
        $script:Help.Synopsis.Trim() | Should -Not -Be $script:Name
    }
    It 'has a description' {
        ($script:Help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }
    It 'has at least one example with code' {
        $ex = @((Get-Help $script:Name -Examples).Examples.Example)
        $ex.Count | Should -BeGreaterThan 0
        $ex[0].Code | Should -Not -BeNullOrEmpty
    }
    It 'documents every parameter' {
        $documented = @($script:Help.Parameters.Parameter | ForEach-Object Name)
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in $script:Command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented | Should -Contain $p
        }
    }
}
