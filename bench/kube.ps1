<#
.SYNOPSIS
    Kubernetes YAML benchmark: ConvertTo-ContainerKubeYaml of a 20-service compose project (ports, named volumes, a
    bind, env_file, healthchecks, limits, capabilities, labels) loaded from a file this script writes, as Deployments
    with Services; median of N runs in one warm pwsh. Target: under 200 ms. Also the whole pipeline from the file
    (Import-ContainerProject | ConvertTo-ContainerKubeYaml) and Test-ContainerKube of the result.
.EXAMPLE
    dotnet pwsh bench/kube.ps1 -ModulePath out/PsContainers/PsContainers.psd1 -Runs 30
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsContainers/PsContainers.psd1'),
    [int] $Runs = 30,
    [int] $Services = 20
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Resolve-Path $ModulePath).Path

function Get-Median([double[]] $v) {
    $s = $v | Sort-Object
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}
function Measure-Ms([scriptblock] $Block, [int] $N, [int] $Warmup = 3) {
    for ($i = 0; $i -lt $Warmup; $i++) { $null = & $Block }
    $t = for ($i = 0; $i -lt $N; $i++) {
        $sw = [Diagnostics.Stopwatch]::StartNew(); $null = & $Block; $sw.Elapsed.TotalMilliseconds
    }
    [pscustomobject]@{ Median = [math]::Round((Get-Median $t), 1); Min = [math]::Round(($t | Measure-Object -Minimum).Minimum, 1); Max = [math]::Round(($t | Measure-Object -Maximum).Maximum, 1); Runs = $N }
}

$root = Join-Path ([IO.Path]::GetTempPath()) ('psc-bench-kube-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory $root
$env:PSCONTAINERS_ROOT = Join-Path $root 'store'
try {
    # ---- the project: $Services services, each with the settings the generator maps
    $dir = Join-Path $root 'project'
    $null = New-Item -ItemType Directory $dir, (Join-Path $dir 'conf')
    Set-Content -Path (Join-Path $dir 'common.env') -Value (1..10 | ForEach-Object { "SETTING_$_=value-$_" })
    $sb = [Text.StringBuilder]::new()
    $null = $sb.AppendLine('name: benchshop').AppendLine('services:')
    for ($i = 1; $i -le $Services; $i++) {
        $null = $sb.AppendLine(@"
  svc_$($i):
    image: registry.example.com/shop/svc$($i):1.$i
    command: ["serve", "--port", "80", "--name", "svc$i"]
    ports: ["$(18000 + $i):80", "$(19000 + $i):443"]
    expose: ["9$($i.ToString('000'))"]
    env_file: common.env
    environment:
      SERVICE_INDEX: "$i"
      DB_URL: postgres://db$($i):5432/shop
    volumes:
      - data$($i % 5):/var/lib/svc
      - ./conf:/etc/svc:ro
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O- http://localhost/health || exit 1"]
      interval: 10s
      timeout: 3s
      retries: 3
      start_period: 30s
    mem_limit: $((64 * $i))m
    cpus: 0.5
    cap_add: [NET_BIND_SERVICE]
    cap_drop: [MKNOD]
    restart: unless-stopped
    deploy:
      replicas: $(1 + $i % 3)
    labels:
      com.example.team: team-$($i % 4)
      com.example.Tier: Back End
"@)
    }
    $null = $sb.AppendLine('volumes:')
    for ($v = 0; $v -lt 5; $v++) { $null = $sb.AppendLine("  data$($v): {}") }
    $file = Join-Path $dir 'compose.yaml'
    Set-Content -Path $file -Value $sb.ToString()

    $project = Import-ContainerProject -Path $file
    $yaml = $project | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue
    $findings = @($yaml | Test-ContainerKube)
    if ($findings.Count -gt 0) { throw "the generated manifest has findings: $($findings | Out-String)" }
    $docs = ([regex]::Matches($yaml, '(?m)^kind: ')).Count
    Write-Host "project: $($project.Services.Count) services -> $docs objects, $($yaml.Length) characters of YAML"

    $results = [ordered]@{}
    $results['ConvertTo-ContainerKubeYaml (loaded project, -Kind Deployment -Service)'] =
        Measure-Ms { $project | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue } $Runs
    $results['Import-ContainerProject | ConvertTo-ContainerKubeYaml (from the file)'] =
        Measure-Ms { Import-ContainerProject -Path $file | ConvertTo-ContainerKubeYaml -Kind Deployment -Service -WarningAction SilentlyContinue } $Runs
    $results['Test-ContainerKube of the result'] = Measure-Ms { $yaml | Test-ContainerKube } $Runs
}
finally {
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Write-Host ''
Write-Host "Results (ms: median [min-max] of N runs in this warm pwsh; target for the conversion: < 200 ms)"
foreach ($k in $results.Keys) {
    $v = $results[$k]
    Write-Host ("{0,-76} {1,8} ms [{2}-{3}] n={4}" -f $k, $v.Median, $v.Min, $v.Max, $v.Runs)
}
$conv = $results['ConvertTo-ContainerKubeYaml (loaded project, -Kind Deployment -Service)'].Median
Write-Host ("target: {0}" -f $(if ($conv -lt 200) { "met ($conv ms < 200 ms)" } else { "MISSED ($conv ms >= 200 ms)" }))
