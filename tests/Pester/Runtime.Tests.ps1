BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    $script:Root = New-TestStoreRoot
}

AfterAll {
    Remove-TestStoreRoot $script:Root
    Remove-Item Env:PSCONTAINERS_ROOT -ErrorAction SilentlyContinue
}

Describe 'Get-ContainerConfiguration' {
    It 'shows the bundled pscrun by default, with its version' {
        $c = Get-ContainerConfiguration
        $c | Should -BeOfType ([PsContainers.Core.Runtime.EngineConfiguration])
        $c.IsDefaultRuntime | Should -BeTrue
        $c.Runtime | Should -BeLike '*/bin/pscrun'
        $c.RuntimeVersion | Should -BeLike 'pscrun version *'
        $c.StoreRoot | Should -Be $script:Root
    }

    It 'converts to JSON' {
        $j = Get-ContainerConfiguration | ConvertTo-Json | ConvertFrom-Json
        $j.Runtime | Should -BeLike '*pscrun'
    }

    It 'has a table view like docker info' {
        (Get-ContainerConfiguration | Format-Table | Out-String) | Should -Match 'RUNTIME'
    }
}

Describe 'Set-ContainerConfiguration' {
    AfterEach { Set-ContainerConfiguration -DefaultRuntime }

    It 'persists another runtime in the store root' {
        $c = Set-ContainerConfiguration -Runtime /usr/sbin/runc -PassThru
        $c.Runtime | Should -Be '/usr/sbin/runc'
        $c.RuntimeVersion | Should -BeLike 'runc version*'
        (Get-ContainerConfiguration).Runtime | Should -Be '/usr/sbin/runc'
        (Get-Content -Raw (Join-Path $script:Root 'config.json') | ConvertFrom-Json).runtime | Should -Be '/usr/sbin/runc'
    }

    It 'changes nothing with -WhatIf' {
        Set-ContainerConfiguration -Runtime /usr/sbin/runc -WhatIf
        (Get-ContainerConfiguration).IsDefaultRuntime | Should -BeTrue
    }

    It 'refuses a binary that does not exist, changing nothing' {
        Set-ContainerConfiguration -Runtime /no/such/runtime -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RuntimeNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-ContainerConfiguration).IsDefaultRuntime | Should -BeTrue
    }

    It 'refuses a binary that does not answer --version like a runtime' {
        Set-ContainerConfiguration -Runtime /bin/false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RuntimeNoVersion*'
        (Get-ContainerConfiguration).IsDefaultRuntime | Should -BeTrue
    }

    It 'takes the runtime from the pipeline by property name' {
        [pscustomobject]@{ Runtime = '/usr/sbin/runc' } | Set-ContainerConfiguration
        (Get-ContainerConfiguration).Runtime | Should -Be '/usr/sbin/runc'
    }

    It 'goes back to the bundled runtime with -DefaultRuntime' {
        Set-ContainerConfiguration -Runtime /usr/sbin/runc
        Set-ContainerConfiguration -DefaultRuntime
        (Get-ContainerConfiguration).IsDefaultRuntime | Should -BeTrue
    }
}
