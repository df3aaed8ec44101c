# -Network container:<name|id> (docker's --network container:x, compose's network_mode: service:x) with real
# containers: the joining container gets the other's namespace (its addresses, loopback, ports), /etc files and
# hostname, and nothing of its own; plus -NetworkAlias and -AddHost at creation on a user network with name resolution.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    function Get-NetworkState([string] $Id) {
        $f = Join-Path $script:Root "containers/$Id/network.json"
        if (Test-Path $f) { Get-Content -Raw $f | ConvertFrom-Json }
    }
    function Get-Eth0Address([string] $Name) {
        $text = (Invoke-ContainerExec $Name -- ip -4 -o addr show) -join "`n"
        if ($text -match 'eth0\s+inet\s+([0-9.]+)/') { $Matches[1] }
    }
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object Name -ne 'pscontainers' |
        Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe '-Network container:<name>: a shared network namespace' {
    BeforeAll {
        $script:Net = "shared$PID"
        $null = New-ContainerNetwork $script:Net
        $script:A = Invoke-ContainerImage $script:Img -Detach -Name share-a -Network $script:Net -Hostname share-host `
            sh -c 'mkdir -p /www && echo served-by-a > /www/index.html && exec httpd -f -p 80 -h /www'
        $script:B = Invoke-ContainerImage $script:Img -Detach -Name share-b -Network container:share-a `
            sh -c 'mkdir -p /www && echo served-by-b > /www/index.html && exec httpd -f -p 8081 -h /www'
        $script:AState = Get-NetworkState $script:A.Id
        $null = Wait-ContainerCondition { (Invoke-ContainerExec share-a -- wget -q -O - http://127.0.0.1:8081/ 2>$null) -eq 'served-by-b' } -TimeoutSeconds 10
    }

    It 'records the mode typed, the other container by its full id, and docker''s container:<id> spelling' {
        $b = Get-Container share-b
        $b.HostConfig.NetworkModeKind | Should -Be ([PsContainers.Core.Containers.NetworkMode]::Container)
        $b.HostConfig.NetworkMode | Should -BeExactly "container:$($script:A.Id)"
        $b.HostConfig.NetworkContainerId | Should -Be $script:A.Id
        $b.HostConfig.NetworkModeName | Should -Be "container:$($script:A.Id)"
        $b.NetworkSettings.Networks.Count | Should -Be 0
        $b.Config.Hostname | Should -Be 'share-host'
        $json = Get-Content -Raw (Join-Path $script:Root "containers/$($b.Id)/container.json") | ConvertFrom-Json
        $json.HostConfig.NetworkMode | Should -BeExactly 'Container' # the record keeps the kind
        $json.HostConfig.NetworkContainerId | Should -Be $script:A.Id
        (Get-Container share-a).HostConfig.NetworkModeName | Should -BeExactly $script:Net # docker: a user network by its name
        (Get-Container share-a).HostConfig.NetworkModeKind | Should -Be ([PsContainers.Core.Containers.NetworkMode]::Bridge)
    }

    It 'has the other container''s interfaces and address, and no CNI attachment of its own' {
        $ip = $script:AState.Networks[0].IPAddress
        $ip | Should -Match '^\d+\.\d+\.\d+\.\d+$'
        Get-Eth0Address share-b | Should -Be $ip
        ((Invoke-ContainerExec share-b -- ip -o link show) | Where-Object { $_ -match '^\d+: (eth\d+)' }).Count | Should -Be 1
        $bState = Get-NetworkState $script:B.Id
        $bState.Mode | Should -Be 'container'
        @($bState.Networks).Count | Should -Be 0
        Get-ChildItem (Join-Path $script:Root 'networks/cache') -Filter "*-$($script:B.Id)-*" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'shares loopback both ways: each reaches the other''s server on 127.0.0.1' {
        Invoke-ContainerExec share-b -- wget -q -O - http://127.0.0.1:80/ | Should -Be 'served-by-a'
        Invoke-ContainerExec share-a -- wget -q -O - http://127.0.0.1:8081/ | Should -Be 'served-by-b'
    }

    It 'shares the hostname, /etc/hosts and /etc/resolv.conf of the other container' {
        Invoke-ContainerExec share-b -- hostname | Should -Be 'share-host'
        ((Invoke-ContainerExec share-b -- cat /etc/hosts) -join "`n") | Should -Be ((Invoke-ContainerExec share-a -- cat /etc/hosts) -join "`n")
        ((Invoke-ContainerExec share-b -- cat /etc/resolv.conf) -join "`n") | Should -Be ((Invoke-ContainerExec share-a -- cat /etc/resolv.conf) -join "`n")
        ((Invoke-ContainerExec share-b -- cat /etc/hosts) -join "`n") | Should -Match "$([regex]::Escape($script:AState.Networks[0].IPAddress))\s.*share-a"
    }

    It 'refuses, like docker, what the shared namespace decides, and creates nothing' {
        $cases = @(
            @{ Publish = '8099:80' }, @{ PublishAll = $true }, @{ Hostname = 'other' }, @{ Dns = '10.0.0.1' },
            @{ AddHost = 'x:10.0.0.1' }, @{ NetworkAlias = 'web' }, @{ IPAddress = '10.0.0.9' }
        )
        foreach ($extra in $cases) {
            $err = $null
            New-Container $script:Img -Name share-bad -Network container:share-a @extra -ErrorVariable err -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Match '^ConflictingOptions'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Match 'Conflicting options'
            Get-Container share-bad -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    It 'refuses a container that does not exist, and container: combined with another network' {
        New-Container $script:Img -Name share-bad -Network container:no-such-$PID -ErrorVariable err -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^ContainerNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        New-Container $script:Img -Name share-bad -Network container:share-a, $script:Net -ErrorVariable err2 -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -Match '^InvalidNetworkMode'
        Get-Container share-bad -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'cannot be connected to other networks (it has no namespace of its own)' {
        Connect-ContainerNetwork -Network $script:Net -Container share-b -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -BeGreaterThan 0
        @((Invoke-ContainerExec share-b -- ip -o link show) | Where-Object { $_ -match '^\d+: eth\d+' }).Count | Should -Be 1
    }

    It 'keeps only loopback when the other stops, refuses to start without it, and joins again once it runs' {
        Stop-Container share-a -Timeout 1
        $null = Wait-ContainerCondition { -not (Get-Eth0Address share-b) } -TimeoutSeconds 10
        Get-Eth0Address share-b | Should -BeNullOrEmpty
        Stop-Container share-b -Timeout 1
        Start-Container share-b -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^NetworkContainerNotRunning'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        (Get-Container share-b -All).Status | Should -Be 'Exited'
        Start-Container share-a
        Start-Container share-b
        $ip = (Get-NetworkState $script:A.Id).Networks[0].IPAddress
        Get-Eth0Address share-b | Should -Be $ip
        $null = Wait-ContainerCondition { (Invoke-ContainerExec share-b -- wget -q -O - http://127.0.0.1:80/ 2>$null) -eq 'served-by-a' } -TimeoutSeconds 10
        Invoke-ContainerExec share-b -- wget -q -O - http://127.0.0.1:80/ | Should -Be 'served-by-a'
    }

    It 'releases only its own pin when it stops or is removed; the other keeps its network' {
        $pin = (Get-NetworkState $script:B.Id).NetnsPath
        $pin | Should -Not -BeNullOrEmpty
        $pin | Should -Not -Be (Get-NetworkState $script:A.Id).NetnsPath
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape($pin) | Should -Not -BeNullOrEmpty
        Remove-Container share-b -Force -Confirm:$false
        Wait-NetworkCleanup $script:Root
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape($pin) | Should -BeNullOrEmpty
        Test-Path $pin | Should -BeFalse
        $aState = Get-NetworkState $script:A.Id
        Test-Path $aState.NetnsPath | Should -BeTrue
        Get-Eth0Address share-a | Should -Be $aState.Networks[0].IPAddress
        $c = Invoke-ContainerImage $script:Img -Network $script:Net -- wget -q -O - "http://$($aState.Networks[0].IPAddress):80/"
        $c | Should -Be 'served-by-a'
    }

    It 'joins a container on -Network none through its process, and the pin goes when it exits' {
        $n = Invoke-ContainerImage $script:Img -Detach -Name share-none -Network none sleep 60
        $out = Invoke-ContainerImage $script:Img -Remove -Network container:share-none -- sh -c 'ip -o link show | cut -d: -f2; hostname'
        ($out | ForEach-Object Trim) | Should -Be @('lo', $n.Id.Substring(0, 12))
        Wait-NetworkCleanup $script:Root
        Get-ChildItem /run/pscontainers/netns -ErrorAction SilentlyContinue | Where-Object Name -like "*$($n.Id)*" | Should -BeNullOrEmpty
        Remove-Container share-none -Force -Confirm:$false
    }

    It 'joins a container on -Network host: the host''s interfaces and hostname, no pin' {
        $h = Invoke-ContainerImage $script:Img -Detach -Name share-onhost -Network host sleep 60
        # the interface of the host's default route (other links come and go with other containers)
        $uplink = ((& ip route show default) -join "`n") -replace '(?s)^.*?\bdev\s+(\S+).*$', '$1'
        $uplink | Should -Not -BeNullOrEmpty
        $d = Invoke-ContainerImage $script:Img -Detach -Name share-onhost-b -Network container:share-onhost sleep 60
        Invoke-ContainerExec share-onhost-b hostname | Should -Be ([System.Net.Dns]::GetHostName())
        $inside = @(Invoke-ContainerExec share-onhost-b -- ip -o link show | ForEach-Object { ($_ -split ':')[1].Trim() -replace '@.*$', '' })
        $inside | Should -Contain $uplink
        $inside | Should -Contain 'lo'
        Get-NetworkState $d.Id | Should -BeNullOrEmpty   # no namespace of its own, so nothing to pin or release
        Remove-Container share-onhost-b, share-onhost -Force -Confirm:$false
    }

    It 'lets the other container be removed, as docker does; the joining one then cannot start' {
        $script:A2 = Invoke-ContainerImage $script:Img -Detach -Name share-a2 -Network $script:Net sleep 60
        $null = New-Container $script:Img -Name share-b2 -Network container:share-a2 -- sleep 60
        Remove-Container share-a2 -Force -Confirm:$false
        Start-Container share-b2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^ContainerNotFound'
        Remove-Container share-b2 -Confirm:$false
        Get-Container share-b2 -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe '-NetworkAlias and -AddHost at creation, on a user network with name resolution' {
    BeforeAll {
        $script:DnsNet = "alias$PID"
        $script:Gw = (New-ContainerNetwork $script:DnsNet).Gateway
        $script:Srv = Invoke-ContainerImage $script:Img -Detach -Name alias-srv -Network $script:DnsNet -NetworkAlias web, www `
            sh -c 'mkdir -p /www && echo aliased > /www/index.html && exec httpd -f -p 80 -h /www'
        $script:SrvIp = (Get-NetworkState $script:Srv.Id).Networks[0].IPAddress
        $script:Cli = Invoke-ContainerImage $script:Img -Detach -Name alias-cli -Network $script:DnsNet `
            -AddHost 'db.example:10.9.8.7', 'v6=[fd00::5]', 'gw:host-gateway' -Dns $script:Gw sleep 120
    }

    It 'answers each alias given at creation with the container''s address, by name server and by wget' {
        foreach ($name in 'web', 'www', 'alias-srv') {
            (Invoke-ContainerExec alias-cli -- nslookup $name $script:Gw) -join "`n" | Should -Match "Address:\s+$([regex]::Escape($script:SrvIp))(\s|$)"
        }
        Invoke-ContainerExec alias-cli -- wget -q -O - http://web/ | Should -Be 'aliased'
    }

    It 'writes the extra hosts into /etc/hosts, host-gateway as the network''s gateway, and records them' {
        $hosts = Invoke-ContainerExec alias-cli -- cat /etc/hosts
        $hosts | Should -Contain "10.9.8.7`tdb.example"
        $hosts | Should -Contain "fd00::5`tv6"
        $hosts | Should -Contain "$($script:Gw)`tgw"
        (Get-Container alias-cli).HostConfig.ExtraHosts | Should -Be @('db.example:10.9.8.7', 'v6:fd00::5', 'gw:host-gateway')
        (Get-Container alias-cli).HostConfig.Dns | Should -Be @($script:Gw)
        Invoke-ContainerExec alias-cli -- cat /etc/resolv.conf | Should -Contain "nameserver $($script:Gw)"
    }

    It 'refuses a malformed -AddHost or -Dns before anything is written' {
        New-Container $script:Img -Name alias-bad -AddHost 'nocolon' -ErrorVariable e1 -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $e1[0].FullyQualifiedErrorId | Should -Match '^InvalidExtraHost'
        New-Container $script:Img -Name alias-bad -AddHost 'x:not-an-ip' -ErrorVariable e2 -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $e2[0].FullyQualifiedErrorId | Should -Match '^InvalidExtraHost'
        New-Container $script:Img -Name alias-bad -Dns 'resolver.example' -ErrorVariable e3 -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $e3[0].FullyQualifiedErrorId | Should -Match '^InvalidDns'
        $e3[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-Container alias-bad -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
