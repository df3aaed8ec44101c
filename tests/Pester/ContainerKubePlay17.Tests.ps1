# Issue 17's kube play defects, with real containers in a private store: a played ConfigMap/Secret volume comes back
# from ConvertTo-ContainerKubeYaml as configMap/secret volumes with their ConfigMap and Secret documents (never a
# hostPath into the engine's store) and generate → import → generate is byte-identical; a failing
# Import-ContainerKube -Replace (a hostPath that does not exist, one into the engine's kube files) leaves the old pod
# running; a kind this module does not know is skipped with a warning naming it; a
# Deployment of two replicas publishing a hostPort is refused up front (with -NoStart too) and makes nothing.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    $script:Dir = Join-Path $script:Root 'manifests'
    $null = New-Item -ItemType Directory $script:Dir
    function script:Write-Manifest([string] $Name, [string] $Yaml) {
        $path = Join-Path $script:Dir $Name
        Set-Content -LiteralPath $path -Value $Yaml -NoNewline
        $path
    }
}

AfterAll {
    Get-ContainerPod -ErrorAction SilentlyContinue | Remove-ContainerPod -Force -Confirm:$false -ErrorAction SilentlyContinue
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Remove-ContainerTestStore $script:Root
}

Describe 'Generate → import → generate with configMap and secret volumes (issue 17)' {
    It 'writes the volumes and their ConfigMap and Secret back, never a hostPath into the store, and is a fixed point' {
        $path = Write-Manifest kp17vol.yaml @"
apiVersion: v1
kind: ConfigMap
metadata:
  name: kp17site
data:
  index.html: "<h1>kp17</h1>"
  app.conf: "mode=fast"
---
apiVersion: v1
kind: Secret
metadata:
  name: kp17tls
stringData:
  tls.key: "Pl41n-K3y"
---
apiVersion: v1
kind: Pod
metadata:
  name: kp17vol
spec:
  containers:
  - name: web
    image: $($script:Img)
    command: [sleep, "600"]
    volumeMounts:
    - {name: html, mountPath: /www}
    - {name: certs, mountPath: /certs}
  volumes:
  - name: html
    configMap:
      name: kp17site
      items: [{key: index.html, path: sub/index.html}]
  - name: certs
    secret: {secretName: kp17tls, defaultMode: 0400}
"@
        $null = Import-ContainerKube $path -ErrorAction Stop
        Invoke-ContainerExec kp17vol-web -- cat /www/sub/index.html | Should -Be '<h1>kp17</h1>'
        Invoke-ContainerExec kp17vol-web -- cat /certs/tls.key | Should -Be 'Pl41n-K3y'
        $first = Get-ContainerPod kp17vol | ConvertTo-ContainerKubeYaml -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -BeNullOrEmpty
        $first | Should -Not -Match 'hostPath'
        $first | Should -Not -Match ([regex]::Escape($script:Root))
        $first | Should -Not -Match 'Pl41n-K3y'
        $first | Should -Not -Match 'io\.pscontainers'
        $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('Pl41n-K3y'))
        # keys are sorted: apiVersion, data, kind, metadata
        $first | Should -Match "(?m)^data:`n  tls.key: $([regex]::Escape($b64))`nkind: Secret`nmetadata:`n  name: kp17tls$"
        $first | Should -Match "(?m)^data:`n  index.html: ""<h1>kp17</h1>""`nkind: ConfigMap`nmetadata:`n  name: kp17site$"
        $first | Should -Match '- name: certs\n\s+secret:\n\s+defaultMode: 256\n\s+secretName: kp17tls'
        $first | Should -Match '- configMap:\n\s+items:\n\s+- key: index.html\n\s+path: sub/index.html\n\s+name: kp17site\n\s+name: html'
        @($first | Test-ContainerKube | Where-Object Severity -eq 'Error') | Should -HaveCount 0
        Remove-ContainerKube $path

        $gen = Write-Manifest kp17vol-generated.yaml $first
        $null = Import-ContainerKube $gen -ErrorAction Stop
        Invoke-ContainerExec kp17vol-web -- cat /www/sub/index.html | Should -Be '<h1>kp17</h1>'
        Invoke-ContainerExec kp17vol-web -- cat /certs/tls.key | Should -Be 'Pl41n-K3y'
        (Get-ContainerPod kp17vol | ConvertTo-ContainerKubeYaml) | Should -BeExactly $first
        Remove-ContainerKube $gen
        @(Get-Container -All).Count | Should -Be 0
    }
}

Describe 'A failing Import-ContainerKube -Replace leaves the old pods (issue 17)' {
    AfterEach {
        Get-ContainerPod 'kp17*' -ErrorAction SilentlyContinue | Remove-ContainerPod -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'checks host paths and the engine''s kube files before it removes anything' {
        $pod = @"
apiVersion: v1
kind: Pod
metadata:
  name: kp17rep
spec:
  containers:
  - name: app
    image: IMAGE
    command: [sleep, "600"]
    VOLUMEMOUNTS
  VOLUMES
"@
        function script:Pod17([string] $Image = $script:Img, [string] $HostPath) {
            $y = $pod -creplace 'IMAGE', $Image
            if ($HostPath) {
                $y = $y -creplace 'VOLUMEMOUNTS', "volumeMounts: [{name: h, mountPath: /h}]" -creplace 'VOLUMES', "volumes: [{name: h, hostPath: {path: $HostPath}}]"
            }
            else { $y = $y -creplace '(?m)^[ \t]+VOLUMEMOUNTS\r?\n', '' -creplace '(?m)^[ \t]+VOLUMES\r?\n?', '' }
            $y
        }
        $good = Write-Manifest kp17rep.yaml (Pod17)
        $null = Import-ContainerKube $good -ErrorAction Stop
        $old = Get-ContainerPod kp17rep
        $old.Status | Should -Be 'Running'

        $kubeFiles = Join-Path $script:Root 'kube/kp17rep/x'
        $cases = @(
            @{ File = 'kp17rep-missing.yaml'; Yaml = (Pod17 -HostPath (Join-Path $script:Root 'kp17-no-such-dir')); Id = '^KubeHostPathInvalid'; Text = 'needs an existing file or directory' }
            @{ File = 'kp17rep-store.yaml'; Yaml = (Pod17 -HostPath $kubeFiles); Id = '^KubeHostPathInvalid'; Text = "played pods' files" }
        )
        foreach ($case in $cases) {
            $bad = Write-Manifest $case.File $case.Yaml
            Import-ContainerKube $bad -Replace -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
            $err | Should -Not -BeNullOrEmpty -Because $case.File
            $err[0].FullyQualifiedErrorId | Should -Match $case.Id -Because $case.File
            "$($err[0])" | Should -Match ([regex]::Escape($case.Text)) -Because $case.File
            $still = Get-ContainerPod kp17rep -ErrorAction SilentlyContinue
            $still.Id | Should -Be $old.Id -Because "$($case.File) must leave the old pod"
            $still.Status | Should -Be 'Running' -Because $case.File
            (Get-Container kp17rep-app).Status | Should -Be 'Running' -Because $case.File
        }
        # a replace that can go through still replaces
        $null = Import-ContainerKube $good -Replace -ErrorAction Stop
        (Get-ContainerPod kp17rep).Id | Should -Not -Be $old.Id
        Remove-ContainerKube $good
    }
}

Describe 'Kinds, replicas and hostPorts (issue 17)' {
    It 'skips a PodDisruptionBudget and a custom resource with a warning naming each, and plays the Pod' {
        $path = Write-Manifest kp17kinds.yaml @"
apiVersion: v1
kind: Pod
metadata: {name: kp17kinds}
spec:
  containers: [{name: a, image: $($script:Img), command: [sleep, "600"]}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: kp17pdb}
spec: {minAvailable: 1, selector: {matchLabels: {app: x}}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: kp17cert}
spec: {secretName: tls, dnsNames: [example.com]}
"@
        @(Test-ContainerKube $path | Where-Object Severity -eq 'Error') | Should -HaveCount 0
        $made = @(Import-ContainerKube $path -NoStart -WarningVariable w -WarningAction SilentlyContinue -ErrorAction Stop)
        $made.Name | Should -Be 'kp17kinds'
        @($w | Where-Object { "$_" -match 'PodDisruptionBudget/kp17pdb is skipped' }) | Should -HaveCount 1
        @($w | Where-Object { "$_" -match 'Certificate/kp17cert is skipped' }) | Should -HaveCount 1
        Remove-ContainerKube $path
    }

    It 'refuses a Deployment of two replicas with a hostPort up front, with -NoStart too, and makes nothing' {
        $port = Get-FreeTcpPort
        $path = Write-Manifest kp17rep2.yaml @"
apiVersion: apps/v1
kind: Deployment
metadata: {name: kp17two}
spec:
  replicas: 2
  selector: {matchLabels: {app: kp17two}}
  template:
    metadata: {labels: {app: kp17two}}
    spec:
      containers:
      - {name: web, image: $($script:Img), command: [sleep, "600"], ports: [{containerPort: 80, hostPort: $port}]}
"@
        foreach ($noStart in $false, $true) {
            Import-ContainerKube $path -NoStart:$noStart -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -Match '^KubeInvalidManifest'
            "$($err[0])" | Should -Match "spec.replicas is 2, but its pods publish the host port $port/tcp"
            "$($err[0])" | Should -Match 'use replicas: 1 or drop the hostPort'
            @(Get-ContainerPod 'kp17two*' -ErrorAction SilentlyContinue) | Should -HaveCount 0
        }
    }
}

Describe 'The KubePlayResult views (issue 17)' {
    BeforeAll {
        $script:PlayResult = [PsContainers.Core.Kube.KubePlayResult]@{ Kind = 'Pod'; Name = 'web-frontend-production-pod-0'; Id = ('0123456789abcdef' * 4)
            Source = 'Deployment/web-frontend-production'; Status = 'Running'; Volumes = @('postgres-data-production')
            Containers = @('web-frontend-production-pod-0-httpd', 'web-frontend-production-pod-0-sidecar'); Ports = @('0.0.0.0:28080->80/tcp') }
        function script:Get-ColumnPieces([string] $Table, [string] $Header, [int] $Width) {
            $lines = $Table -split "`r?`n"
            $head = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match "\b$Header\b" })
            $at = $lines[$head].IndexOf($Header)
            $lines | Select-Object -Skip ($head + 2) | Where-Object { $_.Length -gt $at } |
                ForEach-Object { $_.Substring($at, [Math]::Min($Width, $_.Length - $at)).TrimEnd() } | Where-Object { $_ }
        }
    }

    It 'wraps CONTAINERS between name parts, never mid-word, at <Width> columns' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        $table = $script:PlayResult | Format-Table -View KubePlayResult | Out-String -Width $Width
        $pieces = @(Get-ColumnPieces $table 'CONTAINERS' 22)
        ($pieces -join '') | Should -Be ($script:PlayResult.Containers -join '')
        $done = ''
        foreach ($p in $pieces) {
            $done += $p
            $endsName = $script:PlayResult.Containers | Where-Object { $done.EndsWith($_) }
            if (-not $endsName) { $p | Should -Match '[-_.]$' -Because "'$p' ends a line inside a name" }
        }
    }

    It 'shows VOLUMES for results from another host' {
        $remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($script:PlayResult))
        $remote.PSObject.TypeNames[0] | Should -Be 'Deserialized.PsContainers.Core.Kube.KubePlayResult'
        $table = $remote | Out-String -Width 80
        $table | Should -Match '\bVOLUMES\b'
        ((Get-ColumnPieces $table 'VOLUMES' 10) -join '') | Should -Be 'postgres-data-production'
    }
}
