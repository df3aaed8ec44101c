BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    $script:Root = New-TestStoreRoot
    $script:Storage = Join-Path $script:Root 'storage'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('psc-stortest-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $script:Work | Out-Null
    $script:Pwsh = (Get-Process -Id $PID).Path
    $script:ModulePath = (Get-Module PsContainers).Path -replace '\.dll$', '.psd1'

    function Get-StorageErrors { @(Test-ContainerStorage | Where-Object Severity -eq 'Error') }
}

AfterAll {
    Remove-TestStoreRoot $script:Root
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
    $env:PSCONTAINERS_ROOT = $null
}

Describe 'Test-ContainerStorage' {
    It 'reports nothing for a sound store' {
        $null = Import-TestBusyboxImage -Name sound:1 -Variant sound
        Test-ContainerStorage | Should -BeNullOrEmpty
    }

    It 'finds a corrupt blob and a missing layer, and -Repair removes the damaged image only' {
        $bad = Import-TestBusyboxImage -Name damaged:1 -Variant damaged
        $good = Import-TestBusyboxImage -Name intact:1 -Variant intact
        $blob = Join-Path $script:Storage "blobs/sha256/$($bad.Digest.Substring(7))"
        [IO.File]::AppendAllText($blob, ' ')
        $problems = @(Test-ContainerStorage)
        $p = $problems | Where-Object Kind -eq 'CorruptBlob'
        $p.Target | Should -Be $bad.Digest
        $p.Severity | Should -Be 'Error'
        Get-ContainerImage damaged:1 | Should -Not -BeNullOrEmpty   # checking changes nothing
        Test-ContainerStorage -Repair -WhatIf | Where-Object Repaired | Should -BeNullOrEmpty
        Test-Path $blob | Should -BeTrue

        $fixed = @(Test-ContainerStorage -Repair -Confirm:$false)
        ($fixed | Where-Object Kind -eq 'CorruptBlob').Repaired | Should -BeTrue
        Get-ContainerImage damaged:1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-ContainerImage intact:1).Id | Should -Be $good.Id
        Test-ContainerStorage | Should -BeNullOrEmpty
        # the damaged image can be imported again
        (Import-TestBusyboxImage -Name damaged:1 -Variant damaged).Id | Should -Be $bad.Id
        Test-ContainerStorage | Should -BeNullOrEmpty
    }

    It 'reports a deleted unpacked layer as MissingLayer' {
        $img = Import-TestBusyboxImage -Name nolayer:1 -Variant nolayer
        $dirs = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)
        Remove-Item -Recurse -Force (Split-Path $dirs[2])
        $p = @(Get-StorageErrors)
        $p.Kind | Should -Contain 'MissingLayer'
        ($p | Where-Object Kind -eq 'MissingLayer').ImageId | Should -Be $img.Id
        $null = Test-ContainerStorage -Repair -Confirm:$false
        Test-ContainerStorage | Should -BeNullOrEmpty
    }
}

Describe 'Crash safety: kill -9 during an import' {
    BeforeAll {
        # a root file system of ~120 MB of incompressible data: the import takes long enough to be killed halfway
        $rootfs = Join-Path $script:Work 'bigfs'
        New-Item -ItemType Directory "$rootfs/data" -Force | Out-Null
        foreach ($i in 1..3) { & dd if=/dev/urandom of="$rootfs/data/f$i" bs=1M count=40 status=none }
        $script:BigTar = Join-Path $script:Work 'big.tar'
        & tar -C $rootfs -cf $script:BigTar .
        Remove-Item -Recurse -Force $rootfs
        $script:KilledMidway = 0
    }

    It 'leaves no half image after a kill at <Delay> ms, and the next command cleans up' -ForEach @(
        @{ Delay = 50 }, @{ Delay = 300 }, @{ Delay = 700 }, @{ Delay = 1200 }
    ) {
        $script_ = "Import-Module '$script:ModulePath'; `$env:PSCONTAINERS_ROOT = '$script:Root'; Import-ContainerImage '$script:BigTar' -RootFs -Name killed:$Delay | Out-Null"
        $p = Start-Process -FilePath $script:Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $script_ -PassThru
        try {
            # wait until the import has started writing into the store, then give it $Delay ms more
            $sw = [Diagnostics.Stopwatch]::StartNew()
            while (-not $p.HasExited -and $sw.ElapsedMilliseconds -lt 30000 -and
                -not (Get-ChildItem "$script:Storage/tmp" -Filter '*.lock' -ErrorAction SilentlyContinue)) { Start-Sleep -Milliseconds 10 }
            Start-Sleep -Milliseconds $Delay
        } finally {
            if (-not $p.HasExited) { & kill -9 $p.Id; $script:KilledMidway++ }
            $p.WaitForExit()
        }
        $img = Get-ContainerImage "killed:$Delay" -ErrorAction SilentlyContinue
        if ($img) {
            # finished before the kill: then it is complete
            $dirs = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)
            (Get-ChildItem "$($dirs[0])/data").Count | Should -Be 3
        }
        Get-StorageErrors | Should -BeNullOrEmpty
        # the next command that changes the store sweeps what the killed one left
        $null = Import-TestBusyboxImage -Name after-kill:1 -Variant afterkill
        $left = @(Test-ContainerStorage | Where-Object Kind -in 'LeftoverTemp', 'OrphanLayer', 'OrphanRecord')
        $left | Should -BeNullOrEmpty
        # only this test process's own pins directory may remain
        @(Get-ChildItem "$script:Storage/tmp" | Where-Object Name -notlike 'pins-*') | Should -HaveCount 0
    }
}

Describe 'Crash safety (check)' {
    It 'killed at least one import before it finished' {
        $script:KilledMidway | Should -BeGreaterThan 0
    }
}

Describe 'Concurrency: two processes import and remove at once' {
    It 'keeps the store consistent' {
        $a = New-TestImageArchive -Path (Join-Path $script:Work 'conc-a.tar') -Name conc-a:1 -Variant conc-a
        $b = New-TestImageArchive -Path (Join-Path $script:Work 'conc-b.tar') -Name conc-b:1 -Variant conc-b -Format OciArchive
        $worker = {
            param($Module, $Root, $Archives, $Names)
            Import-Module $Module
            $env:PSCONTAINERS_ROOT = $Root
            $errors = @()
            foreach ($round in 1..6) {
                foreach ($i in 0..($Archives.Count - 1)) {
                    try { $null = Import-ContainerImage $Archives[$i] -ErrorAction Stop } catch { $errors += "$($_.FullyQualifiedErrorId): $_" }
                    try { Remove-ContainerImage $Names[$i] -Confirm:$false -ErrorAction Stop } catch { if ($_.FullyQualifiedErrorId -notlike 'ImageNotFound*') { $errors += "$($_.FullyQualifiedErrorId): $_" } }
                }
            }
            $errors
        }
        $jobs = @(
            Start-Job -ScriptBlock $worker -ArgumentList $script:ModulePath, $script:Root, @($a.Path, $b.Path), @('conc-a:1', 'conc-b:1')
            Start-Job -ScriptBlock $worker -ArgumentList $script:ModulePath, $script:Root, @($b.Path, $a.Path), @('conc-b:1', 'conc-a:1')
        )
        $out = $jobs | Wait-Job -Timeout 300 | Receive-Job
        $jobs | Remove-Job -Force
        $out | Should -BeNullOrEmpty
        Get-StorageErrors | Should -BeNullOrEmpty
        foreach ($img in Get-ContainerImage 'conc-*') {
            $dirs = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root)).GetLayerPaths($img)
            $dirs | Should -HaveCount 3
        }
    }
}

Describe 'Get-ContainerDiskUsage' {
    It 'counts images, containers and volumes with active and reclaimable space' {
        $img = Import-TestBusyboxImage -Name du-test:1 -Variant du
        $cid = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1'
        $cdir = Join-Path $script:Root "containers/$cid"
        New-Item -ItemType Directory "$cdir/upper/tmp" -Force | Out-Null
        [IO.File]::WriteAllBytes("$cdir/upper/tmp/written", [byte[]]::new(4096))
        @{ Id = $cid; Name = 'du-running'; ImageId = $img.Id; Mounts = @(@{ Type = 'volume'; Source = 'du-vol'; Destination = '/data' }) } |
            ConvertTo-Json -Depth 5 | Set-Content "$cdir/container.json"
        # the monitor's record: running, with a live monitor (the store's liveness rule: a live process whose command
        # line names pscmon and the container; here a shell that sleeps, so its script keeps both words)
        $mon = [System.Diagnostics.Process]::Start('bash', [string[]]@('-c', "sleep 300; : pscmon $cid"))
        @{ Status = 'Running'; Pid = $PID; MonitorPid = $mon.Id } | ConvertTo-Json | Set-Content "$cdir/state.json"
        New-Item -ItemType Directory (Join-Path $script:Root 'volumes/du-vol/_data') -Force | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $script:Root 'volumes/du-vol/_data/file'), [byte[]]::new(1000))
        New-Item -ItemType Directory (Join-Path $script:Root 'volumes/du-unused/_data') -Force | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $script:Root 'volumes/du-unused/_data/file'), [byte[]]::new(300))
        try {
            $rows = Get-ContainerDiskUsage
            $rows.Type | Should -Be @('Images', 'Containers', 'Volumes')
            $images = $rows | Where-Object Type -eq Images
            $images.Count | Should -Be @(Get-ContainerImage -Unique).Count
            $images.Active | Should -Be 1
            $images.Size | Should -BeGreaterThan 1MB
            $images.Reclaimable | Should -BeLessThan $images.Size
            $c = $rows | Where-Object Type -eq Containers
            $c.Count | Should -Be 1; $c.Active | Should -Be 1; $c.Size | Should -Be 4096; $c.Reclaimable | Should -Be 0
            $v = $rows | Where-Object Type -eq Volumes
            $v.Count | Should -Be 2; $v.Active | Should -Be 1; $v.Size | Should -Be 1300; $v.Reclaimable | Should -Be 300
            $d = Get-ContainerDiskUsage -Detailed
            ($d | Where-Object { $_.Type -eq 'Image' -and $_.Id -eq $img.Id }).Containers | Should -Be 1
            ($d | Where-Object Name -eq 'du-running').Size | Should -Be 4096
            (Get-ContainerDiskUsage | Out-String) | Should -Match 'TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE'
            # the monitor gone (kill -9): the container is not active any more, its space is reclaimable
            $mon.Kill(); $mon.WaitForExit()
            $c = Get-ContainerDiskUsage | Where-Object Type -eq Containers
            $c.Active | Should -Be 0; $c.Reclaimable | Should -Be 4096
        } finally {
            if (-not $mon.HasExited) { $mon.Kill(); $mon.WaitForExit() }
            Remove-Item -Recurse -Force $cdir, (Join-Path $script:Root 'volumes')
        }
    }
}

Describe 'Get-ContainerVersion' {
    It 'reports module, host and spec versions' {
        $v = Get-ContainerVersion
        $v.ModuleVersion | Should -Be (Get-Module PsContainers).Version.ToString()
        $v.KernelVersion | Should -Be (& uname -r)
        $v.PowerShellVersion | Should -Be $PSVersionTable.PSVersion.ToString()
        $v.DotNetVersion | Should -Be ([Environment]::Version.ToString())
        $v.StorageDriver | Should -Be 'overlay'
        $v.CgroupVersion | Should -Match '^(1|1 \(hybrid\)|2)$'
        # from what is mounted: a cgroup2 file system at /sys/fs/cgroup is a unified host
        ($v.CgroupVersion -eq '2') | Should -Be ((& stat -f -c %T /sys/fs/cgroup) -eq 'cgroup2fs')
        $v.CgroupDriver | Should -Be 'cgroupfs'
        $v.OciRuntimeSpecVersion | Should -Match '^1\.\d+\.\d+$'
        $v.Os | Should -Be 'linux'
        $v | ConvertTo-Json | ConvertFrom-Json | Select-Object -ExpandProperty KernelVersion | Should -Be $v.KernelVersion
    }
}
