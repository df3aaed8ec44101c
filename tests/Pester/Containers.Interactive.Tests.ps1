BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:ModuleManifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
    $script:Sock = 'psc-' + [guid]::NewGuid().ToString('N').Substring(0, 8)

    # Runs a pwsh command in a new tmux window (a real pty), returns its name.
    function Start-TmuxPwsh([string] $Command) {
        $name = 's' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $file = Join-Path $TestDrive "$name.ps1"
        "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; $Command; 'DONE'; Start-Sleep 60" | Set-Content $file
        & tmux -L $Sock new-session -d -s $name -x 100 -y 30 "$Pwsh -NoProfile -NoLogo -File $file"
        $name
    }
    function Get-Pane([string] $Session) { (& tmux -L $Sock capture-pane -p -t $Session -S -100) -join "`n" }
    function Wait-Pane([string] $Session, [string] $Pattern, [double] $Timeout = 15) {
        Wait-ContainerCondition { (Get-Pane $Session) -match $Pattern } -TimeoutSeconds $Timeout
    }
    function Send-Keys([string] $Session, [string[]] $Keys) { & tmux -L $Sock send-keys -t $Session @Keys }
}

AfterAll {
    & tmux -L $script:Sock kill-server 2>$null
    Remove-ContainerTestStore $script:Root
}

Describe 'Interactive terminals (tmux) with <Runtime>' -Skip:(-not (Get-Command tmux -ErrorAction SilentlyContinue)) -ForEach @(
    @{ Runtime = 'the default runtime'; Path = $null }
    @{ Runtime = 'runc'; Path = '/usr/sbin/runc' }
) {
    BeforeAll { if ($Path) { Set-ContainerConfiguration -Runtime $Path -Confirm:$false } }
    AfterAll {
        Get-Container -All | Remove-Container -Force
        if ($Path) { Set-ContainerConfiguration -DefaultRuntime -Confirm:$false }
    }

    It 'Invoke-ContainerImage -Interactive -Tty gives a terminal with raw mode, resize and Ctrl+C' {
        $s = Start-TmuxPwsh 'Invoke-ContainerImage busybox-test:latest -Interactive -Tty -Name tty1 sh; "EXIT=$LASTEXITCODE"'
        Wait-Pane $s '(?m)^/ #' | Should -BeTrue  # (tmux trims the prompt's trailing space)
        Send-Keys $s 'echo hello-$((40+2))', 'Enter'
        Wait-Pane $s 'hello-42' | Should -BeTrue
        Send-Keys $s 'tty', 'Enter'
        Wait-Pane $s '/dev/pts/\d+' | Should -BeTrue
        # resize reaches the container's terminal
        & tmux -L $Sock resize-window -t $s -x 90 -y 25
        Start-Sleep -Milliseconds 300
        Send-Keys $s 'stty size', 'Enter'
        Wait-Pane $s '(?m)^25 90' | Should -BeTrue
        # Ctrl+C interrupts the foreground program in the container, not the session
        Send-Keys $s 'sleep 100', 'Enter'
        Start-Sleep -Milliseconds 300
        Send-Keys $s 'C-c'
        Send-Keys $s 'echo after-$((1+1))', 'Enter'
        Wait-Pane $s 'after-2' -Timeout 5 | Should -BeTrue
        Send-Keys $s 'exit 3', 'Enter'
        Wait-Pane $s 'EXIT=3' | Should -BeTrue
        (Get-Container tty1).ExitCode | Should -Be 3
        (Get-Content /proc/self/mountinfo) -match (Get-Container tty1).Id | Should -BeNullOrEmpty
    }

    It 'Enter-Container opens a shell in a running container' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name enter-me -Hostname entered sleep 300
        $s = Start-TmuxPwsh 'Enter-Container enter-me -ErrorVariable ev -ErrorAction SilentlyContinue; "ENTER-EXIT=$LASTEXITCODE ERR=$($ev[0].FullyQualifiedErrorId) CODE=$($ev[0].Exception.ExitCode)"'
        Wait-Pane $s '(?m)^/ #' | Should -BeTrue
        Send-Keys $s 'hostname', 'Enter'
        Wait-Pane $s '(?m)^entered' | Should -BeTrue
        Send-Keys $s 'exit 4', 'Enter'
        # the one exit-status rule (about_PsContainers): $LASTEXITCODE and a ContainerExitCode error, as run and exec
        Wait-Pane $s 'ENTER-EXIT=4 ERR=ContainerExitCode,PsContainers.Commands.EnterContainerCommand CODE=4' | Should -BeTrue
        (Get-Container enter-me).Status | Should -Be 'Running'
    }

    It 'Enter-Container -it web opens the shell in web, docker''s -it taken as a no-op, with no prompt for -Name (issue 11)' {
        $s = Start-TmuxPwsh 'Enter-Container -it enter-me; "IT-EXIT=$LASTEXITCODE"'
        Wait-Pane $s '(?m)^/ #' | Should -BeTrue
        Send-Keys $s 'hostname', 'Enter'
        Wait-Pane $s '(?m)^entered' | Should -BeTrue
        Send-Keys $s 'exit', 'Enter'
        Wait-Pane $s 'IT-EXIT=0' | Should -BeTrue
        Get-Pane $s | Should -Not -Match 'Supply values|Name\[0\]'
    }

    It 'Invoke-ContainerExec -Interactive -Tty runs a program on the terminal' {
        $s = Start-TmuxPwsh 'Invoke-ContainerExec enter-me -Interactive -Tty sh -c "read x; echo got-`$x"; "EXEC-EXIT=$LASTEXITCODE"'
        Start-Sleep -Milliseconds 800
        Send-Keys $s 'typed', 'Enter'
        Wait-Pane $s 'got-typed' | Should -BeTrue
        Wait-Pane $s 'EXEC-EXIT=0' | Should -BeTrue
    }

    It 'Enter-Container and exec -Tty give docker exec''s 127 for a command not found and 126 for one not executable, with the runtime''s words (issue 11)' {
        $null = Invoke-ContainerExec enter-me -- sh -c 'printf "echo x\n" > /not-exec; chmod 644 /not-exec'
        $s = Start-TmuxPwsh 'Enter-Container enter-me nosuch-cmd -ErrorVariable ev -ErrorAction SilentlyContinue; "E1=$LASTEXITCODE CODE=$($ev[-1].Exception.ExitCode)"; Invoke-ContainerExec enter-me -Interactive -Tty /not-exec -ErrorAction SilentlyContinue; "E2=$LASTEXITCODE"; Invoke-ContainerExec enter-me -Interactive -Tty nosuch-cmd -ErrorAction SilentlyContinue; "E3=$LASTEXITCODE"'
        Wait-Pane $s 'E3=\d+' -Timeout 30 | Should -BeTrue
        $pane = Get-Pane $s
        $pane | Should -Match 'E1=127 CODE=127'
        $pane | Should -Match 'E2=126'
        $pane | Should -Match 'E3=127'
        $flat = $pane -replace '\r?\n', '' # the pane wraps long lines at 100 columns
        $flat | Should -Match 'exec: "nosuch-cmd": executable file not found' -Because 'the runtime''s message is shown, as docker exec -it shows it'
        $flat | Should -Match 'exec: "/not-exec": permission denied'
        # the attached exec without a terminal gives the same codes
        Invoke-ContainerExec enter-me nosuch-cmd -ErrorAction SilentlyContinue 2>$null | Out-Null
        $LASTEXITCODE | Should -Be 127
        Invoke-ContainerExec enter-me /not-exec -ErrorAction SilentlyContinue 2>$null | Out-Null
        $LASTEXITCODE | Should -Be 126
        (Get-Container enter-me).Status | Should -Be 'Running'
    }

    It 'Invoke-ContainerExec -Interactive -Tty -User takes a user name, as run does (issue 10.4)' {
        $s = Start-TmuxPwsh 'Invoke-ContainerExec enter-me -Interactive -Tty -User nobody sh -c "echo ids-`$(id -u)-`$(id -g)"; "EXEC-EXIT=$LASTEXITCODE"'
        Wait-Pane $s 'ids-65534-65534' | Should -BeTrue
        Wait-Pane $s 'EXEC-EXIT=0' | Should -BeTrue
        Remove-Container enter-me -Force
    }

    It 'Invoke-ContainerImage -Interactive passes piped input without a terminal' {
        $file = Join-Path $TestDrive 'in.txt'
        "line1`nline2" | Set-Content $file
        $out = Get-Content $file -Raw | & $Pwsh -NoProfile -NonInteractive -Command "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; Invoke-ContainerImage busybox-test:latest -Remove -Interactive sh -c 'grep -c line'"
        ($out | Select-Object -Last 1).Trim() | Should -Be '2'
    }
}

Describe 'Ctrl+C on an attached run is docker''s sig-proxy (issue 10.11)' -Skip:(-not (Get-Command tmux -ErrorAction SilentlyContinue)) {
    BeforeAll {
        # Ctrl+C typed on the terminal of a pwsh (tmux gives it its own session and process group) running an attached
        # run without -Tty; the finally block records $LASTEXITCODE after PowerShell stopped the pipeline
        function Start-AttachedRun([string] $Name, [string] $Script, [string] $Extra = '') {
            Start-AttachedCommand $Name "Invoke-ContainerImage busybox-test:latest -Name $Name $Extra -- sh -c '$Script'"
        }
        # the same for any attached command line (an exec: issue 10.1)
        function Start-AttachedCommand([string] $Name, [string] $Command) {
            $marker = Join-Path $TestDrive "$Name.exit"
            $file = Join-Path $TestDrive "$Name.ps1"
            "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; try { $Command } finally { [IO.File]::WriteAllText('$marker', `"EXIT=`$LASTEXITCODE`") }" |
                Set-Content $file
            # -NoExit: the pane stays after Ctrl+C has stopped the script, to be read
            $s = 's' + [guid]::NewGuid().ToString('N').Substring(0, 6)
            & tmux -L $Sock new-session -d -s $s -x 100 -y 30 "$Pwsh -NoProfile -NoLogo -NoExit -File $file"
            Wait-Pane $s '(?m)^ready' -Timeout 30 | Should -BeTrue
            @{ Session = $s; Marker = $marker }
        }
        function Wait-Marker([string] $Path, [double] $Timeout = 30) {
            Wait-ContainerCondition { Test-Path $Path } -TimeoutSeconds $Timeout | Should -BeTrue
            Get-Content $Path -Raw
        }
    }
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'sends the container SIGINT, shows the output that follows and sets $LASTEXITCODE to its exit code' {
        # docker run (sig-proxy on): the trap runs once, its lines reach the terminal, docker exits with the code, 3
        $r = Start-AttachedRun sigint-trap 'trap "echo got INT; sleep 1; echo after-trap; exit 3" INT; echo ready; while true; do sleep 0.2; done'
        Send-Keys $r.Session 'C-c'
        Wait-Marker $r.Marker | Should -Be 'EXIT=3'
        Wait-Pane $r.Session '(?s)got INT.*after-trap' | Should -BeTrue
        ([regex]::Matches((Get-Pane $r.Session), 'got INT')).Count | Should -Be 1
        $c = Get-Container sigint-trap
        $c.Status | Should -Be 'Exited'
        $c.ExitCode | Should -Be 3
    }

    It 'stops a container that ignores SIGINT after its stop timeout, and reports its exit code' {
        $r = Start-AttachedRun sigint-ignored 'trap "" INT; echo ready; while true; do sleep 0.2; done' '-StopTimeout 2'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Send-Keys $r.Session 'C-c'
        # PID 1 without handlers ignores SIGTERM too: docker stop's SIGKILL ends it, 137
        Wait-Marker $r.Marker | Should -Be 'EXIT=137'
        $sw.Elapsed.TotalSeconds | Should -BeGreaterThan 1.5
        (Get-Container sigint-ignored).Status | Should -Be 'Exited'
    }

    It 'stops it at once on a second Ctrl+C' {
        $r = Start-AttachedRun sigint-twice 'trap "echo got INT" INT; echo ready; while true; do sleep 0.2; done' '-StopTimeout 120'
        Send-Keys $r.Session 'C-c'
        Wait-Pane $r.Session 'got INT' | Should -BeTrue   # (after the terminal's ^C echo, on its line)
        Start-Sleep -Milliseconds 300
        Test-Path $r.Marker | Should -BeFalse   # still running: it survived the first Ctrl+C
        Send-Keys $r.Session 'C-c'
        Wait-Marker $r.Marker -Timeout 20 | Should -Be 'EXIT=137'
        (Get-Container sigint-twice).Status | Should -Be 'Exited'
    }

    It 'gives an attached Invoke-ContainerExec the same: SIGINT once to its process, its last lines, $LASTEXITCODE its code (issue 10.1)' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name sigint-exec-box -- sleep 600
        $r = Start-AttachedCommand sigint-exec "Invoke-ContainerExec sigint-exec-box -- sh -c 'trap ""echo got INT; sleep 1; echo after-trap; exit 3"" INT; echo ready; while true; do sleep 0.2; done'"
        Send-Keys $r.Session 'C-c'
        Wait-Marker $r.Marker | Should -Be 'EXIT=3'
        Wait-Pane $r.Session '(?s)got INT.*after-trap' | Should -BeTrue
        ([regex]::Matches((Get-Pane $r.Session), 'got INT')).Count | Should -Be 1
        # the exec's process got the signal, not the container's main process
        (Get-Container sigint-exec-box).Status | Should -Be 'Running'
    }

    It 'kills an exec that ignores SIGINT after the container''s stop timeout, and at once on a second Ctrl+C (issue 10.1)' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name sigint-exec-box2 -StopTimeout 2 -- sleep 600
        $r = Start-AttachedCommand sigint-exec-ignored "Invoke-ContainerExec sigint-exec-box2 -- sh -c 'trap """" INT; echo ready; while true; do sleep 0.2; done'"
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Send-Keys $r.Session 'C-c'
        Wait-Marker $r.Marker | Should -Be 'EXIT=137'
        $sw.Elapsed.TotalSeconds | Should -BeGreaterThan 1.5
        (Get-Container sigint-exec-box2).Status | Should -Be 'Running'

        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name sigint-exec-box3 -StopTimeout 120 -- sleep 600
        $r = Start-AttachedCommand sigint-exec-twice "Invoke-ContainerExec sigint-exec-box3 -- sh -c 'trap ""echo got INT"" INT; echo ready; while true; do sleep 0.2; done'"
        Send-Keys $r.Session 'C-c'
        Wait-Pane $r.Session 'got INT' | Should -BeTrue
        Start-Sleep -Milliseconds 300
        Test-Path $r.Marker | Should -BeFalse   # still running: it survived the first Ctrl+C
        Send-Keys $r.Session 'C-c'
        Wait-Marker $r.Marker -Timeout 20 | Should -Be 'EXIT=137'
        (Get-Container sigint-exec-box3).Status | Should -Be 'Running'
    }
}

Describe '-Interactive without -Tty on a terminal gives the prompt back at the exit (issue 10.11)' -Skip:(-not (Get-Command tmux -ErrorAction SilentlyContinue)) {
    BeforeAll {
        # an interactive pwsh (PSReadLine's prompt) on a tmux pty, with the commands typed at its prompt as a user does
        function Start-TmuxPrompt {
            $s = 's' + [guid]::NewGuid().ToString('N').Substring(0, 6)
            $file = Join-Path $TestDrive "$s.ps1"
            "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; 'ready-prompt'" | Set-Content $file
            & tmux -L $Sock new-session -d -s $s -x 150 -y 40 "$Pwsh -NoProfile -NoLogo -NoExit -File $file"
            Wait-Pane $s '(?m)^ready-prompt' -Timeout 30 | Should -BeTrue
            Wait-Pane $s '(?m)^PS .*>' | Should -BeTrue
            $s
        }
        # types a statement at the prompt; the output line it prints (a computed value, not the typed text) must appear
        function Test-PromptAnswers([string] $Session, [int] $N, [double] $Timeout = 5) {
            Send-Keys $Session "`"after-`" + ($N * 10 + 1)", 'Enter'
            Wait-Pane $Session "(?m)^after-$($N * 10 + 1)\s*$" -Timeout $Timeout
        }
        # types a command at the prompt that reads a line, then the line; the command's echo of it must appear
        # -Ready says when the command's process is up and reading (typed earlier, the line could reach the prompt
        # instead of the container under load); then a moment for the stdin pump
        function Test-TypedLine([string] $Session, [string] $Command, [string] $Line, [string] $Expected, [scriptblock] $Ready) {
            Send-Keys $Session $Command, 'Enter'
            Wait-ContainerCondition $Ready -TimeoutSeconds 30 | Out-Null
            Start-Sleep -Milliseconds 500
            Send-Keys $Session $Line, 'Enter'
            Wait-Pane $Session "(?m)^$Expected"
        }
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name prompt-box -- sleep 600
    }
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'Invoke-ContainerImage -Interactive -- true: the next statement typed runs at once' {
        $s = Start-TmuxPrompt
        Send-Keys $s 'Invoke-ContainerImage busybox-test:latest -Interactive -Name prompt-true -- true; "RUN-EXIT=$LASTEXITCODE"', 'Enter'
        Wait-Pane $s '(?m)^RUN-EXIT=0' | Should -BeTrue
        Test-PromptAnswers $s 1 | Should -BeTrue
        # and again: no key of the first statement was eaten
        Test-PromptAnswers $s 2 | Should -BeTrue
        (Get-Container prompt-true).Status | Should -Be 'Exited'
    }

    It 'a container that reads a typed line gets it, and the prompt comes back after its exit' {
        $s = Start-TmuxPrompt
        Test-TypedLine $s 'Invoke-ContainerImage busybox-test:latest -Interactive -Remove -Name prompt-read -- sh -c ''read x; echo got=$x''' 'typed-line' 'got=typed-line' -Ready { (Get-Container prompt-read -ErrorAction Ignore).Status -eq 'Running' } | Should -BeTrue
        Test-PromptAnswers $s 3 | Should -BeTrue
    }

    It 'Invoke-ContainerExec -Interactive (no -Tty) returns the prompt, with and without reading a line' {
        $s = Start-TmuxPrompt
        Send-Keys $s 'Invoke-ContainerExec prompt-box -Interactive -- true; "EXEC-EXIT=$LASTEXITCODE"', 'Enter'
        Wait-Pane $s '(?m)^EXEC-EXIT=0' | Should -BeTrue
        Test-PromptAnswers $s 4 | Should -BeTrue
        Test-TypedLine $s 'Invoke-ContainerExec prompt-box -Interactive -- sh -c ''read x; echo exec-got=$x''' 'exec-line' 'exec-got=exec-line' -Ready { (Get-ContainerProcess prompt-box).Command -match 'exec-got' } | Should -BeTrue
        Test-PromptAnswers $s 5 | Should -BeTrue
    }

    It 'Start-Container -Attach -Interactive (no -Tty) returns the prompt' {
        $null = New-Container busybox-test:latest -Name prompt-start -Interactive -- sh -c 'read x; echo start-got=$x'
        $s = Start-TmuxPrompt
        Test-TypedLine $s 'Start-Container prompt-start -Attach -Interactive' 'start-line' 'start-got=start-line' -Ready { (Get-Container prompt-start).Status -eq 'Running' } | Should -BeTrue
        Test-PromptAnswers $s 6 | Should -BeTrue
    }
}
