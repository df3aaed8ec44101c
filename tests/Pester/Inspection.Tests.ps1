# docker diff and docker info on real containers: Get-ContainerChange reads a container's writable layer against its
# image; Get-ContainerSystemInfo reports the store and the host.

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

Describe 'Get-ContainerSystemInfo' {
    It 'counts what the store holds as the Get- cmdlets see it, and reports the host' {
        $c = Invoke-ContainerImage busybox-test:latest -Detach -Name info-run -- sleep 30
        New-Container busybox-test:latest -Name info-created -- true | Out-Null
        Suspend-Container info-run
        try {
            $i = Get-ContainerSystemInfo
            $i | Should -BeOfType PsContainers.Core.EngineInfo
            $i.StoreRoot | Should -Be $Root
            $i.Containers | Should -Be @(Get-Container -All).Count
            $i.ContainersPaused | Should -Be 1
            $i.ContainersRunning | Should -Be 0
            $i.ContainersStopped | Should -Be (@(Get-Container -All).Count - 1)
            $i.Images | Should -Be @(Get-ContainerImage).Count
            $i.Volumes | Should -Be @(Get-ContainerVolume).Count
            $i.Networks | Should -Be @(Get-ContainerNetwork).Count
        }
        finally { Resume-Container info-run }
        (Get-ContainerSystemInfo).ContainersRunning | Should -Be 1
        Remove-Container info-run, info-created -Force -Confirm:$false
        $i.StorageDriver | Should -Be 'overlay'
        $i.BackingFilesystem | Should -Be (& stat -f -c %T $Root).Replace('ext2/ext3', 'ext4')
        $i.KernelVersion | Should -Be (& uname -r)
        $i.Cpus | Should -Be ([Environment]::ProcessorCount)
        $i.MemoryTotal | Should -BeGreaterThan 0
        $i.CgroupVersion | Should -Be $(if (Test-Path /sys/fs/cgroup/cgroup.controllers) { '2' } elseif (Test-Path /sys/fs/cgroup/unified) { '1 (hybrid)' } else { '1' })
        $i.Runtime | Should -Be (Get-ContainerConfiguration).Runtime
        $i.EngineVersion | Should -Be (Get-ContainerVersion).EngineVersion
        ($i | Format-List | Out-String -Width 80) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'changes nothing in an empty store' {
        $empty = Join-Path $TestDrive 'empty-root'
        New-Item -ItemType Directory $empty | Out-Null
        $saved = $env:PSCONTAINERS_ROOT
        try {
            $env:PSCONTAINERS_ROOT = $empty
            $i = Get-ContainerSystemInfo
            $i.Containers | Should -Be 0
            $i.Images | Should -Be 0
            $i.Networks | Should -Be 0
            @(Get-ChildItem $empty -Force) | Should -BeNullOrEmpty
        }
        finally { $env:PSCONTAINERS_ROOT = $saved }
    }
}
