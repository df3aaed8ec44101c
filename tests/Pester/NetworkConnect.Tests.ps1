# Connect-/Disconnect-ContainerNetwork through real containers (the generated busybox image, the default runtime, the
# CNI plugins): a connection is recorded in the container's configuration like docker's EndpointsConfig, so it lasts
# across Stop/Start, Restart-Container and restart-policy restarts, and stopped containers are accepted (issue 11).

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

Describe 'Connect-ContainerNetwork is recorded: it lasts across restarts and takes stopped containers (docker, issue 11)' {
    BeforeAll {
        $script:CNet = "conn$PID"
        $script:CGw = (New-ContainerNetwork $script:CNet).Gateway
        $script:CIp = $script:CGw -replace '\.1$', '.66'
        function script:Get-Eth1([string] $Name) {
            $line = (Invoke-ContainerExec $Name -- sh -c 'ip -4 -o addr show eth1 2>/dev/null; true') -join ' '
            if ($line -match 'inet ([0-9.]+)/') { $Matches[1] } else { $null }
        }
    }
    AfterAll {
        Get-Container -All | Where-Object Name -like 'conn-*' | Remove-Container -Force -Confirm:$false
        Remove-ContainerNetwork $script:CNet -Force -ErrorAction SilentlyContinue
    }

    It 'keeps a network joined while running, with its fixed address and alias, after Restart-Container and Stop/Start' {
        $null = Invoke-ContainerImage $script:Img -Detach -Name conn-run -- sleep 300
        $att = Connect-ContainerNetwork $script:CNet conn-run -IPAddress $script:CIp -Alias conn-alias
        $att.IPAddress | Should -Be $script:CIp
        Get-Eth1 conn-run | Should -Be $script:CIp
        Restart-Container conn-run -Timeout 1
        Get-Eth1 conn-run | Should -Be $script:CIp -Because 'the connection is in the record and joined at each start'
        $e = (Get-Container conn-run).NetworkSettings.Networks[$script:CNet]
        $e.IPAMConfig.IPv4Address | Should -Be $script:CIp
        $e.Aliases | Should -Contain 'conn-alias'
        Stop-Container conn-run -Timeout 1
        Start-Container conn-run
        Get-Eth1 conn-run | Should -Be $script:CIp
        # reachable from another container on that network, by address and by alias
        Invoke-ContainerImage $script:Img -Remove -Network $script:CNet -- sh -c "ping -c1 -W2 $($script:CIp) >/dev/null && ping -c1 -W2 conn-alias >/dev/null && echo ok" | Should -Be 'ok'
    }

    It 'no longer joins a network after Disconnect-ContainerNetwork and a restart' {
        Disconnect-ContainerNetwork $script:CNet conn-run
        Get-Eth1 conn-run | Should -BeNullOrEmpty
        Restart-Container conn-run -Timeout 1
        Get-Eth1 conn-run | Should -BeNullOrEmpty -Because 'disconnect removed it from the record'
        @((Get-Container conn-run).NetworkSettings.Networks.Keys) | Should -Not -Contain $script:CNet
        { Disconnect-ContainerNetwork $script:CNet conn-run -ErrorAction Stop } | Should -Throw -ErrorId 'NotConnected,PsContainers.Commands.DisconnectContainerNetworkCommand'
    }

    It 'connects a created container (record only, no output) and joins at start; disconnects a stopped one' {
        $null = New-Container $script:Img -Name conn-created -- sleep 300
        Connect-ContainerNetwork $script:CNet conn-created -Alias late-name | Should -BeNullOrEmpty
        @((Get-Container conn-created -All).NetworkSettings.Networks.Keys) | Should -Contain $script:CNet
        { Connect-ContainerNetwork $script:CNet conn-created -ErrorAction Stop } | Should -Throw -ErrorId 'AlreadyConnected,PsContainers.Commands.ConnectContainerNetworkCommand'
        Start-Container conn-created
        Get-Eth1 conn-created | Should -Match '^\d+\.\d+\.\d+\.\d+$'
        Invoke-ContainerImage $script:Img -Remove -Network $script:CNet -- sh -c 'ping -c1 -W2 late-name >/dev/null && echo ok' | Should -Be 'ok'
        Stop-Container conn-created -Timeout 1
        Disconnect-ContainerNetwork $script:CNet conn-created
        Start-Container conn-created
        Get-Eth1 conn-created | Should -BeNullOrEmpty
    }

    It 'keeps a connected network across a restart-policy restart (on-failure)' {
        $ip = $script:CGw -replace '\.1$', '.67'
        $null = Invoke-ContainerImage $script:Img -Detach -Name conn-policy -Restart on-failure:5 -- sh -c 'sleep 4; exit 1'
        $null = Connect-ContainerNetwork $script:CNet conn-policy -IPAddress $ip
        Wait-ContainerCondition -TimeoutSeconds 30 { $x = Get-Container conn-policy; $x.RestartCount -ge 1 -and $x.Status -eq 'Running' } | Should -BeTrue
        Get-Eth1 conn-policy | Should -Be $ip
    }

    It 'refuses containers on the host network or none, and the host/none modes as networks' {
        $null = New-Container $script:Img -Name conn-host -Network host -- true
        Connect-ContainerNetwork $script:CNet conn-host -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^ContainerNotConnectable'
        $err[0].Exception.Message | Should -Match 'host'
        $null = New-Container $script:Img -Name conn-none -Network none -- true
        Connect-ContainerNetwork $script:CNet conn-none -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Match '^ContainerNotConnectable'
        Connect-ContainerNetwork host conn-run -ErrorVariable err3 -ErrorAction SilentlyContinue
        $err3[0].FullyQualifiedErrorId | Should -Match '^ContainerNotConnectable'
        @((Get-Container conn-host -All).NetworkSettings.Networks.Keys) | Should -Be @('host')
    }
}
