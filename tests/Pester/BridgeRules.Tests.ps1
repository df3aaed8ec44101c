# The NAT and forwarding rules of a bridge network (NetworkFirewall): set once for the network's subnet, not per
# container; containers still reach other hosts masqueraded; the rules go with a removed user network. Real
# containers, the CNI plugins and iptables (read with iptables-save); a second test host in its own network namespace.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'

    function Get-SubnetRule([string] $Subnet) {
        @(& iptables-save | Where-Object { $_ -like '-A *' -and $_ -like "*--comment `"psc * $Subnet`"*" })
    }
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Remove-ContainerTestStore $script:Root
}

Describe 'A container on the default bridge' {
    BeforeAll {
        $script:TestHost = New-TestNetHost
        # the second host answers one TCP connection with the address it came from
        $py = 'import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 8765)); s.listen(1); c, a = s.accept(); c.sendall((a[0] + "\n").encode()); c.close()'
        $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
        foreach ($a in @('netns', 'exec', $script:TestHost.Name, 'python3', '-c', $py)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        $script:Listener = [System.Diagnostics.Process]::Start($psi)
        # wait until it listens (python starts slowly on a busy machine)
        $null = Wait-ContainerCondition { (& ip netns exec $script:TestHost.Name ss -ltn 2>$null) -match ':8765\b' } -TimeoutSeconds 15
        $script:Run = Invoke-ContainerImage $script:Img -Name masq-client sh -c "echo `$(hostname -i) ; nc $($script:TestHost.Address) 8765 </dev/null" 2>&1
    }
    AfterAll {
        if ($script:Listener -and -not $script:Listener.HasExited) { $script:Listener.Kill() }
        Remove-TestNetHost $script:TestHost
        Get-Container masq-client -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false
    }

    It 'reaches another host, which sees the host''s address (masqueraded), not the container''s' {
        $lines = @($script:Run | ForEach-Object { "$_".Trim() } | Where-Object { $_ })
        $lines[0] | Should -Match '^10\.89\.0\.\d+$'
        $lines[-1] | Should -Be $script:TestHost.HostAddress
    }

    It 'has the subnet''s rules: masquerade in nat, forwarding accepted in CNI-FORWARD behind CNI-ADMIN' {
        $rules = Get-SubnetRule '10.89.0.0/24'
        @($rules | Where-Object { $_ -like '-A POSTROUTING -s 10.89.0.0/24 *-j PSC-MASQ-*' }).Count | Should -Be 1
        @($rules | Where-Object { $_ -like '-A PSC-MASQ-* -d 10.89.0.0/24 *-j ACCEPT' }).Count | Should -Be 1
        @($rules | Where-Object { $_ -like '-A PSC-MASQ-* ! -d 224.0.0.0/4 *-j MASQUERADE' }).Count | Should -Be 1
        @($rules | Where-Object { $_ -like '-A CNI-FORWARD -d 10.89.0.0/24 -m conntrack --ctstate RELATED,ESTABLISHED *-j ACCEPT' }).Count | Should -Be 1
        @($rules | Where-Object { $_ -like '-A CNI-FORWARD -s 10.89.0.0/24 *-j ACCEPT' }).Count | Should -Be 1
        (& iptables -S CNI-FORWARD)[1] | Should -BeLike '*-j CNI-ADMIN'
    }

    It 'runs no firewall plugin and no ipMasq per container: the cached list of a running one has neither, and no rule names it' {
        $c = Invoke-ContainerImage $script:Img -Detach -Name rules-sleeper sleep 60
        try {
            $cache = Get-Content -Raw (Join-Path $script:Root "networks/cache/pscontainers-$($c.Id)-eth0.json") | ConvertFrom-Json
            $cache.config.plugins.type | Should -Be @('bridge')
            $cache.config.plugins[0].ipMasq | Should -BeFalse
            # the bridge plugin's ipMasq chain and rules carry the container id in their comment
            (& iptables-save) -join "`n" | Should -Not -Match $c.Id
        } finally { $c | Remove-Container -Force }
    }
}

Describe 'A user bridge network' {
    It 'sets its subnet''s rules with its first container, keeps them for the next, and removes them with the network' {
        $name = "t-rules-$PID"
        $n = New-ContainerNetwork $name
        $subnet = $n.Subnet
        Get-SubnetRule $subnet | Should -BeNullOrEmpty
        $c = Invoke-ContainerImage $script:Img -Detach -Network $name sleep 60
        $rules = Get-SubnetRule $subnet
        $rules.Count | Should -Be 5
        $cache = Get-ChildItem (Join-Path $script:Root 'networks/cache') -Filter "$name-$($c.Id)-eth0.json" | Get-Content -Raw | ConvertFrom-Json
        $cache.config.plugins.type | Should -Be @('bridge')
        $cache.config.plugins[0].ipMasq | Should -BeFalse
        $d = Invoke-ContainerImage $script:Img -Detach -Network $name sleep 60
        (Get-SubnetRule $subnet).Count | Should -Be 5
        $c, $d | Remove-Container -Force
        Wait-NetworkCleanup $script:Root
        (Get-SubnetRule $subnet).Count | Should -Be 5   # the network's, not its containers'
        Remove-ContainerNetwork $name
        Get-SubnetRule $subnet | Should -BeNullOrEmpty
        (& iptables-save -t nat) -join "`n" | Should -Not -Match ([regex]::Escape($subnet))
    }
}
