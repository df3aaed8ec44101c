# Kubernetes YAML out: real containers and a running compose project converted by ConvertTo-ContainerKubeYaml and
# Export-ContainerKube pass Test-ContainerKube with no finding; a crafted bad manifest gives the expected findings;
# Export's -Force/-NoClobber/-WhatIf; errors for inputs that name nothing.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Port = Get-FreeTcpPort
    $script:Site = Join-Path $script:Root 'site'
    $null = New-Item -ItemType Directory $script:Site
    $script:Web = "kweb$PID"
    # what remoting, jobs and Import-Clixml deliver: a property bag typed Deserialized.<class>
    function script:ConvertTo-Bag($x) {
        [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($x))
    }
}

AfterAll {
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Remove-ContainerTestStore $script:Root
}

Describe 'ConvertTo-ContainerKubeYaml on a running container' {
    BeforeAll {
        $script:C = New-Container -Image busybox-test:latest -Name $script:Web -Command httpd, -f, -p, 80 `
            -Publish "127.0.0.1:$($script:Port):80" -Volume "kdata$($PID):/data", "$($script:Site):/www:ro" `
            -Environment @{ GREETING = 'hello $(USER)' } -Memory 64MB -Cpus 0.5 -PidsLimit 50 -CapAdd NET_ADMIN -CapDrop MKNOD `
            -Label @{ tier = 'front'; 'Bad Key' = 'x' } -Restart on-failure -HealthCommand 'true' -HealthInterval 00:00:05 `
            -HealthStartPeriod 00:00:20
        Start-Container $script:C | Out-Null
        Wait-ContainerCondition { (Get-Container $script:Web).Status -eq 'Running' } | Out-Null
        $script:Yaml = Get-Container $script:Web | ConvertTo-ContainerKubeYaml -Service -WarningVariable kw -WarningAction SilentlyContinue
        $script:Warnings = @($kw | ForEach-Object Message)
    }

    It 'is running (a real container)' {
        (Get-Container $script:Web).Status | Should -Be 'Running'
    }

    It 'gives one YAML string that Test-ContainerKube finds nothing wrong with' {
        $script:Yaml | Should -BeOfType [string]
        @($script:Yaml | Test-ContainerKube -ErrorAction Stop) | Should -HaveCount 0
    }

    It 'writes a claim, the pod and a service, in that order' {
        $kinds = [regex]::Matches($script:Yaml, '(?m)^kind: (\w+)$') | ForEach-Object { $_.Groups[1].Value }
        $kinds | Should -Be @('PersistentVolumeClaim', 'Pod', 'Service')
        $script:Yaml | Should -Match "(?m)^  name: kdata$PID$"
        $script:Yaml | Should -Match "(?m)^  name: $($script:Web)$"
    }

    It 'maps the settings: args, env escaped, port, limits, capabilities, probes, restart policy, label' {
        $y = $script:Yaml
        $y | Should -Match '(?m)^  - args:\n    - httpd\n    - "-f"\n    - "-p"\n    - "80"$'
        $y | Should -Match 'value: "hello \$\$\(USER\)"'
        $y | Should -Match "(?m)^      hostIP: ""127.0.0.1""\n      hostPort: $($script:Port)\n      name: tcp-80$"
        $y | Should -Match 'memory: "64Mi"'
        $y | Should -Match 'cpu: "500m"'
        $y | Should -Match '(?m)^        add:\n        - NET_ADMIN\n        drop:\n        - MKNOD$'
        $y | Should -Match '(?m)^    livenessProbe:\n      exec:\n        command:\n        - /bin/sh\n        - "-c"\n        - "true"\n      failureThreshold: 3\n      periodSeconds: 5$'
        $y | Should -Match '(?m)^    startupProbe:\n(.*\n){5}      failureThreshold: 7\n      periodSeconds: 5$'
        $y | Should -Match '(?m)^  restartPolicy: OnFailure$'
        $y | Should -Match '(?m)^    tier: front$'
        $y | Should -Match '(?m)^    Bad-Key: x$'
        $y | Should -Match "(?m)^      path: $([regex]::Escape($script:Site))$"
        $y | Should -Not -Match 'com\.docker\.compose'
        $y | Should -Not -Match 'PATH='
    }

    It 'warns about the hostPath, the pids limit and the repaired label key' {
        $script:Warnings | Should -Contain "'$($script:Web)': the pids limit 50 has no Kubernetes container field (the kubelet sets podPidsLimit per node); it is left out."
        @($script:Warnings | Where-Object { $_ -like "*bind mount of '$($script:Site)'*hostPath*" }) | Should -HaveCount 1
        @($script:Warnings | Where-Object { $_ -like "*label key 'Bad Key'*'Bad-Key'*" }) | Should -HaveCount 1
    }

    It 'is the same text for the same container, by name or by object' {
        $again = ConvertTo-ContainerKubeYaml -InputObject $script:Web -Service -WarningAction SilentlyContinue
        $again | Should -BeExactly $script:Yaml
    }

    It 'converts a deserialized copy of the container (from a remote session) as the container, found by its Id' {
        $bag = ConvertTo-Bag (Get-Container $script:Web)
        $bag.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Containers.Container'
        $bag | ConvertTo-ContainerKubeYaml -Service -WarningAction SilentlyContinue -ErrorAction Stop | Should -BeExactly $script:Yaml
        ConvertTo-ContainerKubeYaml -InputObject $bag, $script:Web -Service -WarningAction SilentlyContinue -ErrorAction Stop |
            Should -BeExactly $script:Yaml
    }

    It 'writes the other-host ContainerNotFound for a deserialized container whose Id is not here, not the same-named one' {
        $ghost = ConvertTo-Bag ([PsContainers.Core.Containers.Container]@{ Id = 'f' * 64; Name = $script:Web })
        $out = $ghost | ConvertTo-ContainerKubeYaml -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].Exception.Message | Should -Be "No container with Id ffffffffffff ($($script:Web)) exists here: it was removed, or the object came from another host."
    }

    It 'writes a Deployment with restartPolicy Always for -Kind Deployment' {
        $d = Get-Container $script:Web | ConvertTo-ContainerKubeYaml -Kind Deployment -WarningAction SilentlyContinue
        $d | Should -Match '(?m)^kind: Deployment$'
        $d | Should -Match '(?m)^      restartPolicy: Always$'
        @($d | Test-ContainerKube -ErrorAction Stop) | Should -HaveCount 0
    }
}

Describe 'Export-ContainerKube' {
    BeforeAll { $script:Out = Join-Path $script:Root 'k8s/web.yaml' }

    It 'does not write with -WhatIf' {
        Export-ContainerKube -InputObject $script:Web -Path $script:Out -Force -WhatIf -WarningAction SilentlyContinue
        Test-Path $script:Out | Should -BeFalse
    }

    It 'writes the same YAML as ConvertTo, creating the directory with -Force, and passes Test-ContainerKube -Path' {
        $f = Export-ContainerKube -InputObject $script:Web -Path $script:Out -Force -PassThru -WarningAction SilentlyContinue
        $f.FullName | Should -Be $script:Out
        Get-Content -Raw $script:Out | Should -BeExactly (ConvertTo-ContainerKubeYaml $script:Web -WarningAction SilentlyContinue)
        @(Test-ContainerKube -Path $script:Out -ErrorAction Stop) | Should -HaveCount 0
        @(Get-Item $script:Out | Test-ContainerKube -ErrorAction Stop) | Should -HaveCount 0
    }

    It 'exports a deserialized container as the live one; a ghost writes ContainerNotFound and no file' {
        $bagOut = Join-Path $script:Root 'k8s/bag.yaml'
        $ghostOut = Join-Path $script:Root 'k8s/ghost.yaml'
        ConvertTo-Bag (Get-Container $script:Web) | Export-ContainerKube -Path $bagOut -Force -WarningAction SilentlyContinue -ErrorAction Stop
        Get-Content -Raw $bagOut | Should -BeExactly (ConvertTo-ContainerKubeYaml $script:Web -WarningAction SilentlyContinue)
        ConvertTo-Bag ([PsContainers.Core.Containers.Container]@{ Id = 'e' * 64; Name = $script:Web }) |
            Export-ContainerKube -Path $ghostOut -Force -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $e[0].Exception.Message | Should -BeLike '*came from another host.'
        Test-Path $ghostOut | Should -BeFalse
    }

    It 'keeps an existing file without -Force, and with -NoClobber even with -Force' {
        Set-Content $script:Out 'keep me'
        Export-ContainerKube -InputObject $script:Web -Path $script:Out -ErrorVariable e1 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Export-ContainerKube -InputObject $script:Web -Path $script:Out -Force -NoClobber -ErrorVariable e2 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        (Get-Content -Raw $script:Out).Trim() | Should -Be 'keep me'
        Export-ContainerKube -InputObject $script:Web -Path $script:Out -Force -WarningAction SilentlyContinue
        Get-Content -Raw $script:Out | Should -Match '(?m)^kind: Pod$'
    }

    It 'says What if over an existing file, passes the provider''s FileInfo through, and names a missing directory (issue 17)' {
        Set-Content $script:Out 'keep me'
        # -WhatIf is asked before the file's existence is an error (Out-File's order): no FileExists error, nothing written
        Export-ContainerKube -InputObject $script:Web -Path $script:Out -WhatIf -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e | Should -BeNullOrEmpty
        (Get-Content -Raw $script:Out).Trim() | Should -Be 'keep me'
        $f = Export-ContainerKube -InputObject $script:Web -Path $script:Out -Force -PassThru -WarningAction SilentlyContinue
        $f | Should -BeOfType System.IO.FileInfo
        $f.PSPath | Should -BeLike 'Microsoft.PowerShell.Core\FileSystem::*web.yaml'
        $missing = Join-Path $script:Root 'k8s-no-such-dir/web.yaml'
        Export-ContainerKube -InputObject $script:Web -Path $missing -ErrorVariable e2 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DirectoryNotFound,*'
        $e2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e2[0].Exception.Message | Should -BeLike "The directory '*k8s-no-such-dir' of '*' does not exist."
        $e2[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        Test-Path (Split-Path $missing) | Should -BeFalse
    }
}

Describe 'ConvertTo-ContainerKubeYaml on compose projects' {
    BeforeAll {
        $script:Dir = Join-Path $script:Root 'app'
        $null = New-Item -ItemType Directory $script:Dir
        $script:P = "kapp$PID"
        Set-Content -Path (Join-Path $script:Dir 'db.env') -Value "DB_USER=shop`nDB_NAME=shop`n"
        Set-Content -Path (Join-Path $script:Dir 'compose.yaml') -Value @"
services:
  front_end:
    image: busybox-test:latest
    command: ["sleep", "300"]
    restart: always
    labels:
      tier: front
  db:
    image: busybox-test:latest
    command: ["sleep", "300"]
    env_file: db.env
    environment:
      DB_MODE: primary
    healthcheck:
      test: ["CMD", "true"]
      interval: 2s
      start_period: 10s
    volumes:
      - data:/data
  worker:
    image: busybox-test:latest
    command: ["sleep", "300"]
    scale: 2
    volumes:
      - data:/data
volumes:
  data: {}
"@
        $script:File = Join-Path $script:Dir 'compose.yaml'
        Start-ContainerProject -Path $script:File -ProjectName $script:P | Out-Null
    }

    It 'converts a loaded project: Deployments, one claim, a ConfigMap for the env_file, names repaired' {
        $y = Import-ContainerProject -Path $script:File -ProjectName $script:P |
            ConvertTo-ContainerKubeYaml -Kind Deployment -WarningVariable w -WarningAction SilentlyContinue
        @($y | Test-ContainerKube -ErrorAction Stop) | Should -HaveCount 0
        $names = [regex]::Matches($y, '(?m)^kind: (\w+)\nmetadata:\n(  .*\n)*?  name: (\S+)$') | ForEach-Object { "$($_.Groups[1].Value)/$($_.Groups[3].Value)" }
        $names | Should -Be @("PersistentVolumeClaim/$($script:P)-data", 'ConfigMap/db-env', 'Deployment/db', 'Deployment/front-end', 'Deployment/worker')
        $y | Should -Match '(?m)^  DB_NAME: shop\n  DB_USER: shop$'
        $y | Should -Match '(?m)^        - name: DB_MODE\n          value: primary$'
        $y | Should -Match '(?m)^  replicas: 2$'
        @($w | Where-Object Message -eq "The workload name 'front_end' is not a valid RFC 1123 label; it is written as 'front-end'.") | Should -HaveCount 1
    }

    It 'converts the running project from Get-ContainerProject, one Deployment per service with its replicas' {
        Wait-ContainerCondition { @(Get-Container -Project $script:P | Where-Object Status -eq 'Running').Count -eq 4 } | Out-Null
        $y = Get-ContainerProject $script:P | ConvertTo-ContainerKubeYaml -Kind Deployment -WarningAction SilentlyContinue
        @($y | Test-ContainerKube -ErrorAction Stop) | Should -HaveCount 0
        ([regex]::Matches($y, '(?m)^kind: Deployment$')).Count | Should -Be 3
        $y | Should -Match '(?m)^  name: worker\nspec:\n  replicas: 2$'
        $y | Should -Match "app.kubernetes.io/part-of: $($script:P)"
        $y | Should -Not -Match 'com\.docker\.compose'
        # by -Project and by name, the same text
        ConvertTo-ContainerKubeYaml -Project $script:P -Kind Deployment -WarningAction SilentlyContinue | Should -BeExactly $y
        ConvertTo-ContainerKubeYaml $script:P -Kind Deployment -WarningAction SilentlyContinue | Should -BeExactly $y
    }

    It 'converts a deserialized project (summary or loaded) as the store''s project of that name' {
        $y = Get-ContainerProject $script:P | ConvertTo-ContainerKubeYaml -Kind Deployment -WarningAction SilentlyContinue
        $summary = ConvertTo-Bag (Get-ContainerProject $script:P)
        $summary.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Compose.ContainerProjectSummary'
        $summary | ConvertTo-ContainerKubeYaml -Kind Deployment -WarningAction SilentlyContinue -ErrorAction Stop | Should -BeExactly $y
        $loaded = ConvertTo-Bag (Import-ContainerProject -Path $script:File -ProjectName $script:P)
        $loaded.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Compose.ContainerProject'
        $loaded | ConvertTo-ContainerKubeYaml -Kind Deployment -WarningAction SilentlyContinue -ErrorAction Stop | Should -BeExactly $y
    }

    It 'writes ProjectNotFound for a deserialized project this host does not have' {
        $ghost = ConvertTo-Bag (Get-ContainerProject $script:P)
        $ghost.Name = "elsewhere$PID"
        $out = $ghost | ConvertTo-ContainerKubeYaml -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ProjectNotFound,*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].TargetObject | Should -Be "elsewhere$PID"
    }
}

Describe 'ConvertTo-ContainerKubeYaml on a deserialized pod' {
    BeforeAll {
        $script:PodName = "kpod$PID"
        $null = New-ContainerPod $script:PodName -Label @{ tier = 'back' }
        $null = New-Container -Image busybox-test:latest -Pod $script:PodName -Name "kpodweb$PID" -Command sleep, 300
        $script:PodYaml = Get-ContainerPod $script:PodName | ConvertTo-ContainerKubeYaml -WarningAction SilentlyContinue -ErrorAction Stop
    }

    AfterAll {
        Get-ContainerPod $script:PodName -ErrorAction SilentlyContinue | Remove-ContainerPod -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'converts the copy as the pod, found by its Id' {
        $script:PodYaml | Should -Match "(?m)^  name: $($script:PodName)$"
        $script:PodYaml | Should -Match "name: kpodweb$PID"
        $bag = ConvertTo-Bag (Get-ContainerPod $script:PodName)
        $bag.pstypenames[0] | Should -Be 'Deserialized.PsContainers.Core.Pods.ContainerPod'
        $bag | ConvertTo-ContainerKubeYaml -WarningAction SilentlyContinue -ErrorAction Stop | Should -BeExactly $script:PodYaml
    }

    It 'writes the other-host PodNotFound for a copy whose Id is not here, not the same-named pod' {
        $ghost = ConvertTo-Bag ([PsContainers.Core.Pods.ContainerPod]@{ Id = 'd' * 64; Name = $script:PodName })
        $out = $ghost | ConvertTo-ContainerKubeYaml -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PodNotFound,*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].Exception.Message | Should -Be "No pod with Id dddddddddddd ($($script:PodName)) exists here: it was removed, or the object came from another host."
    }
}

Describe 'Test-ContainerKube on a crafted bad manifest' {
    BeforeAll {
        $script:Bad = Join-Path $script:Root 'bad.yaml'
        Set-Content -Path $script:Bad -Value @'
apiVersion: v1
kind: Pod
metadata:
  name: Web_Pod
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 80
      name: http
    - containerPort: 99999
      name: http
    volumeMounts:
    - name: missing
      mountPath: /data
---
apiVersion: v1
kind: Deployment
metadata:
  name: web
'@
        $script:F = @(Test-ContainerKube -Path $script:Bad -ErrorAction Stop)
    }

    It 'finds each problem with its kind, name, path and line' {
        $got = $script:F | ForEach-Object { "$($_.Severity)|$($_.Kind)|$($_.Name)|$($_.Path)|$($_.Line)" }
        $got | Should -Contain 'Error|Pod|Web_Pod|metadata.name|4'
        $got | Should -Contain 'Error|Pod|Web_Pod|spec.containers[0].ports[1].containerPort|12'
        $got | Should -Contain 'Error|Pod|Web_Pod|spec.containers[0].ports[1].name|13'
        $got | Should -Contain 'Error|Pod|Web_Pod|spec.containers[0].volumeMounts[0].name|15'
        $got | Should -Contain 'Error|Deployment|web|apiVersion|18'
        $got | Should -Contain 'Error|Deployment|web|spec|18'
        $script:F | Should -HaveCount 6
        $script:F | ForEach-Object { $_.File | Should -Be $script:Bad }
    }

    It 'shows findings as a table: severity and file:line whole at 80 and 120 columns, the object, field path and message wrapped beside them' {
        $text = $script:F | Out-String -Width 200
        $text | Should -Match 'SEVERITY\s+LINE\s+MESSAGE'
        $text | Should -Match '(?m)^Error\s+bad\.yaml:12\s+Pod/Web_Pod spec\.containers\[0\]\.ports\[1\]\.containerPort: \S'
        $text | Should -Match '(?m)^Error\s+bad\.yaml:18\s+Deployment/web apiVersion: \S'
        foreach ($w in 80, 120) {
            $t = $script:F | Out-String -Width $w
            $lines = $t -split "`n" | ForEach-Object TrimEnd
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $w }
            $lines | Where-Object { $_ -match '^SEVERITY' } | Should -Match '^SEVERITY\s+LINE\s+MESSAGE$'
            foreach ($line in 4, 12, 13, 15, 18) {
                @($lines | Where-Object { $_ -match "^Error\s+bad\.yaml:$line\s+\S" }).Count | Should -BeGreaterOrEqual 1 -Because "line $line at $w columns"
            }
            # every finding reads in full (object, field path, message) once the wrapped pieces of the MESSAGE column are joined
            $joined = (($lines | ForEach-Object { if ($_.Length -gt 30) { $_.Substring(30) } }) -join '') -replace '\s', ''
            foreach ($f in $script:F) {
                $joined | Should -Match ([regex]::Escape(("$($f.Kind)/$($f.Name) $($f.Path): $($f.Message)" -replace '\s', '')))
            }
        }
    }

    It 'reports a missing file as KubeFileNotFound' {
        Test-ContainerKube -Path (Join-Path $script:Root 'nope.yaml') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'KubeFileNotFound,*'
    }
}

Describe 'ConvertTo-ContainerKubeYaml input errors' {
    It 'writes ContainerNotFound for a name that is no container and no project' {
        $out = ConvertTo-ContainerKubeYaml -InputObject "nothing$PID" -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
    }

    It 'writes ProjectNotFound for -Project without containers' {
        ConvertTo-ContainerKubeYaml -Project "nothing$PID" -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ProjectNotFound,*'
    }

    It 'writes KubeInputNotSupported for another object' {
        ConvertTo-ContainerKubeYaml -InputObject 42 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'KubeInputNotSupported,*'
        $e[0].Exception.Message | Should -Be 'A Int32 cannot be converted: give containers, pods, compose projects or names.'
    }

    It 'writes KubeInputNotSupported for a deserialized object of another kind' {
        ConvertTo-ContainerKubeYaml -InputObject ([pscustomobject]@{ Id = 'x'; Name = 'y' }) -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'KubeInputNotSupported,*'
        $e[0].Exception.Message | Should -Be 'A PSCustomObject cannot be converted: give containers, pods, compose projects or names.'
    }
}
