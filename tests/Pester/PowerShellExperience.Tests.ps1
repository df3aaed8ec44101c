# The PowerShell experience (issue 11.5 and 11.6), typed as a user would: stats of every running container without a
# name, the default network refused for removal, completion of restart policies and signal names, and validation
# errors that read as sentences. Real containers in a private store.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $null = Invoke-ContainerImage busybox-test:latest -Detach -Name ux-a -- sleep 120
    $null = Invoke-ContainerImage busybox-test:latest -Detach -Name ux-b -- sleep 120
    $null = Invoke-ContainerImage busybox-test:latest -Name ux-done -- true

    function script:Get-Completion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Get-ContainerStatistic without a name' {
    It 'samples every running container, as docker stats does, and none that exited' {
        $stats = @(Get-ContainerStatistic)
        $stats.Name | Should -Be @('ux-a', 'ux-b')
        $stats | ForEach-Object { $_.Pids | Should -BeGreaterThan 0 }
        @(Get-ContainerStatistic -Running).Name | Should -Be @('ux-a', 'ux-b')
    }

    It 'still samples the named or piped containers only' {
        @(Get-ContainerStatistic ux-b).Name | Should -Be @('ux-b')
        @(Get-Container ux-a | Get-ContainerStatistic).Name | Should -Be @('ux-a')
    }
}

Describe 'Piped PowerShell input as a container''s standard input' {
    It 'Invoke-ContainerImage -Interactive reads the piped objects as lines, and runs once' {
        $before = @(Get-Container -All).Count
        $out = 'alpha', 'beta gamma', 42 | Invoke-ContainerImage busybox-test:latest -Remove -Interactive -Network none -- sh -c 'n=0; while read l; do n=$((n+1)); echo "$n:$l"; done'
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be @('1:alpha', '2:beta gamma', '3:42')
        @(Get-Container -All).Count | Should -Be $before
    }

    It 'sends piped bytes as they are, 0x00 and 0xff included: [byte] items, a [byte[]], Get-Content -AsByteStream (issue 11)' {
        $bytes = [byte[]](0..255) + [byte[]](0, 255, 10, 0, 13, 10)
        $file = Join-Path $TestDrive 'run-stdin.bin'
        [IO.File]::WriteAllBytes($file, $bytes)
        $md5 = (Get-FileHash -Algorithm MD5 $file).Hash.ToLowerInvariant()
        $od = (& od -An -tx1 -v $file) -join ' ' -replace '\s+', ' '
        $before = @(Get-Container -All).Count
        # the file's bytes, piped one [byte] at a time, as a user pipes a file
        [IO.File]::ReadAllBytes($file) | Invoke-ContainerImage busybox-test:latest -Remove -Interactive -Network none -- md5sum |
            Should -Be "$md5  -"
        $LASTEXITCODE | Should -Be 0
        Get-Content $file -AsByteStream | Invoke-ContainerImage busybox-test:latest -Remove -Interactive -Network none -- sh -c 'wc -c' |
            Should -Be "$($bytes.Length)"
        # one [byte[]], and the object[] blocks of bytes -ReadCount writes (0: the whole file as one block)
        $inside = , [IO.File]::ReadAllBytes($file) | Invoke-ContainerImage busybox-test:latest -Remove -Interactive -Network none -- od -An -tx1 -v
        ($inside -join ' ' -replace '\s+', ' ') | Should -Be $od
        $inside = Get-Content $file -AsByteStream -ReadCount 0 | Invoke-ContainerImage busybox-test:latest -Remove -Interactive -Network none -- od -An -tx1 -v
        ($inside -join ' ' -replace '\s+', ' ') | Should -Be $od
        @(Get-Container -All).Count | Should -Be $before
        # strings are still lines
        'x', 'y' | Invoke-ContainerImage busybox-test:latest -Remove -Interactive -Network none -- od -An -c | ForEach-Object { $_ -replace '\s+', ' ' } |
            Should -Be ' x \n y \n'
    }

    It 'refuses piped input without -Interactive instead of running a container per object' {
        $before = @(Get-Container -All).Count
        $e = $null
        try { 'alpha', 'beta' | Invoke-ContainerImage busybox-test:latest -Remove -Network none -- echo ignored } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'PipedInputNeedsInteractive,*'
        $e.Exception.Message | Should -BeLike '*only with -Interactive*'
        $LASTEXITCODE | Should -Be 125
        @(Get-Container -All).Count | Should -Be $before
    }
}

Describe 'Piped PowerShell input for Invoke-ContainerExec' {
    It 'Invoke-ContainerExec web -Interactive reads the piped objects as lines, once, in the named container' {
        $out = 'alpha', 'beta gamma', 42 | Invoke-ContainerExec ux-a -Interactive -- sh -c 'n=0; while read l; do n=$((n+1)); echo "$n:$l:$(hostname)"; done'
        $LASTEXITCODE | Should -Be 0
        $id = (Get-Container ux-a).ShortId
        $out | Should -Be @("1:alpha:$id", "2:beta gamma:$id", "3:42:$id")
    }

    It 'Invoke-ContainerExec -Interactive sends piped bytes as they are, 0x00 and 0xff included (issue 11)' {
        $bytes = [byte[]](255..0) + [byte[]](0, 0, 255, 10)
        $file = Join-Path $TestDrive 'exec-stdin.bin'
        [IO.File]::WriteAllBytes($file, $bytes)
        $md5 = (Get-FileHash -Algorithm MD5 $file).Hash.ToLowerInvariant()
        [IO.File]::ReadAllBytes($file) | Invoke-ContainerExec ux-a -Interactive -- md5sum | Should -Be "$md5  -"
        $LASTEXITCODE | Should -Be 0
        Get-Content $file -AsByteStream | Invoke-ContainerExec ux-a -Interactive -- sh -c 'wc -c' | Should -Be "$($bytes.Length)"
        Get-Content $file -AsByteStream -ReadCount 100 | Invoke-ContainerExec ux-a -Interactive -- md5sum | Should -Be "$md5  -"
        $od = (& od -An -tx1 -v $file) -join ' ' -replace '\s+', ' '
        ((, [IO.File]::ReadAllBytes($file) | Invoke-ContainerExec ux-a -Interactive -- od -An -tx1 -v) -join ' ' -replace '\s+', ' ') | Should -Be $od
    }

    It 'refuses piped input for a named container without -Interactive' {
        $e = $null
        try { 'alpha' | Invoke-ContainerExec ux-a -- cat } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'PipedInputNeedsInteractive,*'
        $e.Exception.Message | Should -BeLike '*only with -Interactive*'
    }

    It 'keeps piped containers as the targets: Get-Container | Invoke-ContainerExec -- hostname runs in each' {
        $ids = (Get-Container ux-a, ux-b).ShortId
        @(Get-Container ux-a | Invoke-ContainerExec -- hostname) | Should -Be @($ids[0])
        @(Get-Container ux-a, ux-b | Invoke-ContainerExec -- hostname) | Should -Be $ids
        @('ux-b' | Invoke-ContainerExec -- hostname) | Should -Be @($ids[1])
        @(Get-Container ux-a | Invoke-ContainerExec -Command hostname) | Should -Be @($ids[0])
        @(Get-Container ux-b | Invoke-ContainerExec -- sh -c 'echo $0' piped) | Should -Be @('piped')
        $LASTEXITCODE | Should -Be 0
    }
}

Describe 'A deserialized loaded project piped to Start-ContainerProject' {
    It 'writes only PowerShell''s binding error, and does not fall back to the compose file of the current directory' {
        $dir = Join-Path $TestDrive 'ser-proj'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        Set-Content (Join-Path $dir 'compose.yaml') "services:`n  web:`n    image: busybox-test:latest`n    network_mode: none`n"
        $p = Import-ContainerProject (Join-Path $dir 'compose.yaml')
        $x = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($p))
        $empty = Join-Path $TestDrive 'no-compose-here'
        New-Item -ItemType Directory -Force -Path $empty | Out-Null
        Push-Location $empty
        try { $x | Start-ContainerProject -ErrorVariable errs -ErrorAction SilentlyContinue }
        finally { Pop-Location }
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InputObjectNotBound,*'
        @(Get-Container -All -Project ser-proj -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }
}

Describe 'Image objects bind to run and create' {
    It 'Get-ContainerImage busybox-test | New-Container and | Invoke-ContainerImage run the piped image' {
        $img = Get-ContainerImage busybox-test:latest
        $c = Get-ContainerImage busybox-test:latest | New-Container -Name ux-from-image -Network none
        $c.Image | Should -Be 'busybox-test:latest'
        $c.ImageId | Should -Be $img.Id
        Remove-Container ux-from-image -Force
        Get-ContainerImage busybox-test:latest | Invoke-ContainerImage -Remove -Network none -Command echo, piped | Should -Be 'piped'
        $LASTEXITCODE | Should -Be 0
        $d = Get-ContainerImage busybox-test:latest | Invoke-ContainerImage -Detach -Name ux-from-image-d -Network none -Command sleep, 30
        $d.ImageId | Should -Be $img.Id
        (Get-Container ux-from-image-d).Status | Should -Be 'Running'
        Remove-Container ux-from-image-d -Force
    }

    It 'refuses a piped image or CSV row with a command after -- (PowerShell binds its first word to -Image), names -Command, and creates nothing' {
        $before = @(Get-Container -All).Count
        $e = $null
        try { Get-ContainerImage busybox-test:latest | New-Container -Pull Never -Name ux-dd -- echo hi } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandNeedsDoubleDash,*'
        $e.Exception.Message | Should -BeLike "*('echo') to -Image*-Command echo, hi*"
        $e = $null
        try { Get-ContainerImage busybox-test:latest | Invoke-ContainerImage -Detach -Pull Never -Name ux-dd -- sleep 30 } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandNeedsDoubleDash,*'
        $LASTEXITCODE | Should -Be 125
        $csv = Join-Path $TestDrive 'rows.csv'
        [pscustomobject]@{ Name = 'ux-dd-row'; Image = 'busybox-test:latest' } | Export-Csv $csv
        $e = $null
        try { Import-Csv $csv | New-Container -Pull Never -- sleep 300 } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandNeedsDoubleDash,*'
        $e.Exception.Message | Should -BeLike '*-Command sleep, 300*'
        @(Get-Container -All).Count | Should -Be $before
        # the -Command form runs the row's image with the command
        $c = Import-Csv $csv | New-Container -Pull Never -Network none -Command sleep, 300
        $c.Name | Should -Be 'ux-dd-row'
        $c.Image | Should -Be 'busybox-test:latest'
        $c.Config.Cmd | Should -Be @('sleep', '300')
        Remove-Container ux-dd-row -Force
        # piped standard input with the image before '--' is not affected
        'line' | Invoke-ContainerImage busybox-test:latest -Interactive -Remove -Network none -- cat | Should -Be 'line'
    }
}

Describe 'CSV rows and objects bind to create and run by property name' {
    BeforeAll {
        $null = Add-ContainerImageTag busybox-test:latest ux-csv-image:v2
    }

    It 'Import-Csv containers.csv | New-Container creates one container per row: name, image, ports, environment, limits, labels, network' {
        $csv = Join-Path $TestDrive 'containers.csv'
        Set-Content $csv @(
            'Name,Image,Publish,Env,Memory,Label,Network'
            'ux-csv-web,busybox-test:latest,18501:80,MODE=web,64MB,tier=front,'
            'ux-csv-api,ux-csv-image:v2,127.0.0.1:18502:8080,MODE=api,32MB,,'
            'ux-csv-off,busybox-test:latest,,MODE=off,16MB,tier=none,none'
        )
        $made = @(Import-Csv $csv | New-Container)
        try {
            $made.Name | Should -Be @('ux-csv-web', 'ux-csv-api', 'ux-csv-off')
            $made.Image | Should -Be @('busybox-test:latest', 'ux-csv-image:v2', 'busybox-test:latest')
            $made[0].Ports | Should -Be '0.0.0.0:18501->80/tcp'
            $made[1].Ports | Should -Be '127.0.0.1:18502->8080/tcp'
            @($made[2].HostConfig.PortMappings).Count | Should -Be 0
            $made[2].HostConfig.PortBindings.Count | Should -Be 0
            $made.HostConfig.NetworkModeName | Should -Be @('bridge', 'bridge', 'none')
            @($made | ForEach-Object { $_.Config.Env -like 'MODE=*' }) | Should -Be @('MODE=web', 'MODE=api', 'MODE=off')
            $made.HostConfig.Memory | Should -Be @(64MB, 32MB, 16MB)
            $made[0].Labels['tier'] | Should -Be 'front'
            $made[1].Labels.ContainsKey('tier') | Should -BeFalse
            $made[2].Labels['tier'] | Should -Be 'none'
            @(Get-Container ux-csv-web, ux-csv-api, ux-csv-off -All).Status | ForEach-Object { "$_" | Should -Be 'Created' }
            # and they start: the image's command (sh, no input) runs and exits 0
            Start-Container ux-csv-off
            Wait-ContainerCondition { (Get-Container ux-csv-off -All).Status -eq 'Exited' } | Should -BeTrue
            (Get-Container ux-csv-off -All).ExitCode | Should -Be 0
        } finally { Remove-Container ux-csv-web, ux-csv-api, ux-csv-off -Force -ErrorAction SilentlyContinue }
    }

    It 'binds a row''s Command: a CSV cell split into words as compose splits a string command, an array as it is' {
        $csv = Join-Path $TestDrive 'commands.csv'
        Set-Content $csv @(
            'Name,Image,Command,Network'
            'ux-cmd-csv,busybox-test:latest,sh -c ''echo "a  b" $0'' x,none'
            'ux-cmd-none,busybox-test:latest,,none'
        )
        $made = @(Import-Csv $csv | New-Container)
        $made += [pscustomobject]@{ Name = 'ux-cmd-arr'; Image = 'busybox-test:latest'; Command = @('echo', 'one two'); Network = 'none' } | New-Container
        try {
            $made[0].Config.Cmd | Should -Be @('sh', '-c', 'echo "a  b" $0', 'x')
            $made[1].Config.Cmd | Should -Be @('sh') -Because 'an empty cell leaves the image''s command'
            $made[2].Config.Cmd | Should -Be @('echo', 'one two')
            Start-Container ux-cmd-csv -Attach | Should -Be 'a  b x'
        } finally { Remove-Container ux-cmd-csv, ux-cmd-none, ux-cmd-arr -Force -ErrorAction SilentlyContinue }
    }

    It 'a later object without a value does not keep the earlier object''s Memory (PowerShell keeps the key bound)' {
        $made = @(
            [pscustomobject]@{ Name = 'ux-obj-1'; Image = 'busybox-test:latest'; Memory = '64MB'; Network = 'none' }
            [pscustomobject]@{ Name = 'ux-obj-2'; Image = 'busybox-test:latest'; Network = 'none' }
        ) | New-Container
        try {
            $made.Name | Should -Be @('ux-obj-1', 'ux-obj-2')
            $made[0].HostConfig.Memory | Should -Be 64MB
            $made[1].HostConfig.Memory | Should -BeNullOrEmpty
        } finally { Remove-Container ux-obj-1, ux-obj-2 -Force -ErrorAction SilentlyContinue }
    }

    It 'Import-Csv | Invoke-ContainerImage runs a container per row, with the row''s name and environment inside' {
        $csv = Join-Path $TestDrive 'run.csv'
        Set-Content $csv @('Name,Image,Env', 'ux-csv-run1,busybox-test:latest,MODE=one', 'ux-csv-run2,ux-csv-image:v2,MODE=two')
        $out = Import-Csv $csv | Invoke-ContainerImage -Network none -Command sh, -c, 'echo "$MODE"'
        try {
            $out | Should -Be @('one', 'two')
            $LASTEXITCODE | Should -Be 0
            (Get-Container ux-csv-run1, ux-csv-run2 -All).Image | Should -Be @('busybox-test:latest', 'ux-csv-image:v2')
        } finally { Remove-Container ux-csv-run1, ux-csv-run2 -Force -ErrorAction SilentlyContinue }
        # -Image on the command line with rows that give the names: one container per row, not piped standard input
        $rows = @([pscustomobject]@{ Name = 'ux-csv-run3' }, [pscustomobject]@{ Name = 'ux-csv-run4' })
        $out = $rows | Invoke-ContainerImage busybox-test:latest -Network none -Command hostname
        try {
            @($out).Count | Should -Be 2
            @(Get-Container ux-csv-run3, ux-csv-run4 -All).Name | Should -Be @('ux-csv-run3', 'ux-csv-run4')
        } finally { Remove-Container ux-csv-run3, ux-csv-run4 -Force -ErrorAction SilentlyContinue }
    }

    It 'an image object binds to -ImageObject: its Name (repository:tag) is never the container''s name' {
        $img = Get-ContainerImage busybox-test:latest
        $c = $img | New-Container -Network none -Command true
        try {
            $c.Name | Should -Not -Be $img.Name
            $c.Name | Should -Match '^[a-z]+_[a-z]+'
            $c.Image | Should -Be 'busybox-test:latest'
            $c.ImageId | Should -Be $img.Id
        } finally { Remove-Container $c.Id -Force }
        $c = $img | New-Container -Name ux-io -Network none -Command true
        try {
            $c.Name | Should -Be 'ux-io'
            $c.ImageId | Should -Be $img.Id
        } finally { Remove-Container ux-io -Force }
        # -Image on the command line wins over the object's
        $c = $img | New-Container ux-csv-image:v2 -Name ux-io2 -Network none -Command true
        try { $c.Image | Should -Be 'ux-csv-image:v2' } finally { Remove-Container ux-io2 -Force }
        $c = New-Container -ImageObject $img -Image busybox-test:latest -Name ux-io3 -Network none -Command true
        try { $c.Name | Should -Be 'ux-io3' } finally { Remove-Container ux-io3 -Force }
        $img | Invoke-ContainerImage -Remove -Network none -Command echo, io | Should -Be 'io'
        (Get-Command New-Container).ParameterSets.Name | Should -Be @('Image', 'ImageObject')
        (Get-Command Invoke-ContainerImage).DefaultParameterSet | Should -Be 'Image'
    }
}

Describe 'Wait-Container over several containers' {
    It 'writes one object per container: Name, Id, ExitCode and Status, in a view that fits 80 columns' {
        $w1 = Invoke-ContainerImage busybox-test:latest -Detach -Name ux-wait-1 -Network none -- sh -c 'sleep 0.3; exit 3'
        $w2 = Invoke-ContainerImage busybox-test:latest -Detach -Name ux-wait-2 -Network none -- sh -c 'exit 5'
        $r = @(Wait-Container ux-wait-1, ux-wait-2)
        $r.Name | Should -Be @('ux-wait-1', 'ux-wait-2')
        $r.Id | Should -Be @($w1.Id, $w2.Id)
        $r.ExitCode | Should -Be @(3, 5)
        $r.Status | ForEach-Object { "$_" | Should -Be 'Exited' }
        $r[0] | Should -BeOfType ([PsContainers.Core.Containers.ContainerExitStatus])
        ($r | ConvertTo-Json | ConvertFrom-Json).Status | Should -Be @('Exited', 'Exited')
        $t = $r | Out-String -Width 80
        @($t -split "`n" | Where-Object { $_ -match '^ux-wait-1\s+3\s+Exited\s+False\s+[0-9a-f]{12}\s*$' }).Count | Should -Be 1
        @($t -split "`n" | Where-Object { $_ -match '^ux-wait-2\s+5\s+Exited\s+False\s+[0-9a-f]{12}\s*$' }).Count | Should -Be 1
        @(Get-Container ux-wait-1, ux-wait-2 | Wait-Container -Timeout 10s).ExitCode | Should -Be @(3, 5)
        Remove-Container ux-wait-1, ux-wait-2 -Force
    }

    It 'keeps -Condition Running writing the container' {
        Wait-Container ux-a -Condition Running -Timeout 10s | Should -BeOfType ([PsContainers.Core.Containers.Container])
    }

}

Describe 'Declared output types' {
    It 'every exported cmdlet declares its OutputType, and its help''s OUTPUTS names the same types' {
        $drift = foreach ($c in Get-Command -Module PsContainers -CommandType Cmdlet | Sort-Object Name) {
            $code = @($c.OutputType | ForEach-Object { if ($_.Name -eq 'System.Void') { 'None' } else { $_.Name } } | Sort-Object -Unique)
            $md = Get-Content -Raw (Join-Path $PSScriptRoot "../../docs/help/$($c.Name).md")
            $section = [regex]::Match($md, '(?s)## OUTPUTS\s*(.*?)\n## ').Groups[1].Value
            $doc = @([regex]::Matches($section, '(?m)^### (.+?)\s*$') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
            if ($code.Count -eq 0) { "$($c.Name) declares no OutputType" }
            elseif (($code -join ', ') -ne ($doc -join ', ')) { "$($c.Name): OutputType [$($code -join ', ')], help OUTPUTS [$($doc -join ', ')]" }
        }
        $drift | Should -BeNullOrEmpty
    }

    It 'what the listing cmdlets and -PassThru write is of a declared type' {
        $null = New-ContainerVolume ux-out-volume
        $null = Invoke-ContainerImage busybox-test:latest -Name ux-out-log -Network none -- echo logged
        $calls = @(
            { Get-Container -All }, { Get-ContainerImage }, { Get-ContainerNetwork }, { Get-ContainerVolume },
            { Get-ContainerStatistic }, { Get-ContainerProcess ux-a }, { Get-ContainerLog ux-out-log },
            { Wait-Container ux-done }, { Stop-Container ux-done -PassThru },
            { Get-ContainerImage busybox-test:latest | Add-ContainerImageTag -Target ux-out:1 -PassThru },
            { Get-ContainerImage busybox-test:latest -History }
        )
        foreach ($call in $calls) {
            $name = $call.Ast.EndBlock.Statements[0].PipelineElements[-1].GetCommandName()
            $declared = @((Get-Command $name).OutputType.Type)
            $out = @(& $call)
            $out | Should -Not -BeNullOrEmpty -Because "$call writes something here"
            foreach ($o in $out) {
                @($declared | Where-Object { $o -is $_ }).Count | Should -BeGreaterThan 0 -Because "$call wrote a $($o.GetType().FullName), not one of its OutputType [$($declared.FullName -join ', ')]"
            }
        }
    }
}

Describe 'Get-ContainerLog over several containers' {
    It 'keeps each line''s container: records with ContainerName, printed as ''name | line'', and one container as it is' {
        $null = Invoke-ContainerImage busybox-test:latest -Name ux-log-first -- sh -c 'echo one'
        Start-Sleep -Milliseconds 50
        $null = Invoke-ContainerImage busybox-test:latest -Name ux-log-second -- sh -c 'echo two'
        $entries = @(Get-Container ux-log-first, ux-log-second | Get-ContainerLog)
        $entries.ContainerName | Should -Be @('ux-log-first', 'ux-log-second')
        $entries.Text | Should -Be @('one', 'two')
        ($entries | Out-String).Trim() -split "`r?`n" | Should -Be @('ux-log-first  | one', 'ux-log-second | two')
        @(Get-ContainerLog ux-log-*).Prefix | Should -Be @('ux-log-first ', 'ux-log-second')
        (Get-Container ux-log-first | Get-ContainerLog | Out-String).Trim() | Should -Be 'one'
    }
}

Describe 'Remove-ContainerNetwork on the default network' {
    It 'is refused with a clear error, with or without -Force, and the network stays' {
        $default = Get-ContainerNetwork | Where-Object IsDefault
        $default | Should -Not -BeNullOrEmpty
        foreach ($force in $false, $true) {
            Remove-ContainerNetwork $default.Name -Force:$force -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DefaultNetworkRemoval,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].Exception.Message | Should -BeLike "*'$($default.Name)' is the default network*cannot be removed*"
        }
        (Get-ContainerNetwork $default.Name).Name | Should -Be $default.Name
        (Get-ContainerStatistic ux-a).Name | Should -Be 'ux-a' -Because 'its containers keep running'
    }

    It 'refuses docker''s pre-defined names (bridge, default, host, none) as pre-defined, not as missing, and goes on' {
        Remove-ContainerNetwork bridge, host, none -Force -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        @($err).Count | Should -Be 3
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'DefaultNetworkRemoval,*' }
        $err[0].Exception.Message | Should -BeLike "*'bridge' is the default network*cannot be removed*"
        $err[1].Exception.Message | Should -BeLike "*'host' is a pre-defined network*"
        (Get-ContainerNetwork | Where-Object IsDefault) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Completion and validation' {
    It 'completes -Restart with docker''s policies on run, create and update' {
        Get-Completion 'Invoke-ContainerImage busybox-test:latest -Restart un' | Should -Be @('unless-stopped')
        Get-Completion 'New-Container busybox-test:latest -Restart on' | Should -Be @('on-failure', 'on-failure:3')
        Get-Completion 'Update-Container ux-a -RestartPolicy a' | Should -Be @('always')
    }

    It 'completes -Signal and -StopSignal with signal names, with or without SIG' {
        Get-Completion 'Stop-Container ux-a -Signal te' | Should -Be @('SIGTERM')
        Get-Completion 'Send-ContainerSignal ux-a -Signal SIGKI' | Should -Be @('SIGKILL')
        Get-Completion 'Invoke-ContainerImage busybox-test:latest -StopSignal usr' | Should -Be @('SIGUSR1', 'SIGUSR2')
        Get-Completion 'New-Container busybox-test:latest -StopSignal SIGRT' | Should -Be @('SIGRTMIN', 'SIGRTMAX')
    }

    It 'completes local image references on run and create, and volume names on -Volume' {
        $null = New-ContainerVolume ux-data
        Get-Completion 'Invoke-ContainerImage busybox-t' | Should -Be @('busybox-test:latest')
        Get-Completion 'New-Container -Image busybox-t' | Should -Be @('busybox-test:latest')
        Get-Completion 'Invoke-ContainerImage busybox-test:latest -Volume ux-d' | Should -Be @('ux-data')
    }

    It 'completes -Network with the networks first, docker''s bridge, default, host and none included, then container:<name> (issue 11)' {
        $all = @(Get-Completion 'Invoke-ContainerImage busybox-test:latest -Network ')
        foreach ($n in 'bridge', 'default', 'host', 'none', 'pscontainers', 'container:ux-a', 'container:ux-done') { $all | Should -Contain $n }
        $firstShared = [array]::FindIndex([string[]] $all, [Predicate[string]] { param($x) $x -like 'container:*' })
        $firstShared | Should -BeGreaterThan 0
        @($all | Select-Object -First $firstShared | Where-Object { $_ -like 'container:*' }) | Should -BeNullOrEmpty
        @($all | Select-Object -Skip $firstShared | Where-Object { $_ -notlike 'container:*' }) | Should -BeNullOrEmpty -Because 'every network comes before the container: entries'
        Get-Completion 'New-Container busybox-test:latest -Network b' | Should -Be @('bridge')
        Get-Completion 'Run-ContainerImage busybox-test:latest -Network container:ux-d' | Should -Be @('container:ux-done')
        # a pod takes networks and modes, never another container's namespace
        $pod = @(Get-Completion 'New-ContainerPod -Name p -Network ')
        $pod | Should -Contain 'bridge'
        $pod | Should -Contain 'host'
        @($pod | Where-Object { $_ -like 'container:*' }) | Should -BeNullOrEmpty
    }

    It 'completes Invoke-ContainerExec''s and Enter-Container''s -Name with running containers only (issue 11)' {
        foreach ($line in 'Invoke-ContainerExec ux-', 'Exec-Container ux-', 'Enter-Container ux-', 'Invoke-ContainerExec -Name ux-') {
            $names = @(Get-Completion $line)
            $names | Should -Contain 'ux-a'
            $names | Should -Contain 'ux-b'
            $names | Should -Not -Contain 'ux-done' -Because "$line needs a running container (docker exec refuses another)"
            foreach ($n in $names) { (Get-Container $n).Status | Should -Be 'Running' -Because "$n was offered by '$line'" }
        }
        Get-Completion 'Get-Container ux-' | Should -Contain 'ux-done'
        Get-Completion 'Start-Container ux-do' | Should -Contain 'ux-done'
    }

    It 'completes Stop-Container with containers that run, Start-Container with stopped ones (issue 11)' {
        foreach ($line in 'Stop-Container ux-', 'Stop-Container -Name ux-', 'Suspend-Container ux-', 'Send-ContainerSignal ux-') {
            $names = @(Get-Completion $line)
            $names | Should -Contain 'ux-a'
            $names | Should -Contain 'ux-b'
            $names | Should -Not -Contain 'ux-done' -Because "$line acts on a running container"
            foreach ($n in $names) { (Get-Container $n).Status | Should -Be 'Running' -Because "$n was offered by '$line'" }
        }
        foreach ($line in 'Start-Container ux-', 'Start-Container -Name ux-') {
            $names = @(Get-Completion $line)
            $names | Should -Contain 'ux-done'
            $names | Should -Not -Contain 'ux-a' -Because "$line starts a stopped container (docker start of a running one does nothing)"
            foreach ($n in $names) { (Get-Container $n).Status | Should -BeIn 'Created', 'Exited', 'Dead' -Because "$n was offered by '$line'" }
        }
        @(Get-Completion 'Resume-Container ux-') | Should -BeNullOrEmpty -Because 'no container is paused'
        # the cmdlets that act in every state still offer every container
        foreach ($line in 'Remove-Container ux-', 'Restart-Container ux-', 'Get-Container ux-') {
            $names = @(Get-Completion $line)
            foreach ($n in 'ux-a', 'ux-done') { $names | Should -Contain $n -Because "$line acts on any container" }
        }
    }

    It 'completes -Id with short ids, the running ones for Stop-Container, and container:<id> on -Network (issue 11)' {
        $a = (Get-Container ux-a).Id
        $done = (Get-Container ux-done).Id
        $all = @(Get-Completion 'Get-Container -Id ')
        $all | Should -Contain $a.Substring(0, 12)
        $all | Should -Contain $done.Substring(0, 12)
        $all | ForEach-Object { $_ | Should -Match '^[0-9a-f]{12}$' }
        Get-Completion "Get-Container -Id $($a.Substring(0, 5))" | Should -Be @($a.Substring(0, 12))
        Get-Completion "Remove-Container -Id $($done.Substring(0, 5))" | Should -Be @($done.Substring(0, 12))
        # a word longer than the short id completes to the full id
        Get-Completion "Get-Container -Id $($a.Substring(0, 14))" | Should -Be @($a)
        @(Get-Completion "Stop-Container -Id $($done.Substring(0, 5))") | Should -BeNullOrEmpty -Because 'ux-done is not running'
        Get-Completion "Start-Container -Id $($done.Substring(0, 5))" | Should -Be @($done.Substring(0, 12))
        @(Get-Completion 'Get-Container -Id zz') | Should -BeNullOrEmpty
        # the completed id finds the container
        (Get-Container -Id (Get-Completion "Get-Container -Id $($a.Substring(0, 5))")).Name | Should -Be 'ux-a'
        Get-Completion "Invoke-ContainerImage busybox-test:latest -Network container:$($a.Substring(0, 5))" | Should -Be @("container:$($a.Substring(0, 12))")
        Get-Completion 'New-Container busybox-test:latest -Network container:' | Should -Contain 'container:ux-b'
    }

    It 'completes -Volume with host paths for a word starting with /, . or ~ before the colon, and volume names otherwise (issue 11)' {
        $null = New-ContainerVolume ux-hostpath-vol -ErrorAction SilentlyContinue
        Get-Completion 'Invoke-ContainerImage busybox-test:latest -Volume /et' | Should -Contain '/etc'
        Get-Completion 'New-Container busybox-test:latest -v /et' | Should -Contain '/etc'
        New-Item -ItemType Directory (Join-Path $TestDrive 'ux-bind-dir') | Out-Null
        Push-Location $TestDrive
        try { @(Get-Completion 'Invoke-ContainerImage busybox-test:latest -Volume ./ux-bind') | Should -BeLike '*ux-bind-dir' }
        finally { Pop-Location }
        Get-Completion 'Invoke-ContainerImage busybox-test:latest -Volume /etc:/da' | Should -BeNullOrEmpty -Because 'after the colon is the path in the container'
        Get-Completion 'Invoke-ContainerImage busybox-test:latest -Volume ux-hostp' | Should -Be @('ux-hostpath-vol')
        @(Get-Completion 'Invoke-ContainerImage busybox-test:latest -Volume /et') | Should -Not -Contain 'ux-hostpath-vol'
        Get-Completion 'Remove-ContainerVolume ux-hostp' | Should -Be @('ux-hostpath-vol')
        Remove-ContainerVolume ux-hostpath-vol -Force -Confirm:$false
    }

    It 'completes Copy-ContainerItem''s container:path: names with a colon, then paths inside a running container' {
        $null = Invoke-ContainerExec ux-a -- sh -c 'mkdir -p /srv/ux-dir && touch /srv/ux-file /srv/ux-dir/inner'
        Get-Completion 'Copy-ContainerItem ux-' | Should -Contain 'ux-a:'
        Get-Completion 'Copy-ContainerItem ux-' | Should -Contain 'ux-done:'
        Get-Completion 'Copy-ContainerItem ux-a:/sr' | Should -Be @('ux-a:/srv/')
        Get-Completion 'Copy-ContainerItem ux-a:/srv/ux' | Should -Be @('ux-a:/srv/ux-dir/', 'ux-a:/srv/ux-file')
        Get-Completion 'Copy-ContainerItem ux-a:srv/ux-d' | Should -Be @('ux-a:/srv/ux-dir/')
        Get-Completion 'Copy-ContainerItem ./x ux-a:/srv/ux-dir/' | Should -Be @('ux-a:/srv/ux-dir/inner')
        # a stopped container's paths complete as Copy-ContainerItem reads them (PowerShellExperience2 tests them);
        # a host path completes as a file name
        Get-Completion 'Copy-ContainerItem ux-done:/et' | Should -Be @('ux-done:/etc/')
        Get-Completion 'Copy-ContainerItem /et' | Should -Contain '/etc'
        Get-Completion 'Copy-ContainerItem nosuch:/et' | Should -BeNullOrEmpty
    }

    It 'refuses an unknown restart policy with a sentence, not a regular expression' {
        foreach ($line in { New-Container busybox-test:latest -Restart sometimes }, { Update-Container ux-a -RestartPolicy sometimes }) {
            $e = $null
            try { & $line } catch { $e = $_ }
            $e | Should -Not -BeNullOrEmpty
            $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
            $e.Exception.Message | Should -BeLike "*'sometimes' is not a restart policy. Use no, always, unless-stopped, on-failure, or on-failure:N*"
            $e.Exception.Message | Should -Not -BeLike '*^(*'
        }
        (New-Container busybox-test:latest -Name ux-policy -Restart on-failure:2 -- true).HostConfig.RestartPolicy.MaximumRetryCount | Should -Be 2
    }
}

Describe 'New-Container -Remove (docker create --rm)' {
    It 'creates a container that stays until it is started, and is removed when it exits (issue 11)' {
        $c = New-Container busybox-test:latest -Remove -Name ux-create-rm -Network none -- sh -c 'echo ran-once'
        $c.HostConfig.AutoRemove | Should -BeTrue
        (Get-Container ux-create-rm).Status | Should -Be 'Created' -Because 'a created container is kept until it has run'
        Start-Container ux-create-rm -Attach | Should -Be 'ran-once'
        $LASTEXITCODE | Should -Be 0
        Wait-ContainerCondition { -not (Get-Container -All | Where-Object Name -eq 'ux-create-rm') } -TimeoutSeconds 30 |
            Should -BeTrue -Because 'its monitor removes it when it exits'
    }

    It 'removes a detached start when it exits, with docker''s -Rm alias; and keeps a container created without it' {
        $null = New-Container busybox-test:latest -Rm -Name ux-create-rm2 -Network none -- sleep 1
        $null = New-Container busybox-test:latest -Name ux-create-keep -Network none -- true
        Start-Container ux-create-rm2, ux-create-keep
        Wait-ContainerCondition { -not (Get-Container -All | Where-Object Name -eq 'ux-create-rm2') } -TimeoutSeconds 30 | Should -BeTrue
        Wait-ContainerCondition { (Get-Container ux-create-keep).Status -eq 'Exited' } -TimeoutSeconds 30 | Should -BeTrue
        (Get-Container ux-create-keep).HostConfig.AutoRemove | Should -BeFalse
        Remove-Container ux-create-keep -Confirm:$false
    }

    It 'removes the container when its start fails in the engine, as docker does for --rm; keeps one created without it' {
        # an unknown user fails the start before anything runs (State.Error, 125): docker's containerStart then removes an
        # AutoRemove container; a container without -Remove stays, created, with the error recorded
        $null = New-Container busybox-test:latest -Remove -Name ux-create-rmfail -User nosuchuser -Network none -- true
        $null = New-Container busybox-test:latest -Name ux-create-keepfail -User nosuchuser -Network none -- true
        Start-Container ux-create-rmfail -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -BeGreaterThan 0 -Because 'the start failed and says so'
        $LASTEXITCODE | Should -Be 125
        Get-Container -All | Where-Object Name -eq 'ux-create-rmfail' | Should -BeNullOrEmpty -Because 'docker removes a --rm container whose start fails'
        Start-Container ux-create-keepfail -ErrorVariable ev2 -ErrorAction SilentlyContinue
        $ev2.Count | Should -BeGreaterThan 0
        $kept = Get-Container ux-create-keepfail
        $kept.Status | Should -Be 'Created'
        $kept.State.Error | Should -Not -BeNullOrEmpty
        Remove-Container ux-create-keepfail -Confirm:$false
    }

    It 'refuses -Remove with a restart policy, creating nothing' {
        $before = @(Get-Container -All).Count
        New-Container busybox-test:latest -Remove -Restart always -Name ux-create-rm3 -ErrorVariable ev -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'ConflictingOptions,*'
        @(Get-Container -All).Count | Should -Be $before
    }
}

Describe 'Documented defaults' {
    It 'every parameter whose cmdlet sets a default documents it, with its value' {
        $drift = foreach ($c in Get-Command -Module PsContainers -CommandType Cmdlet | Sort-Object Name) {
            $fresh = [Activator]::CreateInstance($c.ImplementingType)   # the values a parameter has when not given
            $md = Get-Content -Raw (Join-Path $PSScriptRoot "../../docs/help/$($c.Name).md")
            foreach ($p in $c.Parameters.Values) {
                $prop = $c.ImplementingType.GetProperty($p.Name)
                if (-not $prop -or $prop.PropertyType -eq [pscredential]) { continue }
                $v = $prop.GetValue($fresh)
                $unset = $null -eq $v -or ($v -is [switch] -and -not $v.IsPresent) -or ($v -is [array] -and $v.Count -eq 0) -or
                    ($v -is [string] -and $v -eq '') -or ($v -is [ValueType] -and $v -eq [Activator]::CreateInstance($v.GetType()))
                if ($unset) { continue }
                $text = if ($v -is [array]) { $v -join ', ' } else { "$v" }
                $doc = [regex]::Match($md, "(?s)### -$($p.Name)\r?\n.*?Default value: ([^\r\n]*)").Groups[1].Value.Trim()
                # a negative number means 'not given' (-1: the container's own stop timeout, every log line): the help
                # must say what happens then; any other default must be written as the cmdlet has it
                $sentinel = $v -is [int] -and $v -lt 0
                if (($sentinel -and $doc -in 'None', '') -or (-not $sentinel -and $doc -notlike "*$text*")) {
                    "$($c.Name) -$($p.Name): the cmdlet's default is '$text', the help says '$doc'"
                }
            }
        }
        $drift | Should -BeNullOrEmpty
    }

    It 'says that -Network defaults to the default bridge, as the code does' {
        foreach ($cmd in 'Invoke-ContainerImage', 'New-Container') {
            (Get-Help $cmd -Parameter Network).defaultValue | Should -Be 'pscontainers'
        }
        $c = New-Container busybox-test:latest -Name ux-default-net -- true
        $c.HostConfig.NetworkModeName | Should -Be 'bridge'
        @($c.NetworkSettings.Networks.Keys) | Should -Be @('pscontainers')
        Remove-Container ux-default-net -Force
    }
}

Describe 'The about_PsContainers topic' {
    It 'is shown by Get-Help with names and ids, the store root, exit codes, the -- rule and the runtime swap' {
        $text = Get-Help about_PsContainers | Out-String
        foreach ($heading in 'TOPIC', 'SHORT DESCRIPTION', 'NAMES AND IDS', 'INSPECT AND THE PIPELINE', 'THE STORE ROOT', 'EXIT CODES', 'THE -- RULE', 'THE RUNTIME SWAP') {
            $text | Should -Match "(?m)^$([regex]::Escape($heading))\s*$"
        }
        $text | Should -Match 'Invoke-ContainerImage busybox -- ls -l /etc'
        $text | Should -Match '(?m)^\s+125\s'
        $text | Should -Match '(?m)^\s+126\s'
        $text | Should -Match '(?m)^\s+127\s'
        $text | Should -Match 'PSCONTAINERS_ROOT'
        $text | Should -Match 'Set-ContainerConfiguration -Runtime'
        $text | Should -Match 'ConvertTo-Json -Depth 8'
        $text | Should -Match 'Import-Csv containers.csv \| New-Container'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty -Because 'the topic is wrapped at 80 columns'
    }

    It 'is built by tools/ConvertTo-AboutHelp.ps1, which refuses a topic whose first line does not name it' {
        $dir = Join-Path $TestDrive 'about'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        Set-Content (Join-Path $dir 'about_Sample.md') "# about_Other`n`n## SHORT DESCRIPTION`nA sample."
        { & "$PSScriptRoot/../../tools/ConvertTo-AboutHelp.ps1" -HelpPath $dir -OutputPath (Join-Path $TestDrive 'out') } |
            Should -Throw -ExpectedMessage "*about_Sample.md: the first line must be '# about_Sample'*"
        Set-Content (Join-Path $dir 'about_Sample.md') "# about_Sample`n`n## SHORT DESCRIPTION`nA ``sample`` topic.`n`n    code  kept"
        & "$PSScriptRoot/../../tools/ConvertTo-AboutHelp.ps1" -HelpPath $dir -OutputPath (Join-Path $TestDrive 'out')
        Get-Content (Join-Path $TestDrive 'out/about_Sample.help.txt') | Should -Be @('TOPIC', '    about_Sample', '', 'SHORT DESCRIPTION', '    A sample topic.', '', '        code  kept')
    }

    It 'keeps a code block line for line: deeper indents, comments, continuations and blank lines inside it' {
        $dir = Join-Path $TestDrive 'about2'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        $md = @('# about_Code', '', '## EXAMPLE', 'Run this:', '', '    function f {', '        param(', '            # a comment', '            [int] $A = 1', '        )', '', '        $A + `', '            1', '    }', '', 'After it.')
        Set-Content (Join-Path $dir 'about_Code.md') $md
        & "$PSScriptRoot/../../tools/ConvertTo-AboutHelp.ps1" -HelpPath $dir -OutputPath (Join-Path $TestDrive 'out2')
        Get-Content (Join-Path $TestDrive 'out2/about_Code.help.txt') | Should -Be @(
            'TOPIC', '    about_Code', '', 'EXAMPLE', '    Run this:', '',
            '        function f {', '            param(', '                # a comment', '                [int] $A = 1', '            )', '',
            '            $A + `', '                1', '        }', '', '    After it.')
    }

    It 'prints every code block of every about_ topic as written in its source, so what a user copies from Get-Help runs' {
        foreach ($md in Get-ChildItem "$PSScriptRoot/../../docs/help" -Filter 'about_*.md') {
            $printed = @((Get-Help $md.BaseName | Out-String -Width 250) -split '\r?\n' | ForEach-Object { $_.TrimEnd() })
            $code = @(Get-Content $md.FullName | Where-Object { $_ -match '^    \S|^     ' } | ForEach-Object { '    ' + $_.TrimEnd() })
            $code.Count | Should -BeGreaterThan 0 -Because "$($md.Name) has examples"
            $at = 0
            foreach ($line in $code) {
                $found = [array]::IndexOf($printed, $line, $at)
                $found | Should -BeGreaterOrEqual 0 -Because "$($md.Name)'s code line '$line' must be printed as written, in order"
                $at = $found + 1
            }
        }
        $rollout = @((Get-Help about_PsContainers_Remoting | Out-String -Width 250) -split '\r?\n')
        $from = [array]::IndexOf($rollout, '        function Invoke-ContainerProjectRollout {')
        $to = [array]::IndexOf($rollout, '        }', $from)
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput((($rollout[$from..$to] | ForEach-Object { $_.Substring([Math]::Min(8, $_.Length)) }) -join "`n"), [ref] $null, [ref] $errors)
        $errors | Should -BeNullOrEmpty -Because 'the rollout function copied from Get-Help parses'
    }
}

# its rollout function is run for real against SSH hosts in Remoting.Tests.ps1
Describe 'The about_PsContainers_Remoting topic' {
    It 'is shown by Get-Help with the install steps, the fan-out runbook, piping back and the rolling update' {
        $text = Get-Help about_PsContainers_Remoting | Out-String
        foreach ($heading in 'TOPIC', 'SHORT DESCRIPTION', 'INSTALLING THE MODULE ON HOSTS', 'A FAN-OUT RUNBOOK', 'PIPING OBJECTS BACK', 'ROLLING A COMPOSE PROJECT ACROSS HOSTS') {
            $text | Should -Match "(?m)^$([regex]::Escape($heading))\s*$"
        }
        $text | Should -Match 'Subsystem powershell /usr/bin/pwsh -sshs -NoLogo -NoProfile'
        $text | Should -Match 'Invoke-Command -Session \$sessions -AsJob'
        $text | Should -Match 'function Invoke-ContainerProjectRollout'
        $text | Should -Match 'Start-ContainerProject -Path \$d -Wait'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty -Because 'the topic is wrapped at 80 columns'
    }
}
