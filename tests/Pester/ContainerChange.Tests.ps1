# docker diff on real containers: Get-ContainerChange reads a container's writable layer against its image.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Get-ContainerChange' {
    It 'lists what a stopped container added, changed and deleted, as docker diff does' {
        Invoke-ContainerImage busybox-test:latest -Name diff1 -- sh -c 'echo hi > /tmp/new; rm /bin/ls; mkdir -p /opt/a; echo x > /opt/a/f; echo >> /etc/passwd' | Out-Null
        $changes = @(Get-ContainerChange diff1)
        $changes | ForEach-Object { $_ | Should -BeOfType PsContainers.Core.Containers.ContainerChange }
        ($changes | ForEach-Object { "$_" }) | Should -Be @('C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'A /opt', 'A /opt/a', 'A /opt/a/f', 'C /tmp', 'A /tmp/new')
        (Get-ContainerChange diff1 -Kind Deleted).Path | Should -Be '/bin/ls'
        (Get-Container diff1 | Get-ContainerChange -Kind Added).Path | Should -Be @('/opt', '/opt/a', '/opt/a/f', '/tmp/new')
        (Diff-Container diff1 | Format-Table | Out-String -Width 80) | Should -Match '(?m)^D\s+/bin/ls\s*$'
    }

    It 'reads a running container, leaves out the runtime''s mount points, and reports links without entering them' {
        Invoke-ContainerImage busybox-test:latest -Detach -Name diff2 -Volume /data -- sh -c 'ln -s ../../elsewhere /escape; sleep 30' | Out-Null
        $got = Wait-ContainerCondition { @(Get-ContainerChange diff2).Path -contains '/escape' }
        $got | Should -BeTrue
        $paths = @(Get-ContainerChange diff2).Path
        $paths | Should -Be @('/escape')
        Remove-Container diff2 -Force -Confirm:$false
    }

    It 'writes a non-terminating ObjectNotFound for a name that matches nothing' {
        Get-ContainerChange no-such-container -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^ContainerNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
