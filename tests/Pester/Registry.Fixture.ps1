<#
  Test servers for the registry suite, run in their own pwsh process (Start-TestRegistryFixture):

  -Mode Token : a token issuer for the registry's token auth. GET /token?service=&scope= answers
                {"token","access_token","expires_in","issued_at"} with an RS256 JWT whose x5c header
                carries the certificate the registry trusts (auth.token.rootcertbundle). With Basic
                credentials equal to -User/-Password every requested action is granted; anonymous
                callers get "pull" only; wrong credentials get 401.
  -Mode Proxy : a reverse proxy in front of -Upstream that can misbehave on request (corrupt a body, cut
                the connection halfway, answer 429 with Retry-After: 1, send slowly, or send half and
                hold the connection open until /__reset). POST
                /__fault?kind=corrupt|cut|429|slow|stall&match=<text in the path>&count=N arms a fault;
                GET /__log returns the requests seen (method, path, range, status) as JSON.
  Writes "READY <port>" to -ReadyFile once listening.
#>
param(
    [ValidateSet('Token', 'Proxy')] [string] $Mode,
    [int] $Port,
    [string] $ReadyFile,
    [string] $KeyFile,
    [string] $CertFile,
    [string] $Issuer = 'psc-test-issuer',
    [string] $User,
    [string] $Password,
    [string] $Upstream
)
$ErrorActionPreference = 'Stop'

function ConvertTo-Base64Url([byte[]] $b) { [Convert]::ToBase64String($b).TrimEnd('=').Replace('+', '-').Replace('/', '_') }

$listener = [System.Net.HttpListener]::new()
$listener.Prefixes.Add("http://127.0.0.1:$Port/")
$listener.Start()
Set-Content -Path $ReadyFile -Value "READY $Port"

$script:Log = [System.Collections.Generic.List[object]]::new()
$script:Faults = [System.Collections.Generic.List[object]]::new()
$script:Held = [System.Collections.Generic.List[object]]::new()

if ($Mode -eq 'Token') {
    $rsa = [System.Security.Cryptography.RSA]::Create()
    $rsa.ImportFromPem((Get-Content -Raw $KeyFile))
    $cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw $CertFile))
    $x5c = [Convert]::ToBase64String($cert.RawData)
}
else {
    $handler = [System.Net.Http.HttpClientHandler]::new()
    $handler.AllowAutoRedirect = $false
    $handler.AutomaticDecompression = [System.Net.DecompressionMethods]::None
    $client = [System.Net.Http.HttpClient]::new($handler)
    $client.Timeout = [TimeSpan]::FromMinutes(5)
}

function Send-Text($ctx, [int] $status, [string] $text, [string] $type = 'application/json') {
    $bytes = [Text.Encoding]::UTF8.GetBytes($text)
    $ctx.Response.StatusCode = $status
    $ctx.Response.ContentType = $type
    $ctx.Response.ContentLength64 = $bytes.Length
    $ctx.Response.OutputStream.Write($bytes, 0, $bytes.Length)
    $ctx.Response.Close()
}

function Invoke-Token($ctx) {
    $req = $ctx.Request
    $granted = 'full'
    $auth = $req.Headers['Authorization']
    $sub = ''
    if ($auth -and $auth.StartsWith('Basic ')) {
        $pair = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($auth.Substring(6)))
        if ($pair -ne "${User}:${Password}") { Send-Text $ctx 401 '{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}'; return }
        $sub = $User
    }
    else { $granted = 'pull' }
    $access = @()
    foreach ($s in @($req.QueryString.GetValues('scope'))) {
        if (-not $s) { continue }
        foreach ($one in $s -split ' ') {
            $parts = $one -split ':'
            if ($parts.Count -lt 3) { continue }
            $actions = @($parts[-1] -split ',' | Where-Object { $granted -eq 'full' -or $_ -eq 'pull' })
            $access += [ordered]@{ type = $parts[0]; name = ($parts[1..($parts.Count - 2)] -join ':'); actions = $actions }
        }
    }
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $header = [ordered]@{ typ = 'JWT'; alg = 'RS256'; x5c = @($x5c) } | ConvertTo-Json -Compress
    $claims = [ordered]@{ iss = $Issuer; sub = $sub; aud = $req.QueryString['service']; exp = $now + 300; nbf = $now - 10; iat = $now
        jti = [guid]::NewGuid().ToString('N'); access = @($access) } | ConvertTo-Json -Compress -Depth 5
    $signingInput = (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes($header))) + '.' + (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes($claims)))
    $sig = $rsa.SignData([Text.Encoding]::ASCII.GetBytes($signingInput), [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $jwt = $signingInput + '.' + (ConvertTo-Base64Url $sig)
    $script:Log.Add([ordered]@{ method = 'GET'; path = $req.Url.PathAndQuery; user = $sub; status = 200 })
    Send-Text $ctx 200 (@{ token = $jwt; access_token = $jwt; expires_in = 300; issued_at = [DateTimeOffset]::UtcNow.ToString('o') } | ConvertTo-Json -Compress)
}

function Invoke-Proxy($ctx) {
    $req = $ctx.Request
    $path = $req.Url.PathAndQuery
    $entry = [ordered]@{ method = $req.HttpMethod; path = $path; range = $req.Headers['Range']; status = 0; fault = $null }
    $script:Log.Add($entry)
    $fault = $null
    foreach ($f in $script:Faults) {
        if ($f.count -gt 0 -and $path.Contains($f.match) -and $req.HttpMethod -eq 'GET') { $fault = $f; $f.count--; break }
    }
    if ($fault) { $entry.fault = $fault.kind }
    if ($fault -and $fault.kind -eq '429') {
        $entry.status = 429
        $ctx.Response.Headers.Add('Retry-After', '1')
        Send-Text $ctx 429 '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'
        return
    }
    $msg = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($req.HttpMethod), "$Upstream$path")
    foreach ($h in 'Authorization', 'Accept', 'Range') {
        if ($req.Headers[$h]) { $null = $msg.Headers.TryAddWithoutValidation($h, $req.Headers.GetValues($h)) }
    }
    if ($req.HasEntityBody) {
        $ms = [IO.MemoryStream]::new(); $req.InputStream.CopyTo($ms)
        $msg.Content = [System.Net.Http.ByteArrayContent]::new($ms.ToArray())
        if ($req.ContentType) { $null = $msg.Content.Headers.TryAddWithoutValidation('Content-Type', $req.ContentType) }
    }
    $resp = $client.SendAsync($msg, [System.Net.Http.HttpCompletionOption]::ResponseHeadersRead).GetAwaiter().GetResult()
    $entry.status = [int]$resp.StatusCode
    $out = $ctx.Response
    $out.StatusCode = [int]$resp.StatusCode
    foreach ($h in $resp.Headers) {
        if ($h.Key -in 'Transfer-Encoding', 'Connection', 'Date') { continue }
        foreach ($v in $h.Value) { $out.Headers.Add($h.Key, ($v -replace [regex]::Escape($Upstream), "http://127.0.0.1:$Port")) }
    }
    $len = $resp.Content.Headers.ContentLength
    if ($resp.Content.Headers.ContentType) { $out.ContentType = $resp.Content.Headers.ContentType.ToString() }
    foreach ($h in $resp.Content.Headers) { if ($h.Key -in 'Content-Range') { $out.Headers.Add($h.Key, ($h.Value -join ',')) } }
    $body = $resp.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
    if ($req.HttpMethod -eq 'HEAD') {
        if ($null -ne $len) { $out.ContentLength64 = $len }
        $out.Close(); return
    }
    $out.ContentLength64 = $body.Length
    try {
        if ($fault -and $fault.kind -eq 'corrupt' -and $body.Length -gt 0) {
            $body[[int]($body.Length / 2)] = $body[[int]($body.Length / 2)] -bxor 0xFF
            $out.OutputStream.Write($body, 0, $body.Length)
        }
        elseif ($fault -and $fault.kind -eq 'cut') {
            $half = [int]($body.Length / 2)
            $out.OutputStream.Write($body, 0, $half)
            $out.OutputStream.Flush()
            Start-Sleep -Milliseconds 100
            $out.Abort()
            return
        }
        elseif ($fault -and $fault.kind -eq 'stall') {
            # send half, then hold the connection open without finishing it (until /__reset)
            $half = [int]($body.Length / 2)
            $out.OutputStream.Write($body, 0, $half)
            $out.OutputStream.Flush()
            $script:Held.Add($out)
            return
        }
        elseif ($fault -and $fault.kind -eq 'slow') {
            for ($o = 0; $o -lt $body.Length; $o += 16384) {
                $out.OutputStream.Write($body, $o, [Math]::Min(16384, $body.Length - $o))
                $out.OutputStream.Flush()
                Start-Sleep -Milliseconds 100
            }
        }
        else { $out.OutputStream.Write($body, 0, $body.Length) }
        $out.Close()
    }
    catch { try { $out.Abort() } catch { } }
}

while ($listener.IsListening) {
    $ctx = $listener.GetContext()
    try {
        $p = $ctx.Request.Url.AbsolutePath
        if ($p -eq '/__log') { Send-Text $ctx 200 (ConvertTo-Json -InputObject @($script:Log) -Depth 4 -Compress); continue }
        if ($p -eq '/__reset') {
            foreach ($h in $script:Held) { try { $h.Abort() } catch { } }
            $script:Held.Clear(); $script:Log.Clear(); $script:Faults.Clear(); Send-Text $ctx 200 '{}'; continue
        }
        if ($p -eq '/__fault') {
            $q = $ctx.Request.QueryString
            $script:Faults.Add([pscustomobject]@{ kind = $q['kind']; match = $q['match']; count = [int]($q['count'] ?? 1) })
            Send-Text $ctx 200 '{}'; continue
        }
        if ($Mode -eq 'Token') { Invoke-Token $ctx } else { Invoke-Proxy $ctx }
    }
    catch {
        [Console]::Error.WriteLine("fixture: $_")
        try { Send-Text $ctx 500 ('{"errors":[{"code":"UNKNOWN","message":' + (ConvertTo-Json "$_") + '}]}') } catch { }
    }
}
