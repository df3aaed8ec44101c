# Pods (podman pod) with real containers: members share the infra container's network, IPC and UTS namespaces (they
# reach each other on localhost and have the pod's hostname), a port published on the pod reaches a member's server
# from the host, the infra container outlives a member's exit, stopping the pod stops everything, removing it needs
# -Force while it runs and then leaves no veth, iptables rule, lease or netns behind; plus the cmdlets' pipeline,
# errors, view and events.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    function script:Get-Ns([string] $Name, [string] $Kind) { (Invoke-ContainerExec $Name -- readlink "/proc/self/ns/$Kind") -join '' }
    function script:Get-Page([int] $Port) { (& busybox wget -q -O - "http://127.0.0.1:$Port/" 2>$null) -join "" }
}

AfterAll {
    Get-ContainerPod -ErrorAction SilentlyContinue | Remove-ContainerPod -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'New-ContainerPod' {
    It 'creates the pod and its infra container, not started, and records both' {
        $pod = New-ContainerPod pod-new -Label @{ tier = 'front' } -Hostname pod-new-host
        $pod | Should -BeOfType ([PsContainers.Core.Pods.ContainerPod])
        $pod.Name | Should -Be 'pod-new'
        $pod.Id | Should -Match '^[0-9a-f]{64}$'
        $pod.Status | Should -Be 'Created'
        $pod.NumberOfContainers | Should -Be 1
        $pod.Labels['tier'] | Should -Be 'front'
        $pod.SharedNamespaces | Should -Be @('Net', 'Ipc', 'Uts')
        $infra = Get-Container -Id $pod.InfraContainerId -All
        $infra.Name | Should -Be "$($pod.Id.Substring(0, 12))-infra"
        $infra.Pod | Should -Be $pod.Id
        $infra.HostConfig.Init | Should -BeTrue
        $infra.Config.Cmd | Should -Be @('--pause')
        $infra.Config.Hostname | Should -Be 'pod-new-host'
        $infra.Status | Should -Be 'Created'
        $json = Get-Content -Raw (Join-Path $script:Root "pods/$($pod.Id)/pod.json") | ConvertFrom-Json
        $json.Name | Should -Be 'pod-new'
        $json.InfraContainerId | Should -Be $pod.InfraContainerId
    }

    It 'refuses a name in use, and -WhatIf creates nothing' {
        New-ContainerPod pod-new -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^PodNameInUse'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        New-ContainerPod pod-whatif -WhatIf | Should -BeNullOrEmpty
        Get-ContainerPod pod-whatif -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All | Where-Object Name -like '*-infra').Count | Should -Be 1
    }

    It 'takes names from the pipeline, by value and by property name' {
        $made = 'pod-pipe-a', [pscustomobject]@{ Name = 'pod-pipe-b'; Hostname = 'bee' } | New-ContainerPod
        $made.Name | Should -Be @('pod-pipe-a', 'pod-pipe-b')
        (Get-Container -Id $made[1].InfraContainerId -All).Config.Hostname | Should -Be 'bee'
        'pod-pipe-*' | Remove-ContainerPod -Confirm:$false
        Get-ContainerPod 'pod-pipe-*' | Should -BeNullOrEmpty
        @(Get-Container -All | Where-Object Name -like '*-infra').Count | Should -Be 1
    }

    It 'refuses ports on a pod that does not share its network' {
        New-ContainerPod pod-bad -Share Ipc -Publish 8080:80 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^InvalidPodShare'
        Get-ContainerPod pod-bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'A running pod' {
    BeforeAll {
        $script:Port = Get-FreeTcpPort
        $script:Pod = New-ContainerPod podweb -Publish "$($script:Port):80"
        $script:Srv = Invoke-ContainerImage $script:Img -Pod podweb -Detach -Name pod-srv `
            sh -c 'mkdir -p /www && echo served-in-pod > /www/index.html && exec httpd -f -p 80 -h /www'
        $script:Cli = Invoke-ContainerImage $script:Img -Pod podweb -Detach -Name pod-cli -- sleep 600
        $script:Trace = Get-NetworkTrace $script:Root $script:Pod.InfraContainerId
        $null = Wait-ContainerCondition { (Get-Page $script:Port) -eq 'served-in-pod' } -TimeoutSeconds 15
    }

    It 'started its infra container for the first member; its members use the infra''s network namespace' {
        $infra = Get-Container -Id $script:Pod.InfraContainerId
        $infra.Status | Should -Be 'Running'
        $script:Srv.Pod | Should -Be $script:Pod.Id
        $script:Srv.HostConfig.NetworkModeKind | Should -Be ([PsContainers.Core.Containers.NetworkMode]::Container)
        $script:Srv.HostConfig.NetworkMode | Should -BeExactly "container:$($script:Pod.InfraContainerId)"
        $script:Srv.HostConfig.NetworkContainerId | Should -Be $script:Pod.InfraContainerId
        (Get-ContainerPod podweb).Status | Should -Be 'Running'
        (Get-ContainerPod podweb).NumberOfContainers | Should -Be 3
        @($script:Trace.Veths).Count | Should -Be 1
    }

    It 'lets members reach each other on localhost' {
        Invoke-ContainerExec pod-cli -- wget -q -O - http://127.0.0.1:80/ | Should -Be 'served-in-pod'
    }

    It 'gives members the pod''s hostname and the infra''s network, IPC and UTS namespaces' {
        Invoke-ContainerExec pod-srv -- hostname | Should -Be 'podweb'
        Invoke-ContainerExec pod-cli -- hostname | Should -Be 'podweb'
        $infraPid = (Get-Container -Id $script:Pod.InfraContainerId).Pid
        foreach ($kind in 'net', 'ipc', 'uts') {
            $infraNs = (& readlink "/proc/$infraPid/ns/$kind") -join ''
            $infraNs | Should -Match "^$($kind):\[\d+\]$"
            Get-Ns pod-srv $kind | Should -Be $infraNs
            Get-Ns pod-cli $kind | Should -Be $infraNs
            $infraNs | Should -Not -Be ((& readlink "/proc/self/ns/$kind") -join '')
        }
        # joined through pins under the member's id, never through the infra's /proc/<pid> (a pid can be reused)
        $spec = Get-Content -Raw (Join-Path $script:Root "containers/$($script:Cli.Id)/config.json") | ConvertFrom-Json
        foreach ($kind in 'ipc', 'uts') {
            $pin = [PsContainers.Core.Pods.PodParticipant]::PinPath($script:Cli.Id, $kind)
            ($spec.linux.namespaces | Where-Object type -eq $kind).path | Should -Be $pin
            (Get-Content /proc/self/mountinfo) -match [regex]::Escape($pin) | Should -Not -BeNullOrEmpty
        }
        # not shared: each member keeps its own mount and pid namespaces
        Get-Ns pod-srv mnt | Should -Not -Be (Get-Ns pod-cli mnt)
        Get-Ns pod-srv pid | Should -Not -Be (Get-Ns pod-cli pid)
    }

    It 'shows its published ports as docker''s PortBindings map, as a container shows them, and keeps them typed (issue 11)' {
        $j = Get-ContainerPod podweb | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        @($j.PortBindings.PSObject.Properties.Name) | Should -Be @('80/tcp')
        $b = @($j.PortBindings.'80/tcp')
        $b.Count | Should -Be 1
        $b[0].HostIp | Should -Be ''
        $b[0].HostPort | Should -Be "$($script:Port)"
        $j.PortMappings[0].ContainerPort | Should -Be 80
        (Get-ContainerPod podweb).Ports | Should -Be "0.0.0.0:$($script:Port)->80/tcp"
        # the same shape as the infra container's HostConfig.PortBindings, and pod.json keeps docker's shape
        $infra = Get-Container -Id $script:Pod.InfraContainerId
        ($j.PortBindings | ConvertTo-Json -Compress) | Should -Be (($infra | ConvertTo-Json -Depth 6 | ConvertFrom-Json).HostConfig.PortBindings | ConvertTo-Json -Compress)
        $stored = Get-Content -Raw (Join-Path $script:Root "pods/$($script:Pod.Id)/pod.json") | ConvertFrom-Json
        $stored.PortBindings.'80/tcp'[0].HostPort | Should -Be "$($script:Port)"
    }

    It 'reaches a member''s server through the port published on the pod' {
        Get-Page $script:Port | Should -Be 'served-in-pod'
        (Get-ContainerPod podweb).Ports | Should -Be "0.0.0.0:$($script:Port)->80/tcp"
    }

    It 'keeps the infra container when a member exits' {
        Invoke-ContainerImage $script:Img -Pod podweb -Name pod-once -- sh -c 'hostname' | Should -Be 'podweb'
        (Get-Container pod-once -All).Status | Should -Be 'Exited'
        (Get-Container -Id $script:Pod.InfraContainerId).Status | Should -Be 'Running'
        (Get-ContainerPod podweb).Status | Should -Be 'Degraded'
        Get-Page $script:Port | Should -Be 'served-in-pod'
        Remove-Container pod-once -Confirm:$false
        (Get-ContainerPod podweb).Status | Should -Be 'Running'
    }

    It 'lists its containers with Get-Container -Pod, the infra container included' {
        $names = @(Get-Container -Pod podweb | ForEach-Object Name)
        $names | Sort-Object | Should -Be (@("$($script:Pod.Id.Substring(0, 12))-infra", 'pod-cli', 'pod-srv') | Sort-Object)
        @(Get-Container -Pod 'podw*' -All).Count | Should -Be 3
        @(Get-Container -Pod $script:Pod.Id.Substring(0, 8)).Count | Should -Be 3
        Get-Container -Pod no-such-pod -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^PodNotFound'
    }

    It 'refuses network settings and a hostname on a member, and creates nothing' {
        $cases = @(@{ Publish = '8099:80' }, @{ Network = 'bridge' }, @{ Hostname = 'other' }, @{ PublishAll = $true }, @{ Dns = '10.0.0.1' })
        foreach ($extra in $cases) {
            $err = $null
            New-Container $script:Img -Name pod-bad -Pod podweb @extra -ErrorVariable err -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Match '^PodMemberConflict'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-Container pod-bad -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        New-Container $script:Img -Name pod-bad -Pod no-such-pod -ErrorVariable err -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^PodNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses to remove the infra container alone, and a running pod without -Force' {
        Remove-Container -Id $script:Pod.InfraContainerId -Force -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^PodInfraContainer'
        Remove-ContainerPod podweb -Confirm:$false -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Match '^PodHasRunningContainers'
        $err2[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        (Get-ContainerPod podweb).Status | Should -Be 'Running'
        @(Get-Container -Pod podweb).Count | Should -Be 3
        Get-Page $script:Port | Should -Be 'served-in-pod'
    }

    It 'shows POD ID, NAME, STATUS, CREATED and # OF CONTAINERS at 80 columns, the infra id and ports at 120' {
        $pod = Get-ContainerPod podweb
        $t = Get-ContainerPod | Out-String -Width 80
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        ($t -split "`n")[1] | Should -Match '^POD ID\s+NAME\s+STATUS\s+CREATED\s+# OF CONTAINERS\s*$'
        $row = @($t -split "`n" | Where-Object { $_.Contains($pod.ShortId) })[0]
        $row | Should -Match "^$($pod.ShortId) podweb\s+Running\s+\d+[smh] ago\s+3\s*$"
        $t = Get-ContainerPod | Out-String -Width 120
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        $row = @($t -split "`n" | Where-Object { $_.Contains($pod.ShortId) })[0]
        $row | Should -BeLike "*$($pod.InfraShortId)*0.0.0.0:$($script:Port)->80/tcp*"
    }

    It 'stops its members, then the infra container, and releases the pod''s network' {
        Stop-ContainerPod podweb -Timeout 1
        foreach ($c in Get-Container -Pod podweb -All) { $c.Status | Should -Be 'Exited' }
        (Get-ContainerPod podweb).Status | Should -Be 'Exited'
        Wait-NetworkCleanup $script:Root
        Get-NetworkLeftover $script:Trace | Should -BeNullOrEmpty
        Get-Page $script:Port | Should -BeNullOrEmpty
    }

    It 'starts again: the infra container first, then every member, from a piped pod' {
        Get-ContainerPod podweb | Start-ContainerPod
        foreach ($c in Get-Container -Pod podweb -All) { $c.Status | Should -Be 'Running' }
        $null = Wait-ContainerCondition { (Get-Page $script:Port) -eq 'served-in-pod' } -TimeoutSeconds 15
        Get-Page $script:Port | Should -Be 'served-in-pod'
        Invoke-ContainerExec pod-cli -- wget -q -O - http://127.0.0.1:80/ | Should -Be 'served-in-pod'
    }

    It 'starts the infra container when one member is started alone' {
        Stop-ContainerPod podweb -Timeout 1
        Start-Container pod-cli
        (Get-Container -Id $script:Pod.InfraContainerId).Status | Should -Be 'Running'
        Invoke-ContainerExec pod-cli -- hostname | Should -Be 'podweb'
        (Get-ContainerPod podweb).Status | Should -Be 'Degraded'
        $after = Restart-ContainerPod -Id $script:Pod.Id -Timeout 1 -PassThru
        $after.Status | Should -Be 'Running'
    }

    It 'removes everything with -Force and leaves no veth, iptables rule, lease or namespace' {
        $trace = Get-NetworkTrace $script:Root $script:Pod.InfraContainerId
        @($trace.Veths).Count | Should -Be 1
        $netns = (Get-Content -Raw (Join-Path $script:Root "containers/$($script:Pod.InfraContainerId)/network.json") | ConvertFrom-Json).NetnsPath
        Remove-ContainerPod podweb -Force
        Get-ContainerPod podweb -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All | Where-Object Pod -eq $script:Pod.Id).Count | Should -Be 0
        Test-Path (Join-Path $script:Root "pods/$($script:Pod.Id)") | Should -BeFalse
        Wait-NetworkCleanup $script:Root
        Get-NetworkLeftover $trace $netns | Should -BeNullOrEmpty
        Get-Page $script:Port | Should -BeNullOrEmpty
        foreach ($id in $script:Srv.Id, $script:Cli.Id) {
            foreach ($kind in 'ipc', 'uts') {
                $pin = [PsContainers.Core.Pods.PodParticipant]::PinPath($id, $kind)
                (Get-Content /proc/self/mountinfo) -match [regex]::Escape($pin) | Should -BeNullOrEmpty
                Test-Path $pin | Should -BeFalse
            }
        }
    }

    It 'recorded pod events as podman names them' {
        $events = @(Get-ContainerEvent -Type Pod | Where-Object ActorId -eq $script:Pod.Id)
        $actions = @($events | ForEach-Object Action)
        foreach ($a in 'create', 'start', 'stop', 'remove') { $actions | Should -Contain $a }
        $events[0].Attributes['name'] | Should -Be 'podweb'
        $events[0].Type | Should -Be 'Pod'
    }
}

Describe 'Get-ContainerPod' {
    It 'finds by name, wildcard and id; a name that matches nothing is a non-terminating PodNotFound' {
        $p = Get-ContainerPod pod-new
        (Get-ContainerPod 'pod-n*').Id | Should -Be $p.Id
        (Get-ContainerPod -Id $p.Id.Substring(0, 10)).Name | Should -Be 'pod-new'
        ([pscustomobject]@{ Id = $p.Id } | Get-ContainerPod).Name | Should -Be 'pod-new'
        $found = Get-ContainerPod nope, pod-new -ErrorVariable err -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'pod-new'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match '^PodNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-ContainerPod 'zz*' | Should -BeNullOrEmpty
    }

    It 'completes pod names' {
        $r = TabExpansion2 -inputScript 'Get-ContainerPod pod-n' -cursorColumn 'Get-ContainerPod pod-n'.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'pod-new'
        $r = TabExpansion2 -inputScript 'Invoke-ContainerImage x -Pod pod-n' -cursorColumn 'Invoke-ContainerImage x -Pod pod-n'.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'pod-new'
    }

    It 'removes a stopped pod without -Force, with its stopped members' {
        $null = New-Container $script:Img -Pod pod-new -Name pod-new-member -- true
        Remove-ContainerPod pod-new -Confirm:$false
        Get-ContainerPod pod-new -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Container pod-new-member -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All | Where-Object Name -like '*-infra').Count | Should -Be 0
    }
}

Describe 'A pod''s shared /dev/shm' {
    BeforeAll {
        $script:ShmPod = New-ContainerPod podshm -ShmSize 8m
        $null = Invoke-ContainerImage $script:Img -Pod podshm -Detach -Name shm-a -- sleep 600
        $null = Invoke-ContainerImage $script:Img -Pod podshm -Detach -Name shm-b -- sleep 600
        $script:ShmDir = Join-Path $script:Root "pods/$($script:ShmPod.Id)/shm"
    }
    AfterAll {
        Remove-ContainerPod podshm -Force -ErrorAction SilentlyContinue
    }

    It 'is one tmpfs of the pod''s size that every member and the infra container see' {
        $script:ShmPod.ShmSize | Should -Be (8MB)
        (Get-Container -Id $script:ShmPod.InfraContainerId).HostConfig.ShmSize | Should -Be (8MB)
        Invoke-ContainerExec shm-a -- sh -c 'echo written-by-a > /dev/shm/segment'
        Invoke-ContainerExec shm-b -- cat /dev/shm/segment | Should -Be 'written-by-a'
        Get-Content (Join-Path $script:ShmDir 'segment') | Should -Be 'written-by-a'
        # the infra container's /dev/shm is the same file system (its root has no shell: read it through /proc)
        $infraPid = (Get-Container -Id $script:ShmPod.InfraContainerId).Pid
        Get-Content "/proc/$infraPid/root/dev/shm/segment" | Should -Be 'written-by-a'
        # -ShmSize is the size each member sees; a write past it fails
        $df = @(Invoke-ContainerExec shm-b -- df -k /dev/shm)
        ($df[-1] -split '\s+')[1] | Should -Be '8192'
        Invoke-ContainerExec shm-a -- sh -c 'dd if=/dev/zero of=/dev/shm/big bs=1M count=12 2>/dev/null; echo $?' | Should -Not -Be '0'
        [int64](Invoke-ContainerExec shm-b -- sh -c 'wc -c < /dev/shm/big') | Should -BeLessOrEqual (8MB)
        Invoke-ContainerExec shm-a -- rm -f /dev/shm/big
        $line = @(Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq $script:ShmDir })
        $line.Count | Should -Be 1
        $line[0] | Should -Match ' - tmpfs shm '
        $line[0] | Should -Match 'nosuid'
        $line[0] | Should -Match 'noexec'
    }

    It 'keeps its files across a stop and start of the pod, with one mount' {
        Stop-ContainerPod podshm -Timeout 1
        Start-ContainerPod podshm
        Invoke-ContainerExec shm-b -- cat /dev/shm/segment | Should -Be 'written-by-a'
        @(Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq $script:ShmDir }).Count | Should -Be 1
    }

    It 'refuses a member''s own -ShmSize, and -ShmSize on a pod that does not share Ipc' {
        New-Container $script:Img -Name shm-bad -Pod podshm -ShmSize 1m -ErrorVariable err -ErrorAction SilentlyContinue -- true | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^PodMemberConflict'
        Get-Container shm-bad -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        New-ContainerPod shm-noipc -Share Net, Uts -ShmSize 1m -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -Match '^InvalidPodShare'
        $err2[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-ContainerPod shm-noipc -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'leaves each member its own /dev/shm in a pod that does not share Ipc' {
        $null = New-ContainerPod shm-own -Share Net, Uts
        $null = Invoke-ContainerImage $script:Img -Pod shm-own -Detach -Name shm-own-a -- sleep 600
        $null = Invoke-ContainerImage $script:Img -Pod shm-own -Detach -Name shm-own-b -- sleep 600
        Invoke-ContainerExec shm-own-a -- sh -c 'echo mine > /dev/shm/segment'
        Invoke-ContainerExec shm-own-b -- sh -c 'test -e /dev/shm/segment && echo seen || echo absent' | Should -Be 'absent'
        $own = Get-ContainerPod shm-own
        Test-Path (Join-Path $script:Root "pods/$($own.Id)/shm") | Should -BeFalse
        Remove-ContainerPod shm-own -Force
    }

    It 'goes with the pod: no mount and no directory are left' {
        Remove-ContainerPod podshm -Force
        @(Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq $script:ShmDir }).Count | Should -Be 0
        Test-Path $script:ShmDir | Should -BeFalse
        Test-Path (Join-Path $script:Root "pods/$($script:ShmPod.Id)") | Should -BeFalse
    }
}

Describe 'Suspend-ContainerPod and Resume-ContainerPod' {
    BeforeAll {
        $script:FPod = New-ContainerPod podfreeze
        $null = Invoke-ContainerImage $script:Img -Pod podfreeze -Detach -Name freeze-count `
            -- sh -c 'i=0; while true; do i=$((i+1)); echo $i > /dev/shm/count; sleep 0.1; done'
        $null = Invoke-ContainerImage $script:Img -Pod podfreeze -Detach -Name freeze-idle -- sleep 600
        $script:CountFile = Join-Path $script:Root "pods/$($script:FPod.Id)/shm/count"
        function script:Get-Count { [int]((Get-Content $script:CountFile -ErrorAction SilentlyContinue) -join '') }
        $null = Wait-ContainerCondition { (Get-Count) -gt 2 } -TimeoutSeconds 10
    }
    AfterAll {
        Remove-ContainerPod podfreeze, podidle -Force -ErrorAction SilentlyContinue
    }

    It 'freezes every container, the infra included, and thaws them: a member''s counter stops and goes on' {
        $before = Get-Count
        $before | Should -BeGreaterThan 2
        Suspend-ContainerPod podfreeze
        foreach ($c in Get-Container -Pod podfreeze) { $c.Status | Should -Be 'Paused' }
        @(Get-Container -Pod podfreeze).Count | Should -Be 3
        (Get-ContainerPod podfreeze).Status | Should -Be 'Paused'
        $frozen = Get-Count
        Start-Sleep -Milliseconds 800
        Get-Count | Should -Be $frozen
        $after = Resume-ContainerPod podfreeze -PassThru
        $after.Status | Should -Be 'Running'
        foreach ($c in Get-Container -Pod podfreeze) { $c.Status | Should -Be 'Running' }
        $null = Wait-ContainerCondition { (Get-Count) -gt $frozen + 2 } -TimeoutSeconds 10
        Get-Count | Should -BeGreaterThan ($frozen + 2)
    }

    It 'takes pods by value, by property name (Name, Id) and by wildcard, and -WhatIf changes nothing' {
        Suspend-ContainerPod 'podfr*' -WhatIf
        (Get-ContainerPod podfreeze).Status | Should -Be 'Running'
        [pscustomobject]@{ Name = 'podfreeze' } | Suspend-ContainerPod
        (Get-ContainerPod podfreeze).Status | Should -Be 'Paused'
        Resume-ContainerPod 'podfr*' -WhatIf
        (Get-ContainerPod podfreeze).Status | Should -Be 'Paused'
        [pscustomobject]@{ Id = $script:FPod.Id } | Resume-ContainerPod
        (Get-ContainerPod podfreeze).Status | Should -Be 'Running'
        (Get-ContainerPod podfreeze | Suspend-ContainerPod -PassThru).Status | Should -Be 'Paused'
        ('podfreeze' | Resume-ContainerPod -PassThru).Status | Should -Be 'Running'
        (Suspend-ContainerPod 'podfr*' -PassThru).Status | Should -Be 'Paused'
        (Resume-ContainerPod -Id $script:FPod.Id.Substring(0, 10) -PassThru).Status | Should -Be 'Running'
    }

    It 'writes a non-terminating PodNotFound for a name that matches nothing and goes on' {
        Suspend-ContainerPod nope-pod, podfreeze -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match '^PodNotFound'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-ContainerPod podfreeze).Status | Should -Be 'Paused'
        Resume-ContainerPod nope-pod, podfreeze -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Match '^PodNotFound'
        (Get-ContainerPod podfreeze).Status | Should -Be 'Running'
    }

    It 'refuses a pod that does not run, and unpausing a pod that is not paused' {
        $null = New-ContainerPod podidle
        Suspend-ContainerPod podidle -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match '^PodNotRunning'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match "Pod 'podidle' is not running"
        (Get-ContainerPod podidle).Status | Should -Be 'Created'
        Resume-ContainerPod podfreeze -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Match '^PodNotPaused'
        $err2[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        (Get-ContainerPod podfreeze).Status | Should -Be 'Running'
    }

    It 'completes pod names' {
        foreach ($verb in 'Suspend', 'Resume') {
            $line = "$verb-ContainerPod podfr"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'podfreeze'
        }
    }

    It 'stops a paused pod, as podman does' {
        Suspend-ContainerPod podfreeze
        Stop-ContainerPod podfreeze -Timeout 1
        foreach ($c in Get-Container -Pod podfreeze -All) { $c.Status | Should -Be 'Exited' }
        (Get-ContainerPod podfreeze).Status | Should -Be 'Exited'
    }

    It 'recorded pod pause and unpause events' {
        $events = @(Get-ContainerEvent -Type Pod | Where-Object ActorId -eq $script:FPod.Id)
        $actions = @($events | ForEach-Object Action)
        $actions | Should -Contain 'pause'
        $actions | Should -Contain 'unpause'
        ($events | Where-Object Action -eq 'pause')[0].Attributes['name'] | Should -Be 'podfreeze'
        # a refused pause records nothing
        @(Get-ContainerEvent -Type Pod | Where-Object { $_.Attributes['name'] -eq 'podidle' -and $_.Action -eq 'pause' }).Count | Should -Be 0
    }
}
