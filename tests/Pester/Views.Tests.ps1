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
    # a new user's 52-character repository (issue 11): REPOSITORY, TAG and IMAGE ID must all stay visible at 80
    $null = Add-ContainerImageTag busybox-test:latest registry.example.com:5000/team/some-long-project/api:latest
    $null = New-ContainerNetwork frontend-network-production
    $null = New-ContainerVolume postgres-data-production
    $script:Web = Invoke-ContainerImage busybox-test:latest -Detach -Name web-frontend-production-1 -Network frontend-network-production `
        -Publish "$($script:Port):80" -Volume postgres-data-production:/data -HealthCommand true -HealthInterval 200ms `
        -Label @{ 'com.docker.compose.project' = 'shop'; 'com.docker.compose.service' = 'web' } -- sh -c 'exec httpd -f -p 80 -h /etc'
    $script:Job = Invoke-ContainerImage busybox-test:latest -Name exited-job-with-long-name -ErrorAction SilentlyContinue -- sh -c 'exit 3'
    $script:Job = Get-Container exited-job-with-long-name
    $null = Wait-ContainerCondition { (Get-Container web-frontend-production-1).StatusShort -like '*(healthy)' }

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

    function script:Get-ModuleView {
        <#
        The views of the module's format files in the order PowerShell reads them (the first view that selects a type
        is its default): Name, Kind (TableControl, ListControl, CustomControl), the type names it selects and, for a
        table, its column labels.
        #>
        $dir = Split-Path (Get-Module PsContainers).Path
        foreach ($f in (Import-PowerShellDataFile (Join-Path $dir 'PsContainers.psd1')).FormatsToProcess) {
            foreach ($view in ([xml](Get-Content -Raw (Join-Path $dir $f))).Configuration.ViewDefinitions.View) {
                [pscustomobject]@{
                    Name   = $view.Name
                    Kind   = @('TableControl', 'ListControl', 'CustomControl', 'WideControl') | Where-Object { $view[$_] } | Select-Object -First 1
                    Types  = @($view.ViewSelectedBy.TypeName)
                    Labels = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label)
                }
            }
        }
    }

    function script:Get-ViewSample {
        <#
        Objects of every type a table view of the module selects, keyed by type name: read from the containers, images,
        network, volume and pod of this file where a cmdlet lists them here, made with their properties set (long
        names, several ports) where only a registry, a broken store or a compose or Kubernetes file would give them.
        #>
        $compose = Join-Path $TestDrive 'views-compose.yaml'
        Set-Content $compose "services:`n  web:`n    image: busybox-test:latest`n    ports: ['18080:80', '18443:443']`n    depends_on: [db]`n  db:`n    image: registry.example.com:5000/team/some-long-project/api:latest`n"
        $project = Import-ContainerProject -Path $compose -ProjectName platform-team-web-frontend-prod
        $prune = [PsContainers.Core.Prune.PruneResult]::new()
        $prune.SpaceReclaimed = 123456789
        $prune.ContainersDeleted.Add('0123456789ab')
        $digest = 'sha256:' + ('0123456789abcdef' * 4)
        [ordered]@{
            'PsContainers.Core.Containers.Container'           = @(Get-Container -All)
            'PsContainers.Core.Images.ContainerImage'          = @(Get-ContainerImage)
            'PsContainers.Core.Images.ContainerImageHistory'   = @(Get-ContainerImage busybox-test:latest -History)
            'PsContainers.Core.Images.DiskUsage'               = @(Get-ContainerDiskUsage)
            'PsContainers.Core.Images.DiskUsageItem'           = @(Get-ContainerDiskUsage -Detailed)
            'PsContainers.Core.Images.StorageProblem'          = @([PsContainers.Core.Images.StorageProblem]@{ Severity = 'Warning'; Kind = 'MissingImageRecord'; Target = $digest; Repaired = $true
                    Message = "the index names image $digest, whose record is missing; the tag was removed" })
            'PsContainers.Core.Networking.ContainerNetwork'    = @(Get-ContainerNetwork)
            'PsContainers.Core.Volumes.ContainerVolume'        = @(Get-ContainerVolume)
            'PsContainers.Core.Networking.PortMapping'         = @(Get-ContainerPort web-frontend-production-1)
            'PsContainers.Core.Networking.NetworkAttachment'   = @([PsContainers.Core.Networking.NetworkAttachment]@{ Network = 'frontend-network-production'; IfName = 'eth1'
                    IPAddress = '10.89.1.23'; PrefixLength = 24; Gateway = '10.89.1.1'; MacAddress = '02:42:0a:59:01:17' })
            'PsContainers.Core.Containers.ContainerProcess'    = @(Get-ContainerProcess web-frontend-production-1)
            'PsContainers.Core.Containers.ContainerStatistic'  = @(Get-ContainerStatistic web-frontend-production-1)
            'PsContainers.Core.Containers.ContainerExitStatus' = @(Wait-Container exited-job-with-long-name)
            'PsContainers.Contract.EngineEvent'                = @(Get-ContainerEvent -Since (Get-Date).AddHours(-1) -Until (Get-Date) | Select-Object -First 6)
            'PsContainers.Core.Containers.ContainerChange'     = @([PsContainers.Core.Containers.ContainerChange]::new('/data/uploads/2024/report.csv', 'Added'))
            'PsContainers.Core.Pods.ContainerPod'              = @(Get-ContainerPod)
            'PsContainers.Core.Compose.ContainerProject'       = @($project)
            'PsContainers.Core.Compose.ContainerProjectService' = @($project.Services)
            'PsContainers.Core.Compose.ContainerProjectSummary' = @(Get-ContainerProject)
            'PsContainers.Core.Compose.ContainerProjectChange' = @([PsContainers.Core.Compose.ContainerProjectChange]@{ Project = 'shop'; Service = 'web'; Kind = 'container'
                    Target = 'platform-team-web-frontend-1'; Action = 'Recreate'; Reason = 'its image changed (busybox-test:latest)' })
            'PsContainers.Core.Compose.ContainerProjectFinding' = @([PsContainers.Core.Compose.ContainerProjectFinding]@{ File = $compose; Line = 4; Severity = 'Warning'
                    Rule = 'PublishedPortConflict'; Service = 'web'; Message = "$($compose):4: port 18080 is published by another service" })
            'PsContainers.Core.Kube.KubeFinding'               = @([PsContainers.Core.Kube.KubeFinding]@{ Severity = 'Error'; Kind = 'Deployment'; Name = 'web-frontend'
                    Path = 'spec.template.spec.containers[0].image'; Message = 'an image is required'; Document = 1; Line = 17; File = '/srv/kube/web-frontend.yaml' })
            'PsContainers.Core.Kube.KubePlayResult'            = @(
                [PsContainers.Core.Kube.KubePlayResult]@{ Kind = 'Volume'; Name = 'postgres-data-production'; Source = 'PersistentVolumeClaim/postgres-data-production'; Status = 'Existing' }
                [PsContainers.Core.Kube.KubePlayResult]@{ Kind = 'Pod'; Name = 'web-frontend-production-pod-0'; Id = ('0123456789abcdef' * 4); Source = 'Deployment/web-frontend-production'
                    Status = 'Running'; Containers = @('web-frontend-production-pod-0-httpd', 'web-frontend-production-pod-0-sidecar'); Volumes = @('postgres-data-production')
                    Ports = @('0.0.0.0:28080->80/tcp') })
            'PsContainers.Core.Prune.PruneResult'              = @($prune)
            'PsContainers.Core.Registry.PushedImage'           = @([PsContainers.Core.Registry.PushedImage]@{ Name = 'registry.example.com:5000/team/api:1.0'; Digest = $digest
                    Size = 2345678; BlobsUploaded = 2; BlobsMounted = 1; BlobsSkipped = 3 })
            'PsContainers.Core.Registry.RegistryImageTag'      = @('1.0', '1.1', 'latest' | ForEach-Object {
                    [PsContainers.Core.Registry.RegistryImageTag]@{ Registry = 'registry.example.com:5000'; Repository = 'team/api'; Tag = $_; Name = "registry.example.com:5000/team/api:$_" } })
            'PsContainers.Core.Registry.RegistryLogin'         = @([PsContainers.Core.Registry.RegistryLogin]@{ Registry = 'registry.example.com:5000'; UserName = 'deploy-bot'
                    AuthScheme = 'Basic'; AuthFiles = @('/root/.config/containers/auth.json') })
            'PsContainers.Core.Runtime.EngineConfiguration'    = @(Get-ContainerConfiguration)
        }
    }

    function script:Assert-TableFit {
        <#
        A rendered table fits: no line is longer than Width, and every column's header stands whole on the one line
        above its dashes (one of Labels), the line above that being empty: a header squeezed into a narrower column
        is split over several lines, and the part over its dashes is not a label.
        #>
        param([string] $Table, [int] $Width, [string[]] $Labels, [string] $Because)
        $lines = @($Table -split "`n" | ForEach-Object TrimEnd)
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $Width -Because $Because }
        $d = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($x) $x -match '^-[- ]*$' })
        $d | Should -BeGreaterThan 0 -Because "$Because has a header"
        $header = $lines[$d - 1]
        foreach ($m in [regex]::Matches($lines[$d], '-+')) {
            $text = if ($m.Index -lt $header.Length) { $header.Substring($m.Index, [Math]::Min($m.Length, $header.Length - $m.Index)).Trim() } else { '' }
            $text | Should -BeIn $Labels -Because "$Because, header over columns $($m.Index) to $($m.Index + $m.Length - 1)"
        }
        $lines[$d - 2] | Should -BeNullOrEmpty -Because "$Because writes its header on one line"
    }

    function script:Get-ColumnText {
        <#
        The text of the column headed Label (left-aligned) in each row of a rendered table, the lines a wrapped cell
        takes joined: a row starts at a line ending with RowEnd and goes on until the next such line or an empty one;
        the column runs from its header to the next column's dashes.
        #>
        param([string[]] $Lines, [string] $Label, [string] $RowEnd)
        $d = [array]::FindIndex($Lines, [Predicate[string]] { param($x) $x -match '^-[- ]*$' })
        $start = ([regex]::Match($Lines[$d - 1], "(?<=^| )$([regex]::Escape($Label))(?= |$)")).Index
        $next = @([regex]::Matches($Lines[$d], '-+') | Where-Object Index -GT $start | Select-Object -First 1)
        $end = if ($next) { $next[0].Index - 1 } else { [int]::MaxValue }
        $cells = [Collections.Generic.List[string]]::new()
        $inRow = $false
        foreach ($line in $Lines[($d + 1)..($Lines.Count - 1)]) {
            $cell = if ($line.Length -gt $start) { $line.Substring($start, [Math]::Min($end, $line.Length) - $start).Trim() } else { '' }
            if ($line.EndsWith($RowEnd)) { $cells.Add($cell); $inRow = $true }
            elseif (-not $line.Trim() -or $line -match '^-[- ]*$') { $inRow = $false }
            elseif ($inRow) { $cells[$cells.Count - 1] += $cell }
        }
        $cells.ToArray()
    }

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
        $web | Should -Match "^$($script:Web.ShortId) web-frontend-production-1\s+busybox-test:latest\s+Up \d+[sm] \(healthy\)\s*$"
        $job = Get-Row $t $script:Job.ShortId
        $job | Should -Match "^$($script:Job.ShortId) exited-job-with-long-name\s+busybox-test:latest\s+Exited \(3\) \d+s ago\s*$"
    }

    It 'shows a container made from an image id (a build step''s, or Invoke-ContainerImage <id>) with the short id, as docker ps does' {
        $img = Get-ContainerImage busybox-test:latest
        $c = New-Container $img.Id -Name made-from-an-id -- true
        try {
            $c.Image | Should -Be $img.Id
            foreach ($width in 80, 120) {
                $t = Get-Container made-from-an-id | Out-String -Width $width
                $row = Get-Row $t $c.ShortId
                $row | Should -Match "^$($c.ShortId) made-from-an-id\s+$($img.Id.Substring(7, 12))\s+Created"
                $t | Should -Not -BeLike '*sha256:*'
            }
        }
        finally { Remove-Container made-from-an-id -Force -Confirm:$false }
    }

    It 'shows the whole ports text and the short creation time at 120 columns' {
        $t = Get-Container -All | Out-String -Width 120
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        $web = Get-Row $t $script:Web.ShortId
        $web | Should -BeLike "*Up *s (healthy)*$($script:PortsText) *"
        $web | Should -Match '\s\d+s ago(\s|$)'
    }

    It 'keeps the Project view (docker compose ps) to NAME, SERVICE, STATUS at 80 and the whole ports at 120' {
        $t = Get-Container -Project shop | Format-Table -View Project | Out-String -Width 80
        Get-Row $t 'web-frontend-production-1' | Should -Match '^web-frontend-production-1\s+web\s+Up \d+[sm] \(healthy\)'
        $t = Get-Container -Project shop | Format-Table -View Project | Out-String -Width 120
        Get-Row $t 'web-frontend-production-1' | Should -BeLike "*$($script:PortsText)*"
    }

    It 'fits the whole ports in the Project view at 80: one on the row, several one per line, none cut (docker compose ps)' {
        $t = Get-Container -Project shop | Format-Table -View Project | Out-String -Width 80
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        Get-Row $t 'web-frontend-production-1' | Should -Match "^web-frontend-production-1\s+web\s+Up \d+[sm] \(healthy\)\s+$([regex]::Escape($script:PortsText))\s*$"
        # two more free host ports for a container with two published ports ("127.0.0.1:2xxxx->808x/tcp" is 25 characters)
        $ports = @()
        while ($ports.Count -lt 2) {
            $p = Get-Random -Minimum 20000 -Maximum 29999
            if ($p -eq $script:Port -or $ports -contains $p) { continue }
            try { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $p); $l.Start(); $l.Stop(); $ports += $p } catch { }
        }
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name shop-api-1 -Publish "127.0.0.1:$($ports[0]):8080", "127.0.0.1:$($ports[1]):8081" `
            -Label @{ 'com.docker.compose.project' = 'shop2'; 'com.docker.compose.service' = 'api' } -- sleep 60
        try {
            $t = Get-Container -Project shop2 | Format-Table -View Project | Out-String -Width 80
            $lines = @($t -split "`n" | ForEach-Object TrimEnd)
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
            $i = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($x) $x.StartsWith('shop-api-1 ') })
            $i | Should -BeGreaterThan 0
            $lines[$i] | Should -Match "^shop-api-1\s+api\s+Up \d+[sm]\s+127\.0\.0\.1:$($ports[0])->8080/tcp$"
            $lines[$i + 1] | Should -Match "^\s{50,}127\.0\.0\.1:$($ports[1])->8081/tcp$"
            # a container from another host: the same view, the ports whole (issue 17)
            $remote = @(Get-Container -Project shop2 | ConvertTo-Deserialized -ComputerName 'build-agent-07.ci.example.internal')
            $rt = @(($remote | Format-Table -View Project | Out-String -Width 80) -split "`n" | ForEach-Object TrimEnd)
            $rt | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
            @($rt | Where-Object { $_ -match "^shop-api-1\s+api\s+Up \d+[sm]\s+127\.0\.0\.1:$($ports[0])->8080/tcp$" }) | Should -HaveCount 1
            @($rt | Where-Object { $_ -match "^\s{50,}127\.0\.0\.1:$($ports[1])->8081/tcp$" }) | Should -HaveCount 1
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
    It 'Get-ContainerImage shows all five docker images columns at 80, the repository whole and wrapped after a slash' {
        # docker images prints a long repository whole and lets the line grow; a table must fit, so the repository
        # wraps inside its 26 columns after a '/' and its row keeps TAG, IMAGE ID, CREATED and SIZE
        $img = Get-ContainerImage busybox-test:latest
        $rest = "$($img.ShortId) \d+ years? ago {2,4}\s*[\d.]+[kMG]?B"
        foreach ($w in 80, 120) {
            $lines = @((Get-ContainerImage | Out-String -Width $w) -split "`n" | ForEach-Object TrimEnd)
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
            ($lines | Where-Object { $_ -match '^REPOSITORY' }) | Should -Match '^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$'
            $i = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($x) $x.Contains('2024.11.30-rc1') })
            $lines[$i] | Should -Match "^registry\.example\.com:5000/ 2024\.11\.30-rc1 {4}$rest$"
            $lines[$i + 1] | Should -Be 'platform-team/web-frontend'
            $i = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($x) $x.StartsWith('registry.example.com:5000/ latest ') })
            $lines[$i] | Should -Match "^registry\.example\.com:5000/ latest {12}$rest$"
            $lines[$i + 1] | Should -Be 'team/some-long-project/api'
            Get-Row ($lines -join "`n") 'busybox-test' | Should -Match "^busybox-test {15}latest {12}$rest$"
        }
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

    It 'Get-ContainerStatistic shows the ID, the name, CPU and memory at 80, PIDS, NET I/O and BLOCK I/O at 120' {
        $t = Get-ContainerStatistic web-frontend-production-1 | Out-String -Width 80
        # no limit: the host's memory, as docker stats shows it (units.BytesSize: "7.714GiB")
        $hostMem = [regex]::Escape([PsContainers.Views.ViewText]::BytesSize((Get-ContainerSystemInfo).MemoryTotal))
        $hostMem | Should -Match 'GiB$'
        Get-Row $t $script:Web.ShortId | Should -Match "^$($script:Web.ShortId) web-frontend-production-1\s+[\d.]+%\s+[\d.]+(K|M|G)?i?B / $hostMem\s+[\d.]+%\s+\d+\s*$"
        ($t -split "`n")[1] | Should -Match '^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE / LIMIT\s+MEM %\s+PIDS$'
        # docker's --no-stream habit: the one sample the cmdlet takes anyway; with -Stream it is refused
        @(Get-ContainerStatistic web-frontend-production-1 -NoStream).Count | Should -Be 1
        { Get-ContainerStatistic web-frontend-production-1 -NoStream -Stream } | Should -Throw -ErrorId 'ConflictingOptions,*'
        $t = Get-ContainerStatistic web-frontend-production-1 | Out-String -Width 120
        ($t -split "`n")[1] | Should -Match '^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE / LIMIT\s+MEM %\s+PIDS NET I/O\s+BLOCK I/O\s*$'
        # docker's units.HumanSizeWithPrecision(n, 3): "0B", "648B", "1.23kB", "1e+03kB"
        $size = '\d+(\.\d+)?(e\+\d\d)?[kMGTPE]?B'
        Get-Row $t $script:Web.ShortId | Should -Match "\s\d+ $size / $size\s+$size / $size\s*$"
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

Describe 'ViewText (the texts the views compute)' {
    It 'cuts a text at its end or its start with "...", and wraps a repository after a slash or a space' {
        $v = [PsContainers.Views.ViewText]
        $v::Cut("RUN apk add`n  --no-cache    curl", 43) | Should -BeExactly 'RUN apk add --no-cache curl'
        $v::Cut('delete /data/deleted.txt, make /opaque opaque', 43) | Should -BeExactly 'delete /data/deleted.txt, make /opaque o...'
        $v::Cut($null, 10) | Should -BeExactly ''
        $v::CutStart('registry.example.com:5000/team/api:1.0', 19) | Should -BeExactly '...000/team/api:1.0'
        $v::CutStart('busybox-test:latest', 19) | Should -BeExactly 'busybox-test:latest'
        $v::WrapPath('registry.example.com:5000/platform-team/web-frontend', 46) | Should -BeExactly "registry.example.com:5000/platform-team/`nweb-frontend"
        $v::WrapPath('registry.example.com:5000/platform-team/web-frontend', 52) | Should -BeExactly 'registry.example.com:5000/platform-team/web-frontend'
        # no slash within the width: cut at the width; a space ends a line and is dropped
        $v::WrapPath('0123456789abcdef0123456789abcdef', 12) | Should -BeExactly "0123456789ab`ncdef01234567`n89abcdef"
        $v::WrapPath('busybox-test:latest (aa6848d8ff46)', 26) | Should -BeExactly "busybox-test:latest`n(aa6848d8ff46)"
        $v::WrapPath($null, 5) | Should -BeExactly ''
    }

    It 'wraps names, image references, words and lists at their separators, never mid-word while a separator fits' {
        $v = [PsContainers.Views.ViewText]
        # a name after its last '-' within the width; a line of at least half the width is kept whole
        $v::Wrap('billing-worker-queue-reader-eu-01', 26, '-_.') | Should -BeExactly "billing-worker-queue-`nreader-eu-01"
        $v::Wrap('billing-worker-queue-reader-eu-01', 30, '-_.') | Should -BeExactly "billing-worker-queue-reader-`neu-01"
        $v::Wrap('web-frontend-production-1', 26, '-_.') | Should -BeExactly 'web-frontend-production-1'
        # an image after a '/' first, then ':' ('.' only where neither leaves half a line)
        $v::Wrap('localhost:5000/team/app:1.2.3', 19, '/:@.-') | Should -BeExactly "localhost:5000/`nteam/app:1.2.3"
        $v::Wrap('registry.example.com:5000/platform-team/web-frontend:2024.11.30-rc1', 19, '/:@.-') |
            Should -BeExactly "registry.example.`ncom:5000/platform-`nteam/web-frontend:`n2024.11.30-rc1"
        $v::Wrap('registry.example.com:5000/team/api:1.0', 25, '/:@.-') | Should -BeExactly "registry.example.com:`n5000/team/api:1.0"
        # words at spaces (dropped at a line's end); lines already there stay; no separator: cut at the width
        $v::Wrap('Up 12m (health: starting)', 20, '') | Should -BeExactly "Up 12m (health:`nstarting)"
        # a space just after a line of the whole width is the break (not the space before the last word)
        $v::Wrap('Exited (137) 2 hours ago', 20, '') | Should -BeExactly "Exited (137) 2 hours`nago"
        $v::Wrap('web-frontend production', 12, '-') | Should -BeExactly "web-frontend`nproduction"
        $v::Wrap("a-b`nccccccccccccc", 5, '-') | Should -BeExactly "a-b`nccccc`nccccc`nccc"
        $v::Wrap($null, 5, $null) | Should -BeExactly ''
        # a list one item per line, each wrapped: an array (deserialized too) or docker's ", " text of ports
        $v::Lines(@('web-frontend-production-1', 'billing-worker-queue-reader-eu-01'), 32, '-_.') |
            Should -BeExactly "web-frontend-production-1`nbilling-worker-queue-reader-eu-`n01"
        $v::Lines('0.0.0.0:8000->80/tcp, 0.0.0.0:8443->443/tcp', 31, ':>') | Should -BeExactly "0.0.0.0:8000->80/tcp`n0.0.0.0:8443->443/tcp"
        $v::Lines([Collections.ArrayList]@('a', 'b'), 5, '') | Should -BeExactly "a`nb"
        $v::Lines($null, 5, '') | Should -BeExactly ''
        $v::Lines(@(), 5, '') | Should -BeExactly ''
    }

    It 'writes sizes and percents with a point in every culture, as docker does (issue 11)' {
        $v = [PsContainers.Views.ViewText]
        $stat = [PsContainers.Core.Containers.ContainerStatistic]@{
            ContainerId = 'ab' * 32; Name = 'culture-stats'; CpuPercent = 12.345; MemoryUsage = 1572864; MemoryLimit = 1GB
            MemoryPercent = 12.5; NetworkRx = 1234; NetworkTx = 648; BlockRead = 0; BlockWrite = 1572864; Pids = 3
        }
        $before = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            (1.5).ToString() | Should -Be '1,5' -Because 'the culture must write a comma, or this test proves nothing'
            $v::BytesSize(1572864) | Should -BeExactly '1.5MiB'
            $v::HumanSize(1234) | Should -BeExactly '1.23kB'
            $v::MemoryUsage(13107200, 1GB) | Should -BeExactly '12.5MiB / 1GiB'
            $v::VolumeSize(1.5GB) | Should -BeExactly '1.5GB'
            $v::Percent(1234.5) | Should -BeExactly '1234.50%'
            [PsContainers.Core.Images.HumanFormat]::Size(1982532) | Should -BeExactly '1.98MB'
            $t = $stat | Out-String -Width 120
            $row = @($t -split "`n" | Where-Object { $_ -match 'culture-stats' })
            $row.Count | Should -Be 1
            $row[0] | Should -Match '\s12\.35%\s+1\.5MiB / 1GiB\s+12\.50%\s+3\s+1\.23kB / 648B\s+0B / 1\.57MB'
            $row[0] | Should -Not -Match '\d,\d'
        } finally { [cultureinfo]::CurrentCulture = $before }
    }

    It 'writes docker stats memory, block I/O, volume sizes and event actors' {
        $v = [PsContainers.Views.ViewText]
        # docker stats' memory is units.BytesSize (1024-based, "%.4g"), its network and block I/O
        # units.HumanSizeWithPrecision(n, 3) (1000-based, "%.3g"): a fresh container's "0B / 0B", not "0.0MB / 0.0MB"
        $v::MemoryUsage(438272, $null) | Should -BeExactly '428KiB / unlimited'
        $v::MemoryUsage(13107200, 0) | Should -BeExactly '12.5MiB / unlimited'
        $v::MemoryUsage(13107200, 1GB) | Should -BeExactly '12.5MiB / 1GiB'
        $v::MemoryUsage(0, 8284000000) | Should -BeExactly '0B / 7.715GiB'
        $v::BytesSize(1023) | Should -BeExactly '1023B'
        $v::BytesSize(1572864) | Should -BeExactly '1.5MiB'
        $v::BytesSize(1TB) | Should -BeExactly '1TiB'
        $v::BlockIO(0, 0) | Should -BeExactly '0B / 0B'
        $v::BlockIO(0, 1572864) | Should -BeExactly '0B / 1.57MB'
        $v::NetIO(1234, 648) | Should -BeExactly '1.23kB / 648B'
        $v::HumanSize(999) | Should -BeExactly '999B'
        $v::HumanSize(1000) | Should -BeExactly '1kB'
        $v::HumanSize(123456789) | Should -BeExactly '123MB'
        $v::HumanSize(999999) | Should -BeExactly '1e+03kB'
        $v::VolumeSize(24) | Should -BeExactly '24B'
        $v::VolumeSize(4096) | Should -BeExactly '4.0kB'
        $v::VolumeSize(1.5GB) | Should -BeExactly '1.5GB'
        $id = 'sha256:' + ('0123456789abcdef' * 4)
        $v::Actor($id, 'busybox-test:latest') | Should -BeExactly 'busybox-test:latest (0123456789ab)'
        $v::Actor($id, $id) | Should -BeExactly '0123456789ab'
        $v::Actor('frontend-network-production', $null) | Should -BeExactly 'frontend-network-production'
    }
}

# Every table view of the module, rendered from real rows (long names, several ports) at 80 and 120 columns: no line
# is longer than the width and no header is split over two lines (issue 11: PowerShell squeezes the last column that
# does not fit to what is left, down to one character, and wraps its header).
Describe 'Every table view at 80 and 120 columns' {
    BeforeAll {
        $null = New-ContainerPod view-fit-pod-with-long-name
        $script:Samples = Get-ViewSample
    }

    AfterAll {
        Remove-ContainerPod view-fit-pod-with-long-name -Force -Confirm:$false
    }

    It 'fits every table view of a live object in the width, each header whole on one line' {
        $views = @(Get-ModuleView | Where-Object Kind -EQ 'TableControl' | Where-Object { @($_.Types | Where-Object { $_ -notlike 'Deserialized.*' }).Count })
        $views.Count | Should -BeGreaterThan 20
        foreach ($view in $views) {
            $type = @($view.Types | Where-Object { $_ -notlike 'Deserialized.*' })[0]
            $script:Samples.Contains($type) | Should -BeTrue -Because "a sample of $type renders view $($view.Name)"
            $rows = $script:Samples[$type]
            $rows.Count | Should -BeGreaterThan 0 -Because "$type has sample rows"
            foreach ($w in 80, 120) {
                Assert-TableFit ($rows | Format-Table -View $view.Name | Out-String -Width $w) $w $view.Labels "view $($view.Name) at $w"
            }
        }
    }

    It 'shows a pod''s name and status at 80, and every port it publishes whole at 120, one per line' {
        $base = Get-Random -Minimum 30000 -Maximum 39000
        $p = New-ContainerPod view-pod-ports-with-a-long-name -Publish "$($base):80", "$($base + 1):443"
        try {
            $at80 = $p | Out-String -Width 80
            $at80 | Should -Match "$($p.ShortId) view-pod-ports-with-a-long-name\s+Created"
            $at80 -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
            $at120 = $p | Out-String -Width 120
            $at120 | Should -Match ('(?m)' + [regex]::Escape("0.0.0.0:$($base)->80/tcp") + '\s*$')
            ($at120 -split "`n" | Where-Object { $_ -match [regex]::Escape("0.0.0.0:$($base + 1)->443/tcp") + '\s*$' }).Count | Should -Be 1 -Because 'the second port is on a line of its own, whole'
            $at120 -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
            # its infra container (an image that is a root directory) shows the end of the path on one line, not three
            $infra = Get-Container -Id $p.InfraContainerId -All
            $row = @(($infra | Out-String -Width 80) -split "`n" | Where-Object { $_ -like "$($infra.ShortId)*" })
            $row[0] | Should -Match '\.\.\.ods/infra-rootfs\s'
        }
        finally { Remove-ContainerPod view-pod-ports-with-a-long-name -Force -Confirm:$false }
    }

    It 'keeps the host whole at 80 in the default view of every deserialized object, with the columns that identify its row' {
        # Invoke-Command adds PSComputerName and PSShowComputerName; PowerShell then appends a PSComputerName column to
        # the default table, with the width the view's columns leave it. $identity: the column that names each row of
        # a type, and the property it shows
        $identity = @{
            'PsContainers.Core.Images.ContainerImage' = 'IMAGE ID', 'ShortId'; 'PsContainers.Core.Images.ContainerImageHistory' = 'IMAGE', 'ShortId'
            'PsContainers.Core.Images.DiskUsage' = 'TYPE', 'Type'; 'PsContainers.Core.Images.DiskUsageItem' = 'NAME', 'Name'
            'PsContainers.Core.Images.StorageProblem' = 'KIND', 'Kind'; 'PsContainers.Core.Networking.ContainerNetwork' = 'NAME', 'Name'
            'PsContainers.Core.Volumes.ContainerVolume' = 'VOLUME NAME', 'Name'; 'PsContainers.Core.Networking.PortMapping' = 'CONTAINER', 'ContainerName'
            'PsContainers.Core.Networking.NetworkAttachment' = 'NETWORK', 'Network'; 'PsContainers.Core.Containers.ContainerProcess' = 'CMD', 'Command'
            'PsContainers.Core.Containers.ContainerStatistic' = 'NAME', 'Name'; 'PsContainers.Core.Containers.ContainerExitStatus' = 'NAME', 'Name'
            'PsContainers.Contract.EngineEvent' = 'ACTION', 'Action'; 'PsContainers.Core.Containers.ContainerChange' = 'PATH', 'Path'
            'PsContainers.Core.Pods.ContainerPod' = 'NAME', 'Name'; 'PsContainers.Core.Compose.ContainerProject' = 'NAME', 'Name'
            'PsContainers.Core.Compose.ContainerProjectSummary' = 'NAME', 'Name'; 'PsContainers.Core.Compose.ContainerProjectChange' = 'TARGET', 'Target'
            'PsContainers.Core.Compose.ContainerProjectFinding' = 'RULE', 'Rule'; 'PsContainers.Core.Kube.KubeFinding' = 'SEVERITY', 'Severity'
            'PsContainers.Core.Kube.KubePlayResult' = 'KIND', 'Kind'
            'PsContainers.Core.Registry.PushedImage' = 'NAME', 'Name'; 'PsContainers.Core.Registry.RegistryImageTag' = 'TAG', 'Tag'
            'PsContainers.Core.Registry.RegistryLogin' = 'REGISTRY', 'Registry'; 'PsContainers.Core.Prune.PruneResult' = 'CONTAINERS', 'Containers'
            # the container's NAMES are cut at 20 (pinned by its own test below); its status names the row as well
            'PsContainers.Core.Containers.Container' = 'STATUS', 'StatusShort'
        }
        # services travel inside their project (no cmdlet writes one alone, so none carries a host of its own); an
        # engine configuration's default view is a list, which PowerShell gives a PSComputerName line
        $views = @(Get-ModuleView)
        $checked = 0
        foreach ($type in $script:Samples.Keys | Where-Object { $_ -notin 'PsContainers.Core.Compose.ContainerProjectService', 'PsContainers.Core.Runtime.EngineConfiguration' }) {
            $identity.Contains($type) | Should -BeTrue -Because "$type names the property that identifies its row"
            $view = @($views | Where-Object { $_.Types -contains "Deserialized.$type" })[0]
            $view.Kind | Should -Be 'TableControl' -Because "the default view of Deserialized.$type is a table"
            $rows = @($script:Samples[$type] | ConvertTo-Deserialized -ComputerName 'web-01.example.net')
            foreach ($w in 80, 120) {
                $t = $rows | Out-String -Width $w
                Assert-TableFit $t $w ($view.Labels + 'PSComputerName') "deserialized $type (view $($view.Name)) at $w"
                $lines = @($t -split "`n" | ForEach-Object TrimEnd)
                $headers = @(for ($i = 1; $i -lt $lines.Count; $i++) { if ($lines[$i] -match '^-[- ]*$') { $lines[$i - 1] } })
                $headers.Count | Should -BeGreaterThan 0
                $headers | ForEach-Object { $_ | Should -Match ' PSComputerName$' -Because "deserialized $type at $w has the host column last" }
                @($lines | Where-Object { $_.EndsWith(' web-01.example.net') }).Count | Should -Be $rows.Count -Because "deserialized $type at $w shows the host whole on each row"
                $label, $property = $identity[$type]
                (Get-ColumnText $lines $label ' web-01.example.net') -join ' | ' | Should -BeExactly (@($rows | ForEach-Object { "$($_.$property)" }) -join ' | ') -Because "deserialized $type at $w shows each row's $label whole"
            }
            $checked++
        }
        $checked | Should -BeGreaterThan 20
    }
}

# Objects that crossed a process boundary (Invoke-Command, Start-Job, Import-Clixml) are property bags whose type names
# start with 'Deserialized.': every view also selects them and renders them from their properties alone, and a
# deserialized container (Invoke-Command -HostName h1,h2 { Get-Container }) gets the RemoteContainer view, which leaves
# the PSComputerName column PowerShell appends its room. PSSerializer uses remoting's serializer and default depth (1);
# the real remoting round trip is tests/Pester/Remoting.Tests.ps1.
Describe 'Deserialized objects (remoting, jobs, Export-Clixml)' {
    BeforeAll {
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

    It 'renders deserialized images, networks, volumes, statistics, processes, ports, projects and wait results with the host they came from' {
        # Invoke-Command -HostName h1,h2 { Get-ContainerStatistic } (issue 17): each table keeps the columns that name
        # the row and the main figures, and leaves the PSComputerName column PowerShell appends room for the whole host
        # at 80 columns, as the container and pod views do
        $cases = @(
            @{ Get = { Get-ContainerImage busybox-test:latest }; Header = '^REPOSITORY\s+TAG\s+IMAGE ID\s+PSComputerName$'
                Row = { param($o) "^busybox-test\s+latest\s+$($o.ShortId) web-01\.example\.net$" } }
            @{ Get = { Get-ContainerImage busybox-test:latest -History }; Header = '^IMAGE\s+CREATED BY\s+SIZE PSComputerName$'
                Row = { param($o) "^$([regex]::Escape($o.ShortId))\s+$([regex]::Escape([PsContainers.Views.ViewText]::Cut($o.CreatedBy, 39)))\s+[\d.]+[kMG]?B web-01\.example\.net$" } }
            @{ Get = { Get-ContainerNetwork frontend-network-production }; Header = '^NAME\s+DRIVER\s+SUBNET\s+PSComputerName$'
                Row = { param($o) "^frontend-network-production\s+bridge\s+$([regex]::Escape($o.Subnet))\s+web-01\.example\.net$" } }
            @{ Get = { Get-ContainerVolume postgres-data-production }; Header = '^VOLUME NAME\s+SIZE\s+USED BY\s+PSComputerName$'
                Row = { param($o) '^postgres-data-production\s+\d+(\.\d)?[kMG]?B web-frontend-production-1\s+web-01\.example\.net$' } }
            @{ Get = { Get-ContainerStatistic web-frontend-production-1 }; Header = '^NAME\s+CPU %\s+MEM USAGE / LIMIT\s+MEM % PSComputerName$'
                Row = { param($o) '^web-frontend-production-1\s+[\d.]+%\s+\S+ / ' + [regex]::Escape([PsContainers.Views.ViewText]::BytesSize((Get-ContainerSystemInfo).MemoryTotal)) + '\s+[\d.]+% web-01\.example\.net$' } }
            @{ Get = { Get-ContainerProcess web-frontend-production-1 | Where-Object Command -Like 'httpd *' }; Header = '^UID\s+PID\s+TIME\s+CMD\s+PSComputerName$'
                Row = { param($o) "^root\s+$($o.Pid) \d\d:\d\d:\d\d\s+httpd -f -p 80 -h /etc\s+web-01\.example\.net$" } }
            @{ Get = { Get-ContainerPort web-frontend-production-1 }; Header = '^CONTAINER\s+PORTS\s+PSComputerName$'
                Row = { param($o) "^web-frontend-production-1 $([regex]::Escape($script:PortsText))\s+web-01\.example\.net$" } }
            @{ Get = { Get-ContainerProject shop }; Header = '^NAME\s+STATUS\s+PSComputerName$'
                Row = { param($o) '^shop\s+running\(1/1\)\s+web-01\.example\.net$' } }
            @{ Get = { Import-ContainerProject -Path $script:ComposeFile -ProjectName shop }; Header = '^NAME\s+SERVICES\s+PSComputerName$'
                Row = { param($o) '^shop\s+web\s+web-01\.example\.net$' } }
            @{ Get = { Wait-Container exited-job-with-long-name }; Header = '^NAME\s+EXIT CODE STATUS\s+PSComputerName$'
                Row = { param($o) '^exited-job-with-long-name\s+3 Exited\s+web-01\.example\.net$' } }
        )
        $script:ComposeFile = Join-Path $TestDrive 'compose.yaml'
        Set-Content $script:ComposeFile "services:`n  web:`n    image: busybox-test:latest`n"
        foreach ($case in $cases) {
            $live = @(& $case.Get)
            $live.Count | Should -BeGreaterThan 0 -Because "$($case.Get) returns objects"
            $remote = @($live | ConvertTo-Deserialized -ComputerName 'web-01.example.net')
            $remote[0].pstypenames[0] | Should -BeLike 'Deserialized.PsContainers.*'
            $t = $remote | Out-String -Width 80
            $lines = @($t -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ })
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 -Because "$($case.Get) at 80 columns" }
            $lines[0] | Should -Match $case.Header -Because "$($case.Get) at 80 columns"
            $lines[1] | Should -Match '^[- ]+$'
            for ($i = 0; $i -lt $live.Count; $i++) {
                $lines[2 + $i] | Should -Match (& $case.Row $live[$i]) -Because "row $i of $($case.Get) at 80 columns"
            }
            # the view alone (Export-Clixml, Start-Job without a host): the same columns, nothing appended
            $bare = @($live | ConvertTo-Deserialized | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
            $bare[0].TrimEnd() | Should -Be ($lines[0] -replace '\s+PSComputerName$')
        }
        # what is not a table renders as the live object does
        foreach ($case in { Get-ContainerLog log-writer }, { Get-ContainerSystemInfo }) {
            $live = @(& $case)
            $live.Count | Should -BeGreaterThan 0 -Because "$case returns objects"
            $remote = $live | ConvertTo-Deserialized
            $remote[0].pstypenames[0] | Should -BeLike 'Deserialized.PsContainers.*'
            foreach ($w in 80, 120) {
                Hide-Digits ($remote | Out-String -Width $w) | Should -Be (Hide-Digits ($live | Out-String -Width $w)) -Because "$case at $w columns"
            }
        }
    }

    It 'names the host and the container before each log line from another host (Get-ContainerLog on h1, h2)' {
        $live = @(Get-ContainerLog log-writer)
        $remote = @($live | ConvertTo-Deserialized -ComputerName 'build-agent-07.ci.example.internal')
        ($remote | Out-String -Width 80).Trim() -split "`n" | ForEach-Object TrimEnd |
            Should -Be @('build-agent-07.ci.example.internal/log-writer | one', 'build-agent-07.ci.example.internal/log-writer | two')
        $stamped = @(Get-ContainerLog log-writer -Timestamps | ConvertTo-Deserialized -ComputerName 'h2')
        ($stamped | Out-String -Width 120).Trim() -split "`n" | ForEach-Object TrimEnd |
            Should -Match '^h2/log-writer \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z (one|two)$'
        # -HideComputerName (PSShowComputerName false) and a job's records (no host) print as the live records do
        $hidden = @($live | ConvertTo-Deserialized -ComputerName 'h3')
        $hidden | ForEach-Object { $_.PSShowComputerName = $false }
        ($hidden | Out-String -Width 80) | Should -Be ($live | Out-String -Width 80)
        ($live | ConvertTo-Deserialized | Out-String -Width 80) | Should -Be ($live | Out-String -Width 80)
    }

    It 'renders a deserialized container as NAMES, IMAGE, STATUS and the host it came from, and keeps the docker ps view one -View away' {
        $c = Get-Container web-frontend-production-1 | ConvertTo-Deserialized -ComputerName 'web-01.example.net'
        $t = $c | Out-String -Width 80
        ($t -split "`n")[1] | Should -Match '^NAMES\s+IMAGE\s+STATUS\s+PSComputerName\s*$'
        Get-Row $t 'web-01.example.net' | Should -Match '^web-frontend-\s+busybox-test:latest\s+Up \d+[sm] \(healthy\)\s+web-01\.example\.net\s*$'
        ($t -split "`n")[4] | Should -Match '^production-1\s*$' # the name wraps whole after a '-', never cut or broken mid-word
        $t -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        # an explicit -View is the view alone (PowerShell appends PSComputerName to the default table only)
        $t = $c | Format-Table -View Container | Out-String -Width 120
        Get-Row $t $script:Web.ShortId | Should -BeLike "$($script:Web.ShortId) web-frontend-production-1 *busybox-test:latest *Up *s (healthy)*$($script:PortsText) *"
    }

    It 'wraps a long status between its words at 80 and 120 columns, and keeps a long host whole at 120 and within 80 columns at 80 (issue 17)' {
        $host34 = 'build-agent-07.ci.example.internal'
        $c = Get-Container exited-job-with-long-name | ConvertTo-Deserialized -ComputerName $host34
        $c.StatusShort = 'Exited (137) 2 hours ago' # what docker ps shows a while later: longer than the 22-column STATUS
        foreach ($w in 80, 120) {
            $lines = @(($c | Out-String -Width $w) -split "`n" | ForEach-Object TrimEnd)
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $w -Because "at $w columns" }
            $d = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($x) $x -match '^-[- ]*$' })
            $lines[$d - 1] | Should -Match '^NAMES\s+IMAGE\s+STATUS\s+PSComputerName$'
            $statusAt = $lines[$d - 1].IndexOf('STATUS')
            $hostAt = $lines[$d - 1].IndexOf('PSComputerName')
            $rows = @($lines[($d + 1)..($lines.Count - 1)] | Where-Object { $_ })
            # the status column line by line: broken between its words, each word whole (never "hour" / "s ago")
            @($rows | Where-Object Length -GT $statusAt | ForEach-Object { $_.Substring($statusAt, [Math]::Min($hostAt, $_.Length) - $statusAt).Trim() } |
                Where-Object { $_ }) | Should -Be @('Exited (137) 2 hours', 'ago') -Because "at $w columns"
            # the host: whole on the first row at 120, in pieces of the column PowerShell leaves it at 80 (18)
            (@($rows | Where-Object Length -GT $hostAt | ForEach-Object { $_.Substring($hostAt).Trim() }) -join '') | Should -Be $host34 -Because "at $w columns"
            if ($w -eq 120) { $rows[0] | Should -Match ('^exited-job-with-\s+busybox-test:latest\s+Exited \(137\) 2 hours\s+' + [regex]::Escape($host34) + '$') }
        }
    }

    It 'wraps a remote project''s long name and status at their breaks and leaves the host 21 columns at 80 (issue 17)' {
        $p = Get-ContainerProject shop | ConvertTo-Deserialized -ComputerName 'build-agent-07.ci.example.internal'
        $p.Name = 'shop-frontend-and-backend-production-eu'
        $p.Status = 'running(2), exited(1), restarting(1)'
        $lines = @(($p | Out-String -Width 80) -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ })
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[0] | Should -Match '^NAME\s+STATUS\s+PSComputerName$'
        $lines[0].IndexOf('PSComputerName') | Should -Be 59
        $lines[2] | Should -Match '^shop-frontend-and-backend-\s+running\(2\), exited\(1\),\s+build-agent-07'
        $lines[3] | Should -Match '^production-eu\s+restarting\(1\)\s+\S'
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
        $c.HostConfig.NetworkMode | Should -BeExactly 'frontend-network-production' # docker's text: the user network
        $c.HostConfig.NetworkModeKind | Should -Be 'Bridge'
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

# The red team's cases (issue 11.2): a 33-character name, a long image reference and two published ports on one
# container, a second user on the network, a long project and service name. docker ps never cuts a name, an image or a
# port; these tables must fit, so the cell wraps inside its column: each part must be whole and each break must fall
# after a separator, never mid-word (PowerShell alone breaks at the column width).
Describe 'Long names, images and ports wrap whole at 80 and 120 columns' {
    BeforeAll {
        function script:Get-TableCell {
            <#
            The cells of the column headed Label, one string array per row: the lines the cell takes, trimmed, blank
            ones left out. A row starts at a line whose text under RowLabel's column (default: the first column) is not
            blank; the column runs from its dashes to the next column's.
            #>
            param([string] $Table, [string] $Label, [string] $RowLabel)
            $lines = @($Table -split "`n" | ForEach-Object TrimEnd)
            $d = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($x) $x -match '^-[- ]*$' })
            $d | Should -BeGreaterThan 0
            $dashes = @([regex]::Matches($lines[$d], '-+'))
            $span = {
                param($l)
                $at = ([regex]::Match($lines[$d - 1], "(?<=^| )$([regex]::Escape($l))(?= |$)")).Index
                $i = [array]::FindIndex([object[]] $dashes, [Predicate[object]] { param($m) $m.Index -eq $at })
                $i | Should -BeGreaterOrEqual 0 -Because "the table has a column $l"
                $end = if ($i + 1 -lt $dashes.Count) { $dashes[$i + 1].Index - 1 } else { [int]::MaxValue }
                $at, $end
            }
            $cut = { param($line, $from, $to) if ($line.Length -gt $from) { $line.Substring($from, [Math]::Min($to, $line.Length) - $from).Trim() } else { '' } }
            $start, $end = & $span $Label
            $rowStart, $rowEnd = if ($RowLabel) { & $span $RowLabel } else { 0, ($dashes[0].Index + $dashes[0].Length) }
            $rows = [Collections.Generic.List[object]]::new()
            foreach ($line in $lines[($d + 1)..($lines.Count - 1)]) {
                if (-not $line.Trim()) { continue }
                if (& $cut $line $rowStart $rowEnd) { $rows.Add([Collections.Generic.List[string]]::new()) }
                $cell = & $cut $line $start $end
                if ($cell -and $rows.Count) { $rows[$rows.Count - 1].Add($cell) }
            }
            , @($rows | ForEach-Object { , $_.ToArray() })
        }

        function script:Assert-WrappedWhole {
            <# A cell's lines join (with Joiner) to Text, every line but the last ending with one of Breaks. #>
            param([string[]] $Cell, [string] $Text, [string] $Breaks, [string] $Joiner = '', [string] $Because)
            ($Cell -join $Joiner) | Should -BeExactly $Text -Because $Because
            for ($i = 0; $i -lt $Cell.Count - 1; $i++) {
                $Breaks.Contains($Cell[$i][-1]) | Should -BeTrue -Because "$Because breaks '$($Cell[$i])' after one of '$Breaks'"
            }
        }

        $ports = @()
        while ($ports.Count -lt 2) {
            $p = Get-Random -Minimum 20000 -Maximum 29999
            if ($p -eq $script:Port -or $ports -contains $p) { continue }
            try { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Any, $p); $l.Start(); $l.Stop(); $ports += $p } catch { }
        }
        $script:LongPorts = "0.0.0.0:$($ports[0])->80/tcp", "0.0.0.0:$($ports[1])->443/tcp"
        $script:LongImage = 'localhost:5000/team/app:1.2.3'
        $null = Add-ContainerImageTag busybox-test:latest $script:LongImage
        $script:LongName = 'billing-worker-queue-reader-eu-01'
        $script:Long = Invoke-ContainerImage $script:LongImage -Detach -Name $script:LongName -Network frontend-network-production `
            -Publish "$($ports[0]):80", "$($ports[1]):443" -- sleep 600
    }

    AfterAll {
        Remove-Container $script:LongName -Force -Confirm:$false -ErrorAction SilentlyContinue
        Remove-ContainerImage $script:LongImage -ErrorAction SilentlyContinue
    }

    It 'Get-Container keeps ID, NAMES, IMAGE and STATUS at 80, the two ports and CREATED at 120, all whole' {
        $c = Get-Container $script:LongName
        $c.Ports | Should -Be ($script:LongPorts -join ', ')
        foreach ($w in 80, 120) {
            $t = Get-Container | Out-String -Width $w
            Assert-TableFit $t $w 'CONTAINER ID', 'NAMES', 'IMAGE', 'STATUS', 'PORTS', 'CREATED', 'COMMAND' "Get-Container at $w"
            $ids = Get-TableCell $t 'CONTAINER ID'
            $i = [array]::FindIndex([object[]] $ids, [Predicate[object]] { param($x) $x[0] -eq $c.ShortId })
            $i | Should -BeGreaterOrEqual 0 -Because "the row of $($c.ShortId) is there at $w"
            Assert-WrappedWhole (Get-TableCell $t 'NAMES')[$i] $script:LongName '-_.' -Because "NAMES at $w"
            Assert-WrappedWhole (Get-TableCell $t 'IMAGE')[$i] $script:LongImage '/:@.-' -Because "IMAGE at $w"
            (Get-TableCell $t 'STATUS')[$i] -join ' ' | Should -Match '^Up \d+[sm]$' -Because "STATUS at $w"
            # the web container's row: its status whole on one line
            $web = [array]::FindIndex([object[]] $ids, [Predicate[object]] { param($x) $x[0] -eq $script:Web.ShortId })
            (Get-TableCell $t 'STATUS')[$web] | Should -Match '^Up \d+[smh] \(healthy\)$'
        }
        $t = Get-Container | Out-String -Width 80
        ($t -split "`n")[1] | Should -Match '^CONTAINER ID\s+NAMES\s+IMAGE\s+STATUS$'
        $t = Get-Container | Out-String -Width 120
        ($t -split "`n")[1] | Should -Match '^CONTAINER ID\s+NAMES\s+IMAGE\s+STATUS\s+PORTS\s+CREATED$'
        $i = [array]::FindIndex([object[]] (Get-TableCell $t 'CONTAINER ID'), [Predicate[object]] { param($x) $x[0] -eq $c.ShortId })
        (Get-TableCell $t 'PORTS')[$i] | Should -Be $script:LongPorts -Because 'each port stands whole on its own line'
        (Get-TableCell $t 'CREATED')[$i] | Should -Match '^\d+[smh] ago$'
        # a wider terminal adds docker's 20-character COMMAND
        $t = Get-Container $script:LongName | Out-String -Width 160
        (Get-TableCell $t 'COMMAND')[0] | Should -Be @('"sleep 600"')
    }

    It 'Get-ContainerStatistic wraps a long NAME after a ''-'' and shows the received and sent bytes as docker does' {
        foreach ($w in 80, 120) {
            $t = Get-ContainerStatistic $script:LongName | Out-String -Width $w
            Assert-TableFit $t $w 'CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'PIDS', 'NET I/O', 'BLOCK I/O' "stats at $w"
            Assert-WrappedWhole (Get-TableCell $t 'NAME')[0] $script:LongName '-_.' -Because "stats NAME at $w"
        }
        # traffic through the published port: the file httpd sends is counted in the web container's NET I/O
        $before = Get-ContainerStatistic web-frontend-production-1
        $r = Wait-ContainerCondition { try { Invoke-WebRequest "http://127.0.0.1:$($script:Port)/passwd" -UseBasicParsing -TimeoutSec 5 } catch { $null } } -TimeoutSeconds 20
        $body = [Text.Encoding]::ASCII.GetString($r.RawContentStream.ToArray())
        $body | Should -Match 'root:'
        $after = Wait-ContainerCondition { $s = Get-ContainerStatistic web-frontend-production-1; if ($s.NetworkTx -ge $before.NetworkTx + $body.Length) { $s } } -TimeoutSeconds 20
        $after.NetworkTx | Should -BeGreaterOrEqual ($before.NetworkTx + $body.Length)
        $after.NetworkRx | Should -BeGreaterThan $before.NetworkRx
        $t = $after | Out-String -Width 120
        (Get-TableCell $t 'NET I/O')[0] -join ' ' | Should -BeExactly ([PsContainers.Views.ViewText]::NetIO($after.NetworkRx, $after.NetworkTx))
        (Get-TableCell $t 'BLOCK I/O')[0] -join ' ' | Should -BeExactly ([PsContainers.Views.ViewText]::BlockIO($after.BlockRead, $after.BlockWrite))
    }

    It 'Get-ContainerNetwork lists its containers one per line, each whole, at 120' {
        $t = Get-ContainerNetwork frontend-network-production | Out-String -Width 120
        Assert-TableFit $t 120 'NAME', 'DRIVER', 'SUBNET', 'GATEWAY', 'INTERNAL', 'DNS', 'CONTAINERS' 'network at 120'
        $cell = @((Get-TableCell $t 'CONTAINERS' -RowLabel 'DRIVER')[0])
        $names = @((Get-ContainerNetwork frontend-network-production).Containers)
        $names | Sort-Object | Should -Be @($script:LongName, 'web-frontend-production-1')
        # each container from a line of its own: its lines, in the network's order, join to its name
        $at = 0
        foreach ($n in $names) {
            $end = $at
            while ($end -lt $cell.Count -and ($cell[$at..$end] -join '') -ne $n) { $end++ }
            $end | Should -BeLessThan $cell.Count -Because "$n starts a line of CONTAINERS and ends one"
            Assert-WrappedWhole $cell[$at..$end] $n '-_.' -Because "CONTAINERS shows $n"
            $at = $end + 1
        }
        $at | Should -Be $cell.Count
    }

    It 'Get-ContainerPort wraps a long CONTAINER after a ''-'' and shows each port whole at 80 and 120' {
        foreach ($w in 80, 120) {
            $t = Get-ContainerPort $script:LongName | Out-String -Width $w
            Assert-TableFit $t $w 'CONTAINER', 'CONTAINER PORT', 'HOST IP', 'HOST PORT', 'PORTS' "ports at $w"
            $names = Get-TableCell $t 'CONTAINER' -RowLabel 'CONTAINER PORT'
            $names.Count | Should -Be 2
            $names | ForEach-Object { Assert-WrappedWhole $_ $script:LongName '-_.' -Because "CONTAINER at $w" }
            @((Get-TableCell $t 'CONTAINER PORT' -RowLabel 'CONTAINER PORT') | ForEach-Object { $_ -join '' }) | Should -Be @('80/tcp', '443/tcp')
            if ($w -eq 120) { @((Get-TableCell $t 'PORTS' -RowLabel 'CONTAINER PORT') | ForEach-Object { $_ -join '' }) | Should -Be $script:LongPorts }
        }
    }

    It 'the compose project views keep a long project and service name whole at 80 and 120' {
        $long = 'platform-team-web-frontend-production-eu1'
        $compose = Join-Path $TestDrive 'long-compose.yaml'
        Set-Content $compose "services:`n  payments-api-worker:`n    image: $($script:LongImage)`n    ports: ['18080:80', '18443:443']`n"
        $project = Import-ContainerProject -Path $compose -ProjectName $long
        foreach ($w in 80, 120) {
            $t = $project | Out-String -Width $w
            Assert-TableFit $t $w 'NAME', 'SERVICES', 'CONFIG FILES' "project at $w"
            Assert-WrappedWhole (Get-TableCell $t 'NAME' -RowLabel 'SERVICES')[0] $long '-_.' -Because "project NAME at $w"
            # a path part longer than the column (the test drive's GUID) is cut; the path is still whole
            (Get-TableCell $t 'CONFIG FILES' -RowLabel 'SERVICES')[0] -join '' | Should -BeExactly $compose -Because "CONFIG FILES at $w"
            $t = $project.Services | Out-String -Width $w
            Assert-TableFit $t $w 'SERVICE', 'IMAGE', 'SCALE', 'PORTS', 'DEPENDS ON' "services at $w"
            Assert-WrappedWhole (Get-TableCell $t 'SERVICE' -RowLabel 'SCALE')[0] 'payments-api-worker' '-_.' -Because "SERVICE at $w"
            Assert-WrappedWhole (Get-TableCell $t 'IMAGE' -RowLabel 'SCALE')[0] $script:LongImage '/:@.-' -Because "service IMAGE at $w"
            (Get-TableCell $t 'PORTS' -RowLabel 'SCALE')[0] | Should -Be @('18080->80', '18443->443')
        }
        # Get-ContainerProject (docker compose ls) of a running project with that name
        $c = Invoke-ContainerImage busybox-test:latest -Detach -Name "views11b-$long-1" -Label @{
            'com.docker.compose.project' = $long; 'com.docker.compose.service' = 'web'; 'com.docker.compose.project.config_files' = $compose } -- sleep 300
        try {
            foreach ($w in 80, 120) {
                $t = Get-ContainerProject $long | Out-String -Width $w
                Assert-TableFit $t $w 'NAME', 'STATUS', 'CONFIG FILES' "compose ls at $w"
                Assert-WrappedWhole (Get-TableCell $t 'NAME' -RowLabel 'STATUS')[0] $long '-_.' -Because "compose ls NAME at $w"
                (Get-TableCell $t 'STATUS' -RowLabel 'STATUS')[0] | Should -Be @('running(1/1)')
                (Get-TableCell $t 'CONFIG FILES' -RowLabel 'STATUS')[0] -join '' | Should -BeExactly $compose -Because "compose ls CONFIG FILES at $w"
            }
        }
        finally { Remove-Container $c.Name -Force -Confirm:$false }
    }

    It 'Publish-ContainerImage''s table keeps a long reference whole in NAME at 80' {
        $digest = 'sha256:' + ('0123456789abcdef' * 4)
        $pushed = [PsContainers.Core.Registry.PushedImage]@{ Name = 'registry.example.com:5000/platform-team/web-frontend:2024.11.30-rc1'; Digest = $digest
            Size = 123456789; BlobsUploaded = 2; BlobsMounted = 1; BlobsSkipped = 3 }
        foreach ($w in 80, 120) {
            $t = $pushed | Out-String -Width $w
            Assert-TableFit $t $w 'NAME', 'DIGEST', 'SIZE', 'UPLOADED', 'MOUNTED', 'EXISTING' "pushed image at $w"
            Assert-WrappedWhole (Get-TableCell $t 'NAME' -RowLabel 'DIGEST')[0] $pushed.Name '/:@.-' -Because "pushed NAME at $w"
            # the other columns on the row's first line (right-aligned ones have dashes only under their label)
            Get-Row $t 'sha256:' | Should -Match "^registry\.example\.com:\s+$($digest.Substring(0, 19))\s+123\.46MB\s+2\s+1\s+3$"

        }
    }
}
