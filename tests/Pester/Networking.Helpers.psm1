# Helpers for the networking and volume suites: a second test host in its own network namespace, processes run
# "as a container" inside a namespace made by the engine, and a check that nothing of a container is left.

function New-TestNetHost {
    <# A second host: a network namespace joined to the host by a veth pair on a private /30. #>
    param([int] $Index = (Get-Random -Minimum 1 -Maximum 60))
    $name = "psc-testhost-$PID-$Index"
    $hostIf = "pscth$Index" + 'h'
    $peerIf = "pscth$Index" + 'p'
    $base = "10.199.$Index"
    & ip netns add $name
    & ip link add $hostIf type veth peer name $peerIf netns $name
    & ip addr add "$base.1/30" dev $hostIf
    & ip link set $hostIf up
    & ip netns exec $name ip addr add "$base.2/30" dev $peerIf
    & ip netns exec $name ip link set $peerIf up
    & ip netns exec $name ip link set lo up
    [pscustomobject]@{ Name = $name; HostInterface = $hostIf; HostAddress = "$base.1"; Address = "$base.2" }
}

function Remove-TestNetHost($TestHost) {
    if (-not $TestHost) { return }
    & ip netns pids $TestHost.Name 2>$null | ForEach-Object { & kill -9 $_ 2>$null }
    & ip link del $TestHost.HostInterface 2>$null
    & ip netns del $TestHost.Name 2>$null
}

function Invoke-InTestHost($TestHost, [string[]] $Command) {
    & ip netns exec $TestHost.Name @Command 2>&1
}

function Start-InNetns {
    <#
      Starts a process the way a container sees its network: inside the namespace at NetnsPath, in a private mount
      namespace where the engine's hosts/resolv.conf files are bind-mounted over /etc. Returns the Process.
    #>
    param([string] $NetnsPath, [string] $HostsFile, [string] $Command)
    $script = ''
    if ($HostsFile) { $script += "mount --bind '$HostsFile' /etc/hosts && " }
    $script += "exec $Command"
    $psi = [System.Diagnostics.ProcessStartInfo]::new('nsenter')
    foreach ($a in @("--net=$NetnsPath", 'unshare', '-m', '--propagation', 'private', 'sh', '-c', $script)) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($psi)
}

function Invoke-InNetns {
    param([string] $NetnsPath, [string] $HostsFile, [string] $Command)
    $script = ''
    if ($HostsFile) { $script += "mount --bind '$HostsFile' /etc/hosts && " }
    $script += $Command
    & nsenter "--net=$NetnsPath" unshare -m --propagation private sh -c $script 2>&1
}

function Get-NetworkTrace {
    <# What a container's network left on the host, read from the CNI cache before teardown. #>
    param([string] $Root, [string] $ContainerId)
    $cache = Join-Path $Root 'networks/cache'
    $veths = @(); $ips = @(); $nets = @()
    foreach ($f in Get-ChildItem $cache -Filter "*-$ContainerId-*.json" -ErrorAction SilentlyContinue) {
        $c = Get-Content -Raw $f.FullName | ConvertFrom-Json
        $nets += $c.networkName
        $veths += @($c.result.interfaces | Where-Object { -not $_.sandbox -and $_.name -like 'veth*' } | ForEach-Object name)
        $ips += @($c.result.ips | ForEach-Object { ($_.address -split '/')[0] })
    }
    [pscustomobject]@{ ContainerId = $ContainerId; Veths = $veths; IPs = $ips; Networks = $nets; Root = $Root }
}

function Get-NetworkLeftover {
    <# Everything of the traced container still present: links, iptables rules, mounts, netns files, leases, cache. #>
    param($Trace, [string] $NetnsPath)
    $left = @()
    $links = (& ip -o link show) -join "`n"
    foreach ($v in $Trace.Veths) { if ($links -match "\b$([regex]::Escape($v))[@:]") { $left += "link $v" } }
    $rules = ((& iptables-save) -join "`n")
    if ($rules -match [regex]::Escape($Trace.ContainerId)) { $left += 'iptables rule naming the container' }
    foreach ($ip in $Trace.IPs) {
        if ($rules -match "$([regex]::Escape($ip))/32|$([regex]::Escape($ip)):") { $left += "iptables rule for $ip" }
        foreach ($n in $Trace.Networks) {
            if (Test-Path "/run/pscontainers/ipam/$n/$ip") { $left += "address lease $ip on $n" }
        }
    }
    if ($NetnsPath) {
        if ((Get-Content /proc/self/mountinfo) -match [regex]::Escape($NetnsPath)) { $left += "mount $NetnsPath" }
        if (Test-Path $NetnsPath) { $left += "netns file $NetnsPath" }
    }
    if (Get-ChildItem (Join-Path $Trace.Root 'networks/cache') -Filter "*-$($Trace.ContainerId)-*" -ErrorAction SilentlyContinue) { $left += 'CNI cache entry' }
    $left
}

function New-TestContainerId { ([guid]::NewGuid().ToString('N') + [guid]::NewGuid().ToString('N')) }

function Get-FreeTcpPort {
    param([int] $Preferred)
    if ($Preferred -and [PsContainers.Core.Networking.HostPorts]::IsFree('', $Preferred, 'tcp') -and
        -not ([PsContainers.Core.Networking.HostPorts]::ForwardedByIptables().Contains("tcp/$Preferred"))) { return $Preferred }
    [PsContainers.Core.Networking.HostPorts]::PickFree('', 'tcp', [System.Collections.Generic.HashSet[int]]::new())
}



function Wait-NetworkCleanup {
    <# Waits until no container network release of the store is in progress (their locks are free). #>
    param([string] $Root, [double] $TimeoutSeconds = 15)
    $dir = Join-Path $Root 'networks/locks'
    $sw = [Diagnostics.Stopwatch]::StartNew()
    foreach ($f in Get-ChildItem $dir -Filter *.lock -ErrorAction SilentlyContinue) {
        while ($sw.Elapsed.TotalSeconds -lt $TimeoutSeconds) {
            $l = [PsContainers.Core.Util.FileLock]::TryExclusive($f.FullName)
            if ($l) { $l.Dispose(); break }
            Start-Sleep -Milliseconds 20
        }
    }
}

function Import-PsContainersCore {
    <# Makes the engine's types (PsContainers.Core.*) resolvable by name in tests. #>
    $dir = Split-Path (Get-Module PsContainers).Path
    Add-Type -Path (Join-Path $dir 'PsContainers.Core.dll')
}
Export-ModuleMember -Function *
