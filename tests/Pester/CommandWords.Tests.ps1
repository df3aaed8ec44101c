# The '--' rule (issue 11.1): the words of a container's command never silently change meaning. PowerShell binds a
# '-word' to a cmdlet parameter by prefix wherever it stands, and hands the ones it cannot bind to the command; the
# cmdlets that take a command (Invoke-ContainerImage, New-Container, Invoke-ContainerExec) refuse both unless the
# command comes after '--', with an error that names the parameter and shows the '--' form. Typed as a docker user
# types them, against real containers.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore

    function script:Get-Refusal {
        <# Runs the script block; returns the CommandNeedsDoubleDash error it threw (and fails the test otherwise). #>
        param([scriptblock] $Line)
        $before = @(Get-Container -All).Count
        $refusal = $null
        try { & $Line | Out-Null } catch { $refusal = $_ }
        $refusal | Should -Not -BeNullOrEmpty -Because 'the line must be refused'
        $refusal.FullyQualifiedErrorId | Should -BeLike 'CommandNeedsDoubleDash*'
        $refusal.CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-Container -All).Count | Should -Be $before -Because 'a refused line creates no container'
        $refusal
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Invoke-ContainerImage: the command''s words' {
    It 'refuses ls -l /etc, where -l would take -Label, naming the parameter and showing the -- form' {
        $global:LASTEXITCODE = 0
        $e = Get-Refusal { Invoke-ContainerImage busybox-test:latest ls -l /etc }
        $e.Exception.Message | Should -BeLike "*'-l'*-Label*"
        $e.Exception.Message | Should -BeLike '*Invoke-ContainerImage busybox-test:latest -- ls -l /etc*'
        $LASTEXITCODE | Should -Be 125 -Because 'docker run exits 125 when it refuses its options'
    }

    It 'runs ls -l /etc after --, listing /etc and not /' {
        $out = @(Invoke-ContainerImage busybox-test:latest -Remove -- ls -l /etc)
        $LASTEXITCODE | Should -Be 0
        ($out -join "`n") | Should -Match '(?m)^-\S+\s+.*\spasswd$'
        ($out -join "`n") | Should -Not -Match '(?m)\setc$' -Because '/ would list etc'
    }

    It 'refuses wc -l and names the parameter, and takes it after --' {
        $e = Get-Refusal { Invoke-ContainerImage busybox-test:latest -Remove wc -l /etc/group }
        $e.Exception.Message | Should -BeLike '*-Label*-- wc -l /etc/group*'
        Invoke-ContainerImage busybox-test:latest -Remove -- wc -l /etc/group | Should -Match '^\s*\d+\s+/etc/group$'
    }

    It 'refuses docker''s -it and names -Interactive -Tty' {
        $e = Get-Refusal { Invoke-ContainerImage busybox-test:latest -it sh }
        $e.Exception.Message | Should -BeLike "*'-it' is not a parameter of Invoke-ContainerImage*-Interactive -Tty*"
    }

    It 'refuses docker''s --rm and names -Remove' {
        $e = Get-Refusal { Invoke-ContainerImage busybox-test:latest --rm echo hi }
        $e.Exception.Message | Should -BeLike "*'--rm'*-Remove*"
    }

    It 'refuses docker''s --name x and names -Name' {
        $e = Get-Refusal { Invoke-ContainerImage --name web busybox-test:latest echo hi }
        $e.Exception.Message | Should -BeLike "*'--name'*-Name*"
    }

    It 'shows docker''s options written before the image as parameters, the image first and the command after -- (issue 11)' {
        $cases = @(
            @{ Line = { Invoke-ContainerImage --rm busybox-test:latest }; Named = "'--rm'*-Remove"; Fixed = 'Invoke-ContainerImage -Remove busybox-test:latest' }
            @{ Line = { Invoke-ContainerImage -it busybox-test:latest sh }; Named = "'-it'*-Interactive -Tty"; Fixed = 'Invoke-ContainerImage -Interactive -Tty busybox-test:latest -- sh' }
            @{ Line = { Invoke-ContainerImage --name web busybox-test:latest echo hi }; Named = "'--name'*-Name"; Fixed = 'Invoke-ContainerImage -Name web busybox-test:latest -- echo hi' }
            @{ Line = { Invoke-ContainerImage -Detach --rm -it busybox-test:latest sh -c 'echo hi' }; Named = "'--rm'*-Remove"; Fixed = "Invoke-ContainerImage -Detach -Remove -Interactive -Tty busybox-test:latest -- sh -c 'echo hi'" }
            @{ Line = { Invoke-ContainerImage --rm busybox-test:latest echo hi -ErrorAction Stop }; Named = "'--rm'*-Remove"; Fixed = 'Invoke-ContainerImage -Remove busybox-test:latest -ErrorAction Stop -- echo hi' }
            @{ Line = { Invoke-ContainerImage --frobnicate busybox-test:latest echo hi }; Named = "'--frobnicate' is not a parameter*No parameter takes '--frobnicate'*NOTES*"; Fixed = 'Invoke-ContainerImage busybox-test:latest -- echo hi' }
            @{ Line = { Invoke-ContainerExec -it ux-anything sh }; Named = "'-it'*-Interactive -Tty*before the container"; Fixed = 'Invoke-ContainerExec -Interactive -Tty ux-anything -- sh' }
        )
        foreach ($case in $cases) {
            $e = Get-Refusal $case.Line
            $e.Exception.Message | Should -BeLike "*$($case.Named)*"
            $e.Exception.Message | Should -BeLike "*: $([WildcardPattern]::Escape($case.Fixed))" -Because "the corrected line of { $($case.Line) } ends the message"
        }
        # the old hint put the docker option after '--' before the image, which would run an image named '--rm'
        (Get-Refusal { Invoke-ContainerImage --rm busybox-test:latest }).Exception.Message | Should -Not -BeLike '*-- --rm*'
        # after the image, a '-' word still goes to the command, as docker run passes it
        (Get-Refusal { Invoke-ContainerImage busybox-test:latest -it sh }).Exception.Message | Should -BeLike '*Invoke-ContainerImage busybox-test:latest -- -it sh*'
    }

    It 'runs the corrected line of a docker option written before the image' {
        $out = Invoke-ContainerImage -Remove busybox-test:latest -- echo fixed-line
        $out | Should -Be 'fixed-line'
        Get-Container -All | Where-Object Image -eq 'busybox-test:latest' | Where-Object { $_.Config.Cmd -contains 'fixed-line' } | Should -BeNullOrEmpty -Because '-Remove removed it'
    }

    It 'documents df -h and wc -l, which PowerShell''s binder refuses before the cmdlet runs, with the -- form in the help (issue 11)' {
        foreach ($case in @(
                @{ Line = { Invoke-ContainerImage busybox-test:latest df -h }; Parameter = 'Hostname' }
                @{ Line = { New-Container busybox-test:latest wc -l }; Parameter = 'Label' })) {
            $before = @(Get-Container -All).Count
            $e = $null
            try { & $case.Line | Out-Null } catch { $e = $_ }
            $e | Should -Not -BeNullOrEmpty
            $e.FullyQualifiedErrorId | Should -BeLike 'MissingArgument*' -Because 'PowerShell raises it before BeginProcessing; no cmdlet hook sees it'
            $e.Exception.Message | Should -BeLike "*'$($case.Parameter)'*"
            @(Get-Container -All).Count | Should -Be $before -Because 'nothing runs'
        }
        # with a value after the word, the cmdlet sees the line and refuses it itself
        (Get-Refusal { Invoke-ContainerImage busybox-test:latest df -h / }).Exception.Message | Should -BeLike '*Invoke-ContainerImage busybox-test:latest -- df -h /*'
        foreach ($cmdlet in 'Invoke-ContainerImage', 'New-Container') {
            $notes = (Get-Help $cmdlet -Full).alertSet.alert.Text -join "`n"
            $notes | Should -BeLike "*Missing an argument for parameter 'Hostname'*"
            $notes | Should -BeLike "*$cmdlet busybox -- df -h*"
        }
        # the whole output (Select-Object -First 1 would stop the run early, and its -Remove would finish after the test)
        $df = @(Invoke-ContainerImage busybox-test:latest -Remove -- df -h /)
        $df[0] | Should -BeLike 'Filesystem*'
    }

    It 'documents pwsh -Command Get-Date, which PowerShell''s binder refuses before the cmdlet runs, with the -- form (issue 11)' {
        foreach ($line in { Invoke-ContainerImage busybox-test:latest pwsh -Command Get-Date }, { New-Container busybox-test:latest pwsh -Command Get-Date }) {
            $before = @(Get-Container -All).Count
            $e = $null
            try { & $line | Out-Null } catch { $e = $_ }
            # -Command is the cmdlet's own parameter: Get-Date binds to it and no parameter is left for 'pwsh'
            $e.FullyQualifiedErrorId | Should -BeLike 'PositionalParameterNotFound*' -Because 'PowerShell raises it before BeginProcessing; no cmdlet hook sees it'
            $e.Exception.Message | Should -BeLike "*'pwsh'*"
            @(Get-Container -All).Count | Should -Be $before -Because 'nothing runs'
        }
        foreach ($cmdlet in 'Invoke-ContainerImage', 'New-Container', 'Invoke-ContainerExec') {
            $notes = ((Get-Help $cmdlet -Full).alertSet.alert.Text -join ' ') -replace '\s+', ' '
            $notes | Should -BeLike '*PositionalParameterNotFound*'
            $notes | Should -BeLike "*$cmdlet * -- pwsh -Command Get-Date*"
        }
        ((Get-Help about_PsContainers | Out-String) -replace '\s+', ' ') | Should -BeLike '*pwsh-image -- pwsh -Command Get-Date*'
        # after --, the words reach the command as written
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -- echo -Command Get-Date | Should -Be '-Command Get-Date'
    }

    It 'refuses the typo -Detatch and suggests -Detach' {
        $e = Get-Refusal { Invoke-ContainerImage busybox-test:latest -Detatch sleep 5 }
        $e.Exception.Message | Should -BeLike '*did you mean -Detach?*'
    }

    It 'refuses a - word among the command''s words, even one no parameter takes today' {
        $e = Get-Refusal { Invoke-ContainerImage busybox-test:latest echo --rm }
        $e.Exception.Message | Should -BeLike '*-- echo --rm*'
    }

    It 'refuses a named parameter written after the command''s first word' {
        $e = Get-Refusal { Invoke-ContainerImage busybox-test:latest find / -name passwd }
        $e.Exception.Message | Should -BeLike "*'-name'*-Name*-- find / -name passwd*"
    }

    It 'keeps the sh -c form, a trailing common parameter, a command given by name and a splatted command' {
        Invoke-ContainerImage busybox-test:latest -Remove sh -c 'echo from-script' | Should -Be 'from-script'
        Invoke-ContainerImage busybox-test:latest -Remove echo trailing -ErrorAction Stop | Should -Be 'trailing'
        Invoke-ContainerImage busybox-test:latest -Remove -Command echo, -n, named | Should -Be 'named'
        $run = @{ Image = 'busybox-test:latest'; Remove = $true; Command = 'echo', '-n', 'splatted' }
        Invoke-ContainerImage @run | Should -Be 'splatted'
    }

    It 'takes the command from the API as given (no invocation text to re-read)' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:PSCONTAINERS_TEST_MODULE).Invoke()
            $ps.Commands.Clear()
            $out = $ps.AddCommand('Invoke-ContainerImage').AddArgument('busybox-test:latest').AddParameter('Remove').AddArgument('echo').AddArgument('-n').AddArgument('api').Invoke()
            $ps.HadErrors | Should -BeFalse
            @($out) | Should -Be @('api')
        } finally { $ps.Dispose() }
    }

    It 'takes docker''s short options as aliases: -d -e -w -u -v -h -l -m -i -t' {
        $c = Invoke-ContainerImage busybox-test:latest -d -e X=1 -w /tmp -u 1000 -v /data -h shorty -l tier=web -m 64m -i -t -- sleep 30
        try {
            $c.Name | Should -Not -BeNullOrEmpty
            Invoke-ContainerExec $c.Name -- sh -c 'echo $X $(pwd) $(id -u) $(hostname)' | Should -Be '1 /tmp 1000 shorty'
            $c = Get-Container $c.Name
            $c.Config.Labels['tier'] | Should -Be 'web'
            $c.HostConfig.Memory | Should -Be 64MB
            $c.Config.OpenStdin | Should -BeTrue
            $c.Config.Tty | Should -BeTrue
            @($c.Mounts.Destination) | Should -Contain '/data'
        } finally { Remove-Container $c.Name -Force -Confirm:$false }
    }

    It 'has no alias that collides with another parameter or alias, common parameters included' {
        foreach ($name in 'Invoke-ContainerImage', 'New-Container', 'Invoke-ContainerExec') {
            $words = foreach ($p in (Get-Command $name).Parameters.Values) { $p.Name; $p.Aliases }
            $dupes = @($words | Group-Object | Where-Object Count -gt 1 | ForEach-Object Name)
            $dupes | Should -BeNullOrEmpty -Because "$name's names and aliases must be unique"
        }
    }
}

Describe 'The -- rule''s last holes (issue 11)' {
    It 'keeps a common parameter''s alias and its value inside the command (-ea Stop is ls''s words, not the cmdlet''s)' {
        foreach ($case in @(
                @{ Line = { Invoke-ContainerImage -Remove busybox-test:latest ls -ea Stop /etc }; Fixed = 'Invoke-ContainerImage -Remove busybox-test:latest -- ls -ea Stop /etc' }
                @{ Line = { New-Container busybox-test:latest ls -ov out /etc }; Fixed = 'New-Container busybox-test:latest -- ls -ov out /etc' }
                @{ Line = { Invoke-ContainerExec ux-anything ls -wa Stop /etc }; Fixed = 'Invoke-ContainerExec ux-anything -- ls -wa Stop /etc' }
                @{ Line = { Invoke-ContainerImage --rm busybox-test:latest ls -ea Stop /etc }; Fixed = 'Invoke-ContainerImage -Remove busybox-test:latest -- ls -ea Stop /etc' })) {
            $e = Get-Refusal $case.Line
            $e.Exception.Message | Should -BeLike "*'--': $([WildcardPattern]::Escape($case.Fixed))*" -Because "the value stays with its parameter in { $($case.Line) }"
            $e.Exception.Message | Should -Not -BeLike '*Stop --*' -Because 'the old hint put the value before -- and ran it as the command'
        }
        # written out in full, the common parameter stays the cmdlet's, its value with it
        (Get-Refusal { Invoke-ContainerImage busybox-test:latest ls -l /etc -ErrorAction Stop }).Exception.Message |
            Should -BeLike "*'--': Invoke-ContainerImage busybox-test:latest -ErrorAction Stop -- ls -l /etc (*"
    }

    It 'maps docker''s --option=value exactly as --option value' {
        foreach ($case in @(
                @{ Line = { Invoke-ContainerImage --network=host busybox-test:latest echo hi }; Named = "'--network=host'*-Network host here"; Fixed = 'Invoke-ContainerImage -Network host busybox-test:latest -- echo hi' }
                @{ Line = { Invoke-ContainerImage --name=web --restart=always busybox-test:latest }; Named = "'--name=web'*-Name web here"; Fixed = 'Invoke-ContainerImage -Name web -Restart always busybox-test:latest' }
                @{ Line = { New-Container --pull=always busybox-test:latest sh }; Named = "'--pull=always'*-Pull always"; Fixed = 'New-Container -Pull always busybox-test:latest -- sh' }
                @{ Line = { Invoke-ContainerImage --rm=true busybox-test:latest }; Named = "'--rm=true'*-Remove here"; Fixed = 'Invoke-ContainerImage -Remove busybox-test:latest' }
                @{ Line = { Invoke-ContainerExec --user=root ux-anything id }; Named = "'--user=root'*-User root"; Fixed = 'Invoke-ContainerExec -User root ux-anything -- id' })) {
            $e = Get-Refusal $case.Line
            $e.Exception.Message | Should -BeLike "*$($case.Named)*"
            $e.Exception.Message | Should -Not -BeLike '*No parameter takes*' -Because 'the option maps to a parameter'
            $e.Exception.Message | Should -BeLike "*: $([WildcardPattern]::Escape($case.Fixed))"
        }
    }

    It 'sets $LASTEXITCODE to 125 on every refusal (docker run, create and exec exit 125 on an option they refuse)' {
        $dir = Join-Path $TestDrive 'words-exit'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        $file = Join-Path $dir 'compose.yaml'
        Set-Content $file "services:`n  web:`n    image: busybox-test:latest`n    network_mode: none`n"
        foreach ($line in { New-Container busybox-test:latest ls -l /etc }, { Invoke-ContainerExec ux-anything ls -l /etc },
            { Invoke-ContainerProject $file -Service web -Remove id -u root }) {
            $global:LASTEXITCODE = 0
            $null = Get-Refusal $line
            $LASTEXITCODE | Should -Be 125 -Because "{ $line } was refused"
        }
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name words-pipe -Network none -- sleep 60
        try {
            $global:LASTEXITCODE = 0
            $e = $null
            try { 'line' | Invoke-ContainerExec words-pipe -- cat } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'PipedInputNeedsInteractive*'
            $LASTEXITCODE | Should -Be 125
        } finally { Remove-Container words-pipe -Force -Confirm:$false }
    }

    It 'says that docker''s -P is -PublishAll when -p (-Publish) took the image' {
        $e = $null
        try { Invoke-ContainerImage -P busybox-test:latest echo hi -ErrorAction Stop } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidPortSpec*'
        $e.Exception.Message | Should -BeLike "*Invalid port specification 'busybox-test:latest'*docker's -P*is -PublishAll here*"
        # a port spec that is wrong, not a name, gets no such hint
        $e = $null
        try { Invoke-ContainerImage -Publish 80:99999 -ErrorAction Stop busybox-test:latest -- echo hi } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidPortSpec*'
        $e.Exception.Message | Should -Not -BeLike '*PublishAll*'
    }

    It 'documents that exec has no default command' {
        $text = ((Get-Help Invoke-ContainerExec -Parameter Command).description.Text) -join ' '
        $text | Should -Not -BeLike "*image's Cmd*"
        $text | Should -BeLike '*NoCommand*'
    }
}

Describe 'docker''s options before an image with no command, and no image at all (issue 11)' {
    # '-it busybox': the unknown '-it' takes 'busybox' as its value and both go to the command, so -Image is missing;
    # a mandatory -Image made PowerShell prompt for it (or fail in its binder) before the cmdlet could name -it
    It 'refuses <Line> with the -- rule''s error naming the parameter, -Interactive -Tty for -it, and exit code 125' -ForEach @(
        @{ Line = 'Invoke-ContainerImage -it busybox-test:latest'; Fixed = 'Invoke-ContainerImage -Interactive -Tty busybox-test:latest' }
        @{ Line = 'New-Container -it busybox-test:latest'; Fixed = 'New-Container -Interactive -Tty busybox-test:latest' }
        @{ Line = 'Invoke-ContainerImage -dit busybox-test:latest'; Fixed = 'Invoke-ContainerImage -Detach -Interactive -Tty busybox-test:latest' }
        @{ Line = 'Invoke-ContainerImage --rm busybox-test:latest'; Fixed = 'Invoke-ContainerImage -Remove busybox-test:latest' }
        @{ Line = 'New-Container --rm busybox-test:latest'; Fixed = 'New-Container -Remove busybox-test:latest' }
    ) {
        $global:LASTEXITCODE = 0
        $e = Get-Refusal ([scriptblock]::Create($Line))
        $word = ($Line -split ' ')[1]
        $e.Exception.Message | Should -BeLike "'$word' is not a parameter of $(($Line -split ' ')[0])*"
        $e.Exception.Message | Should -BeLike "*: $Fixed"
        if ($word -like '-*it') { $e.Exception.Message | Should -BeLike '*-Interactive -Tty*' }
        $LASTEXITCODE | Should -Be 125
    }

    It 'runs the corrected line it shows' {
        $e = Get-Refusal { New-Container -it busybox-test:latest }
        $fixed = ($e.Exception.Message -split ': ')[-1]
        $fixed | Should -BeExactly 'New-Container -Interactive -Tty busybox-test:latest'
        $c = & ([scriptblock]::Create("$fixed -Name words-it-fixed -Network none"))
        try {
            $c.Config.OpenStdin | Should -BeTrue
            $c.Config.Tty | Should -BeTrue
            $c.Image | Should -Be 'busybox-test:latest'
        } finally { Remove-Container words-it-fixed -Force -Confirm:$false }
    }

    It 'refuses a line with no image at all with ImageRequired (InvalidArgument) and exit code 125, never a prompt' {
        foreach ($line in { New-Container }, { Invoke-ContainerImage -Name words-no-image }, { New-Container -Interactive -Tty }) {
            $global:LASTEXITCODE = 0
            $before = @(Get-Container -All).Count
            $e = $null
            try { & $line | Out-Null } catch { $e = $_ }
            $e | Should -Not -BeNullOrEmpty -Because "{ $line } has no image"
            $e.FullyQualifiedErrorId | Should -BeLike 'ImageRequired,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $e.Exception.Message | Should -BeLike '*needs an image*-Interactive -Tty*'
            $LASTEXITCODE | Should -Be 125
            @(Get-Container -All).Count | Should -Be $before
        }
    }

    It 'still binds the image by position, from an image object and from an Image column; a row without one is an error of its own' {
        $c = New-Container busybox-test:latest -Name words-pos -Network none -- true
        try { $c.Image | Should -Be 'busybox-test:latest' } finally { Remove-Container words-pos -Force -Confirm:$false }
        $img = Get-ContainerImage busybox-test:latest
        $c = New-Container -ImageObject $img -Name words-obj -Network none -Command true
        try { $c.ImageId | Should -Be $img.Id } finally { Remove-Container words-obj -Force -Confirm:$false }
        $rows = @(
            [pscustomobject]@{ Name = 'words-row-1'; Image = 'busybox-test:latest' }
            [pscustomobject]@{ Name = 'words-row-2' }
            [pscustomobject]@{ Name = 'words-row-3'; Image = 'busybox-test:latest' }
        )
        $global:LASTEXITCODE = 0
        $made = @($rows | New-Container -Network none -Command true -ErrorAction SilentlyContinue -ErrorVariable err)
        try {
            $made.Name | Should -Be @('words-row-1', 'words-row-3')
            @($err | Where-Object { $_.FullyQualifiedErrorId -like 'ImageRequired,*' }).Count | Should -Be 1
            $LASTEXITCODE | Should -Be 125
        } finally { Remove-Container words-row-1, words-row-3 -Force -Confirm:$false -ErrorAction SilentlyContinue }
    }
}

Describe 'New-Container and Invoke-ContainerExec: the same rule' {
    It 'New-Container refuses ls -l /etc and creates it after --' {
        $e = Get-Refusal { New-Container busybox-test:latest -Name words-new ls -l /etc }
        $e.Exception.Message | Should -BeLike '*-Label*New-Container busybox-test:latest -Name words-new -- ls -l /etc*'
        $c = New-Container busybox-test:latest -Name words-new -- ls -l /etc
        try { @($c.Config.Cmd) | Should -Be @('ls', '-l', '/etc') }
        finally { Remove-Container words-new -Force -Confirm:$false }
    }

    It 'Invoke-ContainerExec refuses ls -l /etc, and runs it after --' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name words-exec -- sleep 60
        try {
            $e = Get-Refusal { Invoke-ContainerExec words-exec ls -l /etc }
            $e.Exception.Message | Should -BeLike "*'-l'*Invoke-ContainerExec words-exec -- ls -l /etc*"
            (Invoke-ContainerExec words-exec -- ls -l /etc) -join "`n" | Should -Match '(?m)\spasswd$'
            Invoke-ContainerExec words-exec -e X=2 -u 1000 -w /tmp -- sh -c 'echo $X $(id -u) $(pwd)' | Should -Be '2 1000 /tmp'
            $e = Get-Refusal { Invoke-ContainerExec words-exec -it sh }
            $e.Exception.Message | Should -BeLike '*-Interactive -Tty*'
        } finally { Remove-Container words-exec -Force -Confirm:$false }
    }
}

Describe 'Enter-Container and Invoke-ContainerProject: the same rule' {
    It 'Enter-Container refuses id -u root (-u would take -User) and docker''s --rm, before it needs a terminal' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name words-enter -Network none -- sleep 60
        try {
            $e = Get-Refusal { Enter-Container words-enter id -u root }
            $e.Exception.Message | Should -BeLike "*Enter-Container words-enter -- id -u root*"
            $e = Get-Refusal { Enter-Container words-enter --rm }
            $e.Exception.Message | Should -BeLike '*Enter-Container words-enter -- --rm*'
        } finally { Remove-Container words-enter -Force -Confirm:$false }
    }

    It 'Enter-Container takes docker''s -it, -ti, -i and -t as no-ops: it names the container, and never prompts for -Name (issue 11)' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name words-enter-it -Network none -- sleep 60
        try {
            foreach ($line in { Enter-Container -it words-enter-it }, { Enter-Container -ti words-enter-it }, { Enter-Container -i -t words-enter-it },
                { Enter-Container words-enter-it -it }, { Enter-Container -Interactive -Tty words-enter-it }, { Enter-Container -it words-enter-it sh }) {
                $e = $null
                try { & $line } catch { $e = $_ }
                # this test's host has no terminal: the cmdlet ran with words-enter-it as -Name (PowerShell's prompt
                # for a missing -Name would fail here as MissingMandatoryParameter instead)
                $e.FullyQualifiedErrorId | Should -BeLike 'TerminalRequired,*' -Because "{ $line } must bind the container"
                $e.Exception.Message | Should -BeLike '*Invoke-ContainerExec words-enter-it -- *'
            }
            # after the command's first word, -it is still taken from the command, and refused
            $e = Get-Refusal { Enter-Container words-enter-it sh -it }
            $e.Exception.Message | Should -BeLike '*Enter-Container words-enter-it -- sh -it*'
        } finally { Remove-Container words-enter-it -Force -Confirm:$false }
    }

    It 'Invoke-ContainerProject refuses id -u root and docker''s -it, creating nothing' {
        $dir = Join-Path $TestDrive 'words-project'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        $file = Join-Path $dir 'compose.yaml'
        Set-Content $file "services:`n  web:`n    image: busybox-test:latest`n    network_mode: none`n"
        $e = Get-Refusal { Invoke-ContainerProject $file -Service web -Remove id -u root }
        $e.Exception.Message | Should -BeLike '*-- id -u root*'
        $e = Get-Refusal { Invoke-ContainerProject $file -Service web -it sh }
        $e.Exception.Message | Should -BeLike '*-Interactive -Tty*'
    }
}
