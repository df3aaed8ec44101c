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

Describe 'The about_PsContainers topic' {
    It 'is shown by Get-Help with names and ids, the store root, exit codes, the -- rule and the runtime swap' {
        $text = Get-Help about_PsContainers | Out-String
        foreach ($heading in 'TOPIC', 'SHORT DESCRIPTION', 'NAMES AND IDS', 'THE STORE ROOT', 'EXIT CODES', 'THE -- RULE', 'THE RUNTIME SWAP') {
            $text | Should -Match "(?m)^$([regex]::Escape($heading))\s*$"
        }
        $text | Should -Match 'Invoke-ContainerImage busybox -- ls -l /etc'
        $text | Should -Match '(?m)^\s+125\s'
        $text | Should -Match '(?m)^\s+126\s'
        $text | Should -Match '(?m)^\s+127\s'
        $text | Should -Match 'PSCONTAINERS_ROOT'
        $text | Should -Match 'Set-ContainerConfiguration -Runtime'
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
}
