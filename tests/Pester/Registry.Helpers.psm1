# Helpers for the registry suite: a real CNCF distribution registry (Debian's docker-registry) on a free
# 127.0.0.1 port in a temp directory, a test CA made with openssl, and the fixture servers of
# Registry.Fixture.ps1 (token issuer, fault-injecting proxy). Every process started is recorded and
# stopped by Stop-TestRegistryProcesses.

Set-StrictMode -Version 3.0
$script:Started = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

function Get-FreeTcpPort {
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start()
    try { $l.LocalEndpoint.Port } finally { $l.Stop() }
}

function Get-TestPwshPath {
    $p = (Get-Process -Id $PID).Path
    if ($p -and (Split-Path $p -Leaf) -like 'pwsh*') { return $p }
    'pwsh'
}

function Wait-TcpPort([int] $Port, [int] $TimeoutSeconds = 20, [System.Diagnostics.Process] $Process, [string] $Address = '127.0.0.1') {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Process -and $Process.HasExited) { throw "The process $($Process.Id) exited with code $($Process.ExitCode) before listening on $Port." }
        $c = [System.Net.Sockets.TcpClient]::new()
        try { $c.Connect($Address, $Port); return } catch { Start-Sleep -Milliseconds 50 } finally { $c.Dispose() }
    }
    throw "Nothing listens on 127.0.0.1:$Port after $TimeoutSeconds s."
}

function Invoke-Openssl {
    $out = & openssl @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "openssl $($args -join ' ') failed: $out" }
}

function New-TestCertificateAuthority {
    <# A CA and a server certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1) signed by it. #>
    param([Parameter(Mandatory)] [string] $Dir)
    New-Item -ItemType Directory -Force -Path $Dir | Out-Null
    $ca = Join-Path $Dir 'ca.crt'; $caKey = Join-Path $Dir 'ca.key'
    $crt = Join-Path $Dir 'server.crt'; $key = Join-Path $Dir 'server.key'; $csr = Join-Path $Dir 'server.csr'
    $ext = Join-Path $Dir 'server.ext'
    Invoke-Openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $caKey -out $ca -days 2 -subj '/CN=PsContainers test CA'
    Invoke-Openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $key -out $csr -subj '/CN=127.0.0.1'
    Set-Content -Path $ext -Value "subjectAltName=IP:127.0.0.1`nbasicConstraints=CA:FALSE`nkeyUsage=digitalSignature,keyEncipherment`nextendedKeyUsage=serverAuth"
    Invoke-Openssl x509 -req -in $csr -CA $ca -CAkey $caKey -CAcreateserial -out $crt -days 2 -extfile $ext
    [pscustomobject]@{ CaFile = $ca; CertFile = $crt; KeyFile = $key }
}

function New-TestTokenSigningKey {
    <# An RSA key and self-signed certificate: the token issuer signs with the key, the registry trusts the certificate. #>
    param([Parameter(Mandatory)] [string] $Dir)
    New-Item -ItemType Directory -Force -Path $Dir | Out-Null
    $key = Join-Path $Dir 'token.key'; $crt = Join-Path $Dir 'token.crt'
    Invoke-Openssl req -x509 -newkey rsa:2048 -nodes -keyout $key -out $crt -days 2 -subj '/CN=PsContainers test token issuer'
    [pscustomobject]@{ KeyFile = $key; CertFile = $crt }
}

function Start-TestRegistry {
    <#
    Starts docker-registry on a free port. -Tls: certificate files (from New-TestCertificateAuthority);
    -Htpasswd: htpasswd file (needs -Tls); -Token: @{ Realm; Service; Issuer; RootCertBundle }.
    Returns @{ Process; Port; Host ('127.0.0.1:PORT'); Dir; Url }.
    #>
    param(
        [Parameter(Mandatory)] [string] $Dir,
        [object] $Tls,
        [string] $Htpasswd,
        [hashtable] $Token,
        # answer uploads with relative Location headers (http.relativeurls)
        [switch] $RelativeUrls,
        # listen on this address instead of 127.0.0.1
        [string] $Address = '127.0.0.1'
    )
    New-Item -ItemType Directory -Force -Path (Join-Path $Dir 'data') | Out-Null
    $port = Get-FreeTcpPort
    $cfg = @(
        'version: 0.1'
        'log:'
        '  level: warn'
        '  accesslog:'
        '    disabled: true'
        'storage:'
        '  filesystem:'
        "    rootdirectory: $(Join-Path $Dir 'data')"
        '  delete:'
        '    enabled: true'
        'http:'
        "  addr: ${Address}:$port"
        "  secret: psc-test-$port"
    )
    if ($RelativeUrls) { $cfg += '  relativeurls: true' }
    if ($Tls) { $cfg += '  tls:', "    certificate: $($Tls.CertFile)", "    key: $($Tls.KeyFile)" }
    if ($Htpasswd) { $cfg += 'auth:', '  htpasswd:', '    realm: psc-test', "    path: $Htpasswd" }
    if ($Token) {
        $cfg += 'auth:', '  token:', "    realm: $($Token.Realm)", "    service: $($Token.Service)",
            "    issuer: $($Token.Issuer)", "    rootcertbundle: $($Token.RootCertBundle)"
    }
    $cfgFile = Join-Path $Dir 'config.yml'
    Set-Content -Path $cfgFile -Value $cfg
    # the registry reads REGISTRY_* variables as configuration (REGISTRY_AUTH_FILE would become auth.file): drop them
    $envArgs = @(Get-ChildItem env: | Where-Object Name -like 'REGISTRY_*' | ForEach-Object { '-u', $_.Name })
    $p = Start-Process -FilePath /usr/bin/env -ArgumentList ($envArgs + @('docker-registry', 'serve', $cfgFile)) -PassThru `
        -RedirectStandardOutput (Join-Path $Dir 'registry.out') -RedirectStandardError (Join-Path $Dir 'registry.err')
    $script:Started.Add($p)
    Wait-TcpPort -Port $port -Process $p -Address $Address
    $scheme = if ($Tls) { 'https' } else { 'http' }
    [pscustomobject]@{ Process = $p; Port = $port; Host = "${Address}:$port"; Dir = $Dir; Url = "${scheme}://${Address}:$port" }
}

function Start-TestRegistryFixture {
    <# Starts Registry.Fixture.ps1 in its own pwsh: -Mode Token|Proxy with the fixture's parameters. #>
    param(
        [Parameter(Mandatory)] [ValidateSet('Token', 'Proxy')] [string] $Mode,
        [Parameter(Mandatory)] [string] $Dir,
        [hashtable] $Parameters = @{}
    )
    New-Item -ItemType Directory -Force -Path $Dir | Out-Null
    $port = Get-FreeTcpPort
    $ready = Join-Path $Dir "fixture-$Mode-$port.ready"
    $argList = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Registry.Fixture.ps1'), '-Mode', $Mode, '-Port', $port, '-ReadyFile', $ready)
    foreach ($k in $Parameters.Keys) { $argList += "-$k", $Parameters[$k] }
    $p = Start-Process -FilePath (Get-TestPwshPath) -ArgumentList $argList -PassThru `
        -RedirectStandardOutput (Join-Path $Dir "fixture-$Mode.out") -RedirectStandardError (Join-Path $Dir "fixture-$Mode.err")
    $script:Started.Add($p)
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path $ready)) {
        if ($p.HasExited) { throw "The $Mode fixture exited: $(Get-Content -Raw (Join-Path $Dir "fixture-$Mode.err") -ErrorAction SilentlyContinue)" }
        if ([DateTime]::UtcNow -gt $deadline) { throw "The $Mode fixture did not start." }
        Start-Sleep -Milliseconds 50
    }
    [pscustomobject]@{ Process = $p; Port = $port; Host = "127.0.0.1:$port"; Url = "http://127.0.0.1:$port" }
}

function Set-TestProxyFault {
    param([Parameter(Mandatory)] $Proxy, [Parameter(Mandatory)] [ValidateSet('corrupt', 'cut', '429', 'slow', 'stall')] [string] $Kind,
        [Parameter(Mandatory)] [string] $Match, [int] $Count = 1)
    $null = Invoke-RestMethod -Method Post -Uri "$($Proxy.Url)/__fault?kind=$Kind&match=$([uri]::EscapeDataString($Match))&count=$Count"
}

function Get-TestProxyLog([Parameter(Mandatory)] $Proxy) {
    $entries = Invoke-RestMethod -Uri "$($Proxy.Url)/__log"
    foreach ($e in $entries) { $e }
}
function Reset-TestProxy([Parameter(Mandatory)] $Proxy) { $null = Invoke-RestMethod -Method Post -Uri "$($Proxy.Url)/__reset" }

function Stop-TestRegistryProcesses {
    <# Stops every registry and fixture process this module started (by process id). #>
    foreach ($p in $script:Started) {
        try { if (-not $p.HasExited) { $p.Kill($true); $null = $p.WaitForExit(5000) } } catch { }
    }
    $script:Started.Clear()
}

function New-TestRandomLayerImage {
    <#
    A docker-archive with -LayerCount layers of -LayerMegabytes random data each (on top of the busybox
    test layers' first layer so it runs), for benchmarks and chunked-upload tests.
    #>
    param([Parameter(Mandatory)] [string] $Path, [string] $Name = 'random:latest', [int] $LayerCount = 3, [double] $LayerMegabytes = 20)
    $work = Join-Path ([IO.Path]::GetTempPath()) ('psc-rnd-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
        $layers = @(); $diffIds = @()
        for ($i = 0; $i -lt $LayerCount; $i++) {
            $data = [byte[]]::new([int]($LayerMegabytes * 1MB))
            [System.Security.Cryptography.RandomNumberGenerator]::Fill($data)
            $ms = [IO.MemoryStream]::new()
            $w = [System.Formats.Tar.TarWriter]::new($ms, [System.Formats.Tar.TarEntryFormat]::Pax, $true)
            $e = [System.Formats.Tar.PaxTarEntry]::new([System.Formats.Tar.TarEntryType]::RegularFile, "data/layer$i.bin")
            $e.DataStream = [IO.MemoryStream]::new($data)
            $e.Mode = [IO.UnixFileMode] 420
            $w.WriteEntry($e); $w.Dispose()
            $tar = $ms.ToArray()
            $hex = [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($tar)).ToLowerInvariant()
            [IO.File]::WriteAllBytes((Join-Path $work "$hex.tar"), $tar)
            $layers += "$hex.tar"; $diffIds += "sha256:$hex"
        }
        $config = [ordered]@{
            architecture = 'amd64'; os = 'linux'; created = '2024-01-02T03:04:05Z'
            config = [ordered]@{ Env = @('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'); Cmd = @('sh') }
            rootfs = [ordered]@{ type = 'layers'; diff_ids = $diffIds }
            history = @($diffIds | ForEach-Object { [ordered]@{ created = '2024-01-02T03:04:05Z'; created_by = 'random data' } })
        } | ConvertTo-Json -Depth 5 -Compress
        $cb = [Text.Encoding]::UTF8.GetBytes($config)
        $chex = [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($cb)).ToLowerInvariant()
        [IO.File]::WriteAllBytes((Join-Path $work "$chex.json"), $cb)
        $manifest = ConvertTo-Json -Depth 4 -Compress -InputObject @([ordered]@{ Config = "$chex.json"; RepoTags = @($Name); Layers = $layers })
        Set-Content -Path (Join-Path $work 'manifest.json') -Value $manifest -NoNewline
        if (Test-Path $Path) { Remove-Item $Path -Force }
        & tar -C $work -cf $Path . 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "tar failed for $Path" }
        Get-Item $Path
    }
    finally { Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue }
}

Export-ModuleMember -Function *
