# docker commit on real containers: ConvertTo-ContainerImage writes a container's changes (its overlay upper
# directory) as one new layer, and the new image runs with them. The layer is read back with the engine's own tar
# reader (never extracted on the host: it holds a symlink pointing out of the tree).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Base = Get-ContainerImage busybox-test:latest

    function Get-LayerEntries([string] $Digest) {
        # the entries of a layer blob, in order: name, kind, mode, owner, link target, xattrs (hex) and data. A commit
        # keeps its layer as a plain tar (as docker and buildah keep local layers): the blob is read as it is.
        $blob = Join-Path $script:Root "storage/blobs/sha256/$($Digest.Substring(7))"
        [PsContainers.Core.Images.Compression]::DetectFile($blob) | Should -Be 'None'
        $raw = [IO.File]::OpenRead($blob)
        try {
            $reader = [PsContainers.Core.Archive.TarArchiveReader]::new($raw)
            $list = [Collections.Generic.List[object]]::new()
            while ($null -ne ($e = $reader.Next())) {
                $ms = [IO.MemoryStream]::new()
                $null = $reader.CopyDataTo($ms)
                $list.Add([pscustomobject]@{
                        Name   = $e.DisplayName
                        Kind   = "$($e.Kind)"
                        Mode   = [Convert]::ToString($e.Mode, 8)
                        Owner  = "$($e.Uid):$($e.Gid)"
                        Link   = $e.DisplayLinkName
                        Xattrs = @($e.Xattrs | ForEach-Object { "$($_.Name)=$([Convert]::ToHexString($_.Value))" })
                        Data   = [Text.Encoding]::UTF8.GetString($ms.ToArray())
                    })
            }
            $reader.Dispose()
            , $list.ToArray()
        }
        finally { $raw.Dispose() }
    }

    # a host file to copy in, with a user xattr and a file capability (busybox has no setfattr/setcap)
    $script:CapFile = Join-Path $TestDrive 'capbox'
    Copy-Item /bin/busybox $script:CapFile
    & setfattr -n user.note -v 0x68690078 $script:CapFile
    & setcap cap_net_bind_service+ep $script:CapFile
    $script:CapHex = ((& getfattr -e hex -n security.capability $script:CapFile 2>$null) -match '^security.capability=' -replace '^security.capability=0x', '').ToUpperInvariant()
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'ConvertTo-ContainerImage' {
    It 'commits a running container''s added, changed and deleted files, links, xattrs and capabilities, and the image runs with them' {
        $script_ = @(
            'echo changed >> /etc/motd'
            'mkdir -p /opt/app && printf "hello\n" > /opt/app/new.txt'
            'chown 1000:1000 /opt/app/new.txt && chmod 4750 /opt/app/new.txt'
            'ln /opt/app/new.txt /opt/app/hard.txt'
            'ln -s /etc/motd /opt/app/motd-link'
            'ln -s ../../../../../etc /opt/app/up'
            'mkfifo /opt/app/fifo'
            'rm /data/keep.txt'
            'rm -rf /opaque && mkdir /opaque && echo fresh > /opaque/fresh.txt'
            'touch /ready'
            'sleep 300'
        ) -join '; '
        Invoke-ContainerImage busybox-test:latest -Detach -Name commit-run -Environment @{ STAGE = 'one' } -- sh -c $script_ | Out-Null
        Wait-ContainerCondition { (Get-ContainerChange commit-run).Path -contains '/ready' } | Should -BeTrue
        Copy-ContainerItem $script:CapFile commit-run:/opt/app/busybox

        $img = ConvertTo-ContainerImage commit-run committed/app:v1 -Message 'my change' -Author 'Ann <ann@example.com>'
        $img | Should -BeOfType PsContainers.Core.Images.ContainerImage
        $img.RepoTags | Should -Be @('committed/app:v1')
        (Get-Container commit-run).Status | Should -Be 'Running'   # paused for the diff, resumed after
        $id = (Get-Container commit-run).Id
        @(Get-ContainerEvent -Since ([datetime]::UtcNow.AddMinutes(-5)) | Where-Object { $_.ActorId -eq $id -and $_.Action -in 'pause', 'unpause', 'commit' }).Action |
            Should -Be @('pause', 'unpause', 'commit')

        # the image: the base's layers + one, its history + one entry like docker's
        $img.Layers.Count | Should -Be ($script:Base.Layers.Count + 1)
        $img.Layers[0..($script:Base.Layers.Count - 1)] | Should -Be $script:Base.Layers
        $img.History.Count | Should -Be ($script:Base.History.Count + 1)
        $img.History[-1].Comment | Should -Be 'my change'
        $img.History[-1].CreatedBy | Should -Be "sh -c $script_"
        $img.History[-1].EmptyLayer | Should -BeFalse
        $img.Author | Should -Be 'Ann <ann@example.com>'
        $img.Config.Env | Should -Contain 'STAGE=one'
        $img.Config.Cmd | Should -Be @('sh', '-c', $script_)

        # the layer, entry by entry (the runtime's mount points are not in it); plain, so its blob digest is its diff_id
        $img.Layers[-1] | Should -Be $img.DiffIds[-1]
        $entries = Get-LayerEntries $img.Layers[-1]
        $byName = @{}; foreach ($e in $entries) { $byName[$e.Name] = $e }
        $entries.Name | Should -Be @('data/', 'data/.wh.keep.txt', 'etc/', 'etc/motd', 'opaque/', 'opaque/.wh..wh..opq', 'opaque/fresh.txt',
            'opt/', 'opt/app/', 'opt/app/busybox', 'opt/app/fifo', 'opt/app/hard.txt', 'opt/app/motd-link', 'opt/app/new.txt', 'opt/app/up', 'ready')
        $byName['data/.wh.keep.txt'].Kind | Should -Be 'RegularFile'
        $byName['etc/motd'].Data | Should -Be "Welcome to the PsContainers test image`nchanged`n"
        $byName['opaque/fresh.txt'].Data | Should -Be "fresh`n"
        $byName['opt/app/hard.txt'].Kind | Should -Be 'RegularFile'
        $byName['opt/app/hard.txt'].Data | Should -Be "hello`n"
        $byName['opt/app/hard.txt'].Mode | Should -Be '4750'
        $byName['opt/app/hard.txt'].Owner | Should -Be '1000:1000'
        $byName['opt/app/new.txt'].Kind | Should -Be 'HardLink'
        $byName['opt/app/new.txt'].Link | Should -Be 'opt/app/hard.txt'
        $byName['opt/app/motd-link'].Kind | Should -Be 'Symlink'
        $byName['opt/app/motd-link'].Link | Should -Be '/etc/motd'
        $byName['opt/app/up'].Link | Should -Be '../../../../../etc'
        $byName['opt/app/fifo'].Kind | Should -Be 'Fifo'
        $byName['opt/app/busybox'].Xattrs | Should -Be @("security.capability=$script:CapHex", 'user.note=68690078')
        $byName['opt/app/busybox'].Data.Length | Should -BeGreaterThan 0

        # the new image runs with the changes
        $out = Invoke-ContainerImage committed/app:v1 -Remove -- sh -c @'
cat /etc/motd; cat /opt/app/new.txt; test -e /data/keep.txt && echo keep-present || echo keep-absent
ls /opaque; readlink /opt/app/up; stat -c '%h %a %u:%g' /opt/app/hard.txt; test -p /opt/app/fifo && echo fifo
'@
        $out | Should -Be @('Welcome to the PsContainers test image', 'changed', 'hello', 'keep-absent', 'fresh.txt', '../../../../../etc', '2 4750 1000:1000', 'fifo')
        # the file capability works in the new image: an unprivileged user gets CAP_NET_BIND_SERVICE (bit 10) from it
        $caps = Invoke-ContainerImage committed/app:v1 -Remove -User 1000 -- /opt/app/busybox sh -c 'grep CapEff /proc/self/status'
        $caps | Should -Match 'CapEff:\s+0000000000000400'
        Remove-Container commit-run -Force -Confirm:$false
    }

    It 'adds no layer for a container without changes, only an empty_layer history entry (as docker)' {
        Invoke-ContainerImage busybox-test:latest -Name commit-same -- true | Out-Null
        $img = Commit-Container commit-same -Repository committed/same -Tag t1
        $img.RepoTags | Should -Be @('committed/same:t1')
        $img.Layers | Should -Be $script:Base.Layers
        $img.History[-1].EmptyLayer | Should -BeTrue
        $img.Id | Should -Not -Be $script:Base.Id
        # committing it again gives another image of the same content
        $again = Get-Container commit-same | ConvertTo-ContainerImage
        $again.RepoTags | Should -BeNullOrEmpty
        $again.Layers | Should -Be $script:Base.Layers
        Remove-Container commit-same -Confirm:$false
    }

    It 'leaves a paused container paused, and with -Pause:$false never freezes it' {
        Invoke-ContainerImage busybox-test:latest -Detach -Name commit-pause -- sh -c 'echo x > /x; sleep 300' | Out-Null
        Wait-ContainerCondition { (Get-ContainerChange commit-pause).Path -contains '/x' } | Should -BeTrue
        $img = ConvertTo-ContainerImage -Name commit-pause -Repository committed/nopause -Pause:$false
        $img.RepoTags | Should -Be @('committed/nopause:latest')
        (Get-ContainerEvent -Since ([datetime]::UtcNow.AddMinutes(-5)) | Where-Object { $_.ActorId -eq (Get-Container commit-pause).Id -and $_.Action -in 'pause', 'unpause' }) | Should -BeNullOrEmpty
        Suspend-Container commit-pause
        $null = ConvertTo-ContainerImage commit-pause committed/paused
        (Get-Container commit-pause).Status | Should -Be 'Paused'
        (Get-LayerEntries (Get-ContainerImage committed/paused).Layers[-1]).Name | Should -Be @('x')
        Remove-Container commit-pause -Force -Confirm:$false
    }

    It 'applies -Change metadata instructions to the new image, and refuses a bad one before doing anything' {
        Invoke-ContainerImage busybox-test:latest -Name commit-change -Environment @{ KEEP = 'yes' } -- sh -c 'echo hello > /greeting' | Out-Null
        $img = ConvertTo-ContainerImage commit-change committed/change -Change @(
            'CMD ["cat", "/greeting"]'
            'ENV GREETING=hello OTHER="two words"'
            'EXPOSE 8080 53/udp'
            'LABEL stage=two'
            'WORKDIR /opt'
            'USER nobody'
            'STOPSIGNAL SIGINT'
        )
        $img.Config.Cmd | Should -Be @('cat', '/greeting')
        $img.Config.Env | Should -Contain 'KEEP=yes'
        $img.Config.Env | Should -Contain 'GREETING=hello'
        $img.Config.Env | Should -Contain 'OTHER=two words'
        $img.Config.ExposedPorts.Keys | Should -Contain '8080/tcp'
        $img.Config.ExposedPorts.Keys | Should -Contain '53/udp'
        $img.Config.Labels['stage'] | Should -Be 'two'
        $img.Config.WorkingDir | Should -Be '/opt'
        $img.Config.User | Should -Be 'nobody'
        $img.Config.StopSignal | Should -Be 'SIGINT'
        $img.History.Count | Should -Be ($script:Base.History.Count + 1)
        Invoke-ContainerImage committed/change -Remove | Should -Be 'hello'
        # a shell-form ENTRYPOINT runs with the image's shell and clears the CMD
        $ep = ConvertTo-ContainerImage commit-change committed/change:ep -Change 'ENTRYPOINT echo from-entrypoint'
        $ep.Config.Entrypoint | Should -Be @('/bin/sh', '-c', 'echo from-entrypoint')
        $ep.Config.Cmd | Should -BeNullOrEmpty
        Invoke-ContainerImage committed/change:ep -Remove | Should -Be 'from-entrypoint'

        $before = @(Get-ContainerImage).Count
        { ConvertTo-ContainerImage commit-change committed/bad -Change 'RUN echo no' -ErrorAction Stop } | Should -Throw -ErrorId 'DockerfileSyntax,PsContainers.Commands.ConvertToContainerImageCommand'
        { ConvertTo-ContainerImage commit-change committed/bad -Change 'ENV A=1', 'BOGUS x' -ErrorAction Stop } | Should -Throw -ErrorId 'DockerfileSyntax,PsContainers.Commands.ConvertToContainerImageCommand'
        # not valid JSON: the shell form, as the Dockerfile reference says
        (ConvertTo-ContainerImage commit-change committed/shellform -Change 'CMD ["x"' ).Config.Cmd | Should -Be @('/bin/sh', '-c', '["x"')
        Remove-ContainerImage committed/shellform -Confirm:$false | Out-Null
        @(Get-ContainerImage).Count | Should -Be $before
        Remove-Container commit-change -Confirm:$false
    }

    It 'supports -WhatIf and says what is wrong with a name or a container' {
        Invoke-ContainerImage busybox-test:latest -Name commit-err -- true | Out-Null
        ConvertTo-ContainerImage commit-err committed/whatif -WhatIf | Should -BeNullOrEmpty
        Get-ContainerImage committed/whatif -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        { ConvertTo-ContainerImage commit-err 'Bad Name' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidReferenceFormat,PsContainers.Commands.ConvertToContainerImageCommand'
        { ConvertTo-ContainerImage commit-err -Tag v1 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidTagReference,PsContainers.Commands.ConvertToContainerImageCommand'
        ConvertTo-ContainerImage no-such-container x/y -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^ContainerNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Remove-Container commit-err -Confirm:$false
    }

    It 'records a container commit event as docker does' {
        Invoke-ContainerImage busybox-test:latest -Name commit-ev -- true | Out-Null
        $img = ConvertTo-ContainerImage commit-ev committed/ev -Message hello
        $ev = @(Get-ContainerEvent -Since ([datetime]::UtcNow.AddMinutes(-5)) | Where-Object Action -eq 'commit' | Where-Object { $_.Attributes['name'] -eq 'commit-ev' })
        $ev.Count | Should -Be 1
        $ev[0].Attributes['imageID'] | Should -Be $img.Id
        $ev[0].Attributes['comment'] | Should -Be 'hello'
        Remove-Container commit-ev -Confirm:$false
    }
}

Describe 'Clearing an entrypoint (docker --entrypoint "" and --change "ENTRYPOINT []")' {
    It 'commits ENTRYPOINT [] as no entrypoint and no CMD, and -Entrypoint '''' on run/create clears the image''s and its CMD' {
        $c = New-Container busybox-test:latest -Name "ep-src-$PID" sleep 100
        $null = ConvertTo-ContainerImage $c.Name -Repository entry -Tag with -Change 'ENTRYPOINT ["/bin/echo", "from-entrypoint"]', 'CMD ["image-cmd"]'
        $null = ConvertTo-ContainerImage $c.Name -Repository entry -Tag cleared -Change 'ENTRYPOINT []'
        $cleared = (Get-ContainerImage entry:cleared).Config
        @($cleared.Entrypoint).Count | Should -Be 0
        $cleared.Cmd | Should -BeNullOrEmpty
        Invoke-ContainerImage entry:cleared -Remove echo plain | Should -Be 'plain'

        # the image's entrypoint runs by default; -Entrypoint '' drops it and the image CMD with it
        Invoke-ContainerImage entry:with -Remove | Should -Be 'from-entrypoint image-cmd'
        Invoke-ContainerImage entry:with -Remove -Entrypoint '' echo no-entrypoint | Should -Be 'no-entrypoint'
        $n = New-Container entry:with -Entrypoint '' -Name "ep-new-$PID" echo x
        @($n.Config.Entrypoint).Count | Should -Be 0
        $n.Config.Cmd | Should -Be @('echo', 'x')
        # with no command left there is nothing to run: docker's "no command specified"
        { New-Container entry:with -Entrypoint '' -ErrorAction Stop } | Should -Throw -ErrorId 'NoCommand,PsContainers.Commands.NewContainerCommand'
        Get-Container -All | Where-Object Name -like "ep-*-$PID" | Remove-Container -Force -Confirm:$false
    }
}
