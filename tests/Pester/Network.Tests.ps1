# Networks, the CNI layer and published ports, run for real: network namespaces made by the engine, the Debian
# CNI plugins, iptables, and busybox processes standing in for containers (nsenter into the engine's namespace).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersForTest
    Import-PsContainersCore
    $script:Root = New-TestStoreRoot
    $script:Paths = [PsContainers.Core.PscPaths]::new($script:Root)
    $script:Net = [PsContainers.Core.Networking.ContainerNetworking]::new($script:Paths)
    $script:None = [System.Threading.CancellationToken]::None
    $script:Www = Join-Path $script:Root 'www'
    New-Item -ItemType Directory -Path $script:Www | Out-Null
    Set-Content -Path (Join-Path $script:Www 'index.html') -Value 'hello from psc'

    function script:New-Request([string] $Name, [string[]] $Networks, [string[]] $Publish, [string] $IP) {
        $r = [PsContainers.Core.Networking.NetworkSetupRequest]::new()
        $r.ContainerId = New-TestContainerId
        $r.ContainerName = $Name
        foreach ($n in $Networks) { $r.Networks.Add($n) }
        foreach ($p in $Publish) { $r.Ports.AddRange([PsContainers.Core.Networking.PortParser]::Parse($p)) }
        if ($IP) { $r.IPAddress = $IP }
        $r
    }
}

AfterAll {
    foreach ($s in $script:Net.AllStates()) { try { $script:Net.Teardown($s.ContainerId, $script:None) } catch { } }
    Get-ContainerNetwork | Where-Object { -not $_.IsDefault } | Remove-ContainerNetwork -Force -ErrorAction SilentlyContinue
    Remove-TestStoreRoot $script:Root
}

Describe 'Network cmdlets' {
    It 'lists the default bridge network, written on first use' {
        $n = Get-ContainerNetwork pscontainers
        $n.Driver | Should -Be 'bridge'
        $n.Subnet | Should -Be '10.89.0.0/24'
        $n.Interface | Should -Be 'psc0'
        Test-Path (Join-Path $script:Root 'networks/pscontainers.conflist') | Should -BeTrue
    }

    It 'creates a bridge network on a free subnet, as a CNI conflist' {
        $n = New-ContainerNetwork "t-front-$PID"
        $n | Should -BeOfType PsContainers.Core.Networking.ContainerNetwork
        $n.Subnet | Should -Match '^10\.89\.\d+\.0/24$'
        $n.DnsEnabled | Should -BeTrue
        $conf = Get-Content -Raw $n.ConfigPath | ConvertFrom-Json
        $conf.plugins.type | Should -Be @('bridge', 'portmap', 'firewall')
        (Get-ContainerNetwork "t-front-$PID").Name | Should -Be "t-front-$PID"
    }

    It 'changes nothing with -WhatIf' {
        New-ContainerNetwork "t-whatif-$PID" -WhatIf
        Get-ContainerNetwork "t-whatif-$PID" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a duplicate name and a bad subnet with clear errors' {
        { New-ContainerNetwork "t-front-$PID" -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkExists,PsContainers.Commands.NewContainerNetworkCommand'
        { New-ContainerNetwork "t-bad-$PID" -Subnet 'nonsense' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSubnet,PsContainers.Commands.NewContainerNetworkCommand'
    }

    It 'writes a non-terminating ObjectNotFound error for an unknown name and nothing for an unmatched wildcard' {
        $r = Get-ContainerNetwork 'no-such-net' -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NetworkNotFound*'
        Get-ContainerNetwork 'no-such-*' -ErrorVariable err2 | Should -BeNullOrEmpty
        $err2 | Should -BeNullOrEmpty
    }

    It 'goes on with the other networks when one fails with an I/O error, and reports that one' {
        $names = "t-each-a-$PID", "t-each-b-$PID", "t-each-c-$PID"
        foreach ($n in $names) { New-ContainerNetwork $n | Out-Null }
        # an immutable configuration list cannot be deleted, even by root: an UnauthorizedAccessException, not an engine error
        $conf = Join-Path $script:Root "networks/$($names[1]).conflist"
        Test-Path $conf | Should -BeTrue
        & chattr +i $conf
        try {
            Remove-ContainerNetwork $names -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PermissionDenied,*'
            $err[0].TargetObject.Name | Should -Be $names[1]
            Get-ContainerNetwork $names[0] -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Get-ContainerNetwork $names[2] -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-ContainerNetwork $names[1]).Name | Should -Be $names[1]
        } finally { & chattr -i $conf }
        Remove-ContainerNetwork $names[1] -Force
        Get-ContainerNetwork $names[1] -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses to remove a network in use, and -Force disconnects its containers first' {
        $name = "t-used-$PID"
        New-ContainerNetwork $name | Out-Null
        $r = New-Request "used-$PID" @($name)
        $s = $script:Net.Setup($r, $script:None)
        (Get-ContainerNetwork $name).Containers | Should -Be @("used-$PID")
        { Remove-ContainerNetwork $name -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkInUse,PsContainers.Commands.RemoveContainerNetworkCommand'
        Remove-ContainerNetwork $name -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception.Message | Should -Be "Network '$name' is used by container(s) used-$PID."
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].ErrorDetails.RecommendedAction | Should -Be 'Use -Force to remove it anyway.'
        Get-ContainerNetwork $name | Should -Not -BeNullOrEmpty
        Remove-ContainerNetwork $name -Force
        Get-ContainerNetwork $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $script:Net.GetState($r.ContainerId).Networks | Should -BeNullOrEmpty
        $script:Net.Teardown($r.ContainerId, $script:None)
        Test-Path $s.NetnsPath | Should -BeFalse
    }
}

Describe 'A published web server (the seed example, on the network layer)' {
    BeforeAll {
        $script:Port = Get-FreeTcpPort -Preferred 8000
        $script:Req = New-Request 'webserver' @() @("$($script:Port):80")
        $script:State = $script:Net.Setup($script:Req, $script:None)
        $script:Trace = Get-NetworkTrace -Root $script:Root -ContainerId $script:Req.ContainerId
        $script:Httpd = Start-InNetns -NetnsPath $script:State.NetnsPath -HostsFile $script:State.HostsFile -Command "busybox httpd -f -p 80 -h $($script:Www)"
        $script:TestHost = New-TestNetHost
        # wait for the server to listen
        for ($i = 0; $i -lt 50; $i++) {
            if ((Invoke-InNetns -NetnsPath $script:State.NetnsPath -Command 'busybox wget -q -O - http://127.0.0.1/') -match 'hello') { break }
            Start-Sleep -Milliseconds 100
        }
    }
    AfterAll {
        if ($script:Httpd -and -not $script:Httpd.HasExited) { $script:Httpd.Kill($true) }
        Remove-TestNetHost $script:TestHost
        try { $script:Net.Teardown($script:Req.ContainerId, $script:None) } catch { }
    }

    It 'gives the container an address on the default bridge and a default route' {
        $a = $script:State.Networks[0]
        $a.Network | Should -Be 'pscontainers'
        $a.IPAddress | Should -Match '^10\.89\.0\.\d+$'
        $a.Gateway | Should -Be '10.89.0.1'
        (Invoke-InNetns -NetnsPath $script:State.NetnsPath -Command 'ip route') -join "`n" | Should -Match 'default via 10\.89\.0\.1'
        (Invoke-InNetns -NetnsPath $script:State.NetnsPath -Command 'ip -br link') -join "`n" | Should -Match '(?m)^lo\s+UNKNOWN'
    }

    It 'writes hosts, hostname and resolv.conf for the container' {
        Get-Content $script:State.HostsFile | Should -Contain "$($script:State.Networks[0].IPAddress)`t$($script:State.Hostname) webserver"
        (Get-Content -Raw $script:State.HostnameFile).Trim() | Should -Be $script:Req.ContainerId.Substring(0, 12)
        Get-Content $script:State.ResolvConfFile | Where-Object { $_ -match '^nameserver 127\.' } | Should -BeNullOrEmpty
    }

    It 'is reachable from localhost on the published port' {
        $page = & busybox wget -q -O - "http://127.0.0.1:$($script:Port)/" 2>&1
        $page | Should -Be 'hello from psc'
    }

    It 'is reachable from a second host through the host address' {
        $page = Invoke-InTestHost $script:TestHost @('busybox', 'wget', '-q', '-O', '-', "http://$($script:TestHost.HostAddress):$($script:Port)/")
        $page | Should -Be 'hello from psc'
    }

    It 'lists the port as an object and in docker ps form' {
        $p = Get-ContainerPort webserver
        $p.ContainerPort | Should -Be 80
        $p.HostPort | Should -Be $script:Port
        $p.Protocol | Should -Be 'tcp'
        $p.ToString() | Should -Be "0.0.0.0:$($script:Port)->80/tcp"
        (Get-ContainerPort webserver 80/tcp).HostPort | Should -Be $script:Port
        Get-ContainerPort webserver 81 | Should -BeNullOrEmpty
    }

    It 'passes CNI CHECK' {
        { $script:Net.Check($script:Req.ContainerId, $script:None) } | Should -Not -Throw
    }

    It 'refuses the same host port for another container before creating anything' {
        $r2 = New-Request 'second' @() @("$($script:Port):80")
        { $script:Net.Setup($r2, $script:None) } | Should -Throw '*already in use*'
        Test-Path ([PsContainers.Core.Networking.NetworkNamespace]::PathFor($r2.ContainerId)) | Should -BeFalse
        $script:Net.GetState($r2.ContainerId) | Should -BeNullOrEmpty
    }

    It 'leaves no link, rule, mount, namespace, lease or cache entry after teardown, even with the server still running' {
        $script:Trace.Veths.Count | Should -Be 1
        $script:Trace.IPs.Count | Should -Be 1
        Get-NetworkLeftover -Trace $script:Trace -NetnsPath $script:State.NetnsPath | Should -Not -BeNullOrEmpty
        $script:Net.Teardown($script:Req.ContainerId, $script:None)
        Get-NetworkLeftover -Trace $script:Trace -NetnsPath $script:State.NetnsPath | Should -BeNullOrEmpty
        Get-ContainerPort webserver -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Ports in use on the host' {
    It 'refuses a port a program listens on, with a clear error, and creates nothing' {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, 0)
        $l.Start()
        try {
            $port = $l.LocalEndpoint.Port
            $r = New-Request 'busyport' @() @("$($port):80")
            $e = { $script:Net.Setup($r, $script:None) } | Should -Throw -PassThru
            $e.Exception.InnerException.ErrorId | Should -Be 'PortInUse'
            $e.Exception.InnerException.Message | Should -Match "Host port tcp/$port is already in use"
            Test-Path ([PsContainers.Core.Networking.NetworkNamespace]::PathFor($r.ContainerId)) | Should -BeFalse
        } finally { $l.Stop() }
    }

    It 'picks free host ports for a container port without a host port' {
        $r = New-Request 'randomport' @() @('80', '53/udp')
        $s = $script:Net.Setup($r, $script:None)
        try {
            $s.Ports.Count | Should -Be 2
            $s.Ports | ForEach-Object { $_.HostPort | Should -BeGreaterThan 0 }
            ($s.Ports | Where-Object Protocol -eq 'udp').ContainerPort | Should -Be 53
        } finally { $script:Net.Teardown($r.ContainerId, $script:None) }
    }
}

Describe 'Containers on a user network' {
    BeforeAll {
        $script:UserNet = "t-apps-$PID"
        New-ContainerNetwork $script:UserNet | Out-Null
        $script:A = New-Request 'alpha' @($script:UserNet)
        $script:SA = $script:Net.Setup($script:A, $script:None)
        $script:B = New-Request 'beta' @($script:UserNet)
        $script:SB = $script:Net.Setup($script:B, $script:None)
        $script:HttpdB = Start-InNetns -NetnsPath $script:SB.NetnsPath -HostsFile $script:SB.HostsFile -Command "busybox httpd -f -p 80 -h $($script:Www)"
        Start-Sleep -Milliseconds 300
    }
    AfterAll {
        if ($script:HttpdB -and -not $script:HttpdB.HasExited) { $script:HttpdB.Kill($true) }
        foreach ($r in $script:A, $script:B) { try { $script:Net.Teardown($r.ContainerId, $script:None) } catch { } }
        Remove-ContainerNetwork $script:UserNet -Force -ErrorAction SilentlyContinue
    }

    It 'reach each other by name' {
        $page = Invoke-InNetns -NetnsPath $script:SA.NetnsPath -HostsFile $script:SA.HostsFile -Command 'busybox wget -q -O - http://beta/'
        $page | Should -Be 'hello from psc'
    }

    It 'keeps the first container''s hosts file current when the second one joins and leaves' {
        Get-Content $script:SA.HostsFile | Should -Contain "$($script:SB.Networks[0].IPAddress)`tbeta $($script:SB.Hostname)"
        $c = New-Request 'gamma' @($script:UserNet)
        $sc = $script:Net.Setup($c, $script:None)
        Get-Content $script:SA.HostsFile | Should -Contain "$($sc.Networks[0].IPAddress)`tgamma $($sc.Hostname)"
        $script:Net.Teardown($c.ContainerId, $script:None)
        (Get-Content $script:SA.HostsFile) -match 'gamma' | Should -BeNullOrEmpty
    }

    It 'gives a requested fixed address' {
        $c = New-Request 'fixed' @($script:UserNet) -IP ($script:SA.Networks[0].Gateway -replace '\.1$', '.77')
        $sc = $script:Net.Setup($c, $script:None)
        try { $sc.Networks[0].IPAddress | Should -Be ($script:SA.Networks[0].Gateway -replace '\.1$', '.77') }
        finally { $script:Net.Teardown($c.ContainerId, $script:None) }
    }

    It 'connects and disconnects a running container to a second network' {
        $other = "t-second-$PID"
        New-ContainerNetwork $other | Out-Null
        try {
            $att = Connect-ContainerNetwork $other alpha
            $att.IfName | Should -Be 'eth1'
            $att.IPAddress | Should -Not -BeNullOrEmpty
            (Invoke-InNetns -NetnsPath $script:SA.NetnsPath -Command 'ip -br addr show eth1') -join '' | Should -Match ([regex]::Escape($att.IPAddress))
            (Get-ContainerNetwork $other).Containers | Should -Be @('alpha')
            { Connect-ContainerNetwork $other alpha -ErrorAction Stop } | Should -Throw -ErrorId 'AlreadyConnected,PsContainers.Commands.ConnectContainerNetworkCommand'
            Disconnect-ContainerNetwork $other alpha
            (Invoke-InNetns -NetnsPath $script:SA.NetnsPath -Command 'ip -br link') -join "`n" | Should -Not -Match 'eth1'
            (Get-ContainerNetwork $other).Containers | Should -BeNullOrEmpty
        } finally { Remove-ContainerNetwork $other -Force -ErrorAction SilentlyContinue }
    }

    It 'reports an unknown container as not found' {
        Connect-ContainerNetwork $script:UserNet 'nobody-here' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Network modes' {
    # the container's own namespace with only loopback, up with 127.0.0.1, is checked on a real container in
    # NetworkContainers.Tests.ps1 ('Network modes'): the runtime makes it and the monitor brings loopback up
    It 'none: no namespace to bind (the runtime makes the container''s own), only the /etc files' {
        $r = New-Request 'isolated' @('none')
        $s = $script:Net.Setup($r, $script:None)
        try {
            $s.Mode | Should -Be 'none'
            $s.NetnsPath | Should -BeNullOrEmpty
            @($s.Networks).Count | Should -Be 0
            Test-Path ([PsContainers.Core.Networking.NetworkNamespace]::PathFor($r.ContainerId)) | Should -BeFalse
            @([PsContainers.Core.Networking.ContainerNetworking]::FileMounts($s) | ForEach-Object Destination) | Should -Be @('/etc/hosts', '/etc/hostname', '/etc/resolv.conf')
            $script:Net.HasLeftovers($r.ContainerId) | Should -BeTrue
        } finally { $script:Net.Teardown($r.ContainerId, $script:None) }
        $script:Net.GetState($r.ContainerId) | Should -BeNullOrEmpty
        $script:Net.HasLeftovers($r.ContainerId) | Should -BeFalse
    }

    It 'host: no namespace of its own, the host''s interfaces' {
        $r = New-Request 'hostnet' @('host')
        $s = $script:Net.Setup($r, $script:None)
        try {
            $s.Mode | Should -Be 'host'
            $s.NetnsPath | Should -BeNullOrEmpty
            (Get-Content -Raw $s.HostsFile) | Should -Match 'localhost'
            { $script:Net.Setup((New-Request 'bad' @('host', 'pscontainers')), $script:None) } | Should -Throw '*cannot be combined*'
        } finally { $script:Net.Teardown($r.ContainerId, $script:None) }
    }
}

Describe 'Recovery and namespace hygiene' {
    It 'cleans up from the CNI cache when the state file was lost (engine killed mid-way)' {
        $r = New-Request 'crashy' @()
        $s = $script:Net.Setup($r, $script:None)
        $trace = Get-NetworkTrace -Root $script:Root -ContainerId $r.ContainerId
        Remove-Item $script:Net.StatePath($r.ContainerId)
        $script:Net.Teardown($r.ContainerId, $script:None)
        Get-NetworkLeftover -Trace $trace -NetnsPath $s.NetnsPath | Should -BeNullOrEmpty
    }

    It 'the poststop cleanup program releases everything, and leaves a newer setup alone' {
        $r = New-Request 'hooked' @() @("$(Get-FreeTcpPort):80")
        $s = $script:Net.Setup($r, $script:None)
        $trace = Get-NetworkTrace -Root $script:Root -ContainerId $r.ContainerId
        $pscmon = [PsContainers.Core.Containers.ContainerManager]::MonitorExecutable
        # (run in the foreground here; as a runtime hook it detaches)
        # a hook left by an earlier start of the same container (another setup id) changes nothing
        '' | & $pscmon net-release $script:Root $r.ContainerId 'an-older-setup' --foreground
        $LASTEXITCODE | Should -Be 0
        Get-NetworkLeftover -Trace $trace -NetnsPath $s.NetnsPath | Should -Not -BeNullOrEmpty
        Test-Path $s.NetnsPath | Should -BeTrue
        '' | & $pscmon net-release $script:Root $r.ContainerId $s.SetupId --foreground
        $LASTEXITCODE | Should -Be 0
        Get-NetworkLeftover -Trace $trace -NetnsPath $s.NetnsPath | Should -BeNullOrEmpty
        $script:Net.GetState($r.ContainerId) | Should -BeNullOrEmpty
        { $script:Net.Teardown($r.ContainerId, $script:None) } | Should -Not -Throw
    }

    It 'leaves every thread of the engine process in the host network namespace' {
        $hostNs = (Get-Item /proc/self/ns/net).LinkTarget
        foreach ($i in 1..5) {
            $p = Join-Path ([PsContainers.Core.Networking.NetworkNamespace]::Directory) "psc-hyg-$PID-$i"
            [PsContainers.Core.Networking.NetworkNamespace]::Create($p)
            [PsContainers.Core.Networking.NetworkNamespace]::Delete($p)
        }
        $foreign = Get-ChildItem "/proc/$PID/task" | Where-Object { (Get-Item "/proc/$PID/task/$($_.Name)/ns/net").LinkTarget -ne $hostNs }
        $foreign | Should -BeNullOrEmpty
    }
}
