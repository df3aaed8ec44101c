# Connect-Container (docker attach) with real containers: the monitor's attach socket, input from a pipeline, a real
# terminal (tmux) with the detach keys, and the errors. Every container here is started in the background.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:ModuleManifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
    $script:Sock = 'psc-' + [guid]::NewGuid().ToString('N').Substring(0, 8)

    function script:Invoke-AttachedPwsh([string] $InputText, [string] $Command) {
        <# $Command in a new pwsh whose standard input is $InputText (a pipe, no terminal). #>
        $name = 'in-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $file = Join-Path $TestDrive "$name.txt"
        $script = Join-Path $TestDrive "$name.ps1"
        [IO.File]::WriteAllText($file, $InputText)
        "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; $Command" | Set-Content $script
        & /bin/sh -c "'$Pwsh' -NoProfile -NonInteractive -File '$script' < '$file'"
    }
    function script:Start-TmuxPwsh([string] $Command) {
        $name = 's' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $file = Join-Path $TestDrive "$name.ps1"
        "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; $Command; 'DONE'; Start-Sleep 60" | Set-Content $file
        & tmux -L $Sock new-session -d -s $name -x 100 -y 30 "$Pwsh -NoProfile -NoLogo -File $file"
        $name
    }
    function script:Get-Pane([string] $Session) { (& tmux -L $Sock capture-pane -p -t $Session -S -100) -join "`n" }
    function script:Wait-Pane([string] $Session, [string] $Pattern, [double] $Timeout = 20) {
        Wait-ContainerCondition { (Get-Pane $Session) -match $Pattern } -TimeoutSeconds $Timeout
    }
    function script:Send-Keys([string] $Session, [string[]] $Keys) { & tmux -L $Sock send-keys -t $Session @Keys }
}

AfterAll {
    & tmux -L $script:Sock kill-server 2>$null
    Remove-ContainerTestStore $script:Root
}

Describe 'Connect-Container from a pipeline' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'keeps the stdin of a -Detach -Interactive container open, sends the input lines and reads their echo' {
        $c = Invoke-ContainerImage $Img -Detach -Interactive -Name echoer cat
        # docker run -d -i: cat waits on its open stdin instead of ending at once
        Start-Sleep -Milliseconds 500
        (Get-Container echoer).Status | Should -Be 'Running'
        $out = Invoke-AttachedPwsh "hello`nworld`n" 'Connect-Container echoer | Select-Object -First 2'
        $out | Should -Be @('hello', 'world')
        # the client went away; the container goes on, and a second client is served too
        (Get-Container echoer).Status | Should -Be 'Running'
        (Get-Container echoer).Pid | Should -Be $c.Pid
        $out = Invoke-AttachedPwsh "again`n" 'Attach-Container -Id (Get-Container echoer).Id | Select-Object -First 1'
        $out | Should -Be 'again'
        (Get-Container echoer).Status | Should -Be 'Running'
        # what came through the attach socket is in the log as well
        (Get-ContainerLog echoer) | Should -Be @('hello', 'world', 'again')
    }

    It 'detaches on the detach keys in the input, sending nothing after them and leaving the container running' {
        # ctrl-p ctrl-q (docker's default): the cmdlet ends by itself, although the container goes on
        $out = Invoke-AttachedPwsh "`u{10}`u{11}two`n" 'Connect-Container echoer; "END"'
        $out | Should -Be @('END')
        (Get-Container echoer).Status | Should -Be 'Running'
        # other keys, docker's syntax
        $out = Invoke-AttachedPwsh "xqthree`n" 'Connect-Container echoer -DetachKeys ''x,q''; "END"'
        $out | Should -Be @('END')
        (Get-Container echoer).Status | Should -Be 'Running'
        Start-Sleep -Milliseconds 300
        (Get-ContainerLog echoer | Select-Object -Last 1) | Should -Be 'again'
    }

    It 'follows the output until the container exits, with its exit code' {
        $null = Invoke-ContainerImage $Img -Detach -Name ticker sh -c 'sleep 4; echo out; echo err >&2; exit 5'
        $errs = $null
        $out = Get-Container ticker | Connect-Container -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -Be 'out'
        $LASTEXITCODE | Should -Be 5
        ($errs | Where-Object { $_.FullyQualifiedErrorId -like 'ContainerStandardError*' }).Exception.Message | Should -Be 'err'
        ($errs | Where-Object { $_.FullyQualifiedErrorId -like 'ContainerExitCode*' }).Exception.ExitCode | Should -Be 5
    }

    It 'does not send input with -NoStdin' {
        $null = Invoke-ContainerImage $Img -Detach -Interactive -Name reader sh -c 'read -t 15 x; echo "got:$x"'
        $out = Invoke-AttachedPwsh "ignored`n" 'Connect-Container reader -NoStdin; "END=$LASTEXITCODE"'
        $out | Should -Be @('got:', 'END=0')
    }

    It 'is a clear InvalidOperation error on a stopped container' {
        $null = New-Container $Img -Name never-started true
        $err = $null
        Connect-Container never-started -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        { Connect-Container ticker -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotRunning,PsContainers.Commands.ConnectContainerCommand'
    }

    It 'rejects detach keys that are not docker''s syntax' {
        $null = Invoke-ContainerImage $Img -Detach -Name keys-check sleep 60
        { Connect-Container keys-check -DetachKeys 'ctrl-1' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDetachKeys,PsContainers.Commands.ConnectContainerCommand'
    }
}

Describe 'Connect-Container on a terminal (tmux)' -Skip:(-not (Get-Command tmux -ErrorAction SilentlyContinue)) {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'relays a -Detach -Interactive -Tty container and detaches with ctrl-p ctrl-q, the container still running' {
        $c = Invoke-ContainerImage $Img -Detach -Interactive -Tty -Name ttybox sh
        $s = Start-TmuxPwsh 'Connect-Container ttybox; "ATTACH-EXIT=$LASTEXITCODE"'
        Start-Sleep -Milliseconds 1500
        Send-Keys $s 'echo attached-$((40+2))', 'Enter'
        Wait-Pane $s 'attached-42' | Should -BeTrue
        Send-Keys $s 'tty', 'Enter'
        Wait-Pane $s '/dev/pts/\d+' | Should -BeTrue
        Send-Keys $s 'C-p'
        Send-Keys $s 'C-q'
        Wait-Pane $s 'DONE' | Should -BeTrue
        (Get-Container ttybox).Status | Should -Be 'Running'
        (Get-Container ttybox).Pid | Should -Be $c.Pid
        # attach again: the same shell, still answering
        $s2 = Start-TmuxPwsh 'Connect-Container ttybox -DetachKeys ctrl-x; "ATTACH-EXIT=$LASTEXITCODE"'
        Start-Sleep -Milliseconds 1500
        Send-Keys $s2 'echo again-$((1+1))', 'Enter'
        Wait-Pane $s2 'again-2' | Should -BeTrue
        Send-Keys $s2 'exit 3', 'Enter'
        Wait-Pane $s2 'DONE' | Should -BeTrue
        (Wait-Container ttybox).ExitCode | Should -Be 3
    }

    It 'gives the container''s terminal the attached terminal''s size, then follows its resizes' {
        $null = Invoke-ContainerImage $Img -Detach -Interactive -Tty -Name ttysize sh
        $s = Start-TmuxPwsh 'Connect-Container ttysize; "ATTACH-EXIT=$LASTEXITCODE"'
        Start-Sleep -Milliseconds 1500
        $size = { (& tmux -L $Sock display-message -p -t $s '#{pane_height} #{pane_width}').Trim() }
        $first = & $size
        $first | Should -Match '^\d+ \d+$'
        $first | Should -Not -Be '0 0'
        Send-Keys $s 'stty size', 'Enter'
        Wait-Pane $s "(?m)^$first`$" | Should -BeTrue -Because (Get-Pane $s)
        & tmux -L $Sock resize-window -t $s -x 90 -y 25
        $second = & $size
        $second | Should -Not -Be $first
        Start-Sleep -Milliseconds 600
        Send-Keys $s 'stty size', 'Enter'
        Wait-Pane $s "(?m)^$second`$" | Should -BeTrue -Because (Get-Pane $s)
        # the size is the container's terminal's: a process started in it later sees it too
        (Invoke-ContainerExec ttysize -- sh -c 'stty size < /proc/1/fd/0') | Should -Be $second
        Send-Keys $s 'C-p'
        Send-Keys $s 'C-q'
        Wait-Pane $s 'DONE' | Should -BeTrue
        (Get-Container ttysize).Status | Should -Be 'Running'
        Remove-Container ttysize -Force
    }

    It 'refuses a container running on another terminal: AttachUnavailable, the remedy naming the cmdlets in PowerShell terms' {
        # a container run in the foreground on a terminal has no attach socket (the runtime relays that terminal)
        $s = Start-TmuxPwsh "Invoke-ContainerImage '$Img' -Interactive -Tty -Name ttyfg sh; `"RUN-EXIT=`$LASTEXITCODE`""
        Send-Keys $s 'echo fg-$((2+3))', 'Enter'
        Wait-Pane $s 'fg-5' -Timeout 30 | Should -BeTrue -Because (Get-Pane $s)
        (Get-Container ttyfg).Status | Should -Be 'Running'
        $err = $null
        Connect-Container ttyfg -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'AttachUnavailable,PsContainers.Commands.ConnectContainerCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].TargetObject | Should -Be 'ttyfg'
        # the engine states the fact; the cmdlet layer says what to do
        $err[0].Exception.Message | Should -Match "^Container 'ttyfg' has no attach socket .*only containers started in the background can be attached to\.$"
        $err[0].Exception.Message | Should -Not -CMatch '[A-Z][a-z]+-Container|-Detach'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Start-Container'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Invoke-ContainerImage -Detach'
        # the refused attach left the foreground run alone
        Send-Keys $s 'exit 4', 'Enter'
        Wait-Pane $s 'RUN-EXIT=4' | Should -BeTrue -Because (Get-Pane $s)
        (Get-Container ttyfg -All).ExitCode | Should -Be 4
    }
}
