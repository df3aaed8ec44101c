# The table views fit the terminal (issue 11.2): every list view shows the identity (ID, name) and the status of each
# row at 80 columns, and the whole ports text at 120, rendered with Out-String -Width from real objects: a running
# container with a published port and a healthcheck, an exited one with a long name, a long image reference, a user
# network, a volume, statistics, processes and ports.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore

    # a free host port in 20000-29999 (0.0.0.0:2xxxx->80/tcp is 21 characters)
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Any, 0)
    do {
        $script:Port = Get-Random -Minimum 20000 -Maximum 29999
        $free = $true
        try { $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Any, $script:Port); $listener.Start(); $listener.Stop() } catch { $free = $false }
    } until ($free)
    $script:PortsText = "0.0.0.0:$($script:Port)->80/tcp"

    $null = Add-ContainerImageTag busybox-test:latest registry.example.com:5000/platform-team/web-frontend:2024.11.30-rc1
    $null = New-ContainerNetwork frontend-network-production
    $null = New-ContainerVolume postgres-data-production
    $script:Web = Invoke-ContainerImage busybox-test:latest -Detach -Name web-frontend-production-1 -Network frontend-network-production `
        -Publish "$($script:Port):80" -Volume postgres-data-production:/data -HealthCommand true -HealthInterval 200ms `
        -Label @{ 'com.docker.compose.project' = 'shop'; 'com.docker.compose.service' = 'web' } -- sh -c 'exec httpd -f -p 80 -h /etc'
    $script:Job = Invoke-ContainerImage busybox-test:latest -Name exited-job-with-long-name -ErrorAction SilentlyContinue -- sh -c 'exit 3'
    $script:Job = Get-Container exited-job-with-long-name
    $null = Wait-ContainerCondition { (Get-Container web-frontend-production-1).StatusShort -like '*(healthy)' }

    function script:Get-Row {
        <# The line of a rendered table that contains Needle (the row of one object). #>
        param([string] $Table, [string] $Needle)
        @($Table -split "`n" | Where-Object { $_.Contains($Needle) })[0]
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Get-Container' {
    It 'shows ID, NAMES and STATUS at 80 columns, one row per container' {
        $t = Get-Container -All | Out-String -Width 80
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        ($t -split "`n")[1] | Should -Match '^CONTAINER ID\s+NAMES\s+IMAGE\s+STATUS\s*$'
        $web = Get-Row $t $script:Web.ShortId
        $web | Should -Match "^$($script:Web.ShortId) web-frontend-production-1\s+busybox-test:latest\s+Up \d+s \(healthy\)\s*$"
        $job = Get-Row $t $script:Job.ShortId
        $job | Should -Match "^$($script:Job.ShortId) exited-job-with-long-name\s+busybox-test:latest\s+Exited \(3\) \d+s ago\s*$"
    }

    It 'shows the whole ports text and the short creation time at 120 columns' {
        $t = Get-Container -All | Out-String -Width 120
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        $web = Get-Row $t $script:Web.ShortId
        $web | Should -BeLike "*Up *s (healthy)*$($script:PortsText) *"
        $web | Should -Match '\s\d+s ago\s'
    }

    It 'keeps the Project view (docker compose ps) to NAME, SERVICE, STATUS at 80 and the whole ports at 120' {
        $t = Get-Container -Project shop | Format-Table -View Project | Out-String -Width 80
        Get-Row $t 'web-frontend-production-1' | Should -Match '^web-frontend-production-1\s+web\s+Up \d+s \(healthy\)'
        $t = Get-Container -Project shop | Format-Table -View Project | Out-String -Width 120
        Get-Row $t 'web-frontend-production-1' | Should -BeLike "*$($script:PortsText)*"
    }

    It 'fits the whole ports in the Project view at 80: one on the row, several one per line, none cut (docker compose ps)' {
        $t = Get-Container -Project shop | Format-Table -View Project | Out-String -Width 80
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        Get-Row $t 'web-frontend-production-1' | Should -Match "^web-frontend-production-1\s+web\s+Up \d+s \(healthy\)\s+$([regex]::Escape($script:PortsText))\s*$"
        # two more free host ports for a container with two published ports ("127.0.0.1:2xxxx->8x/tcp" is 23 characters)
        $ports = @()
        while ($ports.Count -lt 2) {
            $p = Get-Random -Minimum 20000 -Maximum 29999
            if ($p -eq $script:Port -or $ports -contains $p) { continue }
            try { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $p); $l.Start(); $l.Stop(); $ports += $p } catch { }
        }
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name shop-api-1 -Publish "127.0.0.1:$($ports[0]):80", "127.0.0.1:$($ports[1]):81" `
            -Label @{ 'com.docker.compose.project' = 'shop2'; 'com.docker.compose.service' = 'api' } -- sleep 60
        try {
            $t = Get-Container -Project shop2 | Format-Table -View Project | Out-String -Width 80
            $lines = @($t -split "`n" | ForEach-Object TrimEnd)
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
            $i = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($x) $x.StartsWith('shop-api-1 ') })
            $i | Should -BeGreaterThan 0
            $lines[$i] | Should -Match "^shop-api-1\s+api\s+Up \d+s\s+127\.0\.0\.1:$($ports[0])->80/tcp$"
            $lines[$i + 1] | Should -Match "^\s{50,}127\.0\.0\.1:$($ports[1])->81/tcp$"
        }
        finally { Remove-Container shop-api-1 -Force -Confirm:$false }
    }

    It 'writes short times: seconds, minutes, hours, days, weeks, months, years' {
        $short = { param($s) [PsContainers.Core.Images.HumanFormat]::Short([timespan]::FromSeconds($s)) }
        @(0.4, 45, 61, 3599, 7200, (86400 * 3), (86400 * 20), (86400 * 90), (86400 * 800)) | ForEach-Object { & $short $_ } |
            Should -Be @('0s', '45s', '1m', '59m', '2h', '3d', '2w', '3mo', '2y')
    }
}

Describe 'The other list views at 80 and 120 columns' {
    It 'Get-ContainerImage shows the repository, the tag and the image ID at 80, the creation and size at 120' {
        $img = Get-ContainerImage busybox-test:latest
        $t = Get-ContainerImage | Out-String -Width 80
        Get-Row $t '2024.11.30-rc1' | Should -Match "^registry.example.com:5000/platform-team/web-frontend\s+2024.11.30-rc1\s+$($img.ShortId)\s*$"
        $t = Get-ContainerImage | Out-String -Width 120
        Get-Row $t '2024.11.30-rc1' | Should -Match "$($img.ShortId)\s+\d+ years? ago\s+[\d.]+[kMG]?B\s*$"
    }

    It 'Get-ContainerImage -History (docker history) shows IMAGE, CREATED, CREATED BY and SIZE at 80, one row per step, newest first' {
        $img = Get-ContainerImage busybox-test:latest
        $h = @(Get-ContainerImage busybox-test:latest -History)
        $h.CreatedBy | Should -Be @('CMD ["sh"]', 'delete /data/deleted.txt, make /opaque opaque', 'add /data and /opaque', 'busybox root file system')
        $h.Id | Should -Be @($img.Id, '<missing>', '<missing>', '<missing>')
        $h.EmptyLayer | Should -Be @($true, $false, $false, $false)
        $h[0].Size | Should -Be 0
        ($h | Measure-Object Size -Sum).Sum | Should -Be $img.Size
        @($h | Where-Object LayerDiffId | ForEach-Object LayerDiffId) | Should -Be @($img.DiffIds[2], $img.DiffIds[1], $img.DiffIds[0])
        $h[1].Created | Should -Be ([datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc))
        $t = $h | Out-String -Width 80
        Get-Row $t 'CMD ["sh"]' | Should -Match "^$($img.ShortId)\s+\d+\w+ ago\s+CMD \[""sh""\]\s+0B\s*$"
        Get-Row $t 'delete /data' | Should -Match '^<missing>\s+\d+\w+ ago\s+delete /data/deleted\.txt, make /opaque o\.\.\.\s+[\d.]+[kMG]?B\s*$'
        ($t -split "`n" | ForEach-Object { $_.TrimEnd().Length } | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 80
        $t = $h | Out-String -Width 120
        Get-Row $t 'busybox root file system' | Should -Match '^<missing>\s+\d+\w+ ago\s+busybox root file system\s+[\d.]+[kMG]?B\s*$'
        # one image selected by two of its names is written once; JSON carries every field
        @(Get-ContainerImage busybox-test:latest, registry.example.com:5000/platform-team/web-frontend:2024.11.30-rc1 -History).Count | Should -Be 4
        $j = Get-ContainerImage busybox-test:latest -History | ConvertTo-Json | ConvertFrom-Json
        $j[0].Id | Should -Be $img.Id
        $j[1].LayerDiffId | Should -Be $img.DiffIds[2]
    }

    It 'Get-ContainerStatistic shows the ID, the name, CPU and memory at 80, PIDS and block I/O at 120' {
        $t = Get-ContainerStatistic web-frontend-production-1 | Out-String -Width 80
        Get-Row $t $script:Web.ShortId | Should -Match "^$($script:Web.ShortId) web-frontend-production-1\s+[\d.]+%\s+\S+ / unlimited\s+[\d.]+%\s+\d+\s*$"
        $t = Get-ContainerStatistic web-frontend-production-1 | Out-String -Width 120
        Get-Row $t $script:Web.ShortId | Should -Match '\s\d+\s+[\d.]+MB / [\d.]+MB\s*$'
    }

    It 'Get-ContainerNetwork shows the name, the driver and the subnet at 80, the containers at 120' {
        $t = Get-ContainerNetwork | Out-String -Width 80
        Get-Row $t 'frontend-network-production' | Should -Match '^frontend-network-production\s+bridge\s+\d+\.\d+\.\d+\.\d+/\d+'
        $t = Get-ContainerNetwork | Out-String -Width 120
        Get-Row $t 'frontend-network-production' | Should -Match 'web-frontend-production-1\s*$'
    }

    It 'Get-ContainerVolume shows the name and its users at 80' {
        $t = Get-ContainerVolume | Out-String -Width 80
        Get-Row $t 'postgres-data-production' | Should -Match '^local\s+postgres-data-production\s+.*web-frontend-production-1\s*$'
    }

    It 'Get-ContainerProcess and Get-ContainerPort show their rows whole at 80 and 120' {
        foreach ($w in 80, 120) {
            Get-Row (Get-ContainerProcess web-frontend-production-1 | Out-String -Width $w) 'httpd' | Should -Match '^root\s+\d+\s+\d+\s+\d\d:\d\d\s+\d\d:\d\d:\d\d\s+httpd -f -p 80 -h /etc\s*$'
        }
        Get-Row (Get-ContainerPort web-frontend-production-1 | Out-String -Width 80) 'web-frontend' | Should -Match "^web-frontend-production-1\s+80/tcp\s+0\.0\.0\.0\s+$($script:Port)\b"
        Get-Row (Get-ContainerPort web-frontend-production-1 | Out-String -Width 120) 'web-frontend' | Should -BeLike "*$($script:PortsText)*"
    }

    It 'Get-ContainerProject shows the project, its status and its files at 80' {
        $t = Get-ContainerProject | Out-String -Width 80
        Get-Row $t 'shop' | Should -Match '^shop\s+running\(1/1\)'
    }

    It 'Get-ContainerProject gives NAME (the name typed next) the room at 80 and cuts CONFIG FILES instead' {
        $long = 'platform-team-web-frontend-prod'
        $c = Invoke-ContainerImage busybox-test:latest -Detach -Name "$long-web-1" -Label @{
            'com.docker.compose.project' = $long; 'com.docker.compose.service' = 'web'; 'com.docker.compose.container-number' = '1'
            'com.docker.compose.project.config_files' = '/srv/platform-team/web-frontend/compose.yaml,/srv/platform-team/web-frontend/compose.override.yaml' } -- sleep 300
        try {
            $t = Get-ContainerProject | Out-String -Width 80
            $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
            Get-Row $t $long | Should -Match "^$long\s+running\(1/1\)\s+/srv/platform-team/"
        }
        finally { Remove-Container $c.Name -Force -Confirm:$false }
    }
}

# Objects that crossed a process boundary (Invoke-Command, Start-Job, Import-Clixml) are property bags whose type names
# start with 'Deserialized.': every view also selects them and renders them from their properties alone, and a
# deserialized container (Invoke-Command -HostName h1,h2 { Get-Container }) gets the RemoteContainer view, which leaves
# the PSComputerName column PowerShell appends its room. PSSerializer uses remoting's serializer and default depth (1);
# the real remoting round trip is tests/Pester/Remoting.Tests.ps1.
Describe 'Deserialized objects (remoting, jobs, Export-Clixml)' {
    BeforeAll {
        function script:ConvertTo-Deserialized {
            <#
            The object as remoting delivers it: serialized with remoting's serializer and depth, then read back; with
            ComputerName, also the two properties Invoke-Command adds (PSComputerName, PSShowComputerName).
            #>
            param([Parameter(ValueFromPipeline)] $InputObject, [string] $ComputerName)
            process {
                $d = [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize($InputObject))
                if ($ComputerName) {
                    $d | Add-Member PSComputerName $ComputerName
                    $d | Add-Member PSShowComputerName $true
                }
                $d
            }
        }
        function script:Hide-Digits([string] $Text) {
            <# A rendered table with its numbers masked and its lines trimmed (times move on between two renderings). #>
            (($Text -replace '\d+', '#') -split "`n" | ForEach-Object { $_.TrimEnd() }) -join "`n"
        }
        # its 'two' on stderr is an error record (run's rule); only the log it leaves is wanted here
        $null = Invoke-ContainerImage busybox-test:latest -Name log-writer -ErrorAction SilentlyContinue -- sh -c 'echo one; echo two >&2'
        $null = New-ContainerPod remote-view-pod
    }

    AfterAll {
        Remove-Container log-writer -Force -Confirm:$false
        Remove-ContainerPod remote-view-pod -Force -Confirm:$false
    }

    It 'selects Deserialized.T in every view of the module that selects a type T' {
        $formats = Get-ChildItem (Join-Path (Split-Path (Get-Module PsContainers).Path) 'formats') -Filter *.format.ps1xml
        $formats.Count | Should -BeGreaterThan 5
        $checked = 0
        foreach ($f in $formats) {
            foreach ($view in ([xml](Get-Content -Raw $f.FullName)).Configuration.ViewDefinitions.View) {
                $names = @($view.ViewSelectedBy.TypeName)
                foreach ($n in $names | Where-Object { $_ -notlike 'Deserialized.*' }) {
                    $names | Should -Contain "Deserialized.$n" -Because "view $($view.Name) in $($f.Name) selects $n"
                    $checked++
                }
            }
        }
        $checked | Should -BeGreaterThan 25
    }

    It 'renders deserialized images, networks, volumes, statistics, processes, ports and projects as the live objects' {
        $cases = @(
            { Get-ContainerImage }
            { Get-ContainerImage busybox-test:latest -History }
            { Get-ContainerNetwork frontend-network-production }
            { Get-ContainerVolume postgres-data-production }
            { Get-ContainerStatistic web-frontend-production-1 }
            { Get-ContainerProcess web-frontend-production-1 }
            { Get-ContainerPort web-frontend-production-1 }
            { Get-ContainerProject }
            { Wait-Container exited-job-with-long-name }
            { Get-ContainerLog log-writer }
            { Get-ContainerSystemInfo }
        )
        foreach ($case in $cases) {
            $live = @(& $case)
            $live.Count | Should -BeGreaterThan 0 -Because "$case returns objects"
            $remote = $live | ConvertTo-Deserialized
            $remote[0].pstypenames[0] | Should -BeLike 'Deserialized.PsContainers.*'
            foreach ($w in 80, 120) {
                Hide-Digits ($remote | Out-String -Width $w) | Should -Be (Hide-Digits ($live | Out-String -Width $w)) -Because "$case at $w columns"
            }
        }
    }

    It 'renders a deserialized container as NAMES, IMAGE, STATUS and the host it came from, and keeps the docker ps view one -View away' {
        $c = Get-Container web-frontend-production-1 | ConvertTo-Deserialized -ComputerName 'web-01.example.net'
        $t = $c | Out-String -Width 80
        ($t -split "`n")[1] | Should -Match '^NAMES\s+IMAGE\s+STATUS\s+PSComputerName\s*$'
        Get-Row $t 'web-01.example.net' | Should -Match '^web-frontend-produc… busybox-test:latest\s+Up \d+s \(healthy\)\s+web-01\.example\.net\s*$'
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        # an explicit -View is the view alone (PowerShell appends PSComputerName to the default table only)
        $t = $c | Format-Table -View Container | Out-String -Width 120
        Get-Row $t $script:Web.ShortId | Should -BeLike "$($script:Web.ShortId) web-frontend-production-1 *busybox-test:latest *Up *s (healthy)*$($script:PortsText) *"
    }

    It 'renders a deserialized pod as POD ID, NAME, STATUS, the number of containers and the host it came from' {
        $pod = Get-ContainerPod remote-view-pod
        $d = $pod | ConvertTo-Deserialized -ComputerName 'web-01.example.net'
        $t = $d | Out-String -Width 80
        ($t -split "`n")[1] | Should -Match '^POD ID\s+NAME\s+STATUS\s+# OF CONTAINERS PSComputerName\s*$'
        Get-Row $t 'remote-view-pod' | Should -Match "^$($pod.ShortId) remote-view-pod\s+Created\s+1 web-01\.example\.net\s*$"
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        Get-Row ($d | Format-Table -View ContainerPod | Out-String -Width 120) 'remote-view-pod' | Should -Match "^$($pod.ShortId) remote-view-pod\s+Created\s+\d+s ago\s+1 $($pod.InfraShortId)"
    }

    It 'keeps a container''s health, networks, ports, restart policy and status as objects and names, not type names or numbers' {
        $c = Get-Container web-frontend-production-1 | ConvertTo-Deserialized
        $c.Status | Should -BeOfType [string]
        $c.Status | Should -Be 'Running'
        $c.State.Health.Status | Should -Be 'Healthy'
        $c.State.Health.Status | Should -BeOfType [string]
        $c.State.Health.FailingStreak | Should -Be 0
        @($c.State.Health.Log).Count | Should -BeGreaterThan 0
        $c.State.Health.Log[-1].ExitCode | Should -Be 0
        $c.State.Health.Log[-1].End | Should -BeOfType [datetime]
        @($c.NetworkSettings.Networks.Keys) | Should -Be @('frontend-network-production')
        $endpoint = $c.NetworkSettings.Networks['frontend-network-production']
        $endpoint.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Containers.ContainerEndpoint'
        # inspect's fields of the running container arrive as values, not type names
        $endpoint.IPAddress | Should -Match '^\d+\.\d+\.\d+\.\d+$'
        $endpoint.IPPrefixLen | Should -BeGreaterThan 0
        $c.HostConfig.NetworkMode | Should -Be 'Bridge'
        $c.HostConfig.PortMappings[0].HostPort | Should -Be $script:Port
        $c.HostConfig.PortMappings[0].ContainerPort | Should -Be 80
        $c.HostConfig.PortBindings['80/tcp'][0].HostPort | Should -Be "$($script:Port)"
        $c.HostConfig.PortBindings['80/tcp'][0].HostIp | Should -Be ''
        $c.HostConfig.RestartPolicy.Name | Should -Be 'No'
        $c.Ports | Should -Be $script:PortsText
        $c.Labels['com.docker.compose.project'] | Should -Be 'shop'
        $c.Mounts[0].Type | Should -Be 'Volume'
        $c.Mounts[0].Type | Should -BeOfType [string]
        # the status of an exited container: a name that compares as the live enum does
        $j = Get-Container exited-job-with-long-name | ConvertTo-Deserialized
        $j.Status -eq 'Exited' | Should -BeTrue
        $j.ExitCode | Should -Be 3
    }

    It 'binds a deserialized container to -Name of the container cmdlets, a project to Get-Container''s project and an image to its reference' {
        $c = Get-Container exited-job-with-long-name | ConvertTo-Deserialized
        (Get-Container log-writer | ConvertTo-Deserialized | Get-ContainerLog -ErrorAction Stop).Text | Should -Be @('one', 'two')
        ($c | Get-Container -All -ErrorAction Stop).Id | Should -Be $script:Job.Id
        ($c | Wait-Container -ErrorAction Stop).ExitCode | Should -Be 3
        # a project summary or a loaded project names its containers by the project, not by a container name
        $p = Get-ContainerProject shop | ConvertTo-Deserialized
        $p.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Compose.ContainerProjectSummary'
        ($p | Get-Container -ErrorAction Stop).Name | Should -Be @('web-frontend-production-1')
        $file = Join-Path $TestDrive 'compose.yaml'
        Set-Content $file "services:`n  web:`n    image: busybox-test:latest`n"
        $m = Import-ContainerProject -Path $file -ProjectName shop | ConvertTo-Deserialized
        $m.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Compose.ContainerProject'
        ($m | Get-Container -ErrorAction Stop).Name | Should -Be @('web-frontend-production-1')
        $i = Get-ContainerImage busybox-test:latest | ConvertTo-Deserialized
        $tagged = $i | Add-ContainerImageTag -Target deserialized-tag:1 -PassThru -ErrorAction Stop
        try { (Get-ContainerImage deserialized-tag:1).Id | Should -Be $i.Id }
        finally { Remove-ContainerImage deserialized-tag:1 -ErrorAction SilentlyContinue }
    }
}
