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
        # what was asked, in docker's shape too: {"80/tcp": [{"HostIp": "", "HostPort": "<port>"}]}
        @($script:J.HostConfig.PortBindings.PSObject.Properties.Name) | Should -Be @('80/tcp')
        $a = @($script:J.HostConfig.PortBindings.'80/tcp')
        $a.Count | Should -Be 1
        $a[0].HostIp | Should -Be ''
        $a[0].HostPort | Should -Be "$($script:Port)"
        # and typed, for code and the views
        $script:J.HostConfig.PortMappings[0].HostPort | Should -Be $script:Port
        $script:J.HostConfig.PortMappings[0].ContainerPort | Should -Be 80
        @($script:J.Config.ExposedPorts.PSObject.Properties.Name) | Should -Contain '80/tcp'
    }

    It 'shows the state with the status as text' {
        $st = $script:J.State
        $st.Status | Should -BeOfType [string]
        $st.Status | Should -BeExactly 'running'
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
        $v.Type | Should -BeExactly 'volume'
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
        $b.Type | Should -BeExactly 'bind'
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
        $hc.RestartPolicy.Name | Should -BeExactly 'on-failure'
        $hc.RestartPolicy.MaximumRetryCount | Should -Be 2
        $hc.NetworkMode | Should -BeExactly 'bridge' # docker's text, the default network
        $hc.NetworkModeKind | Should -BeExactly 'Bridge'
        $hc.NetworkModeName | Should -BeExactly 'bridge'
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
        $j.HostConfig.PortBindings.'80/tcp'[0].HostPort | Should -Be "$($script:Port)"
        $j.HostConfig.PortMappings[0].HostPort | Should -Be $script:Port
        # started again, it has its network fields back
        Start-Container insp-web
        (Get-Container insp-web).NetworkSettings.Networks['pscontainers'].IPAddress | Should -Match '^10\.89\.0\.\d+$'
        (Get-Container insp-web).NetworkSettings.Ports['80/tcp'][0].HostPort | Should -Be "$($script:Port)"
    }

    It 'shows Config.StopTimeout as docker does: null unless -StopTimeout was given, and State.Pid and MonitorPid 0 once exited (issue 11)' {
        # moby's Config.StopTimeout is *int with omitempty, set only by --stop-timeout; the default 10 applies at stop
        $script:J.Config.StopTimeout | Should -BeNullOrEmpty
        $script:Text | Should -Match '"StopTimeout":\s*null'
        $null = Invoke-ContainerImage busybox-test:latest -Name insp-exit -StopTimeout 7 -- true
        $j = Get-Container insp-exit | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        $j.Config.StopTimeout | Should -Be 7
        $j.State.Status | Should -Be 'Exited'
        $j.State.Pid | Should -Be 0
        $j.State.MonitorPid | Should -Be 0 -Because 'no monitor supervises an exited container'
        (Get-Container insp-exit).Pid | Should -Be 0
        # state.json keeps the monitor's pid (the engine waits on it while the monitor cleans up)
        $rec = Get-Content -Raw (Join-Path $script:Root "containers/$($j.Id)/state.json") | ConvertFrom-Json
        $rec.MonitorPid | Should -BeGreaterThan 0
        Remove-Container insp-exit -Force
        # a running container has both
        (Get-Container insp-web).Status | Should -Be 'Running'
        (Get-Container insp-web).State.Pid | Should -BeGreaterThan 0
        (Get-Container insp-web).State.MonitorPid | Should -BeGreaterThan 0
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

    It 'has one network entry named host or none, with no address, and no ports, on the host''s network or on none' {
        foreach ($mode in 'host', 'none') {
            $null = Invoke-ContainerImage busybox-test:latest -Detach -Name "insp-$mode" -Network $mode -Command sleep, 30
            try {
                $text = Get-Container "insp-$mode" | ConvertTo-Json -Depth 8
                $j = $text | ConvertFrom-Json
                $j.State.Status | Should -Be 'Running'
                $j.HostConfig.NetworkModeName | Should -Be $mode
                $j.HostConfig.NetworkMode | Should -BeExactly $mode
                $j.HostConfig.NetworkModeKind | Should -BeExactly $(if ($mode -eq 'host') { 'Host' } else { 'None' })
                # docker: "Networks": {"host": {... "IPAddress": "", "Gateway": "", "MacAddress": ""}}
                @($j.NetworkSettings.Networks.PSObject.Properties.Name) | Should -Be @($mode)
                $e = $j.NetworkSettings.Networks.$mode
                $e.IPAddress | Should -BeNullOrEmpty
                $e.IPPrefixLen | Should -Be 0
                $e.Gateway | Should -BeNullOrEmpty
                $e.MacAddress | Should -BeNullOrEmpty
                $e.NetworkID | Should -Match '^[0-9a-f]{64}$'
                @($e.Aliases).Count | Should -Be 0
                @($j.NetworkSettings.Ports.PSObject.Properties).Count | Should -Be 0
                $j.NetworkSettings.SandboxKey | Should -BeNullOrEmpty
                $text | Should -Not -Match '"IPAddress":\s*"\d'
                # stopped, the entry stays (docker keeps it too)
                Stop-Container "insp-$mode" -Timeout 1
                @((Get-Container "insp-$mode").NetworkSettings.Networks.Keys) | Should -Be @($mode)
            } finally { Remove-Container "insp-$mode" -Force -Confirm:$false }
        }
    }

    It 'has no network entry in another container''s namespace (container:name), as docker' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name insp-shared -Network 'container:insp-web' -Command sleep, 30
        try {
            $j = Get-Container insp-shared | ConvertTo-Json -Depth 8 | ConvertFrom-Json
            $j.State.Status | Should -Be 'Running'
            $j.HostConfig.NetworkModeName | Should -Be "container:$($script:Web.Id)"
            @($j.NetworkSettings.Networks.PSObject.Properties).Count | Should -Be 0
            @($j.NetworkSettings.Ports.PSObject.Properties).Count | Should -Be 0
        } finally { Remove-Container insp-shared -Force -Confirm:$false }
    }

    It 'writes HostConfig.PortBindings in docker''s shape for a port, an address with a chosen port, and ranges' {
        $c = New-Container busybox-test:latest -Name insp-ports -Publish '18000:80', '127.0.0.1::53/udp', '18010-18011:90-91', '18020-18029:99' -Command sleep, 30
        try {
            $text = Get-Container insp-ports | ConvertTo-Json -Depth 8
            $pb = ($text | ConvertFrom-Json).HostConfig.PortBindings
            @($pb.PSObject.Properties.Name) | Sort-Object | Should -Be @('53/udp', '80/tcp', '90/tcp', '91/tcp', '99/tcp')
            foreach ($k in $pb.PSObject.Properties.Name) { @($pb.$k).Count | Should -Be 1 -Because "$k has one binding" }
            $pb.'80/tcp'[0].HostIp | Should -Be ''
            $pb.'80/tcp'[0].HostPort | Should -Be '18000'
            $pb.'53/udp'[0].HostIp | Should -Be '127.0.0.1'
            $pb.'53/udp'[0].HostPort | Should -Be ''
            $pb.'90/tcp'[0].HostPort | Should -Be '18010'
            $pb.'91/tcp'[0].HostPort | Should -Be '18011'
            $pb.'99/tcp'[0].HostPort | Should -Be '18020-18029'
            # every binding is exactly {HostIp, HostPort}, both strings, as docker writes them
            foreach ($k in $pb.PSObject.Properties.Name) {
                @($pb.$k[0].PSObject.Properties.Name) | Should -Be @('HostIp', 'HostPort')
                $pb.$k[0].HostPort | Should -BeOfType [string]
            }
            # the record on disk holds the same map
            $rec = Get-Content -Raw (Join-Path $script:Root "containers/$($c.Id)/container.json") | ConvertFrom-Json
            ($rec.HostConfig.PortBindings | ConvertTo-Json -Depth 4 -Compress) | Should -Be ($pb | ConvertTo-Json -Depth 4 -Compress)
            # the typed list and the PORTS column are unchanged
            (Get-Container insp-ports).HostConfig.PortMappings | ForEach-Object { "$($_.HostIP)|$($_.HostPort)|$($_.ContainerPort)/$($_.Protocol)" } |
                Should -Be @('|18000|80/tcp', '127.0.0.1|0|53/udp', '|18010|90/tcp', '|18011|91/tcp', '|18020|99/tcp')
            (Get-Container insp-ports).Ports | Should -Be '0.0.0.0:18000->80/tcp, 0.0.0.0:18010-18011->90-91/tcp, 0.0.0.0:18020-18029->99/tcp, 53/udp'
        } finally { Remove-Container insp-ports -Force -Confirm:$false }
    }

    It 'keeps the default table view: the same columns, the published port' {
        $lines = (Get-Container insp-web | Out-String -Width 120) -split "`n" | Where-Object { $_.Trim() }
        # at 120 the ports (31 columns, one per line) and CREATED fill the width; COMMAND follows on wider screens
        $lines[0] | Should -Match '^CONTAINER ID\s+NAMES\s+IMAGE\s+STATUS\s+PORTS\s+CREATED$'
        $lines[2] | Should -Match 'insp-web'
        $lines[2] | Should -Match ([regex]::Escape("0.0.0.0:$($script:Port)->80/tcp"))
    }
}

Describe 'Get-Container as docker inspect: networks joined and left while it runs' {
    BeforeAll {
        function script:Test-InSubnet([string] $Ip, [string] $Cidr) {
            $net, $bits = $Cidr -split '/'
            $toInt = { param($a) [BitConverter]::ToUInt32(([Net.IPAddress]::Parse($a).GetAddressBytes())[3..0], 0) }
            $mask = [uint32](([uint64]4294967295 -shl (32 - [int]$bits)) -band [uint64]4294967295)
            ((& $toInt $Ip) -band $mask) -eq ((& $toInt $net) -band $mask)
        }
        $script:N2 = New-ContainerNetwork "insp-n2-$PID"
        $script:C = Invoke-ContainerImage busybox-test:latest -Detach -Name insp-conn -Command sh, -c, 'echo joined-later > /index.html; exec httpd -f -p 80 -h /'
    }
    AfterAll {
        Get-Container insp-conn -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
        Remove-ContainerNetwork $script:N2.Name -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'shows a network joined with Connect-ContainerNetwork with its address, prefix, gateway, MAC and aliases, reachable on it' {
        $att = Connect-ContainerNetwork -Network $script:N2.Name -Container insp-conn -Alias insp-later
        $j = Get-Container insp-conn | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        @($j.NetworkSettings.Networks.PSObject.Properties.Name) | Should -Be @('pscontainers', $script:N2.Name)
        $e = $j.NetworkSettings.Networks.($script:N2.Name)
        $e.IPAddress | Should -Be $att.IPAddress
        Test-InSubnet $e.IPAddress $script:N2.Subnet | Should -BeTrue -Because "$($e.IPAddress) is in $($script:N2.Subnet)"
        $e.IPPrefixLen | Should -Be ([int]($script:N2.Subnet -split '/')[1])
        $e.Gateway | Should -Be $script:N2.Gateway
        $e.NetworkID | Should -Be $script:N2.Id
        $e.Aliases | Should -Be @('insp-later')
        # the MAC is the new interface's (eth1) inside the container
        $e.MacAddress | Should -Match '^([0-9a-f]{2}:){5}[0-9a-f]{2}$'
        $e.MacAddress | Should -Be ((Invoke-ContainerExec insp-conn -- cat /sys/class/net/eth1/address) | Select-Object -First 1)
        # the first network is untouched
        $j.NetworkSettings.Networks.pscontainers.MacAddress | Should -Be ((Invoke-ContainerExec insp-conn -- cat /sys/class/net/eth0/address) | Select-Object -First 1)
        # a second container on that network reaches the address: ping and HTTP
        Invoke-ContainerImage busybox-test:latest -Remove -Network $script:N2.Name -Command sh, -c, "ping -c1 -W2 $($e.IPAddress) >/dev/null && wget -q -O - http://$($e.IPAddress):80/index.html" |
            Should -Be 'joined-later'
    }

    It 'drops the entry on Disconnect-ContainerNetwork, and the typed view agrees' {
        Disconnect-ContainerNetwork -Network $script:N2.Name -Container insp-conn
        $j = Get-Container insp-conn | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        @($j.NetworkSettings.Networks.PSObject.Properties.Name) | Should -Be @('pscontainers')
        $j.NetworkSettings.Networks.pscontainers.IPAddress | Should -Match '^10\.89\.0\.\d+$'
        @((Get-Container insp-conn).NetworkSettings.Networks.Keys) | Should -Be @('pscontainers')
        (Invoke-ContainerExec insp-conn -- sh -c 'test -e /sys/class/net/eth1 && echo still || echo gone') | Should -Be 'gone'
    }

    It 'drops a network joined at start that was left, and joins it again at the next start, as recorded' {
        Disconnect-ContainerNetwork -Network pscontainers -Container insp-conn
        @((Get-Container insp-conn).NetworkSettings.Networks.Keys).Count | Should -Be 0
        Restart-Container insp-conn -Timeout 1
        $e = (Get-Container insp-conn).NetworkSettings.Networks['pscontainers']
        @((Get-Container insp-conn).NetworkSettings.Networks.Keys) | Should -Be @('pscontainers')
        $e.IPAddress | Should -Match '^10\.89\.0\.\d+$'
    }

    It 'shows the address asked with Connect-ContainerNetwork -IPAddress as IPAMConfig, as docker network connect --ip (issue 11)' {
        $ip = $script:N2.Gateway -replace '\.1$', '.77'
        $null = Connect-ContainerNetwork -Network $script:N2.Name -Container insp-conn -IPAddress $ip
        $j = Get-Container insp-conn | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        $e = $j.NetworkSettings.Networks.($script:N2.Name)
        $e.IPAddress | Should -Be $ip
        $e.IPAMConfig.IPv4Address | Should -Be $ip
        $j.NetworkSettings.Networks.pscontainers.IPAMConfig | Should -BeNullOrEmpty -Because 'that address was assigned, not asked'
        (Get-Container insp-conn).NetworkSettings.Networks[$script:N2.Name].IPAMConfig.IPv4Address | Should -Be $ip
        # joined without -IPAddress: no IPAMConfig, as docker shows null
        Disconnect-ContainerNetwork -Network $script:N2.Name -Container insp-conn
        $null = Connect-ContainerNetwork -Network $script:N2.Name -Container insp-conn
        (Get-Container insp-conn).NetworkSettings.Networks[$script:N2.Name].IPAMConfig | Should -BeNullOrEmpty
        Disconnect-ContainerNetwork -Network $script:N2.Name -Container insp-conn
    }
}

Describe 'Get-Container | ConvertTo-Json has docker inspect''s shapes (issue 11 point 4)' {
    BeforeAll {
        # docker's field names, from moby's api/types/container (ContainerJSONBase, State, MountPoint, Config, HostConfig,
        # RestartPolicy): what a docker inspect user reads; hard-coded here, not taken from our output
        $script:DockerTop = 'Id', 'Created', 'Path', 'Args', 'State', 'Image', 'Name', 'RestartCount', 'LogPath', 'HostConfig', 'Mounts', 'Config', 'NetworkSettings'
        $script:DockerState = 'Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt'
        $script:DockerMount = 'Type', 'Name', 'Source', 'Destination', 'Driver', 'Mode', 'RW', 'Propagation'
        # Config keys docker has that are carried (docker also has ArgsEscaped, NetworkDisabled, MacAddress and OnBuild,
        # which are not)
        $script:DockerConfig = 'Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'ExposedPorts', 'Tty',
            'OpenStdin', 'StdinOnce', 'Env', 'Cmd', 'Healthcheck', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint', 'Labels', 'StopSignal',
            'StopTimeout', 'Shell'
        $script:DockerHost = 'Binds', 'NetworkMode', 'PortBindings', 'RestartPolicy', 'AutoRemove', 'CapAdd', 'CapDrop', 'Dns', 'DnsOptions',
            'DnsSearch', 'ExtraHosts', 'GroupAdd', 'Privileged', 'PublishAllPorts', 'ReadonlyRootfs', 'Tmpfs', 'ShmSize', 'Sysctls', 'Init',
            'Memory', 'MemorySwap', 'CpuShares', 'CpusetCpus', 'PidsLimit', 'Ulimits', 'Devices'
        function script:Get-JsonNames($o) { @($o.PSObject.Properties.Name) }
        # every property name anywhere in a ConvertFrom-Json tree
        function script:Get-AllJsonNames($o) {
            if ($null -eq $o -or $o -is [string] -or $o -is [ValueType]) { return }
            if ($o -is [Collections.IEnumerable]) { foreach ($e in $o) { Get-AllJsonNames $e }; return }
            foreach ($p in $o.PSObject.Properties) { $p.Name; Get-AllJsonNames $p.Value }
        }

        $script:Port = Get-FreeTcpPort -Preferred 18490
        $null = New-ContainerVolume insp-shape-vol
        $script:Bind = Join-Path $TestDrive 'shape-bind'
        New-Item -ItemType Directory $script:Bind | Out-Null
        $script:C = Invoke-ContainerImage busybox-test:latest -Detach -Name insp-shape -Publish "$($script:Port):80", '53/udp' `
            -Volume 'insp-shape-vol:/data', "$($script:Bind):/b:ro" -Tmpfs '/run:size=64m,noexec', '/scratch' -Restart unless-stopped `
            -Command sleep, 300
        $script:Typed = Get-Container insp-shape
        $script:Text = $script:Typed | ConvertTo-Json -Depth 8
        $script:J = $script:Text | ConvertFrom-Json
    }
    AfterAll {
        Get-Container insp-shape -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
        Remove-ContainerVolume insp-shape-vol -Force -ErrorAction SilentlyContinue
    }

    It 'has docker''s top-level, State, Mounts[], Config and HostConfig field names' {
        $names = Get-JsonNames $script:J
        foreach ($k in $script:DockerTop) { $names | Should -Contain $k -Because "docker inspect has $k" }
        $names = Get-JsonNames $script:J.State
        foreach ($k in $script:DockerState) { $names | Should -Contain $k -Because "docker inspect has State.$k" }
        @($script:J.Mounts).Count | Should -Be 4
        foreach ($m in $script:J.Mounts) {
            $names = Get-JsonNames $m
            foreach ($k in $script:DockerMount) { $names | Should -Contain $k -Because "docker inspect has Mounts[].$k ($($m.Destination))" }
        }
        $names = Get-JsonNames $script:J.Config
        foreach ($k in $script:DockerConfig) { $names | Should -Contain $k -Because "docker inspect has Config.$k" }
        $names = Get-JsonNames $script:J.HostConfig
        foreach ($k in $script:DockerHost) { $names | Should -Contain $k -Because "docker inspect has HostConfig.$k" }
        # docker's RestartPolicy is exactly {Name, MaximumRetryCount}
        Get-JsonNames $script:J.HostConfig.RestartPolicy | Should -Be @('Name', 'MaximumRetryCount')
    }

    It 'writes State.Status, Mounts[].Type and RestartPolicy.Name as docker''s words, and keeps them typed in PowerShell' {
        $script:J.State.Status | Should -BeExactly 'running'
        $script:J.State.Restarting | Should -BeFalse
        $types = @{}
        foreach ($m in $script:J.Mounts) { $types[$m.Destination] = $m.Type }
        $types['/data'] | Should -BeExactly 'volume'
        $types['/b'] | Should -BeExactly 'bind'
        $types['/run'] | Should -BeExactly 'tmpfs'
        $types['/scratch'] | Should -BeExactly 'tmpfs'
        $script:J.HostConfig.RestartPolicy.Name | Should -BeExactly 'unless-stopped'
        $script:J.HostConfig.RestartPolicy.MaximumRetryCount | Should -Be 0
        $script:Text | Should -Match '"Status": "running"'
        $script:Text | Should -Match '"Name": "unless-stopped"'
        # -EnumsAsStrings writes the same words
        $e = $script:Typed | ConvertTo-Json -Depth 8 -EnumsAsStrings | ConvertFrom-Json
        $e.State.Status | Should -BeExactly 'running'
        $e.HostConfig.RestartPolicy.Name | Should -BeExactly 'unless-stopped'
        ($e.Mounts | Where-Object Destination -eq '/b').Type | Should -BeExactly 'bind'
        # typed for PowerShell: enums that compare with docker's words and with their names
        $script:Typed.State.Status | Should -BeOfType ([PsContainers.Core.Containers.ContainerStatus])
        $script:Typed.State.Status -eq 'running' | Should -BeTrue
        $script:Typed.HostConfig.RestartPolicy.Name | Should -BeOfType ([PsContainers.Contract.RestartPolicyName])
        $script:Typed.HostConfig.RestartPolicy.Name | Should -Be ([PsContainers.Contract.RestartPolicyName]::UnlessStopped)
        ($script:Typed.Mounts | Where-Object Destination -eq '/data').Type | Should -Be ([PsContainers.Core.Containers.MountKind]::Volume)
        # a stopped container: "exited"
        Stop-Container insp-shape -Timeout 1
        try { (Get-Container insp-shape | ConvertTo-Json -Depth 8 | ConvertFrom-Json).State.Status | Should -BeExactly 'exited' }
        finally { Start-Container insp-shape }
    }

    It 'writes Config.ExposedPorts as docker''s map of empty objects, and Config.Image as the reference given' {
        # the image's EXPOSE 8080 and the ports published, each once, as docker merges them: {"8080/tcp": {}, ...}
        $script:Text | Should -Match '"ExposedPorts": \{\s*"8080/tcp": \{\},\s*"80/tcp": \{\},\s*"53/udp": \{\}\s*\}'
        Get-JsonNames $script:J.Config.ExposedPorts | Should -Be @('8080/tcp', '80/tcp', '53/udp')
        foreach ($k in '8080/tcp', '80/tcp', '53/udp') {
            $script:J.Config.ExposedPorts.$k | Should -BeOfType [pscustomobject]
            @($script:J.Config.ExposedPorts.$k.PSObject.Properties).Count | Should -Be 0
        }
        @($script:Typed.Config.ExposedPorts.Keys) | Should -Be @('8080/tcp', '80/tcp', '53/udp')
        $script:J.Config.Image | Should -BeExactly 'busybox-test:latest'
        $script:J.Config.Image | Should -Be $script:Typed.Image
        # the record on disk still reads after a reload (container.json keeps its list)
        (Get-Container insp-shape).Config.ExposedPorts.ContainsKey('53/udp') | Should -BeTrue
    }

    It 'writes HostConfig.Tmpfs as docker''s map of path to options, and each tmpfs works in the container' {
        Get-JsonNames $script:J.HostConfig.Tmpfs | Should -Be @('/run', '/scratch')
        $script:J.HostConfig.Tmpfs.'/run' | Should -BeExactly 'noexec,size=67108864'
        $script:J.HostConfig.Tmpfs.'/scratch' | Should -BeExactly ''
        $mounts = Invoke-ContainerExec insp-shape -- cat /proc/mounts
        ($mounts | Where-Object { $_ -match '^\S+ /run tmpfs ' }) | Should -Match 'noexec'
        ($mounts | Where-Object { $_ -match '^\S+ /run tmpfs ' }) | Should -Match 'size=65536k'
        @($mounts | Where-Object { $_ -match '^\S+ /scratch tmpfs ' }).Count | Should -Be 1
    }

    It 'writes docker''s Path and Args, the attach flags, Config.Volumes and HostConfig.NetworkMode as docker''s text (issue 11)' {
        # a detached run: docker run -d ... sleep 300
        $script:J.Path | Should -BeExactly 'sleep'
        @($script:J.Args) | Should -Be @('300')
        $script:J.Config.AttachStdin, $script:J.Config.AttachStdout, $script:J.Config.AttachStderr, $script:J.Config.StdinOnce |
            Should -Be @($false, $false, $false, $false)
        $script:J.Config.Volumes | Should -BeNullOrEmpty -Because 'a named volume is not among docker''s Config.Volumes'
        $script:J.HostConfig.NetworkMode | Should -BeExactly 'bridge'
        $script:Typed.BundlePath | Should -Be (Join-Path $script:Root "containers/$($script:Typed.Id)")
        Test-Path -LiteralPath (Join-Path $script:Typed.BundlePath 'config.json') | Should -BeTrue
        $script:Typed.LogPath | Should -Be (Join-Path $script:Typed.BundlePath 'json.log')

        # docker create -i -t with an entrypoint, an anonymous and a named volume, on a user network
        $net = New-ContainerNetwork "insp-shape-net-$PID"
        try {
            $c = New-Container busybox-test:latest -Name insp-shape-create -Interactive -Tty -Network $net.Name -Entrypoint /bin/sh `
                -Volume '/cache', 'insp-shape-vol:/named' -- -c 'echo hi'
            $j = Get-Container insp-shape-create | ConvertTo-Json -Depth 8 | ConvertFrom-Json
            $j.Path | Should -BeExactly '/bin/sh'
            @($j.Args) | Should -Be @('-c', 'echo hi')
            $j.Config.AttachStdin, $j.Config.AttachStdout, $j.Config.AttachStderr, $j.Config.OpenStdin, $j.Config.StdinOnce, $j.Config.Tty |
                Should -Be @($true, $true, $true, $true, $true, $true)
            $imageVolumes = @((Get-ContainerImage busybox-test:latest).Config.Volumes)
            @(Get-JsonNames $j.Config.Volumes) | Should -Be @($imageVolumes + '/cache')
            @($j.Config.Volumes.'/cache'.PSObject.Properties).Count | Should -Be 0 -Because 'docker writes {"/cache": {}}'
            $j.HostConfig.NetworkMode | Should -BeExactly $net.Name -Because 'docker writes the user network''s name'
            $j.HostConfig.NetworkModeKind | Should -BeExactly 'Bridge'
            $j.Config.Labels | Should -Not -BeNullOrEmpty
            # an attached run without -i: stdout and stderr attached, stdin not
            $null = Invoke-ContainerImage busybox-test:latest -Name insp-shape-run -Network none -- true
            $r = Get-Container insp-shape-run -All | ConvertTo-Json -Depth 8 | ConvertFrom-Json
            $r.Config.AttachStdin, $r.Config.AttachStdout, $r.Config.AttachStderr, $r.Config.StdinOnce | Should -Be @($false, $true, $true, $false)
            $r.Path | Should -BeExactly 'true'
            @($r.Args).Count | Should -Be 0
            $r.HostConfig.NetworkMode | Should -BeExactly 'none'
        } finally {
            Remove-Container insp-shape-create, insp-shape-run -Force -ErrorAction SilentlyContinue
            Remove-ContainerNetwork $net.Name -ErrorAction SilentlyContinue
        }
    }

    It 'leaks no engine members into the inspect data' {
        $all = @(Get-AllJsonNames $script:J)
        foreach ($k in 'IsEmpty', 'Restarts', 'NameText', 'IsDefault') { $all | Should -Not -Contain $k }
        $script:Text | Should -Not -Match '"(IsEmpty|Restarts|NameText|IsDefault)"'
    }
}

Describe 'Get-Container as docker inspect: a pod''s member shows the pod''s networks, as podman does (issue 11 point 4)' {
    BeforeAll {
        $script:PodPort = Get-FreeTcpPort -Preferred 18495
        $script:Pod = New-ContainerPod "insp-pod-$PID" -Publish "$($script:PodPort):80"
        $script:Member = Invoke-ContainerImage busybox-test:latest -Pod $script:Pod.Name -Detach -Name "insp-pod-m-$PID" -- sleep 300
    }
    AfterAll {
        Get-Container "insp-pod-m-$PID" -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
        Remove-ContainerPod $script:Pod.Name -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'has the infra container''s network entries, address and ports, and its own interface agrees' {
        $infra = Get-Container -Id $script:Pod.InfraContainerId | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        $j = Get-Container "insp-pod-m-$PID" | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        $j.State.Status | Should -BeExactly 'running'
        $j.HostConfig.NetworkModeName | Should -Be "container:$($script:Pod.InfraContainerId)"
        @(Get-JsonNames $j.NetworkSettings.Networks) | Should -Be @('pscontainers')
        @(Get-JsonNames $j.NetworkSettings.Networks) | Should -Be @(Get-JsonNames $infra.NetworkSettings.Networks)
        $e = $j.NetworkSettings.Networks.pscontainers
        $e.IPAddress | Should -Match '^10\.89\.0\.\d+$'
        $e.IPAddress | Should -Be $infra.NetworkSettings.Networks.pscontainers.IPAddress
        $e.MacAddress | Should -Be $infra.NetworkSettings.Networks.pscontainers.MacAddress
        # the member's eth0 is the pod's
        $e.MacAddress | Should -Be ((Invoke-ContainerExec "insp-pod-m-$PID" -- cat /sys/class/net/eth0/address) | Select-Object -First 1)
        $j.NetworkSettings.Ports.'80/tcp'[0].HostPort | Should -Be "$($script:PodPort)"
        (Get-Container "insp-pod-m-$PID").NetworkSettings.Networks['pscontainers'].IPAddress | Should -Be $e.IPAddress
    }
}
