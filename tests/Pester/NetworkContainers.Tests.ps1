# Networks, ports and volumes through the container cmdlets: real containers (the generated busybox image), the
# default runtime, the CNI plugins and iptables; a second test host in its own network namespace.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Remove-ContainerTestStore $script:Root
}

Describe 'The seed example: a published web server serving a named volume' {
    BeforeAll {
        $script:Port = Get-FreeTcpPort -Preferred 8000
        $script:Site = New-ContainerVolume site
        Set-Content (Join-Path $script:Site.Mountpoint 'index.html') 'hello from the site volume'
        $script:Web = Invoke-ContainerImage $script:Img -Detach -Name webserver -Publish "$($script:Port):80" -Volume 'site:/www' `
            sh -c 'exec httpd -f -v -p 80 -h /www'
        $script:State = Get-Content -Raw (Join-Path $script:Root "containers/$($script:Web.Id)/network.json") | ConvertFrom-Json
        $script:Trace = Get-NetworkTrace -Root $script:Root -ContainerId $script:Web.Id
        $script:TestHost = New-TestNetHost
        $null = Wait-ContainerCondition { (& busybox wget -q -O - "http://127.0.0.1:$($script:Port)/" 2>$null) -match 'hello' } -TimeoutSeconds 10
    }
    AfterAll {
        Remove-TestNetHost $script:TestHost
        Get-Container webserver -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
    }

    It 'runs detached on the default bridge network with an address' {
        (Get-Container webserver).Status | Should -Be 'Running'
        $script:State.Networks[0].Network | Should -Be 'pscontainers'
        $script:State.Networks[0].IPAddress | Should -Match '^10\.89\.0\.\d+$'
        $script:Trace.Veths.Count | Should -Be 1
    }

    It 'has the release hook of the contract in its bundle: pscmon net-release of this store, container and setup' {
        $spec = Get-Content -Raw (Join-Path $script:Root "containers/$($script:Web.Id)/config.json") | ConvertFrom-Json
        $hooks = @($spec.hooks.poststop)
        $hooks.Count | Should -Be 1
        $hooks[0].path | Should -Be ([PsContainers.Core.Containers.ContainerManager]::MonitorExecutable)
        $hooks[0].timeout | Should -Be ([PsContainers.Contract.NetReleaseHook]::TimeoutSeconds)
        $hooks[0].args[0..1] | Should -Be @('pscmon', 'net-release')
        $parsed = $null
        [PsContainers.Contract.NetReleaseHook]::TryParse([string[]]@($hooks[0].args | Select-Object -Skip 2), [ref]$parsed) | Should -BeTrue
        $parsed.StoreRoot | Should -Be ([PsContainers.Core.PscPaths]::new($script:Root).Root)
        $parsed.ContainerId | Should -Be $script:Web.Id
        $parsed.SetupId | Should -Be $script:State.SetupId
        $parsed.SetupId | Should -Match '^[0-9a-f]{32}$'
        $parsed.Foreground | Should -BeFalse
        $parsed.Locked | Should -BeFalse
    }

    It 'is reachable from the host on the published port' {
        & busybox wget -q -O - "http://127.0.0.1:$($script:Port)/" | Should -Be 'hello from the site volume'
    }

    It 'is reachable from a second host' {
        Invoke-InTestHost $script:TestHost @('busybox', 'wget', '-q', '-O', '-', "http://$($script:TestHost.HostAddress):$($script:Port)/") |
            Should -Be 'hello from the site volume'
    }

    It 'shows the port like docker ps and as objects' {
        $p = Get-ContainerPort webserver
        $p.ToString() | Should -Be "0.0.0.0:$($script:Port)->80/tcp"
        $p.ContainerName | Should -Be 'webserver'
        (Get-Container webserver).Ports | Should -Match "$($script:Port)"
    }

    It 'execs in the container and sees the network files and the volume' {
        Invoke-ContainerExec webserver cat /www/index.html | Should -Be 'hello from the site volume'
        (Invoke-ContainerExec webserver cat /etc/hosts) -join "`n" | Should -Match "$([regex]::Escape($script:State.Networks[0].IPAddress))\s.*webserver"
        (Invoke-ContainerExec webserver hostname) | Should -Be $script:Web.Id.Substring(0, 12)
    }

    It 'logs the requests, from the host and from the second host' {
        $log = (Get-ContainerLog webserver) -join "`n"
        $log | Should -Match 'response:200'
        $log | Should -Match ([regex]::Escape($script:TestHost.Address))
    }

    It 'leaves no link, rule, mount, namespace or address after stop and remove' {
        Stop-Container webserver -Timeout 2
        Remove-Container webserver -Confirm:$false
        $left = Get-NetworkLeftover -Trace $script:Trace -NetnsPath $script:State.NetnsPath
        $left | Should -BeNullOrEmpty
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape($script:Web.Id) | Should -BeNullOrEmpty
        Get-ContainerVolume site | Should -Not -BeNullOrEmpty
    }
}

Describe 'Containers on a user network' {
    BeforeAll {
        $script:Net = "apps$PID"
        New-ContainerNetwork $script:Net | Out-Null
        $null = Invoke-ContainerImage $script:Img -Detach -Name backend -Network $script:Net sh -c 'mkdir -p /srv && echo pong > /srv/index.html && exec httpd -f -p 80 -h /srv'
        Start-Sleep -Milliseconds 300
    }
    AfterAll {
        Get-Container backend -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
        Remove-ContainerNetwork $script:Net -Force -ErrorAction SilentlyContinue
    }

    It 'reach each other by name' {
        Invoke-ContainerImage $script:Img -Remove -Network $script:Net sh -c 'wget -q -O - http://backend/' | Should -Be 'pong'
    }

    It 'are listed on the network' {
        (Get-ContainerNetwork $script:Net).Containers | Should -Contain 'backend'
    }

    It 'cannot be removed while used, unless forced' {
        { Remove-ContainerNetwork $script:Net -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkInUse,PsContainers.Commands.RemoveContainerNetworkCommand'
    }
}

Describe 'Name resolution on a user network' {
    BeforeAll {
        function Get-DnsServerProcess([string] $Root) {
            # pscdns processes serving networks of this store root
            foreach ($d in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$') {
                $cmd = try { [IO.File]::ReadAllText("$($d.FullName)/cmdline") } catch { '' }
                $argv = $cmd -split "`0"
                if ($argv.Count -gt 2 -and (Split-Path -Leaf $argv[0]) -eq 'pscdns' -and $argv[2].StartsWith("$Root/")) { [int]$d.Name }
            }
        }
        function Get-ContainerAddress([string] $Id) {
            (Get-Content -Raw (Join-Path $script:Root "containers/$Id/network.json") | ConvertFrom-Json).Networks[0].IPAddress
        }
        $script:DnsNet = "names$PID"
        $script:Gw = (New-ContainerNetwork $script:DnsNet).Gateway
        $script:DnsA = Invoke-ContainerImage $script:Img -Detach -Name dns-a -Network $script:DnsNet sleep 120
        $script:DnsB = Invoke-ContainerImage $script:Img -Detach -Name dns-b -Network $script:DnsNet sleep 120
    }
    AfterAll {
        Get-Container dns-a, dns-b, dns-c -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
        Remove-ContainerNetwork $script:DnsNet -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'points the containers'' resolv.conf at the network''s gateway' {
        $script:Gw | Should -Match '^10\.89\.\d+\.1$'
        Invoke-ContainerExec dns-a cat /etc/resolv.conf | Should -Contain "nameserver $($script:Gw)"
    }

    It 'answers the other container''s name and short id with its address' {
        $ip = [regex]::Escape((Get-ContainerAddress $script:DnsB.Id))
        foreach ($name in 'dns-b', $script:DnsB.Id.Substring(0, 12)) {
            (Invoke-ContainerExec dns-a nslookup $name $script:Gw) -join "`n" | Should -Match "Name:\s+$([regex]::Escape($name))\s+Address:\s+$ip(\s|$)"
        }
    }

    It 'answers NXDOMAIN for a name no container has' {
        (Invoke-ContainerExec dns-a sh -c "nslookup -type=a nosuch-$PID $($script:Gw) 2>&1; true") -join "`n" | Should -Match 'NXDOMAIN'
    }

    It 'runs one name server for the network' {
        @(Get-DnsServerProcess $script:Root).Count | Should -Be 1
    }

    It 'runs its name server detached: a session of its own, stdin, stdout and stderr on /dev/null' {
        $dns = @(Get-DnsServerProcess $script:Root)
        $dns.Count | Should -Be 1
        $stat = [IO.File]::ReadAllText("/proc/$($dns[0])/stat")
        # fields after the command's closing parenthesis: state ppid pgrp session
        $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
        [int]$fields[3] | Should -Be $dns[0]
        foreach ($fd in 0..2) { (Get-Item "/proc/$($dns[0])/fd/$fd").LinkTarget | Should -Be '/dev/null' }
    }

    It 'resolves a container that joins later, restarting a name server that died' {
        $old = @(Get-DnsServerProcess $script:Root)
        $old.Count | Should -Be 1
        Stop-Process -Id $old[0] -Force
        # reaped, not left a zombie of the pwsh that started it
        Wait-ContainerCondition { -not (Test-Path "/proc/$($old[0])") } -TimeoutSeconds 5 | Should -BeTrue
        $c = Invoke-ContainerImage $script:Img -Detach -Name dns-c -Network $script:DnsNet sleep 120
        $ip = [regex]::Escape((Get-ContainerAddress $c.Id))
        (Invoke-ContainerExec dns-a nslookup dns-c $script:Gw) -join "`n" | Should -Match "Address:\s+$ip(\s|$)"
        $new = @(Get-DnsServerProcess $script:Root)
        $new.Count | Should -Be 1
        $new[0] | Should -Not -Be $old[0]
    }

    It 'leaves no name server once the containers and the network are removed' {
        $pids = @(Get-DnsServerProcess $script:Root)
        $pids.Count | Should -Be 1
        Get-Container dns-a, dns-b, dns-c | Remove-Container -Force -Confirm:$false
        Remove-ContainerNetwork $script:DnsNet -Confirm:$false
        @(Get-DnsServerProcess $script:Root) | Should -BeNullOrEmpty
        Test-Path "/proc/$($pids[0])" | Should -BeFalse
        Test-Path (Join-Path $script:Root "networks/dns/$($script:DnsNet).json") | Should -BeFalse
    }
}

Describe 'Removing a user network' {
    It 'removes its bridge from the host once its containers are gone' {
        $name = "t-gone-$PID"
        $n = New-ContainerNetwork $name
        $bridge = $n.Interface
        $bridge | Should -Not -BeNullOrEmpty
        $c = Invoke-ContainerImage $script:Img -Detach -Network $name sleep 60
        Test-Path "/sys/class/net/$bridge/brif" | Should -BeTrue
        $c | Remove-Container -Force
        Remove-ContainerNetwork $name
        Get-ContainerNetwork $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Test-Path "/sys/class/net/$bridge" | Should -BeFalse
    }
}

Describe 'Network modes' {
    It 'none has only loopback' {
        $ifs = Invoke-ContainerImage $script:Img -Remove -Network none cat /proc/net/dev | Select-Object -Skip 2 | ForEach-Object { ($_ -split ':')[0].Trim() }
        $ifs | Should -Be @('lo')
    }

    It 'none is the runtime''s own namespace: loopback up, no namespace file, no release hook, the /etc files still bound' {
        $c = Invoke-ContainerImage $script:Img -Detach -Name none-ns -Network none -Hostname nonehost -- sh -c 'ls /sys/class/net; cat /sys/class/net/lo/flags; grep -q "127.0.0.1" /proc/net/fib_trie && echo lo-has-127.0.0.1; cat /etc/hostname; grep -c nonehost /etc/hosts; exec sleep 60'
        try {
            Wait-ContainerCondition { @(Get-ContainerLog none-ns).Count -ge 5 } | Should -BeTrue
            # only lo; 0x9: IFF_UP | IFF_LOOPBACK (the monitor brings it up, as for every container), with 127.0.0.1
            @(Get-ContainerLog none-ns | ForEach-Object Text) | Should -Be @('lo', '0x9', 'lo-has-127.0.0.1', 'nonehost', '1')
            $running = Get-Container none-ns
            $nsDir = [PsContainers.Core.Networking.NetworkNamespace]::Directory
            Test-Path (Join-Path $nsDir "psc-$($c.Id.Substring(0, 16))") | Should -BeFalse
            (Get-Item "/proc/$($running.Pid)/ns/net").Target | Should -Not -Be (Get-Item /proc/self/ns/net).Target
            $spec = Get-Content -Raw (Join-Path $script:Root "containers/$($c.Id)/config.json") | ConvertFrom-Json
            @($spec.linux.namespaces | Where-Object type -eq 'network').Count | Should -Be 1
            ($spec.linux.namespaces | Where-Object type -eq 'network').PSObject.Properties['path'] | Should -BeNullOrEmpty
            $spec.PSObject.Properties['hooks'] | Should -BeNullOrEmpty
            @($spec.mounts | Where-Object destination -in '/etc/hosts', '/etc/hostname', '/etc/resolv.conf').Count | Should -Be 3
        }
        finally { Remove-Container none-ns -Force -Confirm:$false }
        Test-Path (Join-Path $script:Root "containers/$($c.Id)") | Should -BeFalse
    }

    It 'none restarts cleanly: a stopped container starts again with a fresh namespace' {
        $c = New-Container $script:Img -Name none-again -Network none -- cat /sys/class/net/lo/flags
        try {
            foreach ($i in 1..2) {
                Start-Container none-again -Attach | Should -Be '0x9'
            }
            Get-ChildItem ([PsContainers.Core.Networking.NetworkNamespace]::Directory) -Filter "psc-$($c.Id.Substring(0, 16))" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { Remove-Container none-again -Force -Confirm:$false }
    }

    It 'host sees the host''s interfaces' {
        $hostIfs = Get-Content /proc/net/dev | Select-Object -Skip 2 | ForEach-Object { ($_ -split ':')[0].Trim() }
        $ifs = Invoke-ContainerImage $script:Img -Remove -Network host cat /proc/net/dev | Select-Object -Skip 2 | ForEach-Object { ($_ -split ':')[0].Trim() }
        $ifs | Should -Contain 'eth0'
        @($ifs).Count | Should -Be @($hostIfs).Count
    }

    It 'the default bridge gives eth0 and a default route' {
        $routes = Invoke-ContainerImage $script:Img -Remove ip route
        ($routes -join "`n") | Should -Match 'default via 10\.89\.0\.1 dev eth0'
    }

    It 'takes the mode words in any case, as PowerShell users write them, and no network can take those names' {
        $ifs = Invoke-ContainerImage $script:Img -Remove -Network None cat /proc/net/dev | Select-Object -Skip 2 | ForEach-Object { ($_ -split ':')[0].Trim() }
        $ifs | Should -Be @('lo')
        $c = New-Container $script:Img -Name mode-case -Network Default -- true
        try { (Get-Container mode-case).HostConfig.NetworkMode | Should -Be 'bridge' }
        finally { Remove-Container mode-case -Force -Confirm:$false }
        $routes = Invoke-ContainerImage $script:Img -Remove -Network BRIDGE ip route
        ($routes -join "`n") | Should -Match 'default via 10\.89\.0\.1 dev eth0'
        foreach ($n in 'None', 'Host', 'Default') {
            New-ContainerNetwork $n -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidNetworkName,*'
            Get-ContainerNetwork -Name $n -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    It 'releases the network when a restart policy gives up: namespace, addresses and the published port (issue 10.9)' {
        $port = Get-Random -Minimum 20000 -Maximum 30000
        $c = Invoke-ContainerImage $script:Img -Detach -Name gives-up -Restart on-failure:2 -Publish "$($port):80" -- sh -c 'sleep 0.2; exit 1'
        try {
            $ns = Join-Path ([PsContainers.Core.Networking.NetworkNamespace]::Directory) "psc-$($c.Id.Substring(0, 16))"
            Test-Path $ns | Should -BeTrue -Because 'it runs on the default bridge'
            $done = Wait-ContainerCondition -TimeoutSeconds 30 { $x = Get-Container gives-up; $x.Status -eq 'Exited' -and $x.RestartCount -eq 2 }
            $done | Should -BeTrue
            # the release continues detached after the monitor's last step
            Wait-ContainerCondition -TimeoutSeconds 10 { -not (Test-Path $ns) } | Should -BeTrue -Because 'the namespace goes when the container is finally stopped'
            Test-Path (Join-Path $script:Root "containers/$($c.Id)/network.json") | Should -BeFalse
            Get-ChildItem (Join-Path $script:Root 'networks/cache') -Filter "*$($c.Id)*" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            # the host port is free: another container publishes it and answers on it
            $null = Invoke-ContainerImage $script:Img -Detach -Name takes-port -Publish "$($port):8080" -- sh -c 'exec httpd -f -p 8080 -h /etc'
            $page = Wait-ContainerCondition { & busybox wget -q -O - "http://127.0.0.1:$port/motd" 2>$null } -TimeoutSeconds 10
            $page | Should -Be 'Welcome to the PsContainers test image'
        }
        finally { Get-Container -All | Where-Object Name -in 'gives-up', 'takes-port' | Remove-Container -Force -Confirm:$false }
    }

    It 'releases the network of a start that fails (<Case>): namespace, lease, port rules, cache; the port is free (issue 10.9, podman)' -ForEach @(
        @{ Case = 'a detached run, then Start-Container'; Detach = $true }
        @{ Case = 'an attached run'; Detach = $false }
    ) {
        $port = Get-FreeTcpPort
        $name = "fails-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        function Get-Leftover([string] $Id) {
            # what a failed start may have left: its namespace, state, CNI cache, address lease and the port's rules
            $left = @()
            if (Test-Path (Join-Path ([PsContainers.Core.Networking.NetworkNamespace]::Directory) "psc-$($Id.Substring(0, 16))")) { $left += 'netns' }
            if (Test-Path (Join-Path $script:Root "containers/$Id/network.json")) { $left += 'network.json' }
            if (Get-ChildItem (Join-Path $script:Root 'networks/cache') -Filter "*-$Id-*" -ErrorAction SilentlyContinue) { $left += 'CNI cache (its veth)' }
            if (Get-ChildItem /run/pscontainers/ipam/pscontainers -File -ErrorAction SilentlyContinue | Where-Object { (Get-Content -Raw $_.FullName -ErrorAction SilentlyContinue) -match $Id }) { $left += 'address lease' }
            if ((& iptables-save) -match "dport $port\b") { $left += "iptables rule for port $port" }
            $left
        }
        $global:LASTEXITCODE = 0
        $null = Invoke-ContainerImage $script:Img -Detach:$Detach -Name $name -Publish "$($port):8080" -ErrorAction SilentlyContinue -- nosuch-program
        $LASTEXITCODE | Should -Be 127
        $c = Get-Container $name
        $c.ExitCode | Should -Be 127
        Get-Leftover $c.Id | Should -BeNullOrEmpty
        if ($Detach) {
            Start-Container $name -ErrorAction SilentlyContinue
            Get-Leftover $c.Id | Should -BeNullOrEmpty -Because 'Start-Container''s failed start releases too'
        }
        try {
            $null = Invoke-ContainerImage $script:Img -Detach -Name "$name-next" -Publish "$($port):8080" -- sh -c 'exec httpd -f -p 8080 -h /etc'
            $page = Wait-ContainerCondition { & busybox wget -q -O - "http://127.0.0.1:$port/motd" 2>$null } -TimeoutSeconds 10
            $page | Should -Be 'Welcome to the PsContainers test image'
        }
        finally { Get-Container -All | Where-Object Name -in $name, "$name-next" | Remove-Container -Force -Confirm:$false }
    }

    It 'keeps the network while a restart policy restarts, and releases it on Stop-Container' {
        $c = Invoke-ContainerImage $script:Img -Detach -Name keeps-net -Restart always -- sh -c 'sleep 0.3; exit 1'
        try {
            $ns = Join-Path ([PsContainers.Core.Networking.NetworkNamespace]::Directory) "psc-$($c.Id.Substring(0, 16))"
            Wait-ContainerCondition -TimeoutSeconds 30 { (Get-Container keeps-net).RestartCount -ge 2 } | Should -BeTrue
            Test-Path $ns | Should -BeTrue -Because 'the same bundle restarts in the same namespace'
            Stop-Container keeps-net -Confirm:$false
            Wait-ContainerCondition -TimeoutSeconds 10 { -not (Test-Path $ns) } | Should -BeTrue
            # and it starts again with a network of its own
            Start-Container keeps-net
            Wait-ContainerCondition -TimeoutSeconds 10 { Test-Path $ns } | Should -BeTrue
        }
        finally { Remove-Container keeps-net -Force -Confirm:$false }
    }

    It 'a -Remove container leaves no namespace or cache entry' {
        $before = @(Get-ChildItem /run/netns -Filter 'psc-*' -ErrorAction SilentlyContinue).Count
        $null = Invoke-ContainerImage $script:Img -Remove -Name shortlived /bin/true
        $null = Wait-ContainerCondition { -not (Get-ChildItem (Join-Path $script:Root 'networks/cache') -ErrorAction SilentlyContinue) } -TimeoutSeconds 10
        Get-ChildItem (Join-Path $script:Root 'networks/cache') -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-ChildItem /run/netns -Filter 'psc-*' -ErrorAction SilentlyContinue).Count | Should -BeLessOrEqual $before
    }
}

Describe 'Volumes through containers' {
    It 'keeps data in a named volume after the container is removed' {
        Invoke-ContainerImage $script:Img -Remove -Volume 'keep:/store' sh -c 'echo persisted > /store/f.txt'
        Invoke-ContainerImage $script:Img -Remove -Volume 'keep:/store:ro' cat /store/f.txt | Should -Be 'persisted'
        (Get-ContainerVolume keep).Size | Should -BeGreaterThan 0
    }

    It 'fills a new named volume from the image content at its path' {
        Invoke-ContainerImage $script:Img -Remove -Volume 'imgdata:/data' cat /data/keep.txt | Should -Be 'keep'
        Test-Path (Join-Path (Get-ContainerVolume imgdata).Mountpoint 'keep.txt') | Should -BeTrue
    }

    It 'refuses to remove a volume a container uses' {
        $null = Invoke-ContainerImage $script:Img -Detach -Name holder -Volume 'held:/h' sleep 30
        try {
            Remove-ContainerVolume held -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'VolumeInUse*'
            (Get-ContainerVolume held).UsedBy | Should -Be @('holder')
        } finally { Remove-Container holder -Force -Confirm:$false }
        Remove-ContainerVolume held -Force
        Get-ContainerVolume held -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'More ways to publish and mount' {
    AfterEach { Get-Container -All | Where-Object Name -in 'pa', 'fixedip', 'anon' | Remove-Container -Force -Confirm:$false }

    It '-PublishAll publishes the image''s exposed ports on free host ports' {
        $null = Invoke-ContainerImage $script:Img -Detach -Name pa -PublishAll sh -c 'exec httpd -f -p 8080 -h /etc'
        $p = Get-ContainerPort pa
        $p.ContainerPort | Should -Be 8080
        $p.HostPort | Should -BeGreaterThan 0
        $page = Wait-ContainerCondition { & busybox wget -q -O - "http://127.0.0.1:$($p.HostPort)/motd" 2>$null } -TimeoutSeconds 10
        $page | Should -Be 'Welcome to the PsContainers test image'
    }

    It '-IPAddress, -Tmpfs and -Mount' {
        $net = "fixed$PID"
        $n = New-ContainerNetwork $net
        try {
            $ip = $n.Gateway -replace '\.1$', '.123'
            $src = Join-Path $script:Root 'mount-src'
            New-Item -ItemType Directory $src -Force | Out-Null
            Set-Content (Join-Path $src 'm.txt') 'mounted'
            $out = Invoke-ContainerImage $script:Img -Remove -Network $net -IPAddress $ip -Tmpfs '/scratch:size=1m' -Mount "type=bind,source=$src,target=/m,readonly" `
                sh -c 'ip addr show eth0 | grep -o "inet [0-9.]*"; grep " /scratch " /proc/mounts | cut -d" " -f3; cat /m/m.txt; touch /m/x 2>/dev/null || echo readonly'
            $out | Should -Be @("inet $ip", 'tmpfs', 'mounted', 'readonly')
        } finally { Remove-ContainerNetwork $net -Force }
    }

    It 'records -Network, -IPAddress, -NetworkAlias, -Publish, -Tmpfs and -Ulimit typed, and none of them in the labels' {
        $net = "typed$PID"
        $n = New-ContainerNetwork $net
        try {
            $ip = $n.Gateway -replace '\.1$', '.77'
            $port = Get-FreeTcpPort -Preferred 8100
            $c = New-Container $script:Img -Name typed -Network $net -IPAddress $ip -NetworkAlias db, cache -Publish "$($port):80", '53/udp' `
                -Tmpfs '/scratch:size=2m,mode=700' -Ulimit 'nofile=100:200' -Label tier=test sleep 60
            $c.HostConfig.NetworkModeKind | Should -Be ([PsContainers.Core.Containers.NetworkMode]::Bridge)
            $c.HostConfig.NetworkMode | Should -BeExactly $net # docker's HostConfig.NetworkMode: the user network's name
            @($c.NetworkSettings.Networks.Keys) | Should -Be @($net)
            $c.NetworkSettings.Networks[$net].IPAMConfig.IPv4Address | Should -Be $ip
            $c.NetworkSettings.Networks[$net].IPAddress | Should -BeNullOrEmpty # assigned at start
            $c.NetworkSettings.Networks[$net].Aliases | Should -Be @('db', 'cache')
            $c.Labels['tier'] | Should -Be 'test'
            @($c.Labels.Keys) -like 'io.pscontainers.*' | Should -BeNullOrEmpty
            $c.HostConfig.PortMappings | ForEach-Object { "$($_.HostPort)->$($_.ContainerPort)/$($_.Protocol)" } | Should -Be @("$port->80/tcp", '0->53/udp')
            $c.HostConfig.PortBindings['80/tcp'] | ForEach-Object { "$($_.HostIp)|$($_.HostPort)" } | Should -Be "|$port"
            $c.HostConfig.PortBindings['53/udp'] | ForEach-Object { "$($_.HostIp)|$($_.HostPort)" } | Should -Be '|'
            $c.Ports | Should -Be "0.0.0.0:$port->80/tcp, 53/udp"
            $c.HostConfig.Ulimits | ForEach-Object { "$($_.Name)=$($_.Soft):$($_.Hard)" } | Should -Be 'nofile=100:200'
            $t = $c.Mounts | Where-Object Type -eq 'Tmpfs'
            $t.Destination | Should -Be '/scratch'
            $t.Tmpfs.SizeBytes | Should -Be 2MB
            $t.Tmpfs.Mode | Should -Be ([Convert]::ToInt32('700', 8))

            # the record on disk, in docker inspect's shapes
            $rec = Get-Content -Raw (Join-Path $script:Root "containers/$($c.Id)/container.json") | ConvertFrom-Json
            $rec.HostConfig.NetworkMode | Should -BeExactly 'Bridge' # the record keeps the kind
            $rec.HostConfig.PortBindings.'80/tcp'[0].HostPort | Should -Be "$port"
            $rec.HostConfig.PortBindings.'53/udp'[0].HostPort | Should -Be ''
            $rec.NetworkSettings.Networks.$net.IPAMConfig.IPv4Address | Should -Be $ip
            $rec.NetworkSettings.Networks.$net.PSObject.Properties.Name | Should -Not -Contain 'IPAddress'
            $rec.Mounts[0].Type | Should -Be 'Tmpfs'
            (Get-Content -Raw (Join-Path $script:Root "containers/$($c.Id)/container.json")) | Should -Not -Match 'io\.pscontainers\.network'

            # and they work: the address, the aliases on the network, the tmpfs, the ulimit
            Start-Container typed
            $out = Invoke-ContainerExec typed sh -c 'ip addr show eth0 | grep -o "inet [0-9.]*"; grep " /scratch " /proc/mounts | grep -o "size=[0-9]*k,mode=[0-7]*"; ulimit -n'
            $out | Should -Be @("inet $ip", 'size=2048k,mode=700', '100')
            (Get-Container typed).NetworkSettings.Networks[$net].IPAddress | Should -Be $ip
            Invoke-ContainerImage $script:Img -Remove -Network $net sh -c 'ping -c1 -W2 db >/dev/null && ping -c1 -W2 cache >/dev/null && echo both' | Should -Be 'both'
            (Get-ContainerPort typed | Where-Object ContainerPort -eq 80).HostPort | Should -Be $port
        } finally {
            Get-Container typed -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
            Remove-ContainerNetwork $net -Force
        }
    }

    It 'refuses ports with -Network host or none and leaves nothing behind' {
        $before = @(Get-Container -All).Count
        { New-Container $script:Img -Network host -Publish 8080:80 sleep 1 -ErrorAction Stop } | Should -Throw -ErrorId 'PublishNeedsNetwork,PsContainers.Commands.NewContainerCommand'
        { New-Container $script:Img -Network none -PublishAll sleep 1 -ErrorAction Stop } | Should -Throw -ErrorId 'PublishNeedsNetwork,PsContainers.Commands.NewContainerCommand'
        { New-Container $script:Img -Network host, front sleep 1 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidNetworkMode,PsContainers.Commands.NewContainerCommand'
        { New-Container $script:Img -Publish '80:80:80:80' sleep 1 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPortSpec,PsContainers.Commands.NewContainerCommand'
        { New-Container $script:Img -Ulimit 'nofile=9:1' sleep 1 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidUlimit,PsContainers.Commands.NewContainerCommand'
        { New-Container $script:Img -Tmpfs 'relative' sleep 1 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMountSpec,PsContainers.Commands.NewContainerCommand'
        @(Get-Container -All).Count | Should -Be $before
    }

    It 'Remove-Container -Volumes deletes the anonymous volumes and keeps named ones' {
        $null = Invoke-ContainerImage $script:Img -Detach -Name anon -Volume '/anon', 'named-kept:/named' sleep 30
        $anon = (Get-ContainerVolume | Where-Object { $_.Anonymous -and $_.UsedBy -contains 'anon' })
        @($anon).Count | Should -Be 1
        Remove-Container anon -Force -Volumes
        Get-ContainerVolume $anon.Name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerVolume named-kept | Should -Not -BeNullOrEmpty
    }
}

