BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    $script:Root = New-TestStoreRoot
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('psc-imgtest-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $script:Work | Out-Null
    $script:Storage = Join-Path $script:Root 'storage'

    # Every file of the store except the lock and temp area: equal snapshots mean nothing changed.
    function Get-StoreSnapshot {
        if (-not (Test-Path $script:Storage)) { return '' }
        (Get-ChildItem -Recurse -Force $script:Storage -ErrorAction SilentlyContinue |
            Where-Object { $_.FullName -notmatch '/storage/(tmp|lock)' } |
            ForEach-Object { if ($_.PSIsContainer) { $_.FullName } else { "$($_.FullName)|$($_.Length)|$($_.LastWriteTimeUtc.Ticks)" } } | Sort-Object) -join "`n"
    }
    function Get-LayerDir([string] $DiffIdsChainIndex, [string[]] $DiffIds) {
        # chain id of layer N (0-based)
        $chain = $DiffIds[0]
        for ($i = 1; $i -le [int]$DiffIdsChainIndex; $i++) {
            $chain = 'sha256:' + (Get-Sha256Hex ([Text.Encoding]::ASCII.GetBytes("$chain $($DiffIds[$i])")))
        }
        Join-Path $script:Storage "layers/$($chain.Substring(7))/diff"
    }
    function Assert-ErrorId($ErrorRecords, [string] $Id, [string] $Category = 'InvalidData') {
        $ErrorRecords | Should -Not -BeNullOrEmpty
        $ErrorRecords[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $ErrorRecords[0].CategoryInfo.Category | Should -Be $Category
    }
}

AfterAll {
    Remove-TestStoreRoot $script:Root
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
    $env:PSCONTAINERS_ROOT = $null
}

Describe 'Import-ContainerImage' {
    It 'imports a <Format> with <Compression> layers with the config digest as Id' -ForEach @(
        @{ Format = 'DockerArchive'; Compression = 'None' }
        @{ Format = 'DockerArchive'; Compression = 'Gzip' }
        @{ Format = 'OciArchive'; Compression = 'Gzip' }
        @{ Format = 'OciArchive'; Compression = 'Zstd' }
        @{ Format = 'OciLayout'; Compression = 'None' }
        @{ Format = 'OciLayout'; Compression = 'Zstd' }
    ) {
        $name = "fmt-$($Format.ToLower())-$($Compression.ToLower()):v1"
        $path = Join-Path $script:Work "fmt-$Format-$Compression"
        if ($Format -ne 'OciLayout') { $path += '.tar' }
        $a = New-TestImageArchive -Path $path -Name $name -Format $Format -Compression $Compression -Variant "$Format$Compression"
        $img = Import-ContainerImage -Path $path
        $img | Should -HaveCount 1
        $img.Id | Should -Be $a.Id
        $img.Repository | Should -Be $name.Split(':')[0]
        $img.Tag | Should -Be 'v1'
        $img.DiffIds | Should -Be $a.DiffIds
        $img.Config.Cmd | Should -Be @('sh')
        @($img.Config.ExposedPorts.Keys) | Should -Be @('8080/tcp') -Because 'docker image inspect''s Config.ExposedPorts is a map'
        if ($Format -ne 'DockerArchive') { $img.Digest | Should -Be $a.ManifestDigest }
        (Get-ContainerImage $name).Id | Should -Be $a.Id
    }

    It 'unpacks layers in overlay form: whiteout devices, opaque directories, owners and modes' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'overlay.tar') -Name overlay-test:1 -Variant overlay
        $img = Import-ContainerImage -Path $a.Path
        $layers = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)
        $layers | Should -HaveCount 3
        $layers[0] | Should -Be (Get-LayerDir 0 $a.DiffIds)
        $layers[2] | Should -Be (Get-LayerDir 2 $a.DiffIds)
        # layer 1: busybox with its applets
        (Get-Item (Join-Path $layers[0] 'bin/sh')).LinkTarget | Should -Be '/bin/busybox'
        (Get-Item (Join-Path $layers[0] 'tmp')).UnixFileMode.ToString() | Should -Match 'StickyBit'
        # layer 2: owner and mode kept
        & stat -c '%u:%g %a' (Join-Path $layers[1] 'data/owned.txt') | Should -Be '1000:1000 664'
        & stat -c '%a' (Join-Path $layers[0] 'etc/shadow') | Should -Be '600'
        # layer 3: whiteout = 0:0 character device, no .wh. files left
        & stat -c '%F %t:%T' (Join-Path $layers[2] 'data/deleted.txt') | Should -Be 'character special file 0:0'
        Test-Path (Join-Path $layers[2] 'data/.wh.deleted.txt') | Should -BeFalse
        $x = [PsContainers.Core.Util.LinuxSyscalls]::Instance.Lgetxattrs((Join-Path $layers[2] 'opaque'))
        [Text.Encoding]::ASCII.GetString($x['trusted.overlay.opaque']) | Should -Be 'y'
        Test-Path (Join-Path $layers[2] 'opaque/.wh..wh..opq') | Should -BeFalse
    }

    It 'gives layers that overlayfs merges into the image file system (whiteout and opaque applied)' {
        $img = Get-ContainerImage overlay-test:1
        $layers = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)
        $merged = Join-Path $script:Work 'merged'
        New-Item -ItemType Directory $merged | Out-Null
        $lower = @($layers)
        [array]::Reverse($lower)   # overlay lists the top layer first
        & mount -t overlay overlay -o "lowerdir=$($lower -join ':')" $merged
        $LASTEXITCODE | Should -Be 0
        try {
            Test-Path "$merged/data/keep.txt" | Should -BeTrue
            Test-Path "$merged/data/deleted.txt" | Should -BeFalse
            (Get-ChildItem "$merged/opaque").Name | Should -Be @('new.txt')
            Get-Content "$merged/etc/motd" | Should -Match 'PsContainers test image'
            & chroot $merged /bin/sh -c 'echo $((6 * 7)); ls /data' | Should -Be @('42', 'keep.txt', 'owned.txt')
        } finally {
            & umount $merged
        }
    }

    It 'shares layers between images and keeps them until the last user goes' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'share1.tar') -Name share:one -Variant share-one
        $b = New-TestImageArchive -Path (Join-Path $script:Work 'share2.tar') -Name share:two -Variant share-two
        $null = Import-ContainerImage $a.Path, $b.Path
        $a.DiffIds[0] | Should -Be $b.DiffIds[0]
        $base = Get-LayerDir 0 $a.DiffIds
        Test-Path $base | Should -BeTrue
        Remove-ContainerImage share:one -Confirm:$false
        Test-Path $base | Should -BeTrue
        Test-Path (Get-LayerDir 1 $a.DiffIds) | Should -BeFalse
        Remove-ContainerImage share:two -Confirm:$false
        if (-not (Get-ContainerImage -Unique | Where-Object { $_.DiffIds[0] -eq $a.DiffIds[0] })) {
            Test-Path $base | Should -BeFalse
        }
    }

    It 'imports a gzip-compressed docker-archive (docker save | gzip)' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'gz-outer.tar') -Name gz-outer:1 -Variant gzouter
        & gzip -k -f $a.Path
        $img = Import-ContainerImage "$($a.Path).gz"
        $img.Id | Should -Be $a.Id
        $img.Repository | Should -Be 'gz-outer'
    }

    It 'imports the OCI-layout docker-archive of docker 25+ (index.json and manifest.json), names from manifest.json' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'docker25') -Name docker25:1 -Format OciLayout -Variant docker25
        $idx = Get-Content -Raw "$($a.Path)/index.json" | ConvertFrom-Json
        $idx.manifests[0].PSObject.Properties.Remove('annotations')
        $idx | ConvertTo-Json -Depth 10 | Set-Content "$($a.Path)/index.json"
        ConvertTo-Json -Compress -Depth 5 @(, [ordered]@{
                Config = "blobs/sha256/$($a.Id.Substring(7))"; RepoTags = @('docker25:1', 'docker25:also')
                Layers = @($a.LayerDigests | ForEach-Object { "blobs/sha256/$($_.Substring(7))" }) }) |
            Set-Content "$($a.Path)/manifest.json"
        & tar -C $a.Path -cf "$($a.Path).tar" .
        $imgs = Import-ContainerImage "$($a.Path).tar"
        ($imgs | ForEach-Object { "$($_.Repository):$($_.Tag)" } | Sort-Object) | Should -Be @('docker25:1', 'docker25:also')
        $imgs[0].Id | Should -Be $a.Id
        $imgs[0].Digest | Should -Be $a.ManifestDigest
    }

    It 'binds files from the pipeline' {
        $dir = Join-Path $script:Work 'pipe'
        New-Item -ItemType Directory $dir | Out-Null
        $null = New-TestImageArchive -Path "$dir/a.tar" -Name pipe-a:1 -Variant pipe-a
        $null = New-TestImageArchive -Path "$dir/b.tar" -Name pipe-b:1 -Variant pipe-b -Format OciArchive
        $imgs = Get-ChildItem "$dir/*.tar" | Load-ContainerImage
        ($imgs.Repository | Sort-Object) | Should -Be @('pipe-a', 'pipe-b')
    }

    It 'makes a one-layer image from a root file system with -RootFs and docker normalisation' {
        $rootfs = Join-Path $script:Work 'rootfs'
        New-Item -ItemType Directory "$rootfs/bin", "$rootfs/etc" | Out-Null
        Copy-Item /bin/busybox "$rootfs/bin/busybox"
        'hello' | Set-Content "$rootfs/etc/greeting"
        & tar -C $rootfs -czf "$script:Work/rootfs.tgz" .
        $img = Import-ContainerImage "$script:Work/rootfs.tgz" -RootFs -Name rootfs-test:v2 -Cmd /bin/busybox, sh
        $img.Repository | Should -Be 'rootfs-test'
        $img.Tag | Should -Be 'v2'
        $img.Layers | Should -HaveCount 1
        $img.Config.Cmd | Should -Be @('/bin/busybox', 'sh')
        (Get-ContainerImage docker.io/library/rootfs-test:v2).Id | Should -Be $img.Id
        $layer = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)[0]
        Get-Content "$layer/etc/greeting" | Should -Be 'hello'
    }

    It '-WhatIf imports nothing' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'whatif.tar') -Name whatif-test:1 -Variant whatif
        $before = Get-StoreSnapshot
        Import-ContainerImage $a.Path -WhatIf
        Get-StoreSnapshot | Should -Be $before
        Get-ContainerImage whatif-test -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Bad input is refused with a specific error and changes nothing' {
    BeforeAll {
        $script:Escape = Join-Path ([IO.Path]::GetTempPath()) ('psc-escape-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $script:Before = Get-StoreSnapshot
    }
    AfterAll { Remove-Item -Recurse -Force $script:Escape -ErrorAction SilentlyContinue }
    AfterEach {
        # the store is unchanged and sound after each refusal
        @(Test-ContainerStorage | Where-Object Severity -eq 'Error') | Should -HaveCount 0
        Get-StoreSnapshot | Should -Be $script:Before
    }

    It 'a file that is not a tar: InvalidArchive' {
        $p = Join-Path $script:Work 'not-a-tar.tar'
        Set-Content $p ('this is not a tar archive ' * 100)
        Import-ContainerImage $p -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'InvalidArchive'
    }

    It 'a truncated archive: TruncatedArchive' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'full.tar') -Name trunc:1 -Variant trunc
        $bytes = [IO.File]::ReadAllBytes($a.Path)
        $p = Join-Path $script:Work 'truncated.tar'
        [IO.File]::WriteAllBytes($p, $bytes[0..([int]($bytes.Length * 0.6))])
        Import-ContainerImage $p -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'TruncatedArchive'
    }

    It 'a missing archive file: ArchiveNotFound' {
        Import-ContainerImage (Join-Path $script:Work 'nope.tar') -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'ArchiveNotFound' 'ObjectNotFound'
    }

    It 'a manifest naming a missing blob: MissingBlob' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'missing-layout') -Name missing:1 -Format OciLayout -Variant missing
        Remove-Item (Join-Path $a.Path "blobs/sha256/$($a.LayerDigests[1].Substring(7))")
        Import-ContainerImage $a.Path -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'MissingBlob'
    }

    It 'a blob whose digest does not match: DigestMismatch' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'mismatch-layout') -Name mismatch:1 -Format OciLayout -Variant mismatch
        $f = Join-Path $a.Path "blobs/sha256/$($a.LayerDigests[2].Substring(7))"
        $b = [IO.File]::ReadAllBytes($f); $b[100] = $b[100] -bxor 0xff; [IO.File]::WriteAllBytes($f, $b)
        Import-ContainerImage $a.Path -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'DigestMismatch'
    }

    It 'a layer whose content does not match the config diff_id: DiffIdMismatch' {
        $bad = New-TestLayerArchive -Path (Join-Path $script:Work 'diffid.tar') -Layers @(, @(@{ Name = 'a.txt'; Type = 'File'; Content = 'a' }))
        # swap the layer file for another valid tar
        $other = New-TarBytes @(@{ Name = 'b.txt'; Type = 'File'; Content = 'b' })
        $tmp = Join-Path $script:Work 'diffid-x'
        New-Item -ItemType Directory $tmp | Out-Null
        & tar -C $tmp -xf $bad.Path
        [IO.File]::WriteAllBytes((Join-Path $tmp "$($bad.DiffIds[0].Substring(7)).tar"), $other)
        & tar -C $tmp -cf (Join-Path $script:Work 'diffid2.tar') .
        Import-ContainerImage (Join-Path $script:Work 'diffid2.tar') -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'DiffIdMismatch'
    }

    It 'an unknown layer media type: UnsupportedMediaType' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'mediatype-layout') -Name mt:1 -Format OciLayout -Variant mediatype
        $mpath = Join-Path $a.Path "blobs/sha256/$($a.ManifestDigest.Substring(7))"
        $m = Get-Content -Raw $mpath | ConvertFrom-Json
        $m.layers[0].mediaType = 'application/x-unknown-layer'
        $mb = [Text.Encoding]::UTF8.GetBytes(($m | ConvertTo-Json -Depth 10 -Compress))
        $mhex = Get-Sha256Hex $mb
        Remove-Item $mpath
        [IO.File]::WriteAllBytes((Join-Path $a.Path "blobs/sha256/$mhex"), $mb)
        $idx = Get-Content -Raw (Join-Path $a.Path 'index.json') | ConvertFrom-Json
        $idx.manifests[0].digest = "sha256:$mhex"; $idx.manifests[0].size = $mb.Length
        $idx | ConvertTo-Json -Depth 10 | Set-Content (Join-Path $a.Path 'index.json')
        Import-ContainerImage $a.Path -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'UnsupportedMediaType'
    }

    It 'a layer entry climbing out with ..: LayerPathEscapes' {
        $p = Join-Path $script:Work 'dotdot.tar'
        $null = New-TestLayerArchive -Path $p -Layers @(, @(
                @{ Name = 'ok.txt'; Type = 'File'; Content = 'ok' }
                @{ Name = "../../../../../../..$script:Escape/dotdot.txt"; Type = 'File'; Content = 'escaped' }))
        Import-ContainerImage $p -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'LayerPathEscapes'
        Test-Path $script:Escape | Should -BeFalse
    }

    It 'a hard link to a path outside: LayerPathEscapes' {
        $p = Join-Path $script:Work 'hardlink.tar'
        $null = New-TestLayerArchive -Path $p -Layers @(, @(
                @{ Name = 'etc/'; Type = 'Dir' }
                @{ Name = 'etc/shadow-copy'; Type = 'Hardlink'; Target = '../../../../../../../etc/shadow' }))
        Import-ContainerImage $p -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'LayerPathEscapes'
    }

    It '-RootFs with a file that is not a tar: InvalidArchive; with a climbing entry: LayerPathEscapes' {
        $p = Join-Path $script:Work 'rootfs-not-tar.tar'
        Set-Content $p ('plain text ' * 200)
        Import-ContainerImage $p -RootFs -Name rootfs-bad:1 -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'InvalidArchive'
        $q = Join-Path $script:Work 'rootfs-climb.tar'
        [IO.File]::WriteAllBytes($q, (New-TarBytes @(@{ Name = 'ok'; Type = 'File'; Content = 'ok' }, @{ Name = '../../climb'; Type = 'File'; Content = 'x' })))
        Import-ContainerImage $q -RootFs -Name rootfs-bad:2 -ErrorAction SilentlyContinue -ErrorVariable err2
        Assert-ErrorId $err2 'LayerPathEscapes'
        # an invalid -Name stops the command before it reads anything
        { Import-ContainerImage $q -RootFs -Name 'Not A Name' } | Should -Throw -ErrorId 'InvalidReferenceFormat*'
    }

    It 'a hard link to an absolute path that is not in the layer: HardlinkTargetMissing' {
        $p = Join-Path $script:Work 'hardlink-abs.tar'
        $null = New-TestLayerArchive -Path $p -Layers @(, @(@{ Name = 'passwd'; Type = 'Hardlink'; Target = '/etc/passwd' }))
        Import-ContainerImage $p -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'HardlinkTargetMissing'
    }
}

Describe 'Hostile layers that are contained' {
    It 'keeps absolute paths, symlink escapes and write-through inside the layer' {
        $escape = Join-Path ([IO.Path]::GetTempPath()) ('psc-escape-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $escape | Out-Null
        try {
            $p = Join-Path $script:Work 'contained.tar'
            $a = New-TestLayerArchive -Path $p -Name contained:1 -Layers @(, @(
                    @{ Name = "$escape/abs.txt"; Type = 'File'; Content = 'absolute' }
                    @{ Name = 'evil'; Type = 'Symlink'; Target = $escape }
                    @{ Name = 'evil/through-symlink.txt'; Type = 'File'; Content = 'written through a symlink' }
                    @{ Name = 'rel'; Type = 'Symlink'; Target = '../../../../../../..' + $escape }
                    @{ Name = 'rel/through-relative.txt'; Type = 'File'; Content = 'written through a relative symlink' }
                    @{ Name = 'link-to-abs'; Type = 'Hardlink'; Target = "$escape/abs.txt" }))
            $img = Import-ContainerImage $p
            $img.Id | Should -Be $a.Id
            @(Get-ChildItem $escape) | Should -HaveCount 0
            $layer = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)[0]
            Get-Content "$layer$escape/abs.txt" | Should -Be 'absolute'
            Get-Content "$layer$escape/through-symlink.txt" | Should -Be 'written through a symlink'
            Get-Content "$layer$escape/through-relative.txt" | Should -Be 'written through a relative symlink'
            (Get-Item "$layer/evil").LinkTarget | Should -Be $escape
            Get-Content "$layer/link-to-abs" | Should -Be 'absolute'
        } finally {
            Remove-Item -Recurse -Force $escape -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Get-ContainerImage' {
    BeforeAll {
        $script:Gi = Import-TestBusyboxImage -Name getimg-test:1.0 -Variant getimg
        Add-ContainerImageTag getimg-test:1.0 getimg-test:latest
        Add-ContainerImageTag getimg-test:1.0 127.0.0.1:5000/tools/getimg:2
    }

    It 'lists one row per name, like docker images' {
        $rows = @(Get-ContainerImage | Where-Object Id -eq $script:Gi.Id)
        ($rows | ForEach-Object { "$($_.Repository):$($_.Tag)" } | Sort-Object) |
            Should -Be @('127.0.0.1:5000/tools/getimg:2', 'getimg-test:1.0', 'getimg-test:latest')
        @(Get-ContainerImage -Unique | Where-Object Id -eq $script:Gi.Id) | Should -HaveCount 1
    }

    It 'matches wildcards on familiar and full names' {
        @(Get-ContainerImage 'getimg-t*') | Should -HaveCount 2
        @(Get-ContainerImage 'docker.io/library/getimg-test:*') | Should -HaveCount 2
        @(Get-ContainerImage '127.0.0.1:5000/*').Repository | Should -Be '127.0.0.1:5000/tools/getimg'
        @(Get-ContainerImage '*getimg*') | Should -HaveCount 3
    }

    It 'finds by reference, full name, repository, digest and id' {
        (Get-ContainerImage getimg-test).Tag | Should -Be @('1.0', 'latest')
        (Get-ContainerImage docker.io/library/getimg-test:1.0).Tag | Should -Be '1.0'
        (Get-ContainerImage "getimg-test@$($script:Gi.Digest)").Id | Should -Be $script:Gi.Id
        (Get-ContainerImage -Id $script:Gi.Id.Substring(7, 12)).Id | Should -Be $script:Gi.Id
        (Get-ContainerImage $script:Gi.Id.Substring(7, 12)).Id | Should -Contain $script:Gi.Id
    }

    It 'finds a local name also as podman spells it, localhost/NAME, and the reverse; runs and removes by it' {
        (Get-ContainerImage localhost/getimg-test:1.0).Id | Should -Be $script:Gi.Id
        (Get-ContainerImage localhost/getimg-test:1.0).Repository | Should -Be 'getimg-test'  # the stored name is shown
        Invoke-ContainerImage localhost/getimg-test:1.0 -Remove -Network none -- echo from-localhost | Should -Be 'from-localhost'
        Get-ContainerImage localhost/getimg-test:9 -ErrorAction SilentlyContinue -ErrorVariable e1 | Should -BeNullOrEmpty
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
        # tagged the podman way, found by the short name
        Add-ContainerImageTag getimg-test:1.0 localhost/getimg-podman:3
        (Get-ContainerImage getimg-podman:3).Id | Should -Be $script:Gi.Id
        Invoke-ContainerImage getimg-podman:3 -Remove -Network none -- echo from-short | Should -Be 'from-short'
        # removing by the other spelling untags the stored name and only it
        Remove-ContainerImage getimg-podman:3 -Confirm:$false
        Get-ContainerImage localhost/getimg-podman:3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-ContainerImage getimg-test:1.0).Id | Should -Be $script:Gi.Id
    }

    It 'writes a non-terminating ObjectNotFound error for a name that matches nothing' {
        $out = Get-ContainerImage no-such-image:1, getimg-test:1.0 -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'no-such-image:1'
        $out.Tag | Should -Be '1.0'
        Get-ContainerImage -Id deadbeef -ErrorAction SilentlyContinue -ErrorVariable err2
        $err2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'writes nothing and no error for wildcards that match nothing' {
        Get-ContainerImage 'zzz-nothing*' -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'shows dangling images with -Dangling' {
        $d = Import-TestBusyboxImage -Name dangle:1 -Variant dangle
        Import-TestBusyboxImage -Name dangle:1 -Variant dangle-replacement | Out-Null
        $rows = @(Get-ContainerImage -Dangling)
        $rows.Id | Should -Contain $d.Id
        ($rows | Where-Object Id -eq $d.Id).Repository | Should -Be '<none>'
        Remove-ContainerImage $d.Id -Confirm:$false
    }

    It 'takes images and container-like objects (ImageId) from the pipeline' {
        (Get-ContainerImage getimg-test:1.0 | Get-ContainerImage).Id | Should -Be $script:Gi.Id
        $container = [pscustomobject]@{ Id = 'c0ffee' * 10 + 'c0ff'; Name = 'web'; Image = 'getimg-test:1.0'; ImageId = $script:Gi.Id }
        ($container | Get-ContainerImage).Id | Should -Be $script:Gi.Id
    }

    It 'completes image references and ids' {
        $r = TabExpansion2 -inputScript 'Get-ContainerImage getimg-t' -cursorColumn 'Get-ContainerImage getimg-t'.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'getimg-test:1.0'
        $r.CompletionMatches.CompletionText | Should -Contain 'getimg-test:latest'
        $r = TabExpansion2 -inputScript 'Remove-ContainerImage 127.0' -cursorColumn 'Remove-ContainerImage 127.0'.Length
        $r.CompletionMatches.CompletionText | Should -Be @('127.0.0.1:5000/tools/getimg:2')
        $short = $script:Gi.Id.Substring(7, 6)
        $r = TabExpansion2 -inputScript "Export-ContainerImage $short" -cursorColumn "Export-ContainerImage $short".Length
        $r.CompletionMatches.CompletionText | Should -Be @($script:Gi.Id.Substring(7, 12))
    }

    It 'formats like docker images and converts to JSON' {
        $text = Get-ContainerImage getimg-test:1.0 | Out-String
        $text | Should -Match 'REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE'
        $text | Should -Match "getimg-test\s+1\.0\s+$($script:Gi.Id.Substring(7,12))\s+\d+ years? ago\s+[\d.]+MB"
        $j = Get-ContainerImage getimg-test:1.0 | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $j.Id | Should -Be $script:Gi.Id
        $j.Config.Cmd | Should -Be 'sh'
    }
}

Describe 'Add-ContainerImageTag and Remove-ContainerImage' {
    It 'tags by position and from the pipeline' {
        $img = Import-TestBusyboxImage -Name tagsrc:1 -Variant tagsrc
        Tag-ContainerImage tagsrc:1 tagged-a:1
        Get-ContainerImage tagsrc:1 | Add-ContainerImageTag -Target tagged-b:1, tagged-c:1
        (Get-ContainerImage -Unique -Id $img.Id).RepoTags | Sort-Object | Should -Be @('tagged-a:1', 'tagged-b:1', 'tagged-c:1', 'tagsrc:1')
        Add-ContainerImageTag tagsrc:1 'Bad Name' -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'InvalidReferenceFormat' 'InvalidArgument'
        Add-ContainerImageTag tagsrc:1 tagged-d:1 -WhatIf
        Get-ContainerImage tagged-d:1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'untags first and deletes with the last name; by id it refuses several names without -Force' {
        $img = Import-TestBusyboxImage -Name rm-test:1 -Variant rmtest
        Add-ContainerImageTag rm-test:1 rm-test:2
        Remove-ContainerImage $img.Id -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'ImageHasMultipleReferences' 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'referenced in multiple repositories \(.*rm-test:2.*\)\.$'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '^Use -Force'
        $r = Remove-ContainerImage rm-test:1 -Confirm:$false -PassThru
        $r.Untagged | Should -Be @('rm-test:1')
        $r.Deleted | Should -BeNullOrEmpty
        $r = Remove-ContainerImage rm-test:2 -Confirm:$false -PassThru
        $r.Deleted | Should -Be @($img.Id)
        Test-Path (Join-Path $script:Storage "blobs/sha256/$($img.Id.Substring(7))") | Should -BeFalse
        Remove-ContainerImage rm-test:2 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err2
        Assert-ErrorId $err2 'ImageNotFound' 'ObjectNotFound'
    }

    It 'removes through the pipeline: Get-ContainerImage test* | Remove-ContainerImage' {
        $null = Import-TestBusyboxImage -Name test-pipe-a:1 -Variant tpa
        $null = Import-TestBusyboxImage -Name test-pipe-b:1 -Variant tpb
        Add-ContainerImageTag test-pipe-a:1 test-pipe-a:2
        Get-ContainerImage 'test-pipe*' | Remove-ContainerImage -Confirm:$false
        Get-ContainerImage 'test-pipe*' | Should -BeNullOrEmpty
        @(Test-ContainerStorage | Where-Object Severity -eq Error) | Should -HaveCount 0
    }

    It '-WhatIf removes nothing' {
        $null = Import-TestBusyboxImage -Name whatif-rm:1 -Variant whatifrm
        $before = Get-StoreSnapshot
        Get-ContainerImage whatif-rm | Remove-ContainerImage -WhatIf
        Remove-ContainerImage whatif-rm:1 -Force -WhatIf
        Get-StoreSnapshot | Should -Be $before
        Remove-ContainerImage whatif-rm:1 -Confirm:$false
    }

    It 'refuses an image used by a container unless -Force, which keeps the data' {
        $img = Import-TestBusyboxImage -Name inuse:1 -Variant inuse
        $cdir = Join-Path $script:Root 'containers/c0ffee0000000000000000000000000000000000000000000000000000000001'
        New-Item -ItemType Directory $cdir -Force | Out-Null
        @{ Id = 'c0ffee0000000000000000000000000000000000000000000000000000000001'; Name = 'user1'; ImageId = $img.Id } |
            ConvertTo-Json | Set-Content "$cdir/container.json"
        try {
            Remove-ContainerImage inuse:1 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
            Assert-ErrorId $err 'ImageInUse' 'ResourceBusy'
            $err[0].Exception.Message | Should -Match 'user1'
            $err[0].Exception.Message | Should -Not -Match 'Force'
            $err[0].ErrorDetails.RecommendedAction | Should -Be 'Use -Force to remove it anyway.'
            Remove-ContainerImage inuse:1 -Force -Confirm:$false
            Get-ContainerImage inuse:1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            # the data stays for the container; it is an internal nameless image now
            (Get-ContainerImage -Id $img.Id).Repository | Should -Be '<none>'
            (Get-ContainerImage -All | Where-Object Id -eq $img.Id) | Should -Not -BeNullOrEmpty
            (Get-ContainerImage | Where-Object Id -eq $img.Id) | Should -BeNullOrEmpty
            $paths = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths((Get-ContainerImage -Id $img.Id))
            Test-Path "$($paths[0])/bin/busybox" | Should -BeTrue
        } finally {
            Remove-Item -Recurse -Force $cdir
        }
        Remove-ContainerImage $img.Id -Confirm:$false
        Get-ContainerImage -Id $img.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Export-ContainerImage' {
    BeforeAll {
        $script:Ex1 = Import-TestBusyboxImage -Name export-a:1 -Variant exa
        $script:Ex2 = Import-TestBusyboxImage -Name export-b:1 -Variant exb
        Add-ContainerImageTag export-a:1 export-a:extra
    }

    It 'round-trips a docker-archive with several images and names' {
        $p = Join-Path $script:Work 'export-multi.tar'
        Export-ContainerImage export-a:1, export-a:extra, export-b:1 -Path $p
        $m = & tar -xOf $p manifest.json | ConvertFrom-Json
        $m | Should -HaveCount 2
        ($m.RepoTags | Sort-Object) | Should -Be @('docker.io/library/export-a:1', 'docker.io/library/export-a:extra', 'docker.io/library/export-b:1')
        $other = New-TestStoreRoot
        try {
            $imgs = Import-ContainerImage $p
            ($imgs.Id | Sort-Object -Unique) | Should -Be (@($script:Ex1.Id, $script:Ex2.Id) | Sort-Object)
            @(Test-ContainerStorage | Where-Object Severity -eq Error) | Should -HaveCount 0
        } finally {
            Remove-TestStoreRoot $other
            $env:PSCONTAINERS_ROOT = $script:Root
        }
    }

    It 'writes an OCI archive that keeps the manifest digest' {
        $p = Join-Path $script:Work 'export.oci.tar'
        $f = Get-ContainerImage export-b:1 | Save-ContainerImage -Path $p -Format OciArchive -PassThru
        $f.FullName | Should -Be $p
        $idx = & tar -xOf $p index.json | ConvertFrom-Json
        $idx.manifests[0].digest | Should -Be $script:Ex2.Digest
        $idx.manifests[0].annotations.'io.containerd.image.name' | Should -Be 'docker.io/library/export-b:1'
    }

    It 'refuses to overwrite without -Force, and -WhatIf writes nothing' {
        $p = Join-Path $script:Work 'exists.tar'
        'x' | Set-Content $p
        Export-ContainerImage export-b:1 -Path $p -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Get-Content $p | Should -Be 'x'
        Export-ContainerImage export-b:1 -Path (Join-Path $script:Work 'whatif-export.tar') -WhatIf
        Test-Path (Join-Path $script:Work 'whatif-export.tar') | Should -BeFalse
    }

    It 'writes ObjectNotFound for an unknown image' {
        Export-ContainerImage no-such:1 -Path (Join-Path $script:Work 'none.tar') -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-ErrorId $err 'ImageNotFound' 'ObjectNotFound'
    }
}

Describe 'Interop with skopeo, umoci and podman' {
    It 'imports an image built with umoci with the config digest umoci wrote' -Skip:(-not (Test-Path /usr/bin/umoci)) {
        $layout = Join-Path $script:Work 'umoci-layout'
        $bundle = Join-Path $script:Work 'umoci-bundle'
        & umoci init --layout $layout
        & umoci new --image "${layout}:v1"
        & umoci insert --image "${layout}:v1" /bin/busybox /bin/busybox
        & umoci config --image "${layout}:v1" --config.cmd sh --config.env PATH=/bin
        & umoci unpack --image "${layout}:v1" $bundle 2>$null
        'from umoci' | Set-Content "$bundle/rootfs/umoci.txt"
        & umoci repack --image "${layout}:v1" $bundle
        $LASTEXITCODE | Should -Be 0
        $idx = Get-Content -Raw "$layout/index.json" | ConvertFrom-Json
        $manifestDigest = ($idx.manifests | Where-Object { $_.annotations.'org.opencontainers.image.ref.name' -eq 'v1' }).digest
        $manifest = Get-Content -Raw "$layout/blobs/sha256/$($manifestDigest.Substring(7))" | ConvertFrom-Json
        # umoci names the image by tag only: imported without a name, with a warning
        $unnamed = Import-ContainerImage $layout -WarningVariable warn -WarningAction SilentlyContinue
        $warn | Should -Match "only by the tag 'v1'"
        $unnamed.Repository | Should -Be '<none>'
        $img = Import-ContainerImage $layout -Name umoci-test:v1 -WarningVariable warn2
        $warn2 | Should -BeNullOrEmpty
        $img.Id | Should -Be $manifest.config.digest
        $img.Digest | Should -Be $manifestDigest
        $img.Config.Cmd | Should -Be @('sh')
        $layers = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)
        Get-Content "$($layers[-1])/umoci.txt" | Should -Be 'from umoci'
        & chmod -R u+w $bundle; Remove-Item -Recurse -Force $bundle -ErrorAction SilentlyContinue
    }

    It 'imports an image converted by skopeo copy with the Id skopeo reports' -Skip:(-not (Test-Path /usr/bin/skopeo)) {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'skopeo-src.tar') -Name skopeo-src:1 -Variant skopeo
        $oci = Join-Path $script:Work 'skopeo.oci.tar'
        & skopeo copy --quiet "docker-archive:$($a.Path)" "oci-archive:${oci}:skopeo-test:v1"
        $LASTEXITCODE | Should -Be 0
        $raw = & skopeo inspect --raw "oci-archive:${oci}:skopeo-test:v1" | ConvertFrom-Json
        $img = Import-ContainerImage $oci -Name skopeo-test:v1
        $img.Id | Should -Be $raw.config.digest
        $img.Layers | Should -Be @($raw.layers.digest)
    }

    It 'writes docker-archives that skopeo inspect and podman load accept with the same Id' -Skip:(-not (Test-Path /usr/bin/podman)) {
        $img = Import-TestBusyboxImage -Name psc-podman-interop:v1 -Variant podman
        $p = Join-Path $script:Work 'for-podman.tar'
        Export-ContainerImage psc-podman-interop:v1 -Path $p
        $raw = & skopeo inspect --raw "docker-archive:$p" | ConvertFrom-Json
        $raw.config.digest | Should -Be $img.Id
        (& skopeo inspect "docker-archive:$p" | ConvertFrom-Json).Layers | Should -HaveCount 3
        try {
            $out = & podman load -q -i $p 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
            $id = & podman image inspect --format '{{.Id}}' docker.io/library/psc-podman-interop:v1
            "sha256:$id" | Should -Be $img.Id
            # and the OCI archive too
            $o = Join-Path $script:Work 'for-podman.oci.tar'
            Export-ContainerImage psc-podman-interop:v1 -Path $o -Format OciArchive
            & podman rmi -f docker.io/library/psc-podman-interop:v1 2>&1 | Out-Null
            $out = & podman load -q -i $o 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
            "sha256:$(& podman image inspect --format '{{.Id}}' docker.io/library/psc-podman-interop:v1)" | Should -Be $img.Id
            # and what podman save writes (docker-archive and oci-archive) comes back with the same Id
            $other = New-TestStoreRoot
            try {
                foreach ($fmt in 'docker-archive', 'oci-archive') {
                    $s = Join-Path $script:Work "podman-save-$fmt.tar"
                    & podman save --format $fmt -o $s docker.io/library/psc-podman-interop:v1 2>&1 | Out-Null
                    $LASTEXITCODE | Should -Be 0
                    $back = Import-ContainerImage $s -Name "from-podman-${fmt}:v1"
                    # podman converts the config when it writes OCI, so compare with the config it wrote
                    $raw = & skopeo inspect --raw "${fmt}:$s" | ConvertFrom-Json
                    $back.Id | Should -Be $raw.config.digest -Because $fmt
                    if ($fmt -eq 'docker-archive') { $back.Id | Should -Be $img.Id }
                    $back.DiffIds | Should -Be $img.DiffIds
                }
            } finally {
                Remove-TestStoreRoot $other
                $env:PSCONTAINERS_ROOT = $script:Root
            }
        } finally {
            & podman rmi -f docker.io/library/psc-podman-interop:v1 localhost/psc-podman-interop:v1 2>&1 | Out-Null
        }
    }
}

Describe 'Help' {
    It '<_> has a synopsis, a description, an example and every parameter documented' -ForEach @(
        'Import-ContainerImage', 'Export-ContainerImage', 'Get-ContainerImage', 'Add-ContainerImageTag',
        'Remove-ContainerImage', 'Test-ContainerStorage', 'Get-ContainerDiskUsage', 'Get-ContainerVersion') {
        $help = Get-Help $_ -Full
        $help.Synopsis.Trim() | Should -Not -Be $_
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @((Get-Help $_ -Examples).Examples.Example)[0].Code | Should -Not -BeNullOrEmpty
        $documented = @($help.Parameters.Parameter | ForEach-Object Name)
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) { $documented | Should -Contain $p }
    }
}
