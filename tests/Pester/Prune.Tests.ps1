# Prune (issue 13) with real containers, networks, volumes and images: the Unused selections of Get-ContainerImage,
# Get-ContainerVolume and Get-ContainerNetwork piped into their Remove- cmdlets, and Clear-ContainerSystem
# (docker system prune [-a] [--volumes]) with -WhatIf (read from a second pwsh, which writes what the host shows)
# and for real. Every object lives in this file's own store root.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:ModuleManifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'

    function script:Import-VariantImage {
        <# The busybox test image with another Cmd: another image id, the same layer. #>
        param([string] $Name, [string] $Arg)
        $tars = @(, (Get-TestBusyboxLayers)[0])
        $diffIds = @($tars | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
        $cfg = New-TestImageConfig -DiffIds $diffIds -Cmd 'sleep', $Arg
        $path = Join-Path $TestDrive "$($Name -replace '[:/]', '-')-$Arg.tar"
        $null = Write-TestDockerArchive -Path $path -Tars $tars -Config $cfg -Name $Name
        Import-ContainerImage -Path $path -ErrorAction Stop
    }

    function script:New-PruneFixture {
        <# A running container (network, anonymous volume), an exited one (network, anonymous volume), an idle
           network, an idle anonymous and named volume, an idle named image and a dangling one. #>
        param([string] $P)
        $null = New-ContainerNetwork "$P-run" -ErrorAction Stop
        $null = New-ContainerNetwork "$P-old" -ErrorAction Stop
        $null = New-ContainerNetwork "$P-idle" -ErrorAction Stop
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name "$P-run" -Network "$P-run" -Volume /data -ErrorAction Stop -- sleep 600
        $null = Invoke-ContainerImage busybox-test:latest -Name "$P-old" -Network "$P-old" -Volume /data -ErrorAction Stop -- sh -c 'head -c 3000 /dev/zero > /data/f; head -c 2000 /dev/zero > /f'
        $script:IdleNamed = (New-ContainerVolume "$P-named").Name
        $script:IdleAnon = (New-ContainerVolume).Name
        Set-Content -Path (Join-Path (Get-ContainerVolume $script:IdleAnon).Mountpoint 'x') -Value ('y' * 700) -NoNewline
        $script:Dangling = (Import-VariantImage -Name "$P-img:1" -Arg 601).Id
        $script:Idle = (Import-VariantImage -Name "$P-img:1" -Arg 602).Id  # takes the name: the first is dangling now
        (Get-Container "$P-run").Status | Should -Be 'Running'
        (Get-Container "$P-old").Status | Should -Be 'Exited'
        $script:RunVolume = ((Get-Container "$P-run").Mounts | Where-Object Destination -eq '/data').Name
        $script:OldVolume = ((Get-Container "$P-old").Mounts | Where-Object Destination -eq '/data').Name
        $script:RunVolume | Should -Not -BeNullOrEmpty
        $script:OldVolume | Should -Not -BeNullOrEmpty
    }

    function script:Clear-Fixture([string] $P) {
        Get-Container "$P-*" -All -ErrorAction SilentlyContinue | Remove-Container -Force -Volumes -Confirm:$false -ErrorAction SilentlyContinue
        Get-ContainerNetwork "$P-*" -ErrorAction SilentlyContinue | Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Selecting unused objects for a pipeline' {
    BeforeAll { New-PruneFixture -P 'sel' }
    AfterAll { Clear-Fixture 'sel' }

    It 'Get-ContainerImage -Unused lists every image no container uses; -Dangling narrows it to nameless ones' {
        $ids = @(Get-ContainerImage -Unused | ForEach-Object Id | Sort-Object -Unique)
        $ids | Should -Contain $script:Idle
        $ids | Should -Contain $script:Dangling
        $ids | Should -Not -Contain (Get-ContainerImage busybox-test:latest).Id
        @(Get-ContainerImage -Unused -Dangling).Id | Should -Be @($script:Dangling)
        @(Get-ContainerImage -Unused 'sel-img*').Id | Should -Be @($script:Idle)
    }

    It 'Get-ContainerVolume -Unused lists anonymous volumes no container mounts; -All adds named ones' {
        $anon = @(Get-ContainerVolume -Unused).Name
        $anon | Should -Contain $script:IdleAnon
        $anon | Should -Not -Contain $script:IdleNamed
        $anon | Should -Not -Contain $script:RunVolume
        $anon | Should -Not -Contain $script:OldVolume   # the exited container still has it
        $all = @(Get-ContainerVolume -Unused -All).Name
        $all | Should -Contain $script:IdleNamed
        $all | Should -Contain $script:IdleAnon
        $all | Should -Not -Contain $script:RunVolume
    }

    It 'Get-ContainerNetwork -Unused lists networks without containers, never the default one' {
        $null = Get-ContainerNetwork   # writes the default network
        $n = @(Get-ContainerNetwork -Unused).Name
        $n | Should -Contain 'sel-idle'
        $n | Should -Not -Contain 'sel-run'
        $n | Should -Not -Contain 'pscontainers'
        @(Get-ContainerNetwork -Unused 'sel-*').Name | Should -Not -Contain 'sel-run'
    }

    It 'each selection piped into its Remove- cmdlet removes exactly those objects' {
        Get-ContainerNetwork -Unused 'sel-idle' | Remove-ContainerNetwork -Confirm:$false
        Get-ContainerNetwork sel-idle -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerNetwork sel-run | Should -Not -BeNullOrEmpty

        Get-ContainerVolume -Unused | Remove-ContainerVolume -Force
        Get-ContainerVolume $script:IdleAnon -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerVolume $script:IdleNamed | Should -Not -BeNullOrEmpty
        Get-ContainerVolume $script:RunVolume | Should -Not -BeNullOrEmpty

        Get-ContainerImage -Unused 'sel-img*' | Remove-ContainerImage -Confirm:$false
        Get-ContainerImage -Id $script:Idle -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerImage -Unused -Dangling | Remove-ContainerImage -Confirm:$false
        Get-ContainerImage -Id $script:Dangling -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerImage busybox-test:latest | Should -Not -BeNullOrEmpty
        (Get-Container sel-run).Status | Should -Be 'Running'
        Remove-ContainerVolume $script:IdleNamed -Force
    }
}

Describe 'Clear-ContainerSystem (docker system prune)' {
    BeforeAll { New-PruneFixture -P 'sys' }
    AfterAll { Clear-Fixture 'sys' }

    It '-WhatIf shows each object and the space reclaimed, and changes nothing' {
        $cmd = "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; Clear-ContainerSystem -All -Volumes -WhatIf"
        $out = & $Pwsh -NoProfile -NonInteractive -Command $cmd 2>&1 | Out-String
        $out | Should -Match 'What if: .*1 stopped container, .*unused network.*Total reclaimed space: '
        $out | Should -Match 'What if: Performing the operation "Remove" on target "Container sys-old \(\d'
        $out | Should -Match 'Network sys-old \(0B\)'
        $out | Should -Match 'Network sys-idle \(0B\)'
        $out | Should -Match "Volume $($script:IdleAnon) \(700B\)"
        $out | Should -Match "Volume $($script:OldVolume) \(3(\.\d+)?kB\)"
        $out | Should -Match 'Image sys-img:1 \('
        $out | Should -Not -Match 'Container sys-run'
        $out | Should -Not -Match 'Network sys-run'
        $out | Should -Not -Match "Volume $($script:IdleNamed)"
        $out | Should -Not -Match 'Network pscontainers'
        Get-Container sys-old -All | Should -Not -BeNullOrEmpty
        Get-ContainerNetwork sys-idle | Should -Not -BeNullOrEmpty
        Get-ContainerVolume $script:IdleAnon | Should -Not -BeNullOrEmpty
        Get-ContainerImage -Id $script:Dangling | Should -Not -BeNullOrEmpty
    }

    It 'without -Force where nothing can prompt: a ConfirmationRequired error naming -Force, and nothing removed' {
        # pwsh -NonInteractive, and a pwsh whose standard input is /dev/null (a script run from cron or CI)
        $cmd = "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$ModuleManifest'; " +
            "try { Clear-ContainerSystem -All -Volumes -ErrorAction Stop; 'NOERROR' } " +
            "catch { 'ID=' + `$_.FullyQualifiedErrorId; 'CAT=' + `$_.CategoryInfo.Category; 'MSG=' + `$_.Exception.Message }"
        foreach ($mode in @('-NonInteractive', '-NoLogo')) {
            $out = & /bin/sh -c '"$0" -NoProfile "$1" -Command "$2" < /dev/null 2>&1' $Pwsh $mode $cmd | Out-String
            $out | Should -Match 'ID=ConfirmationRequired,PsContainers.Commands.ClearContainerSystemCommand' -Because "$mode`n$out"
            $out | Should -Match 'CAT=InvalidOperation'
            $out | Should -Match 'MSG=Clear-ContainerSystem asks for confirmation and this session cannot prompt .*Use -Force'
            $out | Should -Not -Match 'NOERROR|UnexpectedError'
        }
        Get-Container sys-old -All | Should -Not -BeNullOrEmpty
        Get-ContainerNetwork sys-idle | Should -Not -BeNullOrEmpty
        Get-ContainerVolume $script:IdleAnon | Should -Not -BeNullOrEmpty
        Get-ContainerImage -Id $script:Dangling | Should -Not -BeNullOrEmpty
        Get-ContainerImage -Id $script:Idle | Should -Not -BeNullOrEmpty
        # -WhatIf still works there
        $whatIf = & /bin/sh -c '"$0" -NoProfile -NonInteractive -Command "$1" < /dev/null 2>&1' $Pwsh ($cmd -replace '-ErrorAction Stop', '-WhatIf -ErrorAction Stop') | Out-String
        $whatIf | Should -Match 'What if: .*stopped container'
        $whatIf | Should -Match 'NOERROR'
    }

    It 'without -Force and with -Confirm:$false removes what -WhatIf showed and writes the summary' {
        $oldId = (Get-Container sys-old).Id
        $r = Clear-ContainerSystem -Volumes -Confirm:$false
        $r | Should -BeOfType PsContainers.Core.Prune.PruneResult
        $r.Containers | Should -Be 1
        $r.ContainersDeleted | Should -Be @($oldId)
        $r.NetworksDeleted | Sort-Object | Should -Be @('sys-idle', 'sys-old')
        $r.VolumesDeleted | Sort-Object | Should -Be @(@($script:IdleAnon, $script:OldVolume) | Sort-Object)
        $r.ImagesDeleted | Should -Be @($script:Dangling)    # without -All: only the nameless one
        $r.Failed.Count | Should -Be 0
        $r.SpaceReclaimed | Should -BeGreaterOrEqual (700 + 3000 + 2000)
        $r.TotalReclaimedSpace | Should -Not -BeNullOrEmpty
        $r.ToString() | Should -BeLike 'Total reclaimed space: *'
        Get-Container sys-old -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-Container sys-run).Status | Should -Be 'Running'
        Get-ContainerNetwork sys-run | Should -Not -BeNullOrEmpty
        Get-ContainerNetwork pscontainers | Should -Not -BeNullOrEmpty
        Get-ContainerVolume $script:RunVolume | Should -Not -BeNullOrEmpty
        Get-ContainerVolume $script:IdleNamed | Should -Not -BeNullOrEmpty
        Get-ContainerImage -Id $script:Idle | Should -Not -BeNullOrEmpty
        ($r | Format-Table | Out-String -Width 80) | Should -Match 'CONTAINERS NETWORKS VOLUMES IMAGES'
    }

    It '-All -Force also removes named images no container uses, never one in use' {
        $r = Clear-ContainerSystem -All -Force
        $r.ImagesDeleted | Should -Contain $script:Idle
        $r.ImagesDeleted | Should -Not -Contain (Get-ContainerImage busybox-test:latest).Id
        $r.ImagesUntagged | Should -Contain 'sys-img:1'
        Get-ContainerImage -Id $script:Idle -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-Container sys-run).Status | Should -Be 'Running'
        $again = Clear-ContainerSystem -All -Volumes -Force
        $again.SpaceReclaimed | Should -Be 0
        $again.Containers + $again.Networks + $again.Volumes + $again.Images | Should -Be 0
        Remove-ContainerVolume $script:IdleNamed -Force
    }
}
