# docker diff, docker info and docker inspect on real containers: Get-ContainerChange reads a container's writable
# layer against its image; Get-ContainerSystemInfo reports the store and the host; Get-Container | ConvertTo-Json
# carries what docker inspect users read (networks, ports, state, mounts, effective config, host config).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Remove-ContainerTestStore $script:Root
}

Describe 'Get-ContainerChange' {
    It 'lists what a stopped container added, changed and deleted, as docker diff does' {
        Invoke-ContainerImage busybox-test:latest -Name diff1 -- sh -c 'echo hi > /tmp/new; rm /bin/ls; mkdir -p /opt/a; echo x > /opt/a/f; echo >> /etc/passwd' | Out-Null
        $changes = @(Get-ContainerChange diff1)
        $changes | ForEach-Object { $_ | Should -BeOfType PsContainers.Core.Containers.ContainerChange }
        ($changes | ForEach-Object { "$_" }) | Should -Be @('C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'A /opt', 'A /opt/a', 'A /opt/a/f', 'C /tmp', 'A /tmp/new')
        (Get-ContainerChange diff1 -Kind Deleted).Path | Should -Be '/bin/ls'
        (Get-Container diff1 | Get-ContainerChange -Kind Added).Path | Should -Be @('/opt', '/opt/a', '/opt/a/f', '/tmp/new')
        (Diff-Container diff1 | Format-Table | Out-String -Width 80) | Should -Match '(?m)^D\s+/bin/ls\s*$'
    }

    It 'reads a running container, leaves out the runtime''s mount points, and reports links without entering them' {
        Invoke-ContainerImage busybox-test:latest -Detach -Name diff2 -Volume /data -- sh -c 'ln -s ../../elsewhere /escape; sleep 30' | Out-Null
        $got = Wait-ContainerCondition { @(Get-ContainerChange diff2).Path -contains '/escape' }
        $got | Should -BeTrue
        $paths = @(Get-ContainerChange diff2).Path
        $paths | Should -Be @('/escape')
        Remove-Container diff2 -Force -Confirm:$false
    }

    It 'writes a non-terminating ObjectNotFound for a name that matches nothing' {
        Get-ContainerChange no-such-container -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^ContainerNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Get-ContainerSystemInfo' {
    It 'counts what the store holds as the Get- cmdlets see it, and reports the host' {
        $c = Invoke-ContainerImage busybox-test:latest -Detach -Name info-run -- sleep 30
        New-Container busybox-test:latest -Name info-created -- true | Out-Null
        Suspend-Container info-run
        try {
            $i = Get-ContainerSystemInfo
            $i | Should -BeOfType PsContainers.Core.EngineInfo
            $i.StoreRoot | Should -Be $Root
            $i.Containers | Should -Be @(Get-Container -All).Count
            $i.ContainersPaused | Should -Be 1
            $i.ContainersRunning | Should -Be 0
            $i.ContainersStopped | Should -Be (@(Get-Container -All).Count - 1)
            $i.Images | Should -Be @(Get-ContainerImage).Count
            $i.Volumes | Should -Be @(Get-ContainerVolume).Count
            $i.Networks | Should -Be @(Get-ContainerNetwork).Count
        }
        finally { Resume-Container info-run }
        (Get-ContainerSystemInfo).ContainersRunning | Should -Be 1
        Remove-Container info-run, info-created -Force -Confirm:$false
        $i.StorageDriver | Should -Be 'overlay'
        $i.BackingFilesystem | Should -Be (& stat -f -c %T $Root).Replace('ext2/ext3', 'ext4')
        $i.KernelVersion | Should -Be (& uname -r)
        $i.Cpus | Should -Be ([Environment]::ProcessorCount)
        $i.MemoryTotal | Should -BeGreaterThan 0
        $i.CgroupVersion | Should -Be $(if (Test-Path /sys/fs/cgroup/cgroup.controllers) { '2' } elseif (Test-Path /sys/fs/cgroup/unified) { '1 (hybrid)' } else { '1' })
        $i.Runtime | Should -Be (Get-ContainerConfiguration).Runtime
        $i.EngineVersion | Should -Be (Get-ContainerVersion).EngineVersion
        ($i | Format-List | Out-String -Width 80) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'changes nothing in an empty store' {
        $empty = Join-Path $TestDrive 'empty-root'
        New-Item -ItemType Directory $empty | Out-Null
        $saved = $env:PSCONTAINERS_ROOT
        try {
            $env:PSCONTAINERS_ROOT = $empty
            $i = Get-ContainerSystemInfo
            $i.Containers | Should -Be 0
            $i.Images | Should -Be 0
            $i.Networks | Should -Be 0
            @(Get-ChildItem $empty -Force) | Should -BeNullOrEmpty
        }
        finally { $env:PSCONTAINERS_ROOT = $saved }
    }
}

Describe 'Get-Container as docker inspect' {
    BeforeAll {
        $script:Port = Get-FreeTcpPort -Preferred 18480
        $null = New-ContainerVolume insp-vol
        $script:Bind = Join-Path $TestDrive 'bind'
        New-Item -ItemType Directory $script:Bind | Out-Null
        Set-Content (Join-Path $script:Bind 'f.txt') 'from the bind'
        $script:Web = Invoke-ContainerImage busybox-test:latest -Detach -Name insp-web -Publish "$($script:Port):80" `
            -Volume 'insp-vol:/data', "$($script:Bind):/b:ro" -Memory 64MB -Restart on-failure:2 -HealthCommand true -HealthInterval 1s `
            -Command sh, -c, 'exec httpd -f -p 80 -h /'
        $script:Text = Get-Container insp-web | ConvertTo-Json -Depth 8
        $script:J = $script:Text | ConvertFrom-Json
        $script:Net = Get-ContainerNetwork pscontainers
    }
    AfterAll {
        Get-Container insp-web -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
        Remove-ContainerVolume insp-vol -Force -ErrorAction SilentlyContinue
    }

    It 'carries the address, prefix, gateway, MAC, aliases and network id of the network it joined' {
        $e = $script:J.NetworkSettings.Networks.pscontainers
        $e.IPAddress | Should -Match '^10\.89\.0\.\d+$'
        $e.IPPrefixLen | Should -Be 24
        $e.Gateway | Should -Be $script:Net.Gateway
        $e.NetworkID | Should -Be $script:Net.Id
        $e.NetworkID | Should -Match '^[0-9a-f]{64}$'
        @($e.Aliases).Count | Should -Be 0
        $e.IPAMConfig | Should -BeNullOrEmpty
        # the MAC is eth0's inside the container
        $e.MacAddress | Should -Be ((Invoke-ContainerExec insp-web -- cat /sys/class/net/eth0/address) | Select-Object -First 1)
        $script:J.NetworkSettings.SandboxKey | Should -Not -BeNullOrEmpty
        Test-Path $script:J.NetworkSettings.SandboxKey | Should -BeTrue
    }

    It 'gives an address another container reaches: ping and HTTP' {
        $ip = $script:J.NetworkSettings.Networks.pscontainers.IPAddress
        $null = Wait-ContainerCondition { (Get-Container insp-web).Status -eq 'Running' }
        Invoke-ContainerImage busybox-test:latest -Remove -Command sh, -c, "ping -c1 -W2 $ip >/dev/null && wget -q -O - http://$($ip):80/b/f.txt" |
            Should -Be 'from the bind'
    }

    It 'shows the published port as structured bindings, and what was asked in HostConfig' {
        $b = @($script:J.NetworkSettings.Ports.'80/tcp')
        $b.Count | Should -Be 1
        $b[0].HostIp | Should -Be '0.0.0.0'
        $b[0].HostPort | Should -Be "$($script:Port)"
        $script:J.HostConfig.PortBindings[0].HostPort | Should -Be $script:Port
        $script:J.HostConfig.PortBindings[0].ContainerPort | Should -Be 80
        $script:J.Config.ExposedPorts | Should -Contain '80/tcp'
    }

    It 'shows the state with the status as text' {
        $st = $script:J.State
        $st.Status | Should -BeOfType [string]
        $st.Status | Should -Be 'Running'
        $st.Running | Should -BeTrue
        $st.Paused | Should -BeFalse
        $st.Dead | Should -BeFalse
        $st.OOMKilled | Should -BeFalse
        $st.Pid | Should -BeGreaterThan 0
        $st.Pid | Should -Be (Get-Container insp-web).Pid
        $st.RestartCount | Should -Be 0
        $st.Error | Should -BeNullOrEmpty
        [datetime] $st.StartedAt | Should -BeGreaterThan ([datetime] $script:J.Created)
        $st.Health.Status | Should -BeIn @('Starting', 'Healthy')
        $script:Text | Should -Not -Match '"(Status|Type|NetworkMode|Name)":\s*\d'
    }

    It 'lists the mounts with type, name, source, destination, mode, RW and propagation' {
        $v = $script:J.Mounts | Where-Object Destination -eq '/data'
        $v.Type | Should -Be 'Volume'
        $v.Name | Should -Be 'insp-vol'
        # docker's Source: the volume's directory on the host (…/volumes/<name>/_data), the store's volume data directory
        $v.Source | Should -Be (Get-ContainerVolume insp-vol).Mountpoint
        $v.Source | Should -Be (Join-Path $script:Root 'volumes/insp-vol/_data')
        Test-Path -LiteralPath $v.Source -PathType Container | Should -BeTrue
        Invoke-ContainerExec insp-web -- sh -c 'echo written-inside > /data/from-container'
        Get-Content -LiteralPath (Join-Path $v.Source 'from-container') | Should -Be 'written-inside'
        $v.Driver | Should -Be 'local'
        $v.RW | Should -BeTrue
        $v.Mode | Should -Be 'rw'
        $b = $script:J.Mounts | Where-Object Destination -eq '/b'
        $b.Type | Should -Be 'Bind'
        $b.Name | Should -BeNullOrEmpty
        $b.Source | Should -Be $script:Bind
        $b.RW | Should -BeFalse
        $b.Mode | Should -Be 'ro'
        $b.Propagation | Should -Be 'rprivate'
        $script:J.HostConfig.Binds | Should -Be @('insp-vol:/data', "$($script:Bind):/b:ro")
    }

    It 'shows the effective config (the image''s merged with the options) and the host config''s limits' {
        $cfg = $script:J.Config
        $cfg.Env | Should -Contain 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        $cfg.Cmd | Should -Be @('sh', '-c', 'exec httpd -f -p 80 -h /')
        $cfg.WorkingDir | Should -Be '/'
        $cfg.Labels.'org.opencontainers.image.title' | Should -Be 'busybox-test'
        $cfg.Healthcheck.Test | Should -Be @('CMD-SHELL', 'true')
        $cfg.Healthcheck.Interval | Should -Be 1000000000
        $hc = $script:J.HostConfig
        $hc.Memory | Should -Be 64MB
        $hc.RestartPolicy.Name | Should -Be 'OnFailure'
        $hc.RestartPolicy.MaximumRetryCount | Should -Be 2
        $hc.NetworkMode | Should -Be 'Bridge'
        $hc.NetworkModeName | Should -Be 'bridge'
        $hc.Privileged | Should -BeFalse
        $hc.ReadonlyRootfs | Should -BeFalse
        $hc.ShmSize | Should -Be 64MB
    }

    It 'clears the network fields after a stop, as docker does, and keeps what was asked' {
        Stop-Container insp-web -Timeout 1
        $j = Get-Container insp-web | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        $e = $j.NetworkSettings.Networks.pscontainers
        $e.IPAddress | Should -BeNullOrEmpty
        $e.IPPrefixLen | Should -Be 0
        $e.Gateway | Should -BeNullOrEmpty
        $e.MacAddress | Should -BeNullOrEmpty
        $e.NetworkID | Should -Be $script:Net.Id
        @($j.NetworkSettings.Ports.PSObject.Properties).Count | Should -Be 0
        $j.NetworkSettings.SandboxKey | Should -BeNullOrEmpty
        $j.State.Status | Should -Be 'Exited'
        $j.State.Running | Should -BeFalse
        $j.State.Pid | Should -Be 0
        $j.HostConfig.PortBindings[0].HostPort | Should -Be $script:Port
        # started again, it has its network fields back
        Start-Container insp-web
        (Get-Container insp-web).NetworkSettings.Networks['pscontainers'].IPAddress | Should -Match '^10\.89\.0\.\d+$'
        (Get-Container insp-web).NetworkSettings.Ports['80/tcp'][0].HostPort | Should -Be "$($script:Port)"
    }

    It 'shows a fixed address asked for in IPAMConfig before the start, and as IPAddress once it runs' {
        $ip = $script:Net.Gateway -replace '\.1$', '.231'
        $c = New-Container busybox-test:latest -Name insp-fixed -IPAddress $ip -NetworkAlias insp-alias -Command sleep, 30
        try {
            $e = (Get-Container insp-fixed).NetworkSettings.Networks['pscontainers']
            $e.IPAMConfig.IPv4Address | Should -Be $ip
            $e.IPAddress | Should -BeNullOrEmpty
            $e.Aliases | Should -Be @('insp-alias')
            Start-Container insp-fixed
            $e = (Get-Container insp-fixed | ConvertTo-Json -Depth 8 | ConvertFrom-Json).NetworkSettings.Networks.pscontainers
            $e.IPAddress | Should -Be $ip
            $e.IPAMConfig.IPv4Address | Should -Be $ip
            $e.Aliases | Should -Be @('insp-alias')
        } finally { Remove-Container insp-fixed -Force -Confirm:$false }
    }

    It 'has no network entry, address or ports on the host''s network or on none' {
        foreach ($mode in 'host', 'none') {
            $null = Invoke-ContainerImage busybox-test:latest -Detach -Name "insp-$mode" -Network $mode -Command sleep, 30
            try {
                $text = Get-Container "insp-$mode" | ConvertTo-Json -Depth 8
                $j = $text | ConvertFrom-Json
                $j.State.Status | Should -Be 'Running'
                $j.HostConfig.NetworkModeName | Should -Be $mode
                @($j.NetworkSettings.Networks.PSObject.Properties).Count | Should -Be 0
                @($j.NetworkSettings.Ports.PSObject.Properties).Count | Should -Be 0
                $j.NetworkSettings.SandboxKey | Should -BeNullOrEmpty
                $text | Should -Not -Match '"IPAddress":\s*"\d'
            } finally { Remove-Container "insp-$mode" -Force -Confirm:$false }
        }
    }

    It 'keeps the default table view: the same columns, the published port' {
        $lines = (Get-Container insp-web | Out-String -Width 120) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^CONTAINER ID\s+NAMES\s+IMAGE\s+STATUS\s+PORTS\s+CREATED\s+COMMAND'
        $lines[2] | Should -Match 'insp-web'
        $lines[2] | Should -Match ([regex]::Escape("0.0.0.0:$($script:Port)->80/tcp"))
    }
}
