# Restart after a host reboot (issue 13), without a daemon: Restore-Container is the boot step and
# Register-ContainerBootService installs what runs it at boot. The reboot is simulated on this test's own store only:
# every monitor and container process of the test root is killed with SIGKILL, the rootfs mounts are dropped, and
# what a reboot clears (the runtime state dir, this test's containers' /run/netns/psc-* files and IPAM leases under
# /run/pscontainers) is deleted. Nothing outside the test root and its containers' own entries is touched.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'

    function script:Get-MonitorPid([string] $Id) {
        <# pids of the pscmon processes of container $Id of this test's store. #>
        Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$' | Where-Object {
            $cmd = try { [IO.File]::ReadAllText("/proc/$($_.Name)/cmdline") } catch { '' }
            $cmd -like "*pscmon*$Id*" -and $cmd -like "*$script:Root*"
        } | ForEach-Object { [int] $_.Name }
    }
    function script:Get-NetnsFile([string] $Id) { "/run/netns/psc-$($Id.Substring(0, 16))" }
    function script:Test-Mounted([string] $Path) {
        @(Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq $Path }).Count -gt 0
    }
    function script:Invoke-SimulatedReboot([object[]] $Containers) {
        <# What a reboot does to these containers: every process gone at once, mounts gone, /run cleared. #>
        foreach ($c in $Containers) { foreach ($p in @(Get-MonitorPid $c.Id)) { & kill -9 $p 2>$null } }
        foreach ($c in $Containers) { foreach ($p in @(Get-ProcessesOfContainer $c.Id)) { & kill -9 $p 2>$null } }
        foreach ($c in $Containers) {
            Wait-ContainerCondition { @(Get-MonitorPid $c.Id).Count -eq 0 -and @(Get-ProcessesOfContainer $c.Id).Count -eq 0 } -TimeoutSeconds 20 | Should -BeTrue
            $rootfs = Join-Path $script:Root "containers/$($c.Id)/rootfs"
            while (Test-Mounted $rootfs) { & umount -l $rootfs }
            $ns = Get-NetnsFile $c.Id
            if (Test-Path -LiteralPath $ns) { & umount -l $ns 2>$null; Remove-Item -LiteralPath $ns -Force }
            # this container's IPAM leases (host-local writes the container id into each lease file)
            if (Test-Path /run/pscontainers/ipam) {
                Get-ChildItem /run/pscontainers/ipam -File -Recurse -ErrorAction SilentlyContinue |
                    Where-Object { (Get-Content -Raw -LiteralPath $_.FullName -ErrorAction SilentlyContinue) -like "*$($c.Id)*" } |
                    Remove-Item -Force
            }
        }
        # a reboot also empties iptables: drop the rules CNI added for these containers (their comments name the
        # container id) and the chains only they jump to; nothing else is touched
        foreach ($table in 'nat', 'filter') {
            $rules = @(& iptables -t $table -S 2>$null | Where-Object { $r = $_; $Containers | Where-Object { $r -like "*$($_.Id)*" } })
            $chains = @($rules | ForEach-Object { if ($_ -match '-j (CNI-[0-9a-f]{24})\b') { $Matches[1] } } | Sort-Object -Unique)
            foreach ($r in $rules) { if ($r -like '-A *') { & /bin/sh -c "iptables -t $table $($r -replace '^-A ', '-D ')" 2>$null } }
            foreach ($ch in $chains) { & iptables -t $table -F $ch 2>$null; & iptables -t $table -X $ch 2>$null }
        }
        # the runtime's state lives under the store root here; on a real host it is gone with /run
        Remove-Item -LiteralPath (Join-Path $script:Root 'runtime') -Recurse -Force -ErrorAction SilentlyContinue
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Restore-Container after a simulated reboot' {
    BeforeAll {
        $script:Boot = Join-Path $TestDrive 'bootroot'
        $script:C = [ordered]@{}
        foreach ($p in 'always', 'unless-stopped', 'no', 'on-failure') {
            $script:C[$p] = Invoke-ContainerImage $Img -Detach -Name "boot-$p" -Restart $p sleep 300
        }
        $script:C['stopped'] = Invoke-ContainerImage $Img -Detach -Name 'boot-stopped' -Restart unless-stopped sleep 300
        Stop-Container boot-stopped -Timeout 1
        (Get-Container boot-stopped).Status | Should -Be 'Exited'
        foreach ($n in 'always', 'unless-stopped', 'no', 'on-failure') { (Get-Container "boot-$n").Status | Should -Be 'Running' }
        $script:Before = @{}
        foreach ($k in $script:C.Keys) { $script:Before[$k] = (Get-Container "boot-$k").State.MonitorPid }
        Invoke-SimulatedReboot @($script:C.Values)
    }

    It 'sees the running containers as exited with their monitor lost' {
        foreach ($n in 'always', 'unless-stopped', 'no', 'on-failure', 'stopped') { (Get-Container "boot-$n").Status | Should -Be 'Exited' }
    }

    It 'starts nothing with -WhatIf' {
        Restore-Container -WhatIf | Should -BeNullOrEmpty
        foreach ($n in 'always', 'unless-stopped', 'no', 'on-failure', 'stopped') {
            (Get-Container "boot-$n").Status | Should -Be 'Exited'
            @(Get-MonitorPid $script:C[$n].Id).Count | Should -Be 0
        }
    }

    It 'runs the boot step the installed unit runs, and exactly always and unless-stopped (not stopped) come back' {
        $reg = Register-ContainerBootService -Root $script:Boot -WarningAction SilentlyContinue
        $exec = (Get-Content $reg.UnitPath | Where-Object { $_ -like 'ExecStart=*' }).Substring('ExecStart='.Length).Replace('%%', '%')
        $envLine = (Get-Content $reg.UnitPath | Where-Object { $_ -like 'Environment=*' })
        $envLine | Should -Be "Environment=`"PSCONTAINERS_ROOT=$script:Root`""
        # the command as systemd would run it, from a clean process (its own pwsh, the module imported by path)
        $out = & /bin/sh -c "PSCONTAINERS_ROOT='$script:Root' $exec" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        foreach ($n in 'always', 'unless-stopped') {
            $c = Get-Container "boot-$n"
            $c.Status | Should -Be 'Running'
            $c.State.MonitorPid | Should -Not -Be $script:Before[$n]
            @(Get-MonitorPid $c.Id).Count | Should -Be 1
            Test-Path "/proc/$($c.Pid)" | Should -BeTrue
            Invoke-ContainerExec "boot-$n" cat /proc/1/cmdline | Should -Match 'sleep'
        }
        foreach ($n in 'no', 'on-failure', 'stopped') { (Get-Container "boot-$n").Status | Should -Be 'Exited' }
    }

    It 'leaves nothing behind of the containers that stay exited' {
        foreach ($n in 'no', 'on-failure', 'stopped') {
            $id = $script:C[$n].Id
            @(Get-MonitorPid $id).Count | Should -Be 0
            @(Get-ProcessesOfContainer $id).Count | Should -Be 0
            Test-Mounted (Join-Path $script:Root "containers/$id/rootfs") | Should -BeFalse
            Test-Path -LiteralPath (Join-Path $script:Root "runtime/$id") | Should -BeFalse
            Test-Path -LiteralPath (Get-NetnsFile $id) | Should -BeFalse
            (Get-Container "boot-$n").State.MonitorLost | Should -BeFalse
        }
    }

    It 'is idempotent: a second run starts nothing and leaves the running ones as they are' {
        $pids = @{}
        foreach ($n in 'always', 'unless-stopped') { $pids[$n] = (Get-Container "boot-$n").State.MonitorPid }
        Restore-Container -PassThru | Should -BeNullOrEmpty
        foreach ($n in 'always', 'unless-stopped') { (Get-Container "boot-$n").State.MonitorPid | Should -Be $pids[$n] }
    }

    It 'starts only the named containers, and writes them with -PassThru' {
        Stop-Container boot-always -Timeout 1
        # Stop-Container marks the user's stop; always still comes back at boot (docker's rule)
        $r = @(Restore-Container -Name 'boot-a*', 'boot-no' -PassThru)
        $r.Name | Should -Be @('boot-always')
        $r.Status | Should -Be 'Running' -Because 'what -PassThru writes is the container as the start left it'
        (Get-Container boot-always).Status | Should -Be 'Running'
        (Get-Container boot-no).Status | Should -Be 'Exited'
        # from the pipeline by property name
        Stop-Container boot-always -Timeout 1
        @(Get-Container boot-always | Restore-Container -PassThru).Name | Should -Be @('boot-always')
    }
}

Describe 'Register-ContainerBootService and Unregister-ContainerBootService' {
    BeforeEach {
        $script:Boot = Join-Path $TestDrive ('root-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    }

    It 'writes the systemd unit under -Root, and warns how to hook it in without systemd' {
        $warn = $null
        $reg = Register-ContainerBootService -Root $script:Boot -PowerShellPath '/opt/pwsh 100%/pwsh' -WarningVariable warn -WarningAction SilentlyContinue
        $reg.UnitPath | Should -Be (Join-Path $script:Boot 'etc/systemd/system/pscontainers-restart.service')
        $reg.Enabled | Should -BeFalse
        $reg.CronPath | Should -BeNullOrEmpty
        $warn.Count | Should -Be 1
        "$warn" | Should -Match 'cron @reboot'
        "$warn" | Should -Match 'rc\.local'
        $text = Get-Content -Raw $reg.UnitPath
        $module = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
        $text | Should -Match '(?m)^\[Unit\]$'
        $text | Should -Match '(?m)^After=network-online\.target local-fs\.target$'
        $text | Should -Match '(?m)^Type=oneshot$'
        $text | Should -Match '(?m)^RemainAfterExit=yes$'
        $text | Should -Match '(?m)^KillMode=process$'
        $text | Should -Match '(?m)^WantedBy=default\.target$'
        $text | Should -Match ('(?m)^Environment="PSCONTAINERS_ROOT=' + [regex]::Escape($script:Root) + '"$')
        $exec = "ExecStart=/opt/pwsh 100%%/pwsh -NoLogo -NoProfile -NonInteractive -Command `"Import-Module '$module'; Restore-Container`""
        $text | Should -Match ('(?m)^' + [regex]::Escape($exec) + '$')
        # nothing else is written
        @(Get-ChildItem -Recurse -File $script:Boot).Count | Should -Be 1
    }

    It 'writes the cron @reboot line with -Cron' {
        $reg = Register-ContainerBootService -Root $script:Boot -Cron -PowerShellPath /usr/bin/pwsh -WarningAction Stop
        $reg.CronPath | Should -Be (Join-Path $script:Boot 'etc/cron.d/pscontainers-restart')
        $lines = Get-Content $reg.CronPath
        $lines | Should -Contain "PSCONTAINERS_ROOT=$script:Root"
        $module = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
        $lines | Should -Contain "@reboot root /usr/bin/pwsh -NoLogo -NoProfile -NonInteractive -Command `"Import-Module '$module'; Restore-Container`""
    }

    It 'writes nothing with -WhatIf' {
        Register-ContainerBootService -Root $script:Boot -Cron -WhatIf | Should -BeNullOrEmpty
        Test-Path $script:Boot | Should -BeFalse
    }

    It 'removes what it installed and says what it removed' {
        $reg = Register-ContainerBootService -Root $script:Boot -Cron
        Unregister-ContainerBootService -Root $script:Boot -WhatIf | Should -BeNullOrEmpty
        Test-Path $reg.UnitPath | Should -BeTrue
        $removed = @(Unregister-ContainerBootService -Root $script:Boot)
        $removed | Sort-Object | Should -Be (@($reg.UnitPath, $reg.CronPath) | Sort-Object)
        Test-Path $reg.UnitPath | Should -BeFalse
        Test-Path $reg.CronPath | Should -BeFalse
        @(Unregister-ContainerBootService -Root $script:Boot) | Should -BeNullOrEmpty
    }
}
