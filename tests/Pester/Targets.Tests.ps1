# The one resolver (src/PsContainers/Targets/TargetResolver.cs over Core Targets/): names, ids, id prefixes,
# wildcards and piped objects of containers, images, networks and volumes follow one rule. A literal that names
# nothing is a non-terminating ObjectNotFound with the kind's ErrorId and the text as target; a wildcard that matches
# nothing writes nothing; an ambiguous id prefix is an error; an object named twice is written once; piped objects
# are re-read. The Core wildcard matcher is compared with PowerShell's WildcardPattern on a table.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore -ImageName 'tgt-busybox:1'
    $script:Img = Get-ContainerImage 'tgt-busybox:1'

    function script:Assert-NotFound($Err, [string] $Id, [string] $Target) {
        @($Err) | Should -HaveCount 1
        $Err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $Err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $Err[0].TargetObject | Should -Be $Target
    }
}

AfterAll {
    Get-ContainerNetwork "tgt-*-$PID" -ErrorAction SilentlyContinue | Remove-ContainerNetwork -Force -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'The Core wildcard matcher' {
    It 'answers as PowerShell''s WildcardPattern (IgnoreCase) on every pattern and text of the table' {
        $patterns = @('web*', 'w?b', '*', '', '[a-c]x', '[A-C]x', '[abc]', '[!a]', '[^a]', '[]a]', '[a-]', '[-a]', 'a]', 'a*]',
            'a`*', 'a`', '``', '[a`]]', '\d', 'a.b', '(x|y)*', 'a*b*c', 'x+', '$y', '[0-9][0-9]', '*:latest', 'docker.io/*/b?x',
            'a[', '[ab', '[z-a]', '[]', 'É*', 'straße')
        $texts = @('web', 'WEB1', 'wab', '', 'bx', 'BX', 'dx', 'c', '!', '^', ']', 'a', '-', 'a]', 'A]', 'a*', 'ab', 'a`', '`',
            '\d', '1', 'a.b', 'axb', '(x|y)z', 'a-b-c', 'a-c-b', 'x+', 'xx', '$y', '42', 'busybox:latest', 'docker.io/library/box',
            'éa', 'STRASSE', 'straße')
        $mismatch = foreach ($p in $patterns) {
            $ps = try { [System.Management.Automation.WildcardPattern]::new($p, 'IgnoreCase') } catch { $null }
            $core = try { [PsContainers.Core.Targets.Wildcard]::Parse($p, $true) } catch { $_.Exception.InnerException ?? $_.Exception }
            $psContains = [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($p)
            if ($psContains -ne [PsContainers.Core.Targets.Wildcard]::ContainsWildcard($p)) { "ContainsWildcard '$p'" }
            foreach ($t in $texts) {
                $want = try { [string] $ps.IsMatch($t) } catch { 'invalid' }
                $got = if ($core -is [PsContainers.Core.Targets.Wildcard]) { [string] $core.IsMatch($t) } else { 'invalid' }
                if ($want -ne $got) { "'$p' on '$t': PowerShell $want, Core $got" }
            }
        }
        $mismatch | Should -BeNullOrEmpty
    }

    It 'says what is wrong with an invalid pattern, with a stable id' {
        $e = { [PsContainers.Core.Targets.Wildcard]::Parse('web[', $true) } | Should -Throw -PassThru
        $e.Exception.InnerException.ErrorId | Should -Be 'InvalidWildcardPattern'
        Get-ContainerVolume 'web[' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidWildcardPattern,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Every kind follows the one rule' {
    BeforeAll {
        $script:Containers = @(foreach ($n in 'tgt-web1', 'tgt-web2', 'tgt-db') { New-Container $script:Img.Id -Name $n sh })
        foreach ($n in 'tgt-vol1', 'tgt-vol2', 'tgt-log') { New-ContainerVolume $n | Out-Null }
        foreach ($n in "tgt-net1-$PID", "tgt-net2-$PID") { New-ContainerNetwork $n | Out-Null }
        Add-ContainerImageTag 'tgt-busybox:1' 'tgt-busybox:2', 'tgt-other:1'
    }
    AfterAll {
        Get-Container 'tgt-*' -All | Remove-Container -Force
        Remove-ContainerVolume 'tgt-*' -Force
    }

    It 'writes a non-terminating ObjectNotFound with the kind''s id for a literal that names nothing, and goes on' {
        $out = Get-Container 'tgt-nosuch', 'tgt-db' -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'ContainerNotFound' 'tgt-nosuch'
        $out.Name | Should -Be 'tgt-db'

        $out = Get-ContainerVolume 'tgt-nosuch', 'tgt-log' -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'VolumeNotFound' 'tgt-nosuch'
        $out.Name | Should -Be 'tgt-log'

        $out = Get-ContainerNetwork 'tgt-nosuch', "tgt-net1-$PID" -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'NetworkNotFound' 'tgt-nosuch'
        $out.Name | Should -Be "tgt-net1-$PID"

        $out = Get-ContainerImage 'tgt-nosuch:1', 'tgt-other:1' -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'ImageNotFound' 'tgt-nosuch:1'
        $out.Repository | Should -Be 'tgt-other'

        Get-ContainerPort 'tgt-nosuch' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        Assert-NotFound $err 'ContainerNotFound' 'tgt-nosuch'
        Stop-Container 'tgt-nosuch' -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'ContainerNotFound' 'tgt-nosuch'
        Remove-ContainerVolume 'tgt-nosuch' -Force -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'VolumeNotFound' 'tgt-nosuch'
        Remove-ContainerNetwork 'tgt-nosuch' -Force -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'NetworkNotFound' 'tgt-nosuch'
        Remove-ContainerImage 'tgt-nosuch:1' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'ImageNotFound' 'tgt-nosuch:1'
    }

    It 'writes nothing and no error for a wildcard that matches nothing' {
        Get-Container 'tgt-zz*' -All -ErrorVariable e1 | Should -BeNullOrEmpty
        Get-ContainerVolume 'tgt-zz*' -ErrorVariable e2 | Should -BeNullOrEmpty
        Get-ContainerNetwork 'tgt-zz*' -ErrorVariable e3 | Should -BeNullOrEmpty
        Get-ContainerImage 'tgt-zz*' -ErrorVariable e4 | Should -BeNullOrEmpty
        Get-ContainerPort 'tgt-zz*' -ErrorVariable e5 | Should -BeNullOrEmpty
        Remove-ContainerVolume 'tgt-zz*' -Force -ErrorVariable e6
        Remove-ContainerNetwork 'tgt-zz*' -Force -ErrorVariable e7
        Stop-Container 'tgt-zz*' -ErrorVariable e8
        @($e1) + @($e2) + @($e3) + @($e4) + @($e5) + @($e6) + @($e7) + @($e8) | Where-Object { $_ } | Should -BeNullOrEmpty
    }

    It 'matches wildcards with PowerShell semantics, ignoring case' {
        (Get-Container 'TGT-WEB?' -All).Name | Should -Be @('tgt-web1', 'tgt-web2')
        (Get-Container 'tgt-[d-e]*' -All).Name | Should -Be 'tgt-db'
        (Get-ContainerVolume 'TGT-VOL[12]').Name | Should -Be @('tgt-vol1', 'tgt-vol2')
        (Get-ContainerNetwork "TGT-NET?-$PID").Name | Should -Be @("tgt-net1-$PID", "tgt-net2-$PID")
        (Get-ContainerImage 'TGT-busybox:*').Tag | Sort-Object | Should -Be @('1', '2')
    }

    It 'writes an object once when several inputs name it' {
        $c = $script:Containers[0]
        (Get-Container 'tgt-web1', 'tgt-web*', $c.Id, $c.Id.Substring(0, 12) -All).Name | Should -Be @('tgt-web1', 'tgt-web2')
        ('tgt-web1', 'tgt-web1' | Get-Container -All).Name | Should -Be 'tgt-web1'
        (Get-ContainerVolume 'tgt-vol1', 'tgt-vol*', 'tgt-vol1').Name | Should -Be @('tgt-vol1', 'tgt-vol2')
        (Get-ContainerNetwork "tgt-net1-$PID", 'tgt-net*').Name | Should -Be @("tgt-net1-$PID", "tgt-net2-$PID")
        @(Get-ContainerImage 'tgt-other:1', 'tgt-oth*', 'docker.io/library/tgt-other:1') | Should -HaveCount 1
        # one image under two names is two rows (docker images), each written once
        @(Get-ContainerImage 'tgt-busybox', 'tgt-busybox:1', 'tgt-busybox:*') | Should -HaveCount 2
    }

    It 'refuses an id prefix that fits several containers (docker: multiple IDs found with provided prefix)' {
        $made = [System.Collections.Generic.List[object]]::new()
        try {
            # 17 ids cannot all start with different hex digits: make containers until two share the first one
            $all = @(Get-Container 'tgt-*' -All)
            $shared = $null
            for ($i = 0; -not $shared -and $i -lt 17; $i++) {
                $made.Add((New-Container $script:Img.Id -Name "tgt-amb$i" sh))
                $shared = @($all) + @($made) | Group-Object { $_.Id[0] } | Where-Object Count -gt 1 | Select-Object -First 1
            }
            $shared | Should -Not -BeNullOrEmpty
            $prefix = [string] $shared.Name
            $out = Get-Container $prefix, 'tgt-db' -ErrorAction SilentlyContinue -ErrorVariable err
            @($err) | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'AmbiguousContainerId,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].TargetObject | Should -Be $prefix
            $out.Name | Should -Be 'tgt-db'
            Get-Container -Id $prefix -ErrorAction SilentlyContinue -ErrorVariable err2
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'AmbiguousContainerId,*'
            # one more digit of one of them is unique again
            $one = $shared.Group[0]
            (Get-Container -Id $one.Id.Substring(0, 12)).Id | Should -Be $one.Id
        } finally {
            $made | Remove-Container -Force
        }
    }

    It 'names Publish-ContainerImage -Name''s images and Copy-ContainerItem''s container:path by the same rule, each name''s error its own' {
        # image references are literal here (docker push takes no patterns: tgt-busy* does not select tgt-busybox);
        # nothing is pushed, and the second name is still looked up after the first failed
        Publish-ContainerImage 'tgt-nosuch:1', 'tgt-busy*' -Destination 'localhost:1/tgt/none:1' -ErrorAction SilentlyContinue -ErrorVariable err |
            Should -BeNullOrEmpty
        @($err) | Should -HaveCount 2
        Assert-NotFound @($err[0]) 'ImageNotFound' 'tgt-nosuch:1'
        Assert-NotFound @($err[1]) 'ImageNotFound' 'tgt-busy*'

        Copy-ContainerItem 'tgt-nosuch:/etc/passwd' "$TestDrive/out" -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'ContainerNotFound' 'tgt-nosuch'
        "$TestDrive/out" | Should -Not -Exist
    }

    It 'takes -Id as ids only: a container''s name is not an id' {
        Get-Container -Id 'tgt-db' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        Assert-NotFound $err 'ContainerNotFound' 'tgt-db'
        Get-ContainerImage -Id 'tgt-other:1' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        Assert-NotFound $err 'ImageNotFound' 'tgt-other:1'
    }

    It 're-reads piped objects, and reports the ones that are gone' {
        $c = New-Container $script:Img.Id -Name 'tgt-gone' sh
        $stale = Get-Container 'tgt-gone' -All
        Remove-Container 'tgt-gone' -Force
        $stale | Remove-Container -Force -ErrorAction SilentlyContinue -ErrorVariable err
        Assert-NotFound $err 'ContainerNotFound' 'tgt-gone'

        $img = Add-ContainerImageTag 'tgt-busybox:1' 'tgt-gone:1' -PassThru
        $row = Get-ContainerImage 'tgt-gone:1'
        $row.Repository | Should -Be 'tgt-gone'
        Remove-ContainerImage 'tgt-gone:1' -Confirm:$false
        # the image is still there under its other names: the piped row is re-read by its id
        ($row | Add-ContainerImageTag -Target 'tgt-again:1' -PassThru).Id | Should -Be $img.Id
        Remove-ContainerImage 'tgt-again:1' -Confirm:$false
        $ghost = [PsContainers.Core.Images.ContainerImage]@{ Id = 'sha256:' + ('0' * 64) }
        $ghost | Add-ContainerImageTag -Target 'tgt-ghost:1' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-ContainerImage 'tgt-ghost:1' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'resolves a container object by its Id: a stale one whose name was taken again errors and leaves the new container running' {
        $null = Invoke-ContainerImage $script:Img.Id -Detach -Name 'tgt-again' -Network none -- sleep 300
        $old = Get-Container 'tgt-again'
        $oldBag = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($old))
        $oldBag.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Containers.Container'
        Remove-Container 'tgt-again' -Force
        $null = Invoke-ContainerImage $script:Img.Id -Detach -Name 'tgt-again' -Network none -- sleep 300
        $new = Get-Container 'tgt-again'
        $new.Id | Should -Not -Be $old.Id
        $short = $old.Id.Substring(0, 12)
        foreach ($stale in $old, $oldBag) {
            $stale | Stop-Container -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            Assert-NotFound $err 'ContainerNotFound' 'tgt-again'
            $err[0].Exception.Message | Should -BeLike "No container with Id $short (tgt-again) exists here*"
            $stale | Remove-Container -Force -ErrorAction SilentlyContinue -ErrorVariable err
            Assert-NotFound $err 'ContainerNotFound' 'tgt-again'
            Stop-Container -InputObject $stale -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable err
            Assert-NotFound $err 'ContainerNotFound' 'tgt-again'
        }
        $now = Get-Container 'tgt-again'
        $now.Id | Should -Be $new.Id
        $now.Status | Should -Be 'Running'
        # a deserialized copy of the live container is the container: it acts on it, by its Id
        $newBag = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($new))
        $stopped = $newBag | Stop-Container -Timeout 1 -PassThru -ErrorAction Stop
        $stopped.Id | Should -Be $new.Id
        $stopped.Status | Should -Be 'Exited'
        $newBag | Remove-Container -ErrorAction Stop
        Get-Container 'tgt-again' -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'binds a deserialized image as a live one: piped into Invoke-ContainerImage and New-Container it is the image, not the container''s name' {
        $bag = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-ContainerImage 'tgt-busybox:1')))
        $bag.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Images.ContainerImage'
        $out = $bag | Invoke-ContainerImage -Network none -Remove -Pull Never -ErrorAction Stop -Command echo, from-bag
        $out | Should -Be 'from-bag'
        $c = $bag | New-Container -Name 'tgt-from-bag' -Pull Never -ErrorAction Stop -Command true
        try {
            $c.Name | Should -Be 'tgt-from-bag'
            $c.ImageId | Should -Be $script:Img.Id
        }
        finally { Remove-Container 'tgt-from-bag' -Force }
        # a bag without its image here is ImageNotFound, not a name
        $ghost = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize(
            [PsContainers.Core.Images.ContainerImage]@{ Id = 'sha256:' + ('0' * 64) }))
        $ghost | Remove-ContainerImage -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
        $err[0].Exception.Message | Should -BeLike "No image with Id 000000000000 exists here*"
    }

    It 'removes what a wildcard selects, each once' {
        foreach ($n in 'tgt-rm-a', 'tgt-rm-b') { New-ContainerVolume $n | Out-Null }
        Remove-ContainerVolume 'tgt-rm-*', 'tgt-rm-a' -Force -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Get-ContainerVolume 'tgt-rm-*' | Should -BeNullOrEmpty
    }
}
