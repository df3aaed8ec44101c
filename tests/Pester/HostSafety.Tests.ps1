# Every walk the engine makes over a tree it owns (layers, staging, volumes, container roots) must treat a symlink
# as an entry, never as a directory to enter. Each test builds an image or a tree full of hostile links inside a
# private, read-only mount namespace whose /run and /tmp are scratch mounts (HostSafety.Helpers.psm1), puts
# sentinel trees where the links point, runs the engine's operation, and proves the sentinels did not change.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/HostSafety.Helpers.psm1" -Force
    $script:Imports = @("$PSScriptRoot/Images.Helpers.psm1", "$PSScriptRoot/HostSafety.Helpers.psm1")

    # Runs in the child: builds the hostile image (busybox root + a layer of hostile links), the sentinels, and
    # defines Get-Sentinels. Every test block starts with it.
    $script:Prelude = {
        $ErrorActionPreference = 'Stop'
        function Get-Sentinels {
            [pscustomobject]@{
                Run     = @(Get-TreeSnapshot /run/psc-sentinel)
                Tmp     = @(Get-TreeSnapshot /tmp/psc-sentinel)
                Lock    = @(Get-TreeSnapshot /run/lock)
                Modes   = @('/run', '/run/lock', '/tmp', '/etc', '/', '/proc/self/fd' | ForEach-Object { & stat -L -c '%n %a %u:%g' $_ })
            }
        }
        New-SentinelTree /run/psc-sentinel
        New-SentinelTree /tmp/psc-sentinel
        'lock' | Set-Content /run/lock/held; & chmod 0644 /run/lock/held
        $work = '/tmp/psc-work'
        New-Item -ItemType Directory "$work/hostile" -Force | Out-Null
        New-HostileTree "$work/hostile"
        # the container's own /run with a file, so var/run resolves to something inside the root
        New-Item -ItemType Directory "$work/hostile/run" | Out-Null
        'inside' | Set-Content "$work/hostile/run/inside.txt"
        New-LayerTarFromDirectory "$work/hostile" "$work/hostile.tar"
        $null = New-TestImageFromLayerTars -Path "$work/image.tar" -LayerTar "$work/hostile.tar" -Name 'hostile:1'
        $null = Import-ContainerImage "$work/image.tar"
    }
}

Describe 'Engine walks never follow a link out of the tree they own' {
    It 'Remove-ContainerImage of an image with var/run -> /run, links to / and loops leaves the host as it was' {
        $r = Invoke-InPrivateMountNamespace -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    $layers = @(Get-ChildItem /tmp/store/storage/layers -Directory).Count
                    Remove-ContainerImage hostile:1
                    [pscustomobject]@{
                        Before = $before; After = Get-Sentinels; LayersBefore = $layers
                        LayersAfter = @(Get-ChildItem /tmp/store/storage/layers -Directory).Count
                        Tmp = @(Get-ChildItem -Force /tmp/store/storage/tmp | Where-Object { $_.Name -notlike '*.lock' -and $_.Name -notlike 'pins-*' } | ForEach-Object Name)
                    }
                }.ToString()))
        $r.LayersBefore | Should -Be 2
        $r.LayersAfter | Should -Be 0
        $r.Tmp | Should -BeNullOrEmpty
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Lock | Should -Be $r.Before.Lock
        $r.After.Modes | Should -Be $r.Before.Modes
        $r.Before.Modes | Should -Contain '/run/lock 1777 0:0'
    }

    It 'recovering abandoned staging work and Test-ContainerStorage -Repair of an orphan layer leave the host as it was' {
        $r = Invoke-InPrivateMountNamespace -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    # an unpacked layer no image uses: Test-ContainerStorage finds it, -Repair removes it
                    $orphan = '/tmp/store/storage/layers/' + ('ab' * 32)
                    New-Item -ItemType Directory $orphan | Out-Null
                    & cp -a /tmp/psc-work/hostile "$orphan/diff"
                    $problems = @(Test-ContainerStorage | ForEach-Object Kind)
                    $null = Test-ContainerStorage -Repair -Confirm:$false
                    $orphanLeft = Test-Path $orphan
                    # staging work whose owner died (no lock file): the next command that opens the store sweeps it
                    & cp -a /tmp/psc-work/hostile /tmp/store/storage/tmp/unpack-deadbeefdeadbeef
                    $image = (Get-ContainerImage hostile:1).Name
                    [pscustomobject]@{
                        Before = $before; After = Get-Sentinels; Problems = $problems
                        Staging = Test-Path /tmp/store/storage/tmp/unpack-deadbeefdeadbeef
                        Orphan = $orphanLeft
                        Image = $image
                    }
                }.ToString()))
        $r.Problems | Should -Contain 'OrphanLayer'
        $r.Staging | Should -BeFalse
        $r.Orphan | Should -BeFalse
        $r.Image | Should -Not -BeNullOrEmpty
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Lock | Should -Be $r.Before.Lock
        $r.After.Modes | Should -Be $r.Before.Modes
    }

    It 'Get-ContainerDiskUsage and Get-ContainerVolume count only what is inside the tree' {
        $r = Invoke-InPrivateMountNamespace -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    # 20 MB outside the trees, reachable through links inside them
                    & dd if=/dev/zero of=/tmp/psc-sentinel/big bs=1M count=20 status=none
                    $before = Get-Sentinels
                    $v = New-ContainerVolume hostilevol
                    & cp -a /tmp/psc-work/hostile/. $v.Mountpoint
                    & ln -s /tmp/psc-sentinel "$($v.Mountpoint)/big-dir"
                    & ln -s /tmp/psc-sentinel/big "$($v.Mountpoint)/big-file"
                    $c = New-Container hostile:1 -Name sizer -Network none
                    $upper = "/tmp/store/containers/$($c.Id)/upper"
                    & cp -a /tmp/psc-work/hostile/. $upper
                    & ln -s /tmp/psc-sentinel "$upper/big-dir"
                    $du = Get-ContainerDiskUsage -Detailed
                    [pscustomobject]@{
                        Before = $before; After = Get-Sentinels
                        VolumeSize = (Get-ContainerVolume hostilevol).Size
                        DiskVolume = ($du | Where-Object { $_.Type -eq 'Volume' -or $_.Type -eq 'Volumes' } | Measure-Object -Property Size -Sum).Sum
                        DiskContainer = ($du | Where-Object { $_.Type -eq 'Container' -or $_.Type -eq 'Containers' } | Measure-Object -Property Size -Sum).Sum
                    }
                }.ToString()))
        $r.VolumeSize | Should -BeLessThan 1MB
        $r.DiskVolume | Should -BeLessThan 1MB
        $r.DiskContainer | Should -BeLessThan 1MB
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Modes | Should -Be $r.Before.Modes
    }

    It 'Copy-ContainerItem both ways and Export-Container stay inside the container root' {
        $r = Invoke-InPrivateMountNamespace -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    $null = New-Container hostile:1 -Name cp -Network none
                    New-Item -ItemType Directory /tmp/out | Out-Null
                    # out of the container: var/run is the container's /run; the links come out as links
                    Copy-ContainerItem cp:/var/run/inside.txt /tmp/out/inside.txt
                    Copy-ContainerItem cp:/links /tmp/out/links
                    Copy-ContainerItem cp:/links/sentinel /tmp/out/through-sentinel -ErrorAction SilentlyContinue
                    # into the container, through its links: everything lands inside its root
                    'evil' | Set-Content /tmp/out/evil.txt
                    Copy-ContainerItem /tmp/out/evil.txt cp:/var/run/evil.txt
                    Copy-ContainerItem /tmp/out/evil.txt cp:/links/sentinel/evil.txt -ErrorAction SilentlyContinue
                    Copy-ContainerItem /tmp/out/evil.txt cp:/links/root/evil-root.txt
                    $null = Export-Container cp -Path /tmp/out/cp.tar
                    $listing = @(& tar -tvf /tmp/out/cp.tar)
                    Copy-ContainerItem cp:/run /tmp/out/run-copy
                    [pscustomobject]@{
                        Before = $before; After = Get-Sentinels
                        Inside = Get-Content /tmp/out/inside.txt
                        RootLink = (& stat -c '%F -> %N' /tmp/out/links/root)
                        SentinelCopied = Test-Path /tmp/out/through-sentinel/file
                        HostEvil = (Test-Path /run/evil.txt) -or (Test-Path /run/psc-sentinel/evil.txt) -or (Test-Path /evil-root.txt)
                        InsideEvil = @(Get-ChildItem /tmp/out/run-copy -Name)
                        Listing = $listing
                    }
                }.ToString()))
        $r.Inside | Should -Be 'inside'
        $r.RootLink | Should -Match "^symbolic link -> '/tmp/out/links/root' -> '/'$"
        $r.SentinelCopied | Should -BeFalse
        $r.HostEvil | Should -BeFalse
        $r.InsideEvil | Should -Contain 'evil.txt'
        ($r.Listing | Where-Object { $_ -match ' links/root -> /$' }) | Should -Not -BeNullOrEmpty
        # the image's own links to the sentinel are exported as links; nothing of the sentinel and nothing below a link is
        ($r.Listing | Where-Object { $_ -match ' links/sentinel -> /run/psc-sentinel$' }) | Should -Not -BeNullOrEmpty
        ($r.Listing | Where-Object { ($_ -replace ' -> .*$', '') -match 'psc-sentinel|links/root/' }) | Should -BeNullOrEmpty
        # an entry under links/<link>/, var/run/, dev/fd/... would mean a link was entered
        ($r.Listing | Where-Object { ($_ -replace ' -> .*$', '') -match ' (links/[^/ ]+|ro-dir/root|ro-dir/sentinel|var/run|var/lock|dev/fd)/\S' }) | Should -BeNullOrEmpty
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Modes | Should -Be $r.Before.Modes
    }

    It 'a volume filled from an image path that is a link is filled from inside the container, and removal leaves the host as it was' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    # /links/sentinel -> /run/psc-sentinel: in the container that is its own (missing) /run/psc-sentinel
                    $out = Invoke-ContainerImage hostile:1 -Name vol -Network none -Volume filled:/links/sentinel -- sh -c 'ls -A /links/sentinel; ln -s / /hostroot; ln -s /run /r; mkdir /ro; ln -s /run/psc-sentinel /ro/s; ln -s /run/lock /ro/l; chmod 555 /ro; mkdir /closed; chmod 000 /closed'
                    $files = @(Get-ChildItem -Force (Get-ContainerVolume filled).Mountpoint -Name)
                    Remove-Container vol
                    $removeRun = Invoke-ContainerImage hostile:1 -Remove -Network none -- sh -c 'ln -s / /hostroot2; mkdir /ro2; ln -s /run/lock /ro2/l; chmod 555 /ro2'
                    [pscustomobject]@{
                        Before = $before; After = Get-Sentinels; Out = @($out); Files = $files
                        Left = @(Get-Container -All).Count
                        Dirs = @(Get-ChildItem -Force /tmp/store/containers -Directory | Where-Object Name -notlike '.*').Count
                    }
                }.ToString()))
        $r.Files | Should -Not -Contain 'file'
        $r.Out | Should -Not -Contain 'file'
        $r.Left | Should -Be 0
        $r.Dirs | Should -Be 0
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Lock | Should -Be $r.Before.Lock
        $r.After.Modes | Should -Be $r.Before.Modes
    }

    It 'importing an OCI layout directory never reads through a link out of it' {
        $r = Invoke-InPrivateMountNamespace -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    $layout = '/tmp/psc-work/layout'
                    $img = New-TestImageArchive -Path $layout -Name 'layout-test:1' -Format OciLayout
                    # the walk must not enter these, and a blob that is a link out of the layout is not the blob
                    & ln -s / "$layout/root-link"
                    & ln -s /proc/self/fd "$layout/fd-link"
                    $layer = "$layout/blobs/sha256/" + $img.LayerDigests[2].Substring(7)
                    & cp --preserve=all /run/psc-sentinel/file /run/psc-sentinel/layer-copy
                    Remove-Item $layer
                    & ln -s /run/psc-sentinel/file $layer
                    $err = $null
                    try { $null = Import-ContainerImage $layout -ErrorAction Stop } catch { $err = $_.FullyQualifiedErrorId }
                    & rm -f /run/psc-sentinel/layer-copy
                    [pscustomobject]@{
                        Before = $before; After = Get-Sentinels; Error = $err
                        Images = @(Get-ContainerImage 'layout-test*' -ErrorAction SilentlyContinue).Count
                        Blobs = @(Get-ChildItem /tmp/store/storage/blobs/sha256 -ErrorAction SilentlyContinue | ForEach-Object { (& sha256sum $_.FullName) -replace ' .*' })
                        SentinelHash = (& sha256sum /run/psc-sentinel/file) -replace ' .*'
                    }
                }.ToString()))
        $r.Error | Should -BeLike 'MissingBlob*'
        $r.Images | Should -Be 0
        $r.Blobs | Should -Not -Contain $r.SentinelHash
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Modes | Should -Be $r.Before.Modes
    }
}

