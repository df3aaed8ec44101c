# "Hosts" for PowerShell SSH remoting on this one machine (tests/Pester/Remoting.Tests.ps1, bench/remoting.ps1).
#   Import-Module "$PSScriptRoot/Remoting.Helpers.psm1" -Force
#
# Each host is a network namespace joined to the root namespace by a veth pair (a /30 of 10.213.7.0/24, which no other
# suite uses: the host is .4n+2, the root side .4n+1), with its own sshd (Debian openssh-server) listening on that
# address only, its own host key, key-based root login with one generated client key, and a "powershell" subsystem
# that runs the same pwsh as the tests with PSCONTAINERS_ROOT set to the host's own store root. Only the network is
# separate: the hosts share this kernel and file system, so what tells them apart is the store root.
# New-RemotingTestLab makes a set of such hosts with a session to each, the module and the test image on each;
# everything lives under one work directory, and Remove-RemotingTestLab takes it all down again (the containers, the
# sessions, each sshd and every process it started, the stores, the namespaces with their veth pairs, the keys).

Set-StrictMode -Version 3.0
# global: Containers.Helpers (Remove-ContainerTestStore) calls TestHelpers' functions from its own scope
Import-Module "$PSScriptRoot/TestHelpers.psm1" -Global
Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Global
Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Global

$script:Subnet = '10.213.7'

function New-RemotingTestKey {
    <# A work directory (0700) with a client key pair (ed25519, no passphrase): returns the work directory. #>
    param([Parameter(Mandatory)] [string] $Tag)
    $work = Join-Path ([IO.Path]::GetTempPath()) "psc-remoting-$Tag"
    New-Item -ItemType Directory -Path $work -Force | Out-Null
    & chmod 700 $work
    & ssh-keygen -q -t ed25519 -N '' -C "pscontainers-remoting-test" -f (Join-Path $work 'client_key')
    if ($LASTEXITCODE -ne 0) { throw 'ssh-keygen failed for the client key' }
    $work
}

function New-RemotingTestHost {
    <#
    .SYNOPSIS
    Starts host number Index (1-based, up to 60) under Work: its namespace, veth pair, store root and sshd; with
    ModulePath, the module is "installed" on the host: its folder's parent is on the host's PSModulePath, so commands
    of a session there load it on first use, as from a module installed with Install-PSResource. Returns
    Name (h<Index>), Address, Namespace, Veth (the root side), StoreRoot, Directory, SshdPid. The caller removes it with
    Remove-RemotingTestHost, also when this throws half way (it records what it made as it goes).
    #>
    param(
        [Parameter(Mandatory)] [string] $Work,
        [Parameter(Mandatory)] [string] $Tag,
        [Parameter(Mandatory)] [ValidateRange(1, 60)] [int] $Index,
        [System.Collections.IList] $Made,
        [string] $ModulePath
    )
    $dir = Join-Path $Work "h$Index"
    $h = [pscustomobject]@{
        Name      = "h$Index"
        Address   = "$script:Subnet.$(4 * $Index - 2)"
        Gateway   = "$script:Subnet.$(4 * $Index - 3)"
        Namespace = "remoting-$Tag-h$Index"
        Veth      = "rm$Tag$Index"
        StoreRoot = Join-Path $dir 'store'
        Directory = $dir
        SshdPid   = 0
    }
    if ($null -ne $Made) { $Made.Add($h) | Out-Null }
    New-Item -ItemType Directory -Path $h.StoreRoot -Force | Out-Null

    & ip netns add $h.Namespace; if ($LASTEXITCODE) { throw "ip netns add $($h.Namespace) failed" }
    & ip link add $h.Veth type veth peer name "$($h.Veth)p"; if ($LASTEXITCODE) { throw "ip link add $($h.Veth) failed" }
    & ip link set "$($h.Veth)p" netns $h.Namespace
    & ip addr add "$($h.Gateway)/30" dev $h.Veth
    & ip link set $h.Veth up
    & ip -n $h.Namespace addr add "$($h.Address)/30" dev "$($h.Veth)p"
    & ip -n $h.Namespace link set "$($h.Veth)p" up
    & ip -n $h.Namespace link set lo up
    if ($LASTEXITCODE) { throw "configuring the namespace $($h.Namespace) failed" }

    $hostKey = Join-Path $dir 'ssh_host_ed25519_key'
    & ssh-keygen -q -t ed25519 -N '' -C "$($h.Name)" -f $hostKey
    Copy-Item (Join-Path $Work 'client_key.pub') (Join-Path $dir 'authorized_keys')
    # the pwsh that runs the tests (dotnet pwsh runs this one from the tool's package), with the same arguments as the
    # subsystem line PowerShell documents for SSH remoting
    $pwsh = Join-Path $PSHOME 'pwsh'
    if (-not (Test-Path $pwsh)) { throw "no pwsh in $PSHOME" }
    $config = Join-Path $dir 'sshd_config'
    @(
        "ListenAddress $($h.Address)"
        'Port 22'
        "HostKey $hostKey"
        "PidFile $(Join-Path $dir 'sshd.pid')"
        "AuthorizedKeysFile $(Join-Path $dir 'authorized_keys')"
        'PermitRootLogin prohibit-password'
        'PubkeyAuthentication yes'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'UsePAM no'
        # the keys live in a temp directory, not under ~root/.ssh
        'StrictModes no'
        # the host's own store root (and the .NET the tests run on, when it is not in a place pwsh finds by itself)
        "SetEnv PSCONTAINERS_ROOT=$($h.StoreRoot)$(if ($env:DOTNET_ROOT) { " DOTNET_ROOT=$env:DOTNET_ROOT" })$(if ($ModulePath) { " PSModulePath=$(Get-ModuleRoot $ModulePath)" })"
        "Subsystem powershell $pwsh -sshs -NoLogo -NoProfile"
    ) | Set-Content -Path $config
    # sshd refuses to start without its privilege separation directory (systemd makes it on a real host)
    New-Item -ItemType Directory -Path /run/sshd -Force | Out-Null
    & /usr/sbin/sshd -t -f $config; if ($LASTEXITCODE) { throw "sshd -t rejected $config" }

    # nsenter enters the network namespace only (the mount namespace stays the host's, as for every other suite) and
    # then executes sshd, so the process started here is sshd itself
    $psi = [Diagnostics.ProcessStartInfo]::new('/usr/bin/nsenter')
    foreach ($a in @("--net=/run/netns/$($h.Namespace)", '/usr/sbin/sshd', '-D', '-f', $config, '-E', (Join-Path $dir 'sshd.log'))) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $p = [Diagnostics.Process]::Start($psi)
    $h.SshdPid = $p.Id

    $sw = [Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        $tcp = [Net.Sockets.TcpClient]::new()
        try { if ($tcp.ConnectAsync($h.Address, 22).Wait(500)) { break } } catch { } finally { $tcp.Dispose() }
        if ($p.HasExited) { throw "sshd for $($h.Name) exited ($($p.ExitCode)): $(Get-Content -Raw (Join-Path $dir 'sshd.log') -ErrorAction SilentlyContinue)" }
        if ($sw.Elapsed.TotalSeconds -gt 20) { throw "sshd for $($h.Name) does not listen on $($h.Address):22" }
        Start-Sleep -Milliseconds 100
    }
    $h
}

function Get-ModuleRoot {
    <# The folder to put on PSModulePath for the module at ModulePath (the parent of its PsContainers folder, which may hold a version folder). #>
    param([Parameter(Mandatory)] [string] $ModulePath)
    $dir = Split-Path (Resolve-Path $ModulePath).Path
    while ($dir -and (Split-Path $dir -Leaf) -ne 'PsContainers') { $dir = Split-Path $dir }
    if (-not $dir) { throw "$ModulePath is not in a folder named PsContainers" }
    Split-Path $dir
}

function Get-RemotingTestConnection {
    <# What Invoke-Command -HostName and New-PSSession need besides the host: the user, the client key and the SSH options (a splat). #>
    param([Parameter(Mandatory)] [string] $Work)
    @{ UserName = 'root'; KeyFilePath = (Join-Path $Work 'client_key'); Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } }
}

function New-RemotingTestSession {
    <# An SSH remoting session as root to each host, with the client key and no host key check (the keys are new each run). #>
    param([Parameter(Mandatory)] [object[]] $Hosts, [Parameter(Mandatory)] [string] $Work)
    $connection = Get-RemotingTestConnection -Work $Work
    foreach ($h in $Hosts) { New-PSSession -HostName $h.Address -Name $h.Name -ErrorAction Stop @connection }
}

function Get-ProcessTree {
    <# The ids of the descendants of Id (children first walked from /proc/<pid>/stat's parent field), deepest last. #>
    param([int] $Id)
    $parents = @{}
    foreach ($d in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$') {
        $stat = try { [IO.File]::ReadAllText("/proc/$($d.Name)/stat") } catch { continue }
        $ppid = [int]($stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[1])
        $parents[[int]$d.Name] = $ppid
    }
    $found = [Collections.Generic.List[int]]::new()
    $queue = [Collections.Generic.Queue[int]]::new(); $queue.Enqueue($Id)
    while ($queue.Count) {
        $p = $queue.Dequeue()
        foreach ($kv in $parents.GetEnumerator()) { if ($kv.Value -eq $p) { $found.Add($kv.Key); $queue.Enqueue($kv.Key) } }
    }
    $found
}

function Remove-RemotingTestHost {
    <#
    .SYNOPSIS
    Takes a host down, whatever state it is in: its sshd and the processes sshd started (its connections, their pwsh),
    the containers and monitors of its store (Remove-ContainerTestStore, with the store root's own engine), its
    namespace (which takes the veth pair with it) and its directory. Never throws.
    #>
    param([Parameter(Mandatory)] [object] $TestHost)
    $h = $TestHost
    try {
        if ($h.SshdPid) {
            $tree = @(Get-ProcessTree $h.SshdPid)
            & kill -TERM $h.SshdPid 2>$null
            foreach ($id in $tree) { & kill -TERM $id 2>$null }
            $sw = [Diagnostics.Stopwatch]::StartNew()
            while ((Test-Path "/proc/$($h.SshdPid)") -and $sw.Elapsed.TotalSeconds -lt 5) { Start-Sleep -Milliseconds 50 }
            foreach ($id in @($h.SshdPid) + $tree) { if (Test-Path "/proc/$id") { & kill -KILL $id 2>$null } }
        }
    } catch { Write-Warning "stopping sshd of $($h.Name): $_" }
    try {
        if (Test-Path $h.StoreRoot) {
            $saved = $env:PSCONTAINERS_ROOT
            try { Remove-ContainerTestStore $h.StoreRoot } finally { $env:PSCONTAINERS_ROOT = $saved }
        }
    } catch { Write-Warning "removing the store of $($h.Name): $_" }
    if (Test-Path "/run/netns/$($h.Namespace)") { & ip netns del $h.Namespace 2>$null }
    if (Test-Path "/sys/class/net/$($h.Veth)") { & ip link del $h.Veth 2>$null }
    Remove-Item -Recurse -Force $h.Directory -ErrorAction SilentlyContinue
}

function New-RemotingTestLab {
    <#
    .SYNOPSIS
    The hosts numbered Index (New-RemotingTestHost) with a session to each (named after the host), the module at
    ModulePath imported in every session and the busybox test image (busybox-test:latest) in every host's store.
    The module is also on each host's PSModulePath (New-RemotingTestHost -ModulePath), so Invoke-Command -HostName
    works without a session. Returns Tag, Work, Hosts, Sessions and Connection (Get-RemotingTestConnection, to splat
    next to -HostName). When any step fails it takes down what it made (Remove-RemotingTestLab)
    and throws.
    #>
    param([Parameter(Mandatory)] [int[]] $Index, [Parameter(Mandatory)] [string] $ModulePath)
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
    $lab = [pscustomobject]@{ Tag = $tag; Work = $null; Hosts = [Collections.Generic.List[object]]::new(); Sessions = @(); Connection = $null }
    try {
        $lab.Work = New-RemotingTestKey -Tag $tag
        $lab.Connection = Get-RemotingTestConnection -Work $lab.Work
        foreach ($i in $Index) { $null = New-RemotingTestHost -Work $lab.Work -Tag $tag -Index $i -Made $lab.Hosts -ModulePath $ModulePath }
        $lab.Sessions = @(New-RemotingTestSession -Hosts $lab.Hosts -Work $lab.Work)
        $tar = Join-Path $lab.Work 'busybox-test.tar'
        $null = New-TestImageArchive -Path $tar -Name 'busybox-test:latest'
        Invoke-Command -Session $lab.Sessions -ArgumentList $ModulePath, $tar -ErrorAction Stop {
            param($module, $image)
            Import-Module $module -ErrorAction Stop
            $null = Import-ContainerImage -Path $image -ErrorAction Stop
        }
        $lab
    }
    catch {
        Remove-RemotingTestLab $lab
        throw
    }
}

function Remove-RemotingTestLab {
    <#
    .SYNOPSIS
    Takes a lab down: each host's own engine (in its session, so in its namespace) removes its containers, the
    sessions close, then Remove-RemotingTestHost sweeps each host and the work directory goes. Never throws.
    #>
    param([Parameter(Mandatory)] [AllowNull()] [object] $Lab)
    if (-not $Lab) { return }
    foreach ($s in $Lab.Sessions) {
        try { Invoke-Command -Session $s { Get-Container -All | Remove-Container -Force -Confirm:$false } -ErrorAction SilentlyContinue } catch { }
        Remove-PSSession $s -ErrorAction SilentlyContinue
    }
    foreach ($h in $Lab.Hosts) { Remove-RemotingTestHost $h }
    if ($Lab.Work) { Remove-Item -Recurse -Force $Lab.Work -ErrorAction SilentlyContinue }
}

Export-ModuleMember -Function New-RemotingTestLab, Remove-RemotingTestLab
