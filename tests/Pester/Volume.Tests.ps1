# Volumes for real: the store's directories, copy-up from an image root, bind/tmpfs/volume mounts resolved for the
# runtime, and data that outlives the container that wrote it (mounted with a real bind mount, as the runtime does).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersForTest
    Import-PsContainersCore
    $script:Root = New-TestStoreRoot
    $script:Paths = [PsContainers.Core.PscPaths]::new($script:Root)
    $script:Mounter = [PsContainers.Core.Volumes.VolumeMounter]::new($script:Paths)
    # an image root with content at the volume path and a symlink that points at the host's /etc
    $script:Rootfs = Join-Path $script:Root 'rootfs'
    New-Item -ItemType Directory -Force -Path "$script:Rootfs/usr/share/www", "$script:Rootfs/data" | Out-Null
    Set-Content "$script:Rootfs/usr/share/www/index.html" 'page from the image'
    New-Item -ItemType SymbolicLink -Path "$script:Rootfs/conf" -Target '/etc' | Out-Null

    function script:Req([string] $Spec) { [PsContainers.Core.Volumes.MountParser]::ParseVolume($Spec) }
    function script:Prepare([string] $Id, [string] $Name, [object[]] $Requests, [string[]] $ImageVolumes) {
        $list = [System.Collections.Generic.List[PsContainers.Core.Volumes.MountRequest]]::new()
        foreach ($r in $Requests) { $list.Add($r) }
        $script:Mounter.Prepare($Id, $Name, $list, $ImageVolumes, $script:Rootfs, [System.Threading.CancellationToken]::None)
    }
}

AfterAll {
    Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_ -like "$script:Root*" } |
        ForEach-Object { & umount -l $_ 2>$null }
    Remove-TestStoreRoot $script:Root
}

Describe 'Volume cmdlets' {
    It 'creates, lists and removes a named volume' {
        $v = New-ContainerVolume "t-data" -Label @{ app = 'web' }
        $v | Should -BeOfType PsContainers.Core.Volumes.ContainerVolume
        $v.Mountpoint | Should -Be (Join-Path $script:Root 'volumes/t-data/_data')
        Test-Path $v.Mountpoint -PathType Container | Should -BeTrue
        $v.Labels['app'] | Should -Be 'web'
        Set-Content (Join-Path $v.Mountpoint 'f.txt') ('x' * 100) -NoNewline
        (Get-ContainerVolume t-data).Size | Should -Be 100
        (Get-ContainerVolume t-* | Measure-Object).Count | Should -Be 1
        Remove-ContainerVolume t-data -Force
        Get-ContainerVolume t-data -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Test-Path (Join-Path $script:Root 'volumes/t-data') | Should -BeFalse
    }

    It 'changes nothing with -WhatIf' {
        New-ContainerVolume t-whatif -WhatIf
        Get-ContainerVolume t-whatif -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        New-ContainerVolume t-keep | Out-Null
        Remove-ContainerVolume t-keep -WhatIf
        Get-ContainerVolume t-keep | Should -Not -BeNullOrEmpty
        Remove-ContainerVolume t-keep -Force
    }

    It 'reports errors with stable ids' {
        Get-ContainerVolume nope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'VolumeNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { New-ContainerVolume 'bad name' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidVolumeName,PsContainers.Commands.NewContainerVolumeCommand'
        New-ContainerVolume t-dup | Out-Null
        { New-ContainerVolume t-dup -ErrorAction Stop } | Should -Throw -ErrorId 'VolumeExists,PsContainers.Commands.NewContainerVolumeCommand'
        Remove-ContainerVolume t-dup -Force
    }

    It 'goes on with the other volumes when one fails with an I/O error, and reports that one' {
        foreach ($n in 't-each-a', 't-each-b', 't-each-c') { New-ContainerVolume $n | Out-Null }
        # an immutable volume.json cannot be deleted, even by root: an UnauthorizedAccessException, not an engine error
        $meta = Join-Path $script:Root 'volumes/t-each-b/volume.json'
        Test-Path $meta | Should -BeTrue
        & chattr +i $meta
        try {
            $out = Remove-ContainerVolume t-each-a, t-each-b, t-each-c -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PermissionDenied,*'
            $err[0].TargetObject.Name | Should -Be 't-each-b'
            @(Get-ContainerVolume t-each-* | ForEach-Object Name) | Should -Be @('t-each-b')
        } finally { & chattr -i $meta }
        Remove-ContainerVolume t-each-b -Force
        Get-ContainerVolume t-each-* | Should -BeNullOrEmpty
    }

    It 'makes an anonymous volume without a name' {
        $v = New-ContainerVolume
        $v.Name | Should -Match '^[0-9a-f]{64}$'
        $v.Anonymous | Should -BeTrue
        Remove-ContainerVolume $v.Name -Force
    }
}

Describe 'Volumes used by containers' {
    It 'creates a missing named volume and fills it from the image (copy-up)' {
        $m = Prepare 'c-copy' 'copier' @(Req 'site:/usr/share/www')
        $m[0].Volume | Should -Be 'site'
        $m[0].Destination | Should -Be '/usr/share/www'
        Get-Content (Join-Path (Get-ContainerVolume site).Mountpoint 'index.html') | Should -Be 'page from the image'
        (Get-ContainerVolume site).UsedBy | Should -Be @('copier')
        $script:Mounter.Release('c-copy', $true) | Out-Null
    }

    It 'refuses to remove a volume in use' {
        Prepare 'c-use' 'user1' @(Req 'busy:/data') | Out-Null
        Remove-ContainerVolume busy -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'VolumeInUse*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        Get-ContainerVolume busy | Should -Not -BeNullOrEmpty
        $script:Mounter.Release('c-use', $true) | Out-Null
        Remove-ContainerVolume busy -Force
        Get-ContainerVolume busy -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'keeps data written to a named volume after the container is removed, for the next one' {
        $m = Prepare 'c-one' 'writer' @(Req 'persist:/data')
        $target = Join-Path $script:Root 'mnt-one'
        New-Item -ItemType Directory $target | Out-Null
        & mount --bind $m[0].Source $target
        try { Set-Content (Join-Path $target 'note.txt') 'written by the first container' } finally { & umount $target }
        $script:Mounter.Release('c-one', $true) | Out-Null          # Remove-Container -Volumes
        Get-ContainerVolume persist | Should -Not -BeNullOrEmpty     # named volumes stay
        $m2 = Prepare 'c-two' 'reader' @(Req 'persist:/data:ro')
        & mount --bind $m2[0].Source $target
        & mount -o remount,bind,ro $target
        try {
            Get-Content (Join-Path $target 'note.txt') | Should -Be 'written by the first container'
            { Set-Content (Join-Path $target 'x') 'no' -ErrorAction Stop } | Should -Throw
        } finally { & umount $target }
        $m2[0].Options | Should -Contain 'ro'
        $script:Mounter.Release('c-two', $true) | Out-Null
    }

    It 'turns image VOLUMEs into anonymous volumes that Remove-Container -Volumes deletes' {
        $m = Prepare 'c-anon' 'db' @() @('/data')
        $m.Count | Should -Be 1
        $m[0].Anonymous | Should -BeTrue
        $name = $m[0].Volume
        (Get-ContainerVolume $name).UsedBy | Should -Be @('db')
        $removed = $script:Mounter.Release('c-anon', $true)
        $removed | Should -Be @($name)
        Get-ContainerVolume $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'resolves a mount target through an image symlink inside the container root, never onto the host' {
        $m = Prepare 'c-link' 'linky' @(Req 'evil:/conf/psc-owned')
        $m[0].Destination | Should -Be '/etc/psc-owned'
        # the runtime mounts at <rootfs>/etc/psc-owned: inside the root, not the host's /etc
        Test-Path '/etc/psc-owned' | Should -BeFalse
        $script:Mounter.Release('c-link', $true) | Out-Null
    }

    It 'parses -Mount and -Tmpfs into runtime mounts' {
        $src = Join-Path $script:Root 'hostdir'
        New-Item -ItemType Directory $src | Out-Null
        $reqs = @(
            [PsContainers.Core.Volumes.MountParser]::ParseMount("type=bind,source=$src,target=/host,readonly"),
            [PsContainers.Core.Volumes.MountParser]::ParseTmpfs('/scratch:size=8m,noexec'),
            [PsContainers.Core.Volumes.MountParser]::ParseMount('type=volume,source=mvol,target=/mvol')
        )
        $m = Prepare 'c-mnt' 'mounty' $reqs
        ($m | Where-Object Destination -eq '/host').Options | Should -Be @('rbind', 'rprivate', 'ro')
        ($m | Where-Object Destination -eq '/scratch').Type | Should -Be 'tmpfs'
        ($m | Where-Object Destination -eq '/scratch').Options | Should -Contain 'size=8m'
        ($m | Where-Object Destination -eq '/mvol').Volume | Should -Be 'mvol'
        $script:Mounter.Release('c-mnt', $true) | Out-Null
        Remove-ContainerVolume mvol -Force
    }
}
