# Copy-ContainerItem through the container's mounts (issue 11, docker cp): volumes and binds are read and written at
# their host source, a read-only mount is refused, the engine's /etc/hostname is the container's, a tmpfs is refused
# by name, and a link in a volume never leads out of it (that one inside the private mount namespace harness).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/HostSafety.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    $script:Imports = @("$PSScriptRoot/Images.Helpers.psm1", "$PSScriptRoot/HostSafety.Helpers.psm1")
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Copy-ContainerItem goes through volumes and binds' {
    BeforeAll {
        $script:Bind = Join-Path $TestDrive 'bind'
        New-Item -ItemType Directory $script:Bind | Out-Null
        'from bind' | Set-Content "$script:Bind/f.txt"
        $null = Invoke-ContainerImage $script:Img -Detach -Name cpm -Network none -Volume "cpmvol$($PID):/data", "$($script:Bind):/mnt/b:ro" `
            -Tmpfs /scratch -Hostname cpm-host -- sleep 300
        Invoke-ContainerExec cpm sh -c 'echo from volume > /data/v.txt'
    }
    AfterAll {
        Get-Container -All | Remove-Container -Force
        Remove-ContainerVolume "cpmvol$($PID)" -ErrorAction SilentlyContinue
    }

    It 'copies into the volume, visible inside the running container' {
        'in two' | Set-Content "$TestDrive/in2.txt"
        Copy-ContainerItem "$TestDrive/in2.txt" cpm:/data/in2.txt
        Invoke-ContainerExec cpm cat /data/in2.txt | Should -Be 'in two'
    }

    It 'copies out of the volume and out of the read-only bind' {
        Copy-ContainerItem cpm:/data/v.txt "$TestDrive/v.txt"
        Get-Content "$TestDrive/v.txt" | Should -Be 'from volume'
        Copy-ContainerItem cpm:/mnt/b/f.txt "$TestDrive/f.txt"
        Get-Content "$TestDrive/f.txt" | Should -Be 'from bind'
        Copy-ContainerItem cpm:/data "$TestDrive/datacopy"
        Get-Content "$TestDrive/datacopy/v.txt" | Should -Be 'from volume'
    }

    It 'refuses to write into the read-only bind and writes nothing' {
        'no' | Set-Content "$TestDrive/no.txt"
        $err = $null
        Copy-ContainerItem "$TestDrive/no.txt" cpm:/mnt/b/no.txt -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^CopyReadOnlyMount'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        Test-Path "$script:Bind/no.txt" | Should -BeFalse
        Invoke-ContainerExec cpm sh -c 'ls /mnt/b' | Should -Be 'f.txt'
    }

    It 'copies into a bind that is writable, visible inside' {
        $rw = Join-Path $TestDrive 'rw'
        New-Item -ItemType Directory $rw | Out-Null
        $null = Invoke-ContainerImage $script:Img -Detach -Name cpm-rw -Network none -Volume "$($rw):/mnt/rw" -- sleep 300
        'bound' | Set-Content "$TestDrive/b.txt"
        Copy-ContainerItem "$TestDrive/b.txt" cpm-rw:/mnt/rw/
        Get-Content "$rw/b.txt" | Should -Be 'bound'
        Invoke-ContainerExec cpm-rw cat /mnt/rw/b.txt | Should -Be 'bound'
    }

    It 'reads the container''s /etc/hostname, not the image''s, running and stopped' {
        Copy-ContainerItem cpm:/etc/hostname "$TestDrive/hn"
        Get-Content "$TestDrive/hn" | Should -Be 'cpm-host'
        Stop-Container cpm -Timeout 1
        Copy-ContainerItem cpm:/etc/hostname "$TestDrive/hn2"
        Get-Content "$TestDrive/hn2" | Should -Be 'cpm-host'
        Copy-ContainerItem cpm:/data/v.txt "$TestDrive/v-stopped.txt"
        Get-Content "$TestDrive/v-stopped.txt" | Should -Be 'from volume'
        Start-Container cpm
    }

    It 'names the tmpfs for a path on one' {
        $err = $null
        Copy-ContainerItem cpm:/scratch/x "$TestDrive/x" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^CopyTmpfsMount'
        $err[0].Exception.Message | Should -Match "tmpfs mounted at '/scratch'"
        'y' | Set-Content "$TestDrive/y.txt"
        Copy-ContainerItem "$TestDrive/y.txt" cpm:/scratch/y.txt -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^CopyTmpfsMount'
        Invoke-ContainerExec cpm sh -c 'ls /scratch | wc -l' | Should -Be '0'
    }
}

Describe 'Copy-ContainerItem never leaves a volume through a link in it' {
    It 'resolves links to /, /etc and the sentinel inside the volume, both ways' {
        $r = Invoke-InPrivateMountNamespace -ImportModule $script:Imports -ScriptBlock {
            $ErrorActionPreference = 'Stop'
            New-SentinelTree /tmp/psc-sentinel
            $before = @(Get-TreeSnapshot /tmp/psc-sentinel)
            $work = '/tmp/psc-work'
            New-Item -ItemType Directory "$work/root" -Force | Out-Null
            New-Item -ItemType Directory "$work/root/etc" -Force | Out-Null
            'image' | Set-Content "$work/root/etc/issue"
            New-LayerTarFromDirectory "$work/root" "$work/l.tar"
            $null = New-TestImageFromLayerTars -Path "$work/image.tar" -LayerTar "$work/l.tar" -Name 'cpmv:1'
            $null = Import-ContainerImage "$work/image.tar"
            $null = New-ContainerVolume cpvvol
            $null = New-Container cpmv:1 -Name cpv -Network none -Volume 'cpvvol:/data'
            $vol = (Get-ContainerVolume cpvvol).Mountpoint
            New-Item -ItemType SymbolicLink "$vol/root" -Target / | Out-Null
            New-Item -ItemType SymbolicLink "$vol/etc" -Target /etc | Out-Null
            New-Item -ItemType SymbolicLink "$vol/sent" -Target /tmp/psc-sentinel | Out-Null
            New-Item -ItemType Directory /tmp/out | Out-Null
            'evil' | Set-Content /tmp/out/evil.txt
            Copy-ContainerItem /tmp/out/evil.txt cpv:/data/root/evil.txt
            Copy-ContainerItem /tmp/out/evil.txt cpv:/data/sent/evil.txt -ErrorAction SilentlyContinue
            $outErr = $null
            Copy-ContainerItem cpv:/data/etc/passwd /tmp/out/passwd -ErrorVariable outErr -ErrorAction SilentlyContinue
            Copy-ContainerItem cpv:/data/sent/file /tmp/out/sent-file -ErrorAction SilentlyContinue
            [pscustomobject]@{
                Before = $before; After = @(Get-TreeSnapshot /tmp/psc-sentinel)
                InVolume = Get-Content "$vol/evil.txt"
                HostEvil = (Test-Path /evil.txt) -or (Test-Path /tmp/psc-sentinel/evil.txt)
                Passwd = Test-Path /tmp/out/passwd
                PasswdError = "$($outErr[0].FullyQualifiedErrorId)"
                SentCopied = Test-Path /tmp/out/sent-file
            }
        }
        $r.InVolume | Should -Be 'evil'
        $r.HostEvil | Should -BeFalse
        $r.Passwd | Should -BeFalse
        # the volume's etc -> /etc names the volume's etc: itself, a loop, never the host's /etc
        $r.PasswdError | Should -Match '^TooManySymlinks'
        $r.SentCopied | Should -BeFalse
        $r.After | Should -Be $r.Before
    }
}
