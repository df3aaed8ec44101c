# Kubernetes YAML in (podman kube play / kube down) with real containers: a Pod whose two containers talk on
# localhost and whose hostPort reaches a member from the host, a Deployment with 2 replicas, a Job that runs once and
# exits 0, a ConfigMap as env and as a read-only volume file, a Secret as env, a PVC whose volume survives
# Remove-ContainerKube and is reused, an exec livenessProbe reaching healthy and one failing, httpGet and tcpSocket
# probes made by pscmon from outside the container (healthy and unhealthy), -WhatIf changing nothing,
# -Replace, an unsupported kind warned about; Remove-ContainerKube leaves no pod, container, veth or iptables rule;
# and generate → import → generate is a fixed point for a pod with two containers, env, a port, a volume and a
# healthcheck. Play → generate keeps the manifest's container order, each hostPort on the container that declared it,
# and env from a Secret/ConfigMap as references (no secret in plain text); a finished Job's pod shows Exited;
# Import refuses what Test-ContainerKube calls an error; Remove-ContainerKube does not repeat the import's warnings.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-PsContainersCore
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    $script:Dir = Join-Path $script:Root 'manifests'
    $null = New-Item -ItemType Directory $script:Dir
    function script:Get-Page([int] $Port) { (& busybox wget -q -O - "http://127.0.0.1:$Port/" 2>$null) -join "" }
    function script:Write-Manifest([string] $Name, [string] $Yaml) {
        $path = Join-Path $script:Dir $Name
        Set-Content -LiteralPath $path -Value $Yaml -NoNewline
        $path
    }
    function script:Get-Health([string] $Name) { (Get-Container $Name).State.Health.Status }
}

AfterAll {
    Get-ContainerPod -ErrorAction SilentlyContinue | Remove-ContainerPod -Force -Confirm:$false -ErrorAction SilentlyContinue
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Remove-ContainerTestStore $script:Root
}

Describe 'Import-ContainerKube of a Pod, a ConfigMap, a Secret and a claim' {
    BeforeAll {
        $script:Port = Get-FreeTcpPort
        $script:App = Write-Manifest app.yaml @"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  MODE: fast
  index.html: from-configmap
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: s3cret
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: kpdata
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: kpweb
  labels:
    tier: front
spec:
  restartPolicy: Always
  volumes:
  - name: site
    configMap:
      name: settings
      items: [{key: index.html, path: index.html}]
  - name: data
    persistentVolumeClaim:
      claimName: kpdata
  containers:
  - name: httpd
    image: $($script:Img)
    command: [httpd, -f, -p, "80", -h, /www]
    ports:
    - containerPort: 80
      hostPort: $($script:Port)
    volumeMounts:
    - {name: site, mountPath: /www}
    - {name: data, mountPath: /data}
    livenessProbe:
      exec:
        command: [/bin/sh, -c, "test -f /www/index.html"]
      periodSeconds: 1
      failureThreshold: 2
  - name: client
    image: $($script:Img)
    command: [sh, -c, "echo kept > /data/mark; exec sleep 600"]
    env:
    - name: PASS
      valueFrom:
        secretKeyRef: {name: creds, key: password}
    - name: GREETING
      value: "mode `$(MODE) costs `$`$5"
    envFrom:
    - configMapRef: {name: settings}
    volumeMounts:
    - {name: data, mountPath: /data}
    livenessProbe:
      exec:
        command: [cat, /nonexistent]
      periodSeconds: 1
      failureThreshold: 1
"@
        $script:Out = @(Import-ContainerKube -Path $script:App -WarningVariable kw -WarningAction SilentlyContinue)
        $script:Warnings = @($kw | ForEach-Object Message)
        $script:Pod = Get-ContainerPod kpweb
        $script:Trace = Get-NetworkTrace $script:Root $script:Pod.InfraContainerId
        $null = Wait-ContainerCondition { (Get-Page $script:Port) -eq 'from-configmap' } -TimeoutSeconds 20
    }

    It 'outputs one result for the claim''s volume and one for the pod, running, with its containers, volumes and ports' {
        $script:Out | ForEach-Object { $_ | Should -BeOfType [PsContainers.Core.Kube.KubePlayResult] }
        $script:Out.Kind | Should -Be @('Volume', 'Pod')
        $vol = $script:Out[0]
        $vol.Name | Should -Be 'kpdata'
        $vol.Status | Should -Be 'Created'
        $vol.Source | Should -Be 'PersistentVolumeClaim/kpdata'
        $pod = $script:Out[1]
        $pod.Name | Should -Be 'kpweb'
        $pod.Id | Should -Be $script:Pod.Id
        $pod.Source | Should -Be 'Pod/kpweb'
        $pod.Status | Should -Be 'Running'
        $pod.Containers | Should -Be @('kpweb-httpd', 'kpweb-client')
        $pod.Volumes | Should -Be @('kpdata')
        $pod.Ports | Should -Be @("0.0.0.0:$($script:Port)->80/tcp")
        $script:Pod.Labels['tier'] | Should -Be 'front'
        (Get-Container -All | Where-Object Pod -eq $script:Pod.Id | Where-Object Name -notlike '*-infra').Name | Sort-Object |
            Should -Be @('kpweb-client', 'kpweb-httpd')
    }

    It 'warns about the unsupported Service by name' {
        $script:Warnings | Where-Object { $_ -match "kind 'Service'" -and $_ -match 'Service/web' } | Should -HaveCount 1
    }

    It 'publishes the hostPort on the pod and lets the containers talk on localhost' {
        Get-Page $script:Port | Should -Be 'from-configmap'
        Invoke-ContainerExec kpweb-client -- wget -q -O - http://127.0.0.1:80/ | Should -Be 'from-configmap'
    }

    It 'gives a ConfigMap and a Secret as env, with $(VAR) and $$ expanded as Kubernetes does' {
        $env = Invoke-ContainerExec kpweb-client -- env
        $env | Should -Contain 'PASS=s3cret'
        $env | Should -Contain 'MODE=fast'
        $env | Should -Contain 'GREETING=mode fast costs $5'
    }

    It 'mounts the ConfigMap file read-only' {
        Invoke-ContainerExec kpweb-httpd -- cat /www/index.html | Should -Be 'from-configmap'
        Invoke-ContainerExec kpweb-httpd -- sh -c '(echo x > /www/index.html) 2>/dev/null; echo rc=$?' | Should -Match 'rc=[1-9]'
        (Get-Container kpweb-httpd).Mounts | Where-Object Destination -eq '/www' | ForEach-Object ReadOnly | Should -BeTrue
    }

    It 'runs an exec livenessProbe to healthy, and a failing one to unhealthy' {
        Wait-ContainerCondition { (Get-Health kpweb-httpd) -eq 'Healthy' } -TimeoutSeconds 20 | Out-Null
        Get-Health kpweb-httpd | Should -Be 'Healthy'
        (Get-Container kpweb-httpd).Config.Healthcheck.Test | Should -Be @('CMD-SHELL', 'test -f /www/index.html')
        Wait-ContainerCondition { (Get-Health kpweb-client) -eq 'Unhealthy' } -TimeoutSeconds 20 | Out-Null
        Get-Health kpweb-client | Should -Be 'Unhealthy'
    }

    It 'refuses to play the file again while its pod exists, and -WhatIf changes nothing' {
        Import-ContainerKube $script:App -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^PodNameInUse'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '^Use -Replace '
        $err[0].Exception.Message | Should -Not -Match 'Replace'
        $before = @(Get-Container -All).Id | Sort-Object
        Import-ContainerKube $script:App -Replace -WhatIf -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-ContainerKube $script:App -Force -WhatIf
        @(Get-Container -All).Id | Sort-Object | Should -Be $before
        (Get-ContainerPod kpweb).Id | Should -Be $script:Pod.Id
        Get-ContainerVolume kpdata | Should -Not -BeNullOrEmpty
    }

    It 'Remove-ContainerKube leaves no pod, container, veth or iptables rule, and keeps the claim''s volume' {
        $netns = (Get-Content -Raw (Join-Path $script:Root "containers/$($script:Pod.InfraContainerId)/network.json") | ConvertFrom-Json).NetnsPath
        @($script:Trace.Veths).Count | Should -Be 1
        $script:Warnings | Should -Not -BeNullOrEmpty # the import warned about the file's unsupported kind
        Remove-ContainerKube -Path $script:App -WarningVariable rw
        $rw | Should -BeNullOrEmpty # kube down only deletes: the import's warnings are not repeated
        Get-ContainerPod kpweb -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All).Count | Should -Be 0
        Wait-NetworkCleanup $script:Root
        Get-NetworkLeftover $script:Trace $netns | Should -BeNullOrEmpty
        Get-Page $script:Port | Should -BeNullOrEmpty
        Test-Path (Join-Path $script:Root 'kube/kpweb') | Should -BeFalse
        Get-ContainerVolume kpdata | Should -Not -BeNullOrEmpty
    }

    It 'reuses the claim''s volume on the next play, and -Force takes it down too' {
        $vol = Get-ContainerVolume kpdata
        'kept' | Should -Be ((Get-Content -Raw (Join-Path $vol.Mountpoint 'mark')).Trim())
        $out = @(Import-ContainerKube $script:App -NoStart -WarningAction SilentlyContinue)
        ($out | Where-Object Name -eq kpdata).Status | Should -Be 'Existing'
        (Get-ContainerVolume kpdata).CreatedAt | Should -Be $vol.CreatedAt
        ($out | Where-Object Name -eq kpweb).Status | Should -Be 'Created'
        (Get-ContainerPod kpweb).Status | Should -Be 'Created'
        Remove-ContainerKube $script:App -Force -Confirm:$false
        Get-ContainerVolume kpdata -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerPod kpweb -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Import-ContainerKube of a Deployment and a Job' {
    It 'makes one pod per replica, named as podman names them, and -Replace recreates them' {
        $path = Write-Manifest deploy.yaml @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kpd
spec:
  replicas: 2
  selector:
    matchLabels: {app: kpd}
  template:
    metadata:
      labels: {app: kpd}
    spec:
      containers:
      - name: main
        image: $($script:Img)
        command: [sleep, "600"]
"@
        $pods = @(Import-ContainerKube $path)
        $pods.Name | Should -Be @('kpd-pod-0', 'kpd-pod-1')
        foreach ($p in $pods) {
            $p.Status | Should -Be 'Running'
            (Get-ContainerPod $p.Name).Labels['app'] | Should -Be 'kpd'
            (Get-Container "$($p.Name)-main").Status | Should -Be 'Running'
        }
        $again = @(Import-ContainerKube $path -Replace)
        $again.Name | Should -Be @('kpd-pod-0', 'kpd-pod-1')
        $again[0].Id | Should -Not -Be $pods[0].Id
        Get-ContainerPod -Id $pods[0].Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-ContainerKube $path
        Get-ContainerPod 'kpd-*' | Should -BeNullOrEmpty
        @(Get-Container -All).Count | Should -Be 0
    }

    It 'runs a Job''s container once, to exit code 0' {
        $path = Write-Manifest job.yaml @"
apiVersion: batch/v1
kind: Job
metadata:
  name: kpjob
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: run
        image: $($script:Img)
        command: [sh, -c, "echo job-done"]
"@
        $pod = Import-ContainerKube $path
        $pod.Name | Should -Be 'kpjob-pod'
        Wait-ContainerCondition { (Get-Container kpjob-pod-run -All).Status -eq 'Exited' } -TimeoutSeconds 20 | Out-Null
        $c = Get-Container kpjob-pod-run -All
        $c.Status | Should -Be 'Exited'
        $c.ExitCode | Should -Be 0
        $c.RestartCount | Should -Be 0
        $c.HostConfig.RestartPolicy.Name | Should -Be 'No'
        Get-ContainerLog kpjob-pod-run | Should -Be 'job-done'
        Remove-ContainerKube $path
        Get-ContainerPod kpjob-pod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'httpGet and tcpSocket probes run by pscmon in the pod''s network namespace' {
    BeforeAll {
        $script:Probes = Write-Manifest probes.yaml @"
apiVersion: v1
kind: Pod
metadata:
  name: kpprobe
spec:
  containers:
  - name: web
    image: $($script:Img)
    command: [sh, -c, "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports:
    - {containerPort: 8080, name: http}
    livenessProbe:
      httpGet: {path: /index.html, port: http}
      periodSeconds: 1
  - name: missing
    image: $($script:Img)
    command: [sleep, "600"]
    livenessProbe:
      httpGet: {path: /missing.html, port: 8080}
      periodSeconds: 1
      failureThreshold: 1
  - name: tcp
    image: $($script:Img)
    command: [sleep, "600"]
    livenessProbe:
      tcpSocket: {port: 8080}
      periodSeconds: 1
  - name: closed
    image: $($script:Img)
    command: [sleep, "600"]
    livenessProbe:
      tcpSocket: {port: 9}
      periodSeconds: 1
      failureThreshold: 1
"@
        $null = Import-ContainerKube $script:Probes
    }

    AfterAll { Remove-ContainerKube $script:Probes -ErrorAction SilentlyContinue }

    It 'an httpGet probe reaches Healthy against busybox httpd, with no curl in the image' {
        (Get-Container kpprobe-web).Config.Healthcheck.Test | Should -Be @('HTTP-GET', '8080', '/index.html')
        Wait-ContainerCondition { (Get-Health kpprobe-web) -eq 'Healthy' } -TimeoutSeconds 20 | Out-Null
        Get-Health kpprobe-web | Should -Be 'Healthy'
        $log = (Get-Container kpprobe-web).State.Health.Log | Select-Object -Last 1
        $log.ExitCode | Should -Be 0
        $log.Output | Should -Match 'GET http://127\.0\.0\.1:8080/index\.html: HTTP/1\.[01] 200'
        Invoke-ContainerExec kpprobe-web -- sh -c 'command -v curl || echo no-curl' | Should -Be 'no-curl'
    }

    It 'an httpGet probe answered 404 makes the container Unhealthy' {
        Wait-ContainerCondition { (Get-Health kpprobe-missing) -eq 'Unhealthy' } -TimeoutSeconds 20 | Out-Null
        Get-Health kpprobe-missing | Should -Be 'Unhealthy'
        ((Get-Container kpprobe-missing).State.Health.Log | Select-Object -Last 1).Output | Should -Match '404'
    }

    It 'a tcpSocket probe is Healthy on an open port and Unhealthy on a closed one' {
        Wait-ContainerCondition { (Get-Health kpprobe-tcp) -eq 'Healthy' -and (Get-Health kpprobe-closed) -eq 'Unhealthy' } -TimeoutSeconds 20 | Out-Null
        Get-Health kpprobe-tcp | Should -Be 'Healthy'
        Get-Health kpprobe-closed | Should -Be 'Unhealthy'
        ((Get-Container kpprobe-closed).State.Health.Log | Select-Object -Last 1).Output | Should -Match 'connection refused'
    }

    It 'generates the probes back as httpGet and tcpSocket' {
        $yaml = Get-ContainerPod kpprobe | ConvertTo-ContainerKubeYaml
        $yaml | Should -Match 'httpGet:\s+path: /index.html\s+port: 8080\s'
        $yaml | Should -Match 'httpGet:\s+path: /missing.html\s+port: 8080\s'
        $yaml | Should -Match 'tcpSocket:\s+port: 8080\s'
        $yaml | Should -Match 'tcpSocket:\s+port: 9\s'
        $yaml | Should -Not -Match 'exec:'
    }
}

Describe 'Generate → import → generate' {
    It 'is a fixed point for a pod with two containers, env, a port, a volume and a healthcheck' {
        $port = Get-FreeTcpPort
        $null = New-ContainerPod kpfix -Publish "$($port):80" -Label @{ tier = 'back' }
        $null = New-Container -Image $script:Img -Pod kpfix -Name web -Command httpd, -f, -p, 80 -Volume 'kpfixdata:/www' `
            -Environment @{ GREETING = 'hi $HOME' } -HealthCommand 'true' -HealthInterval 00:00:05 -HealthRetries 2 -Restart always
        $null = New-Container -Image $script:Img -Pod kpfix -Name side -Command sleep, 600 -Environment @{ A = '1' } -Restart always
        Start-ContainerPod kpfix | Out-Null
        $first = Get-ContainerPod kpfix | ConvertTo-ContainerKubeYaml
        $first | Should -Match 'name: side'
        $first | Should -Match "hostPort: $port"
        $first | Should -Match 'claimName: kpfixdata'
        $first | Should -Match 'livenessProbe'
        Get-ContainerPod kpfix | Remove-ContainerPod -Force
        $path = Write-Manifest fix.yaml $first
        $made = @(Import-ContainerKube $path)
        ($made | Where-Object Kind -eq 'Volume').Name | Should -Be 'kpfixdata'
        $pods = @($made | Where-Object Kind -eq 'Pod')
        $pods.Name | Should -Be 'kpfix'
        (Get-Container -All | Where-Object Pod -eq $pods[0].Id | Where-Object Name -notlike '*-infra').Name | Sort-Object |
            Should -Be @('kpfix-side', 'kpfix-web')
        $second = Get-ContainerPod kpfix | ConvertTo-ContainerKubeYaml
        $second | Should -BeExactly $first
        Remove-ContainerKube $path -Force
        @(Get-Container -All).Count | Should -Be 0
    }
}

Describe 'Play → generate keeps what the manifest said' {
    It 'keeps the manifest''s container order and writes the hostPort on the container that declared it, a fixed point' {
        $port = Get-FreeTcpPort
        $path = Write-Manifest order.yaml @"
apiVersion: v1
kind: Pod
metadata:
  name: kpord
spec:
  containers:
  - name: web
    image: $($script:Img)
    command: [sleep, "600"]
  - name: cli
    image: $($script:Img)
    command: [sh, -c, "mkdir -p /www && echo from-cli > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports:
    - {containerPort: 8080, hostPort: $port}
  - name: api
    image: $($script:Img)
    command: [sleep, "600"]
"@
        $null = Import-ContainerKube $path
        $null = Wait-ContainerCondition { (Get-Page $port) -eq 'from-cli' } -TimeoutSeconds 20
        Get-Page $port | Should -Be 'from-cli'
        $first = Get-ContainerPod kpord | ConvertTo-ContainerKubeYaml
        $names = [regex]::Matches($first, '(?m)^    name: (\w+)$') | ForEach-Object { $_.Groups[1].Value } # the containers' names, in document order
        $names | Should -Be @('web', 'cli', 'api')
        # the port block sits inside cli's container entry: after 'name: cli', before the next container
        $first | Should -Match "(?m)^    name: cli`n    ports:`n    - containerPort: 8080`n      hostPort: $port`n"
        ([regex]::Matches($first, 'hostPort:')).Count | Should -Be 1
        $first | Should -Not -Match 'io\.pscontainers'
        Remove-ContainerKube $path
        $again = Write-Manifest order2.yaml $first
        $null = Import-ContainerKube $again
        (Get-ContainerPod kpord | ConvertTo-ContainerKubeYaml) | Should -BeExactly $first
        Remove-ContainerKube $again
        @(Get-Container -All).Count | Should -Be 0
    }

    It 'writes env from a Secret key and a whole ConfigMap as valueFrom and envFrom to generated Secret and ConfigMap objects, never as plain values' {
        $path = Write-Manifest secretenv.yaml @"
apiVersion: v1
kind: Secret
metadata:
  name: kpcreds
stringData:
  password: Pl41n-S3cret
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kpsettings
data:
  MODE: fast-lane
---
apiVersion: v1
kind: Pod
metadata:
  name: kpsec
spec:
  containers:
  - name: app
    image: $($script:Img)
    command: [sleep, "600"]
    envFrom:
    - configMapRef: {name: kpsettings}
    env:
    - name: DB_PASSWORD
      valueFrom:
        secretKeyRef: {name: kpcreds, key: password}
    - name: PLAIN
      value: shown
"@
        $null = Import-ContainerKube $path
        $env1 = Invoke-ContainerExec kpsec-app -- env
        $env1 | Should -Contain 'DB_PASSWORD=Pl41n-S3cret'
        $env1 | Should -Contain 'MODE=fast-lane'
        $yaml = Get-ContainerPod kpsec | ConvertTo-ContainerKubeYaml
        $yaml | Should -Not -Match 'Pl41n-S3cret'
        $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('Pl41n-S3cret'))
        # keys are sorted: apiVersion, data, kind, metadata
        $yaml | Should -Match "(?m)^data:`n  password: $([regex]::Escape($b64))`nkind: Secret`nmetadata:`n  name: kpcreds$"
        # read whole (envFrom), the ConfigMap is written whole and labelled with the pod that reads it
        $yaml | Should -Match "(?m)^data:`n  MODE: fast-lane`nkind: ConfigMap`nmetadata:`n  labels:`n    app.kubernetes.io/name: kpsec`n  name: kpsettings$"
        $yaml | Should -Match '- name: DB_PASSWORD\n\s+valueFrom:\n\s+secretKeyRef:\n\s+key: password\n\s+name: kpcreds'
        $yaml | Should -Match '(?m)^\s+envFrom:\n\s+- configMapRef:\n\s+name: kpsettings$'
        $yaml | Should -Not -Match 'configMapKeyRef|name: MODE'
        $yaml | Should -Match '- name: PLAIN\n\s+value: shown'
        @($yaml | Test-ContainerKube -ErrorAction Stop) | Should -HaveCount 0
        Remove-ContainerKube $path

        $gen = Write-Manifest secretenv-generated.yaml $yaml
        $null = Import-ContainerKube $gen
        $env2 = Invoke-ContainerExec kpsec-app -- env
        $env2 | Should -Contain 'DB_PASSWORD=Pl41n-S3cret'
        $env2 | Should -Contain 'MODE=fast-lane'
        $env2 | Should -Contain 'PLAIN=shown'
        (Get-ContainerPod kpsec | ConvertTo-ContainerKubeYaml) | Should -BeExactly $yaml
        Remove-ContainerKube $gen
        @(Get-Container -All).Count | Should -Be 0
    }
}

Describe 'A played Job''s pod' {
    It 'shows Exited once its containers have all exited 0 (podman kube play''s exit policy stop), its infra container stopped' {
        $path = Write-Manifest jobstatus.yaml @"
apiVersion: batch/v1
kind: Job
metadata:
  name: kpjs
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: one
        image: $($script:Img)
        command: [sh, -c, "sleep 1; echo one"]
      - name: two
        image: $($script:Img)
        command: [sh, -c, "echo two"]
"@
        $pod = Get-ContainerPod (Import-ContainerKube $path).Name
        $pod.ExitPolicy | Should -Be 'Stop'
        Wait-ContainerCondition { @(Get-Container -All | Where-Object { $_.Name -in 'kpjs-pod-one', 'kpjs-pod-two' -and $_.Status -eq 'Exited' }).Count -eq 2 } -TimeoutSeconds 20 | Out-Null
        (Get-Container kpjs-pod-one -All).ExitCode | Should -Be 0
        (Get-Container kpjs-pod-two -All).ExitCode | Should -Be 0
        # the last member's monitor stops the infra container: no read of the pod is needed (reads change nothing)
        Wait-ContainerCondition { (Get-Container -All -Id $pod.InfraContainerId).Status -eq 'Exited' } -TimeoutSeconds 20 | Should -BeTrue
        $p = Get-ContainerPod kpjs-pod
        $p.Status | Should -Be 'Exited'
        (Get-Container -All -Id $p.InfraContainerId).Status | Should -Be 'Exited'
        Remove-ContainerKube $path
        Get-ContainerPod kpjs-pod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'leaves a New-ContainerPod pod running on its infra container after its last member exited (exit policy Continue: Degraded)' {
        $pod = New-ContainerPod kpcont
        $pod.ExitPolicy | Should -Be 'Continue'
        $null = New-Container -Image $script:Img -Pod kpcont -Name kpcont-once -Command sh, -c, 'echo once'
        Start-ContainerPod kpcont | Out-Null
        Wait-ContainerCondition { (Get-Container kpcont-once -All).Status -eq 'Exited' } -TimeoutSeconds 20 | Out-Null
        (Get-ContainerPod kpcont).Status | Should -Be 'Degraded'
        (Get-Container -Id $pod.InfraContainerId).Status | Should -Be 'Running'
        Remove-ContainerPod kpcont -Force -Confirm:$false
    }
}

Describe 'hostPath and emptyDir volumes' {
    It 'creates a DirectoryOrCreate host path and binds it, shares an emptyDir between containers, and refuses a missing File' {
        $hostDir = Join-Path $script:Root 'hostpath/made'
        $path = Write-Manifest hostpath.yaml @"
apiVersion: v1
kind: Pod
metadata:
  name: kphost
spec:
  volumes:
  - name: h
    hostPath: {path: $hostDir, type: DirectoryOrCreate}
  - name: scratch
    emptyDir: {}
  containers:
  - name: writer
    image: $($script:Img)
    command: [sh, -c, "echo from-container > /h/out && echo shared > /s/x && exec sleep 600"]
    volumeMounts:
    - {name: h, mountPath: /h}
    - {name: scratch, mountPath: /s}
  - name: reader
    image: $($script:Img)
    command: [sleep, "600"]
    volumeMounts:
    - {name: scratch, mountPath: /s}
"@
        $pod = Import-ContainerKube $path
        Test-Path -PathType Container $hostDir | Should -BeTrue
        Wait-ContainerCondition { Test-Path (Join-Path $hostDir 'out') } -TimeoutSeconds 15 | Out-Null
        (Get-Content (Join-Path $hostDir 'out')) | Should -Be 'from-container'
        Wait-ContainerCondition { (Invoke-ContainerExec kphost-reader -- cat /s/x) -eq 'shared' } -TimeoutSeconds 15 | Out-Null
        Invoke-ContainerExec kphost-reader -- cat /s/x | Should -Be 'shared'
        $scratch = ((Get-Container kphost-reader).Mounts | Where-Object Destination -eq '/s').Name
        Get-ContainerVolume $scratch | Should -Not -BeNullOrEmpty
        Remove-ContainerKube $path
        Get-ContainerVolume $scratch -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Test-Path (Join-Path $hostDir 'out') | Should -BeTrue # the host path is the host's

        $missing = Write-Manifest hostfile.yaml @"
apiVersion: v1
kind: Pod
metadata:
  name: kphostfile
spec:
  volumes:
  - name: f
    hostPath: {path: $(Join-Path $script:Root 'hostpath/absent.conf'), type: File}
  containers:
  - name: c
    image: $($script:Img)
    volumeMounts: [{name: f, mountPath: /etc/app.conf}]
"@
        Import-ContainerKube $missing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^KubeHostPathInvalid'
        Get-ContainerPod kphostfile -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All).Count | Should -Be 0
    }
}

# issue 17: generate → import → generate is byte-identical for a Pod and a Deployment with a Service, a claim, env,
# ports, probes and limits, from a single container, a pod and a compose project; -Replace twice in a row works with
# the ports published; a port held by a played pod names the pod, not its infra container
Describe 'Generate → import → generate for Pods and Deployments (issue 17)' {
    BeforeAll {
        function script:Wait-Page([int] $Port, [string] $Text) {
            $null = Wait-ContainerCondition { (Get-Page $Port) -eq $Text } -TimeoutSeconds 30
            Get-Page $Port
        }
        function script:Assert-Replay([string] $Path, [string[]] $PodNames, [int] $Port, [string] $Text) {
            # -Replace twice in a row: the old pods go before the new ones publish the same host port
            foreach ($i in 1, 2) {
                $r = @(Import-ContainerKube $Path -Replace -ErrorAction Stop -WarningAction SilentlyContinue)
                @($r | Where-Object Kind -eq 'Pod').Name | Should -Be $PodNames -Because "-Replace $i"
                @($r | Where-Object Kind -eq 'Pod').Status | Sort-Object -Unique | Should -Be 'Running' -Because "-Replace $i"
                @($r | Where-Object Kind -eq 'Pod').Ports -join ' ' | Should -Match ([regex]::Escape(":$Port->80/tcp")) -Because "-Replace $i"
                Wait-Page $Port $Text | Should -Be $Text -Because "-Replace $i publishes the port"
            }
        }
    }

    AfterEach {
        Get-ContainerPod 'kr17*' -ErrorAction SilentlyContinue | Remove-ContainerPod -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'is a fixed point for a single container as a Pod and as a Deployment, with a Service, a claim, env, a port, probes and limits' {
        $port = Get-FreeTcpPort
        $null = New-Container -Image $script:Img -Name kr17web -Publish "$($port):80" -Volume 'kr17data:/data' `
            -Environment @{ GREETING = 'hi $HOME' } -Memory 64MB -Cpus 0.5 -Restart always `
            -HealthCommand 'true' -HealthInterval 00:00:05 -HealthRetries 2 -HealthStartPeriod 00:00:10 `
            -Command sh, -c, 'mkdir -p /w && echo kr17web > /w/index.html && exec httpd -f -p 80 -h /w'
        $pod = Get-Container kr17web | ConvertTo-ContainerKubeYaml -Service -WarningAction SilentlyContinue
        $deploy = Get-Container kr17web | ConvertTo-ContainerKubeYaml -Service -Kind Deployment -WarningAction SilentlyContinue
        foreach ($y in $pod, $deploy) {
            foreach ($part in 'kind: Service', 'claimName: kr17data', 'name: GREETING', "hostPort: $port", 'livenessProbe:', 'startupProbe:', 'memory: "64Mi"', 'cpu: "500m"') {
                $y | Should -Match ([regex]::Escape($part))
            }
        }
        Remove-Container kr17web -Force -Confirm:$false

        $podFile = Write-Manifest kr17-pod.yaml $pod
        (Import-ContainerKube $podFile -WarningAction SilentlyContinue).Name | Should -Be @('kr17data', 'kr17web')
        Wait-Page $port 'kr17web' | Should -Be 'kr17web'
        Get-ContainerPod kr17web | ConvertTo-ContainerKubeYaml -Service -WarningAction SilentlyContinue | Should -BeExactly $pod
        # the port is held by the pod: a second play of it names the pod, never its infra container
        $deployFile = Write-Manifest kr17-deploy.yaml $deploy
        Import-ContainerKube $deployFile -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Match '^PortInUse'
        $err[0].Exception.Message | Should -Match "in use by pod 'kr17web'"
        $err[0].Exception.Message | Should -Not -Match 'infra'
        Get-ContainerPod kr17web-pod-0 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-ContainerKube $podFile

        $made = @(Import-ContainerKube $deployFile -WarningAction SilentlyContinue)
        ($made | Where-Object Kind -eq 'Pod').Name | Should -Be 'kr17web-pod-0'
        (Get-ContainerPod kr17web-pod-0).Labels['io.pscontainers.kube.deployment'] | Should -Be 'kr17web'
        Wait-Page $port 'kr17web' | Should -Be 'kr17web'
        $again = Get-ContainerPod kr17web-pod-0 | ConvertTo-ContainerKubeYaml -Service -Kind Deployment -WarningAction SilentlyContinue
        $again | Should -Not -Match 'pod-0'
        $again | Should -Not -Match 'io\.pscontainers'
        $again | Should -BeExactly $deploy
        Assert-Replay $deployFile @('kr17web-pod-0') $port 'kr17web'
        Get-ContainerPod | ConvertTo-ContainerKubeYaml -Service -Kind Deployment -WarningAction SilentlyContinue | Should -BeExactly $deploy
        Remove-ContainerKube $deployFile -Force
        @(Get-Container -All).Count | Should -Be 0
    }

    It 'is a fixed point for a pod of two containers as a Deployment, and converts a pod''s container (or its infra container) as its pod' {
        $port = Get-FreeTcpPort
        $null = New-ContainerPod kr17pod -Publish "$($port):80" -Label @{ tier = 'back' }
        $null = New-Container -Image $script:Img -Pod kr17pod -Name kr17pod-web -Environment @{ A = '1' } -Memory 32MB `
            -HealthCommand 'true' -HealthInterval 00:00:05 -Command sh, -c, 'mkdir -p /w && echo kr17pod > /w/index.html && exec httpd -f -p 80 -h /w'
        $null = New-Container -Image $script:Img -Pod kr17pod -Name kr17pod-side -Volume 'kr17poddata:/data' -Command sleep, 600
        $null = Start-ContainerPod kr17pod
        $p = Get-ContainerPod kr17pod
        $deploy = Get-ContainerPod kr17pod | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue
        $deploy | Should -Match '(?m)^  name: kr17pod$'
        $deploy | Should -Match '(?m)^        name: web$'
        $deploy | Should -Match '(?m)^        name: side$'
        # a member, or the infra container, given as a container is its pod: no image path, no infra container
        Get-Container kr17pod-web | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningVariable w -WarningAction SilentlyContinue |
            Should -BeExactly $deploy
        @($w | Where-Object Message -eq "'kr17pod-web' is a container of pod 'kr17pod'; the pod is converted (a Kubernetes Pod holds all of its containers).") |
            Should -HaveCount 1
        $infra = Get-Container -All -Id $p.InfraContainerId
        $fromInfra = $infra | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue
        $fromInfra | Should -BeExactly $deploy
        $fromInfra | Should -Not -Match 'infra'
        Remove-ContainerPod kr17pod -Force -Confirm:$false

        $path = Write-Manifest kr17-poddeploy.yaml $deploy
        $null = Import-ContainerKube $path -WarningAction SilentlyContinue
        Wait-Page $port 'kr17pod' | Should -Be 'kr17pod'
        (Get-Container kr17pod-pod-0-web).Name | Should -Be 'kr17pod-pod-0-web'
        Get-ContainerPod 'kr17pod-pod-*' | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue | Should -BeExactly $deploy
        Assert-Replay $path @('kr17pod-pod-0') $port 'kr17pod'
        Get-ContainerPod 'kr17pod-pod-*' | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue | Should -BeExactly $deploy
        Remove-ContainerKube $path -Force
        @(Get-Container -All).Count | Should -Be 0
    }

    It 'is a fixed point for a compose project as Deployments (replicas and the part-of label kept) and as Pods' {
        $port = Get-FreeTcpPort
        $dir = Join-Path $script:Dir 'kr17app'
        $null = New-Item -ItemType Directory $dir -Force
        $compose = Join-Path $dir 'compose.yaml'
        Set-Content $compose @"
services:
  web:
    image: $($script:Img)
    command: ["sh", "-c", "mkdir -p /w && echo kr17app > /w/index.html && exec httpd -f -p 80 -h /w"]
    ports: ["$($port):80"]
    environment:
      MODE: fast
    mem_limit: 64m
    cpus: 0.5
    volumes: ["data:/data"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 5s
  worker:
    image: $($script:Img)
    command: ["sleep", "600"]
    scale: 2
volumes:
  data: {}
"@
        Start-ContainerProject -Path $compose -ProjectName kr17app | Out-Null
        $null = Wait-ContainerCondition { @(Get-Container -Project kr17app | Where-Object Status -eq 'Running').Count -eq 3 } -TimeoutSeconds 30
        $deploy = ConvertTo-ContainerKubeYaml -Project kr17app -Kind Deployment -Service -WarningAction SilentlyContinue
        $pods = ConvertTo-ContainerKubeYaml -Project kr17app -Service -WarningAction SilentlyContinue
        $deploy | Should -Match '(?m)^  name: worker\nspec:\n  replicas: 2$'
        $deploy | Should -Match 'app.kubernetes.io/part-of: kr17app'
        Remove-ContainerProject kr17app -Timeout 0 -Confirm:$false

        $path = Write-Manifest kr17-app.yaml $deploy
        (Import-ContainerKube $path -WarningAction SilentlyContinue | Where-Object Kind -eq 'Pod').Name | Should -Be @('web-pod-0', 'worker-pod-0', 'worker-pod-1')
        Wait-Page $port 'kr17app' | Should -Be 'kr17app'
        $again = Get-ContainerPod | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue
        $again | Should -Match 'app.kubernetes.io/part-of: kr17app'
        $again | Should -BeExactly $deploy
        Assert-Replay $path @('web-pod-0', 'worker-pod-0', 'worker-pod-1') $port 'kr17app'
        Remove-ContainerKube $path

        $path = Write-Manifest kr17-apppods.yaml $pods
        (Import-ContainerKube $path -WarningAction SilentlyContinue | Where-Object Kind -eq 'Pod').Name | Should -Be @('web', 'worker')
        Get-ContainerPod | ConvertTo-ContainerKubeYaml -Service -WarningAction SilentlyContinue | Should -BeExactly $pods
        Remove-ContainerKube $path -Force
        @(Get-Container -All).Count | Should -Be 0
    }

    It 'is a fixed point for a compose project with env files (a ConfigMap each, read with envFrom) and ports without a host port, with a Service' {
        $dir = Join-Path $script:Dir 'kr17env'
        $null = New-Item -ItemType Directory $dir -Force
        Set-Content (Join-Path $dir 'common.env') "LOG=info`nSHARED=from-common`n"
        Set-Content (Join-Path $dir 'web.env') "SHARED=from-web`nGREETING='hello `$HOME'`n"
        $compose = Join-Path $dir 'compose.yaml'
        Set-Content $compose @"
services:
  kr17env:
    image: $($script:Img)
    command: ["sleep", "600"]
    env_file: [common.env, web.env]
    environment:
      PLAIN: visible
    expose: ["9000"]
    ports: ["80"]
"@
        $yaml = Import-ContainerProject -Path $compose -ProjectName kr17env | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue
        # kompose's mapping: a ConfigMap per env file, read whole with envFrom; only environment stays in env
        $yaml | Should -Match '(?m)^data:\n  LOG: info\nkind: ConfigMap\nmetadata:\n  labels:\n    app.kubernetes.io/name: kr17env\n  name: kr17env-common-env$'
        $yaml | Should -Match '(?m)^data:\n  GREETING: "hello \$HOME"\n  SHARED: from-web\nkind: ConfigMap\nmetadata:\n  labels:\n    app.kubernetes.io/name: kr17env\n  name: kr17env-web-env$'
        $yaml | Should -Match '(?m)^\s+envFrom:\n\s+- configMapRef:\n\s+name: kr17env-common-env\n\s+- configMapRef:\n\s+name: kr17env-web-env\n'
        $yaml | Should -Match '(?m)^\s+env:\n\s+- name: PLAIN\n\s+value: visible\n\s+envFrom:'
        # compose expose and a port published on a free host port: a containerPort without hostPort each
        $yaml | Should -Match '(?m)^\s+- containerPort: 80\n\s+name: tcp-80\n\s+protocol: TCP\n\s+- containerPort: 9000\n\s+name: tcp-9000\n\s+protocol: TCP\n'
        $yaml | Should -Not -Match 'hostPort'
        # the Service lists the port published on a free host port, not the exposed one
        $yaml | Should -Match '(?m)^kind: Service\n(.*\n)*spec:\n  ports:\n  - name: tcp-80\n    port: 80\n    protocol: TCP\n    targetPort: 80\n  selector:'

        $path = Write-Manifest kr17-env.yaml $yaml
        $pod = @(Import-ContainerKube $path -WarningAction SilentlyContinue | Where-Object Kind -eq 'Pod')
        $pod.Name | Should -Be 'kr17env-pod-0'
        $pod.Ports | Should -BeNullOrEmpty -Because 'Kubernetes publishes no bare containerPort'
        $null = Wait-ContainerCondition { (Get-Container kr17env-pod-0-kr17env).Status -eq 'Running' } -TimeoutSeconds 30
        $env = @(Invoke-ContainerExec kr17env-pod-0-kr17env -- env)
        foreach ($line in 'LOG=info', 'SHARED=from-web', 'GREETING=hello $HOME', 'PLAIN=visible') { $env | Should -Contain $line }
        # the Service is not played, but which bare port it targeted is recorded: generated with -Service, the same text
        $again = Get-ContainerPod | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue
        $again | Should -BeExactly $yaml
        Remove-ContainerKube $path -Force
        @(Get-Container -All).Count | Should -Be 0
    }
}

Describe 'Import-ContainerKube errors' {
    It 'refuses what Test-ContainerKube calls an error (an unquoted YAML boolean as a command word), with the same finding at its file:line, and makes nothing' {
        $bool = Write-Manifest boolcmd.yaml "apiVersion: v1`nkind: Pod`nmetadata: {name: kpbool}`nspec:`n  containers:`n  - name: c`n    image: $($script:Img)`n    livenessProbe:`n      exec: {command: [true]}`n"
        $finding = @(Test-ContainerKube -Path $bool | Where-Object Severity -eq 'Error')
        $finding | Should -HaveCount 1
        $finding[0].Line | Should -Be 9
        Import-ContainerKube $bool -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^KubeInvalidManifest'
        $err[0].Exception.Message | Should -Match "$([regex]::Escape("$($bool):9: ")).*$([regex]::Escape($finding[0].Message))"
        # the engine states the fact; the cmdlet layer names the cmdlet that lists the findings
        $err[0].Exception.Message | Should -Not -Match 'Test-ContainerKube'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Test-ContainerKube -Path'
        Get-ContainerPod kpbool -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-Container -All).Count | Should -Be 0
    }

    It 'names a missing file and a malformed manifest, and makes nothing' {
        Import-ContainerKube (Join-Path $script:Dir 'nope.yaml') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^KubeFileNotFound'
        $bad = Write-Manifest bad.yaml "apiVersion: v1`nkind: Pod`nmetadata: {name: kpbad}`nspec: {containers: [{name: c}]}`n"
        Import-ContainerKube $bad -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Match '^KubeInvalidManifest'
        Get-ContainerPod kpbad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
