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

    It 'Invoke-ContainerExec -Interactive -Tty runs a program on the terminal' {
        $s = Start-TmuxPwsh 'Invoke-ContainerExec enter-me -Interactive -Tty sh -c "read x; echo got-`$x"; "EXEC-EXIT=$LASTEXITCODE"'
        Start-Sleep -Milliseconds 800
        Send-Keys $s 'typed', 'Enter'
        Wait-Pane $s 'got-typed' | Should -BeTrue
        Wait-Pane $s 'EXEC-EXIT=0' | Should -BeTrue
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
