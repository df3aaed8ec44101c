# Many hosts from one console (issue 17): the module over PowerShell SSH remoting, for real. Three "hosts" are network
# namespaces on this machine, each with its own sshd and its own store root (Remoting.Helpers.psm1); one PowerShell
# session here starts, lists, stops and removes containers on all of them, runs Invoke-Command -HostName h1,h2,h3
# { Get-Container } with no session (the module is on each host's PSModulePath), fans out with -AsJob, sorts
# the merged results by PSComputerName, renders them with the remote view and pipes a deserialized container back into
# a cmdlet on its host. The hosts share this kernel, so the store root is what keeps their containers apart: each one
# sees only its own. Everything is taken down in AfterAll, also when BeforeAll failed half way.
# The first Describe needs no host: it checks that the type data (module/types/PsContainers.types.ps1xml) covers every
# enum and every nested type a cmdlet can emit.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Remoting.Helpers.psm1" -Force
    $script:ModulePath = (Resolve-Path $(if ($env:PSCONTAINERS_TEST_MODULE) { $env:PSCONTAINERS_TEST_MODULE } else { "$PSScriptRoot/../../out/PsContainers/PsContainers.psd1" })).Path
}

Describe 'The type data covers what the cmdlets emit' {
    BeforeAll {
        # every PsContainers type a cmdlet declares (OutputType) and every type reachable through their properties
        $script:Reachable = @{}
        function script:Get-ElementType([type] $t) {
            $u = [Nullable]::GetUnderlyingType($t)
            if ($u) { return $u }
            if ($t.IsArray) { return $t.GetElementType() }
            if ($t.IsGenericType -and [Collections.IEnumerable].IsAssignableFrom($t)) { return $t.GetGenericArguments()[-1] }
            $t
        }
        function script:Add-Reachable([type] $t) {
            $t = Get-ElementType $t
            if ($t.Assembly.GetName().Name -notlike 'PsContainers*' -or $script:Reachable.ContainsKey($t.FullName)) { return }
            $script:Reachable[$t.FullName] = $t
            if ($t.IsEnum) { return }
            foreach ($p in $t.GetProperties([Reflection.BindingFlags]'Public,Instance')) {
                if ($p.GetIndexParameters().Count -eq 0) { Add-Reachable $p.PropertyType }
            }
        }
        Get-Command -Module PsContainers | ForEach-Object OutputType | ForEach-Object Type | Where-Object { $_ } | ForEach-Object { Add-Reachable $_ }
    }

    It 'reaches the container, its state and its health from the output types' {
        $script:Reachable.Keys | Should -Contain 'PsContainers.Core.Containers.Container'
        $script:Reachable.Keys | Should -Contain 'PsContainers.Core.Containers.ContainerHealth'
        $script:Reachable.Keys | Should -Contain 'PsContainers.Core.Containers.HealthStatus'
    }

    It 'serializes every reachable enum as its name' {
        $enums = @($script:Reachable.Values | Where-Object IsEnum)
        $enums.Count | Should -BeGreaterThan 5
        foreach ($e in $enums) {
            (Get-TypeData $e.FullName).SerializationMethod | Should -Be 'String' -Because "$($e.FullName) must cross remoting as a name"
        }
    }

    It 'gives every reachable type that holds PsContainers objects a serialization depth of at least 2' {
        $nested = @($script:Reachable.Values | Where-Object { -not $_.IsEnum } | Where-Object {
            @($_.GetProperties([Reflection.BindingFlags]'Public,Instance') | Where-Object {
                $e = Get-ElementType $_.PropertyType
                $_.GetIndexParameters().Count -eq 0 -and -not $e.IsEnum -and $e.Assembly.GetName().Name -like 'PsContainers*'
            }).Count -gt 0
        })
        $nested.FullName | Should -Contain 'PsContainers.Core.Containers.Container'
        foreach ($t in $nested) {
            (Get-TypeData $t.FullName).SerializationDepth | Should -BeGreaterOrEqual 2 -Because "$($t.FullName) holds objects that must survive remoting"
        }
    }
}

Describe 'PsContainers on three hosts over SSH remoting' {
    BeforeAll {
        $script:Lab = $null
        $script:Lab = New-RemotingTestLab -Index (1..3) -ModulePath $script:ModulePath
        $script:Hosts = $script:Lab.Hosts
        $script:Sessions = $script:Lab.Sessions
        $script:ByName = @{}
        foreach ($s in $script:Sessions) { $script:ByName[$s.Name] = $s }
    }

    AfterAll {
        Remove-RemotingTestLab $script:Lab
    }

    It 'runs one engine per host, each on its own address and store root' {
        $r = Invoke-Command -Session $script:Sessions { [pscustomobject]@{ Root = $env:PSCONTAINERS_ROOT; Address = (& ip -4 -o addr show scope global) -join ' ' } } |
            Sort-Object PSComputerName
        @($r).Count | Should -Be 3
        foreach ($h in $script:Hosts) {
            $row = $r | Where-Object PSComputerName -EQ $h.Address
            $row.Root | Should -Be $h.StoreRoot
            $row.Address | Should -BeLike "*$($h.Address)/30*"
        }
        @($r.Root | Sort-Object -Unique).Count | Should -Be 3
    }

    It 'starts containers on each host from one session; each host sees only its own' {
        foreach ($h in $script:Hosts) {
            Invoke-Command -Session $script:ByName[$h.Name] -ArgumentList $h.Name -ErrorAction Stop {
                param($name)
                $ErrorActionPreference = 'Stop'
                # the same name on every host: three engines, three containers
                $null = Invoke-ContainerImage busybox-test:latest -Detach -Name shared -Network none -- sleep 300
                $null = Invoke-ContainerImage busybox-test:latest -Detach -Name "web-$name" -Network none -HealthCommand true -HealthInterval 200ms -- sleep 300
            }
        }
        $all = Invoke-Command -Session $script:Sessions { Get-Container } | Sort-Object PSComputerName, Name
        @($all).Count | Should -Be 6
        foreach ($h in $script:Hosts) {
            @($all | Where-Object PSComputerName -EQ $h.Address | ForEach-Object Name) | Should -Be @('shared', "web-$($h.Name)")
        }
        @($all | Where-Object Name -EQ 'shared' | ForEach-Object Id | Sort-Object -Unique).Count | Should -Be 3
        # and the local store (this session's) knows none of them
        @(Get-Container -All | Where-Object Id -In $all.Id).Count | Should -Be 0
    }

    It 'answers Invoke-Command -HostName h1,h2,h3 { Get-Container } with no session, the module loading on first use' {
        $connection = $script:Lab.Connection
        $all = Invoke-Command -HostName $script:Hosts.Address @connection { Get-Container } | Sort-Object PSComputerName, Name
        @($all).Count | Should -Be 6
        ($all | Group-Object PSComputerName).Name | Should -Be @($script:Hosts.Address | Sort-Object)
        $all | ForEach-Object { $_.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Containers.Container' }
        $lines = ($all | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^NAMES\s+IMAGE\s+STATUS\s+PSComputerName\s*$'
        @($lines | Where-Object { $_ -match "^web-h1\s+busybox-test:latest\s+Up .*\s$([regex]::Escape($script:Hosts[0].Address))\s*$" }).Count | Should -Be 1
    }

    It 'fans Get-Container out with Invoke-Command -AsJob and merges the results sorted by PSComputerName' {
        $job = Invoke-Command -Session $script:Sessions -AsJob { Get-Container web-* }
        try {
            $null = Wait-Job $job -Timeout 120
            $job.State | Should -Be 'Completed'
            $merged = @(Receive-Job $job -ErrorAction Stop | Sort-Object PSComputerName)
        }
        finally { Remove-Job $job -Force }
        @($job.ChildJobs).Count | Should -Be 3
        $merged.PSComputerName | Should -Be @($script:Hosts.Address | Sort-Object)
        $merged.Name | Should -Be @($script:Hosts | Sort-Object Address | ForEach-Object { "web-$($_.Name)" })
        foreach ($c in $merged) {
            $c.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Containers.Container'
            $c.Status | Should -Be 'Running'
            $c.Status | Should -BeOfType [string]
            $c.StatusShort | Should -Match '^Up \d+\w+'
        }
        # the health the host's monitor records comes across as an object with a status name
        $h1 = $script:ByName['h1']
        $healthy = Invoke-Command -Session $h1 { $deadline = [DateTime]::UtcNow.AddSeconds(20); do { $c = Get-Container web-h1; if ("$($c.State.Health)" -eq 'Healthy') { break }; Start-Sleep -Milliseconds 100 } while ([DateTime]::UtcNow -lt $deadline); $c }
        $healthy.State.Health.Status | Should -Be 'Healthy'
        $healthy.State.Health.Log[-1].ExitCode | Should -Be 0
    }

    It 'renders the merged containers with the remote view: NAMES, IMAGE, STATUS and PSComputerName' {
        $all = Invoke-Command -Session $script:Sessions { Get-Container } | Sort-Object PSComputerName, Name
        $t = $all | Out-String -Width 80
        $lines = $t -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^NAMES\s+IMAGE\s+STATUS\s+PSComputerName\s*$'
        foreach ($h in $script:Hosts) {
            @($lines | Where-Object { $_ -match "^web-$($h.Name)\s+busybox-test:latest\s+Up \d+\w+( \(\w+\))?\s+$([regex]::Escape($h.Address))\s*$" }).Count | Should -Be 1
            @($lines | Where-Object { $_ -match "^shared\s+busybox-test:latest\s+Up \d+\w+\s+$([regex]::Escape($h.Address))\s*$" }).Count | Should -Be 1
        }
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'takes a deserialized container piped back into Stop-Container and Remove-Container on its host' {
        $h2 = $script:ByName['h2']
        $c = Invoke-Command -Session $h2 { Get-Container shared }
        $c.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Containers.Container'
        $stopped = Invoke-Command -Session $h2 -ArgumentList $c -ErrorAction Stop {
            param($c)
            # what arrives is the deserialized object again, not a live Container
            if ($c -is [PsContainers.Core.Containers.Container]) { throw 'the argument arrived live' }
            $c | Stop-Container -Timeout 1 -PassThru -ErrorAction Stop
        }
        $stopped.Id | Should -Be $c.Id
        $stopped.Status | Should -Be 'Exited'
        Invoke-Command -Session $h2 -ArgumentList $stopped -ErrorAction Stop { param($c) $c | Remove-Container -Confirm:$false -ErrorAction Stop }
        (Invoke-Command -Session $h2 { Get-Container -All }).Name | Should -Be @('web-h2')
        # the other hosts' containers of the same name were not touched
        foreach ($n in 'h1', 'h3') {
            (Invoke-Command -Session $script:ByName[$n] { Get-Container shared }).Status | Should -Be 'Running'
        }
    }

    It 'resolves a container object from another host by its Id: ObjectNotFound there, and that host''s container of the same name untouched' {
        $fromH1 = Invoke-Command -Session $script:ByName['h1'] { Get-Container shared }
        $h3 = $script:ByName['h3']
        $before = Invoke-Command -Session $h3 { Get-Container shared }
        $before.Id | Should -Not -Be $fromH1.Id
        $r = Invoke-Command -Session $h3 -ArgumentList $fromH1 {
            param($x)
            $e = $null
            $x | Remove-Container -Force -ErrorAction SilentlyContinue -ErrorVariable e
            $x | Stop-Container -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable +e
            # Get-Container too: by Id, so not this host's container of the same name (which a pipeline would then stop)
            $got = $x | Get-Container -ErrorAction SilentlyContinue -ErrorVariable +e
            if ($got) { throw "Get-Container gave this host's $($got.Id) for another host's container" }
            @($e | ForEach-Object { [pscustomobject]@{ Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Id = $_.FullyQualifiedErrorId } })
        }
        @($r).Count | Should -Be 3
        foreach ($e in $r) {
            $e.Category | Should -Be 'ObjectNotFound'
            $e.Id | Should -BeLike 'ContainerNotFound,*'
            $e.Message | Should -BeLike "No container with Id $($fromH1.Id.Substring(0, 12)) (shared) exists here*"
        }
        $after = Invoke-Command -Session $h3 { Get-Container shared }
        $after.Id | Should -Be $before.Id
        $after.Status | Should -Be 'Running'
    }

    It 'runs a container from a deserialized image piped into Invoke-ContainerImage and New-Container on its host' {
        $h1 = $script:ByName['h1']
        $img = Invoke-Command -Session $h1 { Get-ContainerImage busybox-test:latest }
        $img.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Images.ContainerImage'
        $r = Invoke-Command -Session $h1 -ArgumentList $img -ErrorAction Stop {
            param($i)
            if ($i -is [PsContainers.Core.Images.ContainerImage]) { throw 'the argument arrived live' }
            $out = $i | Invoke-ContainerImage -Network none -Remove -Pull Never -ErrorAction Stop -Command echo, from-image
            $created = $i | New-Container -Name from-image -Network none -Pull Never -ErrorAction Stop -Command true
            $byParameter = New-Container -ImageObject $i -Image $i.ImageName -Name from-image-2 -Network none -Pull Never -ErrorAction Stop -Command true
            $result = [pscustomobject]@{ Out = "$out"; Created = $created.Name; CreatedImage = $created.Image; ByParameter = $byParameter.Name }
            Remove-Container from-image, from-image-2 -Force -ErrorAction Stop
            $result
        }
        $r.Out | Should -Be 'from-image'
        $r.Created | Should -Be 'from-image'
        $r.CreatedImage | Should -Be 'busybox-test:latest'
        $r.ByParameter | Should -Be 'from-image-2'
    }

    It 'stops and removes every container on every host from one session' {
        $stopped = @(Invoke-Command -Session $script:Sessions { Get-Container | Stop-Container -Timeout 1 -PassThru })
        $stopped.Count | Should -Be 5
        $stopped | ForEach-Object { $_.Status | Should -Be 'Exited' }
        Invoke-Command -Session $script:Sessions { Get-Container -All | Remove-Container -Confirm:$false }
        @(Invoke-Command -Session $script:Sessions { Get-Container -All }).Count | Should -Be 0
        # nothing of theirs runs any more: no monitor of any host's store
        foreach ($h in $script:Hosts) { Wait-ContainerCondition { @(Get-StoreProcess $h.StoreRoot).Count -eq 0 } -TimeoutSeconds 20 | Should -BeTrue }
    }
}

Describe 'The about_PsContainers_Remoting runbook' {
    BeforeAll {
        $script:Lab = $null
        $script:Lab = New-RemotingTestLab -Index (4..6) -ModulePath $script:ModulePath
        $script:Hosts = $script:Lab.Hosts
        $script:Sessions = $script:Lab.Sessions
        # the topic's own code as Get-Help prints it (the help text the module ships, where a user copies it from:
        # the Markdown's code blocks indented by eight spaces)
        $lines = @((Get-Help about_PsContainers_Remoting | Out-String -Width 200) -split "\r?\n")
        $from = [array]::IndexOf($lines, '        function Invoke-ContainerProjectRollout {')
        $to = [array]::IndexOf($lines, '        }', $from)
        $from | Should -BeGreaterThan 0
        $to | Should -BeGreaterThan $from
        $script:Rollout = ($lines[$from..$to] | ForEach-Object { $_.Substring([Math]::Min(8, $_.Length)) }) -join "`n"

        function script:Write-Project([string] $Dir, [string] $Version, [string] $Probe) {
            New-Item -ItemType Directory -Force -Path $Dir | Out-Null
            Set-Content (Join-Path $Dir 'compose.yaml') @"
services:
  web:
    image: busybox-test:latest
    command: ["sleep", "300"]
    network_mode: none
    labels:
      version: "$Version"
    healthcheck:
      test: ["CMD", "$Probe"]
      interval: 200ms
      retries: 2
"@
        }
    }

    AfterAll {
        Remove-RemotingTestLab $script:Lab
    }

    It 'rolls a compose project across the hosts one at a time with health waits, and stops at the first host that fails' {
        . ([scriptblock]::Create($script:Rollout))
        $src = Join-Path $script:Lab.Work 'shop'
        # the hosts share this machine's file system, so one destination is the same folder for all three; what each
        # host runs is in its own store
        $dest = Join-Path $script:Lab.Work 'deployed/shop'
        Write-Project $src 1 true
        $done = @(Invoke-ContainerProjectRollout -Session $script:Sessions -Path $src -Destination $dest -WaitTimeout 60)
        $done.ComputerName | Should -Be @($script:Hosts.Address)
        $done | ForEach-Object { $_.Containers | Should -Be 1; $_.Status | Should -Match '^Up \d+\w+ \(healthy\)$' }
        $web = Invoke-Command -Session $script:Sessions { Get-Container -Project shop }
        @($web).Count | Should -Be 3
        $web | ForEach-Object { $_.Labels.version | Should -Be '1'; $_.State.Health.Status | Should -Be 'Healthy' }

        # version 2 never gets healthy: the first host fails its wait, the other two are not touched
        Write-Project $src 2 false
        $err = $null
        try { $null = Invoke-ContainerProjectRollout -Session $script:Sessions -Path $src -Destination $dest -WaitTimeout 20 }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        "$err" | Should -BeLike "Rollout stopped at $($script:Hosts[0].Address): Service 'web': Container 'shop-web-1' is unhealthy*"
        $now = Invoke-Command -Session $script:Sessions { Get-Container -Project shop -All } | Sort-Object PSComputerName
        ($now | Where-Object PSComputerName -EQ $script:Hosts[0].Address).Labels.version | Should -Be '2'
        foreach ($h in $script:Hosts[1..2]) {
            $c = $now | Where-Object PSComputerName -EQ $h.Address
            $c.Labels.version | Should -Be '1'
            $c.State.Health.Status | Should -Be 'Healthy'
        }

        # the project as an object, sent back to its host: Get-Container lists its containers, Stop-ContainerProject
        # takes it by its Name
        $last = $script:Sessions[2]
        $p = Invoke-Command -Session $last { Get-ContainerProject shop }
        $p.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Compose.ContainerProjectSummary'
        $r = Invoke-Command -Session $last -ArgumentList $p -ErrorAction Stop {
            param($p)
            [pscustomobject]@{
                Listed  = @($p | Get-Container -ErrorAction Stop).Name
                Stopped = @($p | Stop-ContainerProject -PassThru -ErrorAction Stop).Status
            }
        }
        $r.Listed | Should -Be @('shop-web-1')
        $r.Stopped | Should -Be @('Exited')
    }
}
