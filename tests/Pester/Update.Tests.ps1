# Update-Container (docker update, issue 13) with real containers, with pscrun and with runc swapped in: the limits
# are read back from the container's cgroup files (found through /proc/PID/cgroup, cgroup v1 here, v2 when unified),
# a running container keeps running, a created one starts with the new limits, and a restart policy set on a running
# container reaches its monitor.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'

    function script:Read-CgroupValue {
        <# A cgroup file of the container's init process: v1 /sys/fs/cgroup/CONTROLLER/PATH/FILE, or the v2 file. #>
        param([string] $Name, [string] $Controller, [string] $File, [string] $V2File)
        $procPid = (Get-Container $Name).Pid
        $lines = Get-Content "/proc/$procPid/cgroup"
        $v1 = $lines | Where-Object { ($_ -split ':')[1] -split ',' -contains $Controller } | Select-Object -First 1
        if ($v1) { return (Get-Content "/sys/fs/cgroup/$Controller$(($v1 -split ':', 3)[2])/$File" -Raw).Trim() }
        $v2 = ($lines | Where-Object { $_ -like '0::*' }) -replace '^0::'
        (Get-Content "/sys/fs/cgroup$v2/$V2File" -Raw).Trim()
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Update-Container with <Runtime>' -ForEach @(
    @{ Runtime = 'pscrun'; Path = $null; P = 'up' }
    @{ Runtime = 'runc'; Path = '/usr/sbin/runc'; P = 'upr' }
) {
    BeforeAll {
        if ($Path) { Set-ContainerConfiguration -Runtime $Path -Confirm:$false }
    }
    AfterAll {
        Get-Container "$P-*" -All | Remove-Container -Force
        if ($Path) { Set-ContainerConfiguration -DefaultRuntime -Confirm:$false }
    }

    It 'changes the limits of a running container live, which keeps running' {
        $null = Invoke-ContainerImage $Img -Detach -Name "$P-live" -Memory 128MB -- sleep 600
        $before = (Get-Container "$P-live").Pid
        $c = Update-Container "$P-live" -Memory 64MB -MemorySwap 96MB -PidsLimit 42 -CpuShares 512 -CpusetCpus 0 -Cpus 0.5 -PassThru
        $c.HostConfig.Memory | Should -Be 64MB
        $c.HostConfig.MemorySwap | Should -Be 96MB
        $c.HostConfig.PidsLimit | Should -Be 42
        $c.HostConfig.CpuShares | Should -Be 512
        $c.HostConfig.CpusetCpus | Should -Be '0'
        $c.HostConfig.Cpus | Should -Be 0.5
        Read-CgroupValue "$P-live" memory memory.limit_in_bytes memory.max | Should -Be (64MB).ToString()
        Read-CgroupValue "$P-live" pids pids.max pids.max | Should -Be '42'
        Read-CgroupValue "$P-live" cpu cpu.shares cpu.weight | Should -Not -BeNullOrEmpty
        if ((Get-Content "/proc/$((Get-Container "$P-live").Pid)/cgroup") -match ':cpu,cpuacct:|:cpu:') {
            Read-CgroupValue "$P-live" cpu cpu.shares cpu.weight | Should -Be '512'
            Read-CgroupValue "$P-live" cpu cpu.cfs_quota_us cpu.max | Should -Be '50000'
        }
        Read-CgroupValue "$P-live" cpuset cpuset.cpus cpuset.cpus | Should -Be '0'
        $after = Get-Container "$P-live"
        $after.Status | Should -Be 'Running'
        $after.Pid | Should -Be $before
        # the record keeps them (a fresh read, not the object written above)
        $json = Get-Content "$Root/containers/$($after.Id)/container.json" -Raw | ConvertFrom-Json
        $json.HostConfig.Memory | Should -Be 64MB
        $json.HostConfig.PidsLimit | Should -Be 42
    }

    It 'stores the limits of a created container and the start uses them' {
        $null = New-Container $Img -Name "$P-new" -- sleep 600
        Update-Container "$P-new" -Memory 48MB -PidsLimit 17
        (Get-Container "$P-new").HostConfig.Memory | Should -Be 48MB
        Start-Container "$P-new"
        (Get-Container "$P-new").Status | Should -Be 'Running'
        Read-CgroupValue "$P-new" memory memory.limit_in_bytes memory.max | Should -Be (48MB).ToString()
        Read-CgroupValue "$P-new" pids pids.max pids.max | Should -Be '17'
    }

    It 'hands a new restart policy to the running container''s monitor' {
        $null = Invoke-ContainerImage $Img -Detach -Name "$P-rs" -- sleep 600
        Update-Container "$P-rs" -RestartPolicy always
        (Get-Container "$P-rs").HostConfig.RestartPolicy.ToString() | Should -Be 'always'
        $first = (Get-Container "$P-rs").Pid
        & kill -9 $first
        $c = Wait-ContainerCondition -TimeoutSeconds 30 {
            $x = Get-Container "$P-rs"
            if ($x.Status -eq 'Running' -and $x.RestartCount -ge 1 -and $x.Pid -ne $first) { $x }
        }
        $c | Should -Not -BeNullOrEmpty -Because 'a container set to always restarts after its process is killed'
        $c.RestartCount | Should -BeGreaterOrEqual 1
        # and back to no: the next death is final
        Update-Container "$P-rs" -RestartPolicy no
        & kill -9 $c.Pid
        $done = Wait-ContainerCondition -TimeoutSeconds 30 { (Get-Container "$P-rs").Status -eq 'Exited' }
        $done | Should -BeTrue
        Start-Sleep -Milliseconds 500
        (Get-Container "$P-rs").Status | Should -Be 'Exited'
    }

    It 'takes -MemorySwap, -CpuShares and -CpusetCpus at run and create, as docker run does' {
        $c = Invoke-ContainerImage $Img -Detach -Name "$P-runlim" -Memory 64MB -MemorySwap 96MB -CpuShares 512 -CpusetCpus 0 -- sleep 600
        $c.HostConfig.MemorySwap | Should -Be 96MB
        $c.HostConfig.CpuShares | Should -Be 512
        $c.HostConfig.CpusetCpus | Should -Be '0'
        Read-CgroupValue "$P-runlim" memory memory.limit_in_bytes memory.max | Should -Be (64MB).ToString()
        # v1 memory.memsw.limit_in_bytes is memory plus swap (96MB); v2 memory.swap.max is the swap alone (32MB)
        Read-CgroupValue "$P-runlim" memory memory.memsw.limit_in_bytes memory.swap.max | Should -BeIn @((96MB).ToString(), (32MB).ToString())
        if ((Get-Content "/proc/$((Get-Container "$P-runlim").Pid)/cgroup") -match ':memory:') {
            Read-CgroupValue "$P-runlim" memory memory.memsw.limit_in_bytes memory.swap.max | Should -Be (96MB).ToString()
        }
        if ((Get-Content "/proc/$((Get-Container "$P-runlim").Pid)/cgroup") -match ':cpu,cpuacct:|:cpu:') {
            Read-CgroupValue "$P-runlim" cpu cpu.shares cpu.weight | Should -Be '512'
        }
        Read-CgroupValue "$P-runlim" cpuset cpuset.cpus cpuset.cpus | Should -Be '0'
        # a created container keeps them for its start
        $n = New-Container $Img -Name "$P-newlim" -Memory 32MB -MemorySwap -1 -CpuShares 256 -CpusetCpus 0 -- sleep 600
        $n.HostConfig.MemorySwap | Should -Be -1
        $n.HostConfig.CpuShares | Should -Be 256
        Start-Container "$P-newlim"
        Read-CgroupValue "$P-newlim" cpuset cpuset.cpus cpuset.cpus | Should -Be '0'
        # docker's rules, refused before anything is created: swap below memory, swap without memory, a bad CPU list
        New-Container $Img -Name "$P-badlim" -Memory 64MB -MemorySwap 32MB -ErrorVariable e1 -ErrorAction SilentlyContinue -- true
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMemory,*'
        $e1[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Invoke-ContainerImage $Img -Detach -Name "$P-badlim" -MemorySwap 64MB -ErrorVariable e2 -ErrorAction SilentlyContinue -- true
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMemory,*'
        Get-Container "$P-badlim" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { New-Container $Img -Name "$P-badlim" -CpusetCpus 'zero' -- true } | Should -Throw "*'zero' is not a list of CPUs such as 0-2,4*"
        { New-Container $Img -Name "$P-badlim" -CpuShares 1 -- true } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        Get-Container "$P-badlim" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses bad values with stable ErrorIds and changes nothing' {
        $null = New-Container $Img -Name "$P-bad" -Memory 64MB -- true
        Update-Container "$P-bad" -Memory 1MB -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMemory*'
        Update-Container "$P-bad" -MemorySwap 32MB -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMemory*'
        (Get-Container "$P-bad").HostConfig.Memory | Should -Be 64MB
        (Get-Container "$P-bad").HostConfig.MemorySwap | Should -BeNullOrEmpty
        Update-Container nope-nothing -Memory 64MB -ErrorVariable e3 -ErrorAction SilentlyContinue
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound*'
        { Update-Container "$P-bad" -RestartPolicy sometimes } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        # no setting at all: docker update's "you must provide one or more flags"
        { Update-Container "$P-bad" } | Should -Throw -ErrorId 'NothingToUpdate*'
        # the restart policy answers to both names, as run and update spell it
        Update-Container "$P-bad" -Restart always
        (Get-Container "$P-bad").HostConfig.RestartPolicy.ToString() | Should -Be 'always'
        Update-Container "$P-bad" -Memory 80MB -WhatIf
        (Get-Container "$P-bad").HostConfig.Memory | Should -Be 64MB
    }

    It 'refuses -Cpus beyond the host''s CPUs as docker does, at create, run and update, and creates or changes nothing' {
        $n = [Environment]::ProcessorCount
        $words = "Range of CPUs is from 0.01 to $n.00, as there are only $n CPUs available*"
        New-Container $Img -Name "$P-cpu" -Cpus ($n + 1) -ErrorVariable e1 -ErrorAction SilentlyContinue -- true
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCpus,*'
        $e1[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e1[0].Exception.Message | Should -BeLike $words
        Invoke-ContainerImage $Img -Detach -Name "$P-cpu" -Cpus ($n + 0.5) -ErrorVariable e2 -ErrorAction SilentlyContinue -- sleep 30
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCpus,*'
        Get-Container "$P-cpu" -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $null = Invoke-ContainerImage $Img -Detach -Name "$P-cpu" -Cpus 0.5 -- sleep 60
        Update-Container "$P-cpu" -Cpus ($n + 1) -ErrorVariable e4 -ErrorAction SilentlyContinue
        $e4[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCpus,*'
        $e4[0].Exception.Message | Should -BeLike $words
        (Get-Container "$P-cpu").HostConfig.Cpus | Should -Be 0.5
        Read-CgroupValue "$P-cpu" cpu cpu.cfs_quota_us cpu.max | Should -BeLike '50000*'
        # the whole host is allowed (docker's bound is inclusive)
        $c = Update-Container "$P-cpu" -Cpus $n -PassThru
        $c.HostConfig.Cpus | Should -Be $n
        Read-CgroupValue "$P-cpu" cpu cpu.cfs_quota_us cpu.max | Should -BeLike "$($n * 100000)*"
        (Get-Container "$P-cpu").Status | Should -Be 'Running'
    }
}

Describe 'Compose memswap_limit, cpu_shares and cpuset (issue 12)' {
    BeforeAll {
        $script:CP = "limc$PID"
        $script:ComposeFile = Join-Path $TestDrive 'limits-compose.yaml'
        Set-Content -Path $script:ComposeFile -Value @"
services:
  lim:
    image: $($script:Img)
    command: ["sleep", "600"]
    network_mode: none
    mem_limit: 64m
    memswap_limit: 96m
    cpu_shares: 512
    cpuset: "0"
    pids_limit: 42
"@
    }
    AfterAll {
        Remove-ContainerProject $script:CP -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
        Get-Container "$($script:CP)-*" -All -ErrorAction SilentlyContinue | Remove-Container -Force
    }

    It 'are applied, not warned about, and give the same cgroup files as Invoke-ContainerImage with the same flags' {
        $null = Start-ContainerProject -Path $script:ComposeFile -ProjectName $script:CP -WarningVariable w -WarningAction SilentlyContinue
        $w | Where-Object { "$_" -match 'memswap_limit|cpu_shares|cpuset' } | Should -BeNullOrEmpty
        $svc = Get-Container -All | Where-Object { $_.Labels['com.docker.compose.project'] -eq $script:CP }
        $svc | Should -HaveCount 1
        $svc.Status | Should -Be 'Running'
        $svc.HostConfig.Memory | Should -Be 64MB
        $svc.HostConfig.MemorySwap | Should -Be 96MB
        $svc.HostConfig.CpuShares | Should -Be 512
        $svc.HostConfig.CpusetCpus | Should -Be '0'
        $svc.HostConfig.PidsLimit | Should -Be 42

        $null = Invoke-ContainerImage $script:Img -Detach -Name "$($script:CP)-run" -Network none -Memory 64MB -MemorySwap 96MB -CpuShares 512 -CpusetCpus 0 -PidsLimit 42 -- sleep 600
        foreach ($f in @(
                @('memory', 'memory.limit_in_bytes', 'memory.max'),
                @('memory', 'memory.memsw.limit_in_bytes', 'memory.swap.max'),
                @('cpu', 'cpu.shares', 'cpu.weight'),
                @('cpuset', 'cpuset.cpus', 'cpuset.cpus'),
                @('pids', 'pids.max', 'pids.max'))) {
            $fromCompose = Read-CgroupValue $svc.Name @f
            $fromCompose | Should -Not -BeNullOrEmpty -Because $f[1]
            $fromCompose | Should -Be (Read-CgroupValue "$($script:CP)-run" @f) -Because $f[1]
        }
        Read-CgroupValue $svc.Name memory memory.limit_in_bytes memory.max | Should -Be (64MB).ToString()
        Read-CgroupValue $svc.Name cpuset cpuset.cpus cpuset.cpus | Should -Be '0'
        Read-CgroupValue $svc.Name pids pids.max pids.max | Should -Be '42'
    }

    It 'refuses a bad cpuset from compose at create, as run refuses it' {
        $bad = Join-Path $TestDrive 'bad-cpuset.yaml'
        Set-Content -Path $bad -Value @"
services:
  lim:
    image: $($script:Img)
    command: ["true"]
    network_mode: none
    cpuset: "1-0"
"@
        Start-ContainerProject -Path $bad -ProjectName "$($script:CP)bad" -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCpuset,*'
        Get-Container -All | Where-Object { $_.Labels['com.docker.compose.project'] -eq "$($script:CP)bad" } | Should -BeNullOrEmpty
    }
}

Describe 'Update-Container keeps the device rules the container started with (issue 12)' {
    AfterAll {
        Get-Container "updev-*" -All -ErrorAction SilentlyContinue | Remove-Container -Force
    }

    It 'sends only the limits to the runtime, as runc update does, so a -Device stays usable' {
        # a node with no driver behind it (major 242 is unassigned here): "No such device or address" when the
        # cgroup allows it, "Operation not permitted" when the device rules deny it
        $node = Join-Path $TestDrive 'updev242'
        & mknod $node c 242 0
        $LASTEXITCODE | Should -Be 0
        $probe = 'cat /dev/t242 >/dev/null 2>/tmp/r; cat /tmp/r'
        $null = Invoke-ContainerImage $script:Img -Detach -Name updev-1 -Network none -Device "$($node):/dev/t242:rw" -- sleep 600
        Invoke-ContainerExec updev-1 sh -c $probe | Should -Match 'No such device or address'
        $c = Update-Container updev-1 -Memory 80MB -PidsLimit 50 -PassThru
        $c.HostConfig.Memory | Should -Be 80MB
        Read-CgroupValue updev-1 pids pids.max pids.max | Should -Be '50'
        Invoke-ContainerExec updev-1 sh -c $probe | Should -Match 'No such device or address'
        # and a node the container was not given is still refused
        Invoke-ContainerExec updev-1 sh -c 'mknod /tmp/t243 c 243 0 && cat /tmp/t243 2>&1; true' | Should -Match 'Operation not permitted|Permission denied'
    }
}
