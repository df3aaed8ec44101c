# Registry: pull, push, login and tag listing against Debian's docker-registry (CNCF distribution) started
# here on free 127.0.0.1 ports, in three setups (anonymous HTTP, htpasswd Basic over TLS with a CA made
# here, token auth with a token issuer run here), interop with skopeo and podman, and faults injected by a
# proxy (corrupt blob, connection cut, 429 Retry-After, stalled download cancelled with Stop).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Registry.Helpers.psm1" -Force
    Import-PsContainersForTest

    $script:SavedEnv = @{}
    foreach ($v in 'PSCONTAINERS_ROOT', 'REGISTRY_AUTH_FILE', 'DOCKER_CONFIG', 'PSCONTAINERS_REGISTRY_CERTS_DIRS',
        'PSCONTAINERS_INSECURE_REGISTRIES', 'PSCONTAINERS_CHUNKED_UPLOAD_THRESHOLD', 'PSCONTAINERS_UPLOAD_CHUNK_SIZE', 'XDG_RUNTIME_DIR', 'PSCONTAINERS_REGISTRY_MIRRORS') {
        $script:SavedEnv[$v] = [Environment]::GetEnvironmentVariable($v)
    }
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('psc-reg-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:Roots = [System.Collections.Generic.List[string]]::new()
    $script:Roots.Add((New-TestStoreRoot))
    $env:REGISTRY_AUTH_FILE = Join-Path $script:Work 'auth/auth.json'
    $env:DOCKER_CONFIG = Join-Path $script:Work 'docker'
    $env:PSCONTAINERS_REGISTRY_CERTS_DIRS = Join-Path $script:Work 'certs.d'
    New-Item -ItemType Directory -Force -Path $env:PSCONTAINERS_REGISTRY_CERTS_DIRS | Out-Null
    $script:Archive = Join-Path $script:Work 'busybox.tar'
    $null = New-TestImageArchive -Path $script:Archive -Name 'busybox-test:latest'

    function script:New-Root {
        $r = New-TestStoreRoot
        $script:Roots.Add($r)
        $r
    }
    function script:Copy-ToRegistry([string] $Dest, [string[]] $Extra = @()) {
        $out = & skopeo copy -q --dest-tls-verify=false @Extra "docker-archive:$($script:Archive)" "docker://$Dest" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "skopeo copy to $Dest failed: $out" }
    }
    function script:Get-RemoteDigest([string] $Ref, [string[]] $Extra = @('--tls-verify=false')) {
        $d = & skopeo inspect @Extra --format '{{.Digest}}' "docker://$Ref" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "skopeo inspect $Ref failed: $d" }
        "$d".Trim()
    }
    function script:Get-Store { [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($env:PSCONTAINERS_ROOT)) }
    function script:Get-LayerFile([object] $Image, [string] $RelPath) {
        $store = Get-Store
        foreach ($p in $store.GetLayerPaths($Image)) {
            $f = Join-Path $p $RelPath
            if (Test-Path -LiteralPath $f) { return $f }
        }
    }
    function script:Assert-OnlyVerifiedLeftovers {
        # after a failed or stopped pull: no temp files, no broken image; what stays is only whole blobs
        # that matched their digest (kept so the next pull reuses them), reported as unreferenced
        $store = Get-Store
        foreach ($p in @(Test-ContainerStorage)) {
            $p.Kind | Should -Be 'UnreferencedBlob' -Because "$p"
            [PsContainers.Core.Util.Digest]::OfFile($store.GetBlobPath($p.Target)) | Should -Be $p.Target
        }
    }
    function script:New-Credential([string] $User, [string] $Password) {
        [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
    }
}

AfterAll {
    Stop-TestRegistryProcesses
    foreach ($k in $script:SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $script:SavedEnv[$k]) }
    foreach ($r in $script:Roots) { Remove-TestStoreRoot $r }
    if ($script:Work) { Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue }
}

Describe 'Anonymous registry over plain HTTP' {
    BeforeAll {
        $script:Reg = Start-TestRegistry -Dir (Join-Path $script:Work 'anon')
        $script:R = $script:Reg.Host
        Copy-ToRegistry "$($script:R)/test/busybox:1"
        $script:SkopeoDigest = Get-RemoteDigest "$($script:R)/test/busybox:1"
    }

    It 'pulls an image pushed by skopeo and unpacks its layers' {
        $env:PSCONTAINERS_ROOT = New-Root
        $img = Request-ContainerImage "$($script:R)/test/busybox:1" -Quiet
        $img | Should -BeOfType ([PsContainers.Core.Images.ContainerImage])
        $img.RepoTags | Should -Contain "$($script:R)/test/busybox:1"
        $img.Digest | Should -Be $script:SkopeoDigest
        $img.RepoDigests | Should -Contain "$($script:R)/test/busybox@$($script:SkopeoDigest)"
        $img.Layers.Count | Should -Be 3
        Get-Content -Raw (Get-LayerFile $img 'etc/layer3') | Should -Be "3`n"
        Get-Content -Raw (Get-LayerFile $img 'data/keep.txt') | Should -Be "keep`n"
        (Get-LayerFile $img 'bin/busybox') | Should -Not -BeNullOrEmpty
        @(Test-ContainerStorage).Count | Should -Be 0
        $script:PulledRoot = $env:PSCONTAINERS_ROOT
    }

    It 'runs the pulled image' {
        if (-not (Get-Command Invoke-ContainerImage -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'this build has no Invoke-ContainerImage'
            return
        }
        $env:PSCONTAINERS_ROOT = $script:PulledRoot
        $out = @(Invoke-ContainerImage -Remove -Network none "$($script:R)/test/busybox:1" cat /etc/layer3 /data/keep.txt)
        ($out | ForEach-Object { "$_".Trim() }) | Should -Be @('3', 'keep')
    }

    It 'takes names from the pipeline, reports progress and reuses stored blobs' {
        $env:PSCONTAINERS_ROOT = $script:PulledRoot
        Copy-ToRegistry "$($script:R)/test/busybox:again"
        $verbose = '127.0.0.1:' + $script:Reg.Port + '/test/busybox:again' | Request-ContainerImage -Verbose 4>&1
        $img = @($verbose | Where-Object { $_ -is [PsContainers.Core.Images.ContainerImage] })
        $img.Count | Should -Be 1
        $img[0].RepoTags | Should -Contain "$($script:R)/test/busybox:again"
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and "$_" -match 'already present' }).Count | Should -Be 3
    }

    It 'writes progress records with bytes and speed per layer' {
        $env:PSCONTAINERS_ROOT = New-Root
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module PsContainers).Path)'; `$env:PSCONTAINERS_ROOT = '$env:PSCONTAINERS_ROOT'; Request-ContainerImage '$($script:R)/test/busybox:1' | Out-Null")
        $null = $ps.Invoke()
        $ps.HadErrors | Should -BeFalse
        $records = @($ps.Streams.Progress)
        $ps.Dispose()
        $layerRecords = @($records | Where-Object { $_.Activity -like 'Layer * of 3*' })
        $layerRecords.Count | Should -BeGreaterThan 0
        $layerRecords[0].StatusDescription | Should -Match '(B|kB|MB) of .* at .*/s'
        @($records | Where-Object { $_.Activity -like 'Pulling *busybox:1' }).Count | Should -BeGreaterThan 0
    }

    It 'lists tags with Find-ContainerImage, following pages' {
        Copy-ToRegistry "$($script:R)/test/busybox:2"
        Copy-ToRegistry "$($script:R)/test/busybox:3"
        $tags = @(Find-ContainerImage "$($script:R)/test/busybox")
        $tags[0] | Should -BeOfType ([PsContainers.Core.Registry.RegistryImageTag])
        ($tags.Tag | Sort-Object) | Should -Be @('1', '2', '3', 'again')
        $tags[0].Name | Should -BeLike "$($script:R)/test/busybox:*"
        @(Find-ContainerImage "$($script:R)/test/busybox" -Tag '[23]').Tag | Sort-Object | Should -Be @('2', '3')
        # pages of 2: the registry answers with Link headers
        $client = [PsContainers.Core.Registry.RegistryClient]::new($script:R, [PsContainers.Core.Registry.RegistryOptions]::new())
        try { $paged = $client.ListTagsAsync('test/busybox', [Threading.CancellationToken]::None, 2).GetAwaiter().GetResult() }
        finally { $client.Dispose() }
        ($paged | Sort-Object) | Should -Be @('1', '2', '3', 'again')
        $tags | ConvertTo-Json | ConvertFrom-Json | Select-Object -First 1 -ExpandProperty Tag | Should -Not -BeNullOrEmpty
    }

    It 'reports an unknown tag as a non-terminating ObjectNotFound error and changes nothing' {
        $env:PSCONTAINERS_ROOT = New-Root
        $out = Request-ContainerImage "$($script:R)/test/busybox:nope" -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RegistryManifestUnknown*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @((Get-Store).ListImages()).Count | Should -Be 0
        @(Test-ContainerStorage).Count | Should -Be 0
    }

    It 'rejects a bad reference and an unknown repository clearly' {
        Request-ContainerImage 'Bad Name!' -ErrorAction SilentlyContinue -ErrorVariable e1
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'InvalidReferenceFormat*'
        Find-ContainerImage "$($script:R)/does/not-exist" -ErrorAction SilentlyContinue -ErrorVariable e2
        $e2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'RegistryNameUnknown*'
    }

    It 'picks the platform from an index and refuses a platform it lacks' {
        # an OCI index whose two entries (linux/amd64, linux/arm64/v8) point at the pushed manifest
        $m = Invoke-WebRequest -Uri "$($script:Reg.Url)/v2/test/busybox/manifests/1" -Headers @{ Accept = 'application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json' }
        $mt = "$($m.Headers['Content-Type'])"
        $size = $m.RawContentLength
        $index = [ordered]@{ schemaVersion = 2; mediaType = 'application/vnd.oci.image.index.v1+json'; manifests = @(
                [ordered]@{ mediaType = $mt; digest = $script:SkopeoDigest; size = $size; platform = [ordered]@{ architecture = 'amd64'; os = 'linux' } },
                [ordered]@{ mediaType = $mt; digest = $script:SkopeoDigest; size = $size; platform = [ordered]@{ architecture = 'arm64'; os = 'linux'; variant = 'v8' } }) } |
            ConvertTo-Json -Depth 5 -Compress
        $null = Invoke-WebRequest -Method Put -Uri "$($script:Reg.Url)/v2/test/busybox/manifests/multi" -ContentType 'application/vnd.oci.image.index.v1+json' -Body $index
        $env:PSCONTAINERS_ROOT = New-Root
        $img = Request-ContainerImage "$($script:R)/test/busybox:multi" -Platform linux/amd64 -Quiet
        $img.Digest | Should -Be $script:SkopeoDigest
        $img.RepoDigests | Should -Contain ("$($script:R)/test/busybox@sha256:" + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($index))).ToLowerInvariant())
        # arm64 entry selected: the config says amd64, so a warning says so
        $null = Request-ContainerImage "$($script:R)/test/busybox:multi" -Platform linux/arm64 -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match 'does not match the requested platform linux/arm64'
        Request-ContainerImage "$($script:R)/test/busybox:multi" -Platform linux/s390x -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RegistryPlatformNotFound*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($e[0])" | Should -Match 'linux/amd64, linux/arm64/v8'
    }

    It 'pulls through a configured mirror, and falls back to the registry when the mirror lacks the image' {
        $env:PSCONTAINERS_ROOT = New-Root
        $down = "127.0.0.1:$(Get-FreeTcpPort)"   # nothing listens there: only the mirror can answer
        $env:PSCONTAINERS_REGISTRY_MIRRORS = "$down=$($script:R)"
        try { $img = Request-ContainerImage "$down/test/busybox:1" -Quiet }
        finally { $env:PSCONTAINERS_REGISTRY_MIRRORS = $null }
        $img.RepoTags | Should -Contain "$down/test/busybox:1"
        $img.Digest | Should -Be $script:SkopeoDigest
        # a mirror without the repository: the registry itself serves it
        $env:PSCONTAINERS_ROOT = New-Root
        $env:PSCONTAINERS_REGISTRY_MIRRORS = "$($script:R)=$down"
        try { $img2 = Request-ContainerImage "$($script:R)/test/busybox:1" -Quiet -Verbose 4>&1 }
        finally { $env:PSCONTAINERS_REGISTRY_MIRRORS = $null }
        @($img2 | Where-Object { $_ -is [PsContainers.Core.Images.ContainerImage] }).Digest | Should -Be $script:SkopeoDigest
        "$($img2 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -Match "Mirror $down cannot serve"
    }

    It 'uses plain HTTP for another host only when it is configured insecure' {
        $ip = [System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() |
            Where-Object { $_.OperationalStatus -eq 'Up' -and $_.NetworkInterfaceType -ne 'Loopback' } |
            ForEach-Object { $_.GetIPProperties().UnicastAddresses } |
            Where-Object { $_.Address.AddressFamily -eq 'InterNetwork' -and -not [System.Net.IPAddress]::IsLoopback($_.Address) } |
            Select-Object -First 1 -ExpandProperty Address
        if (-not $ip) { Set-ItResult -Skipped -Because 'this machine has no non-loopback IPv4 address'; return }
        $ext = Start-TestRegistry -Dir (Join-Path $script:Work 'external') -Address $ip.ToString()
        Copy-ToRegistry "$($ext.Host)/ext/busybox:1"
        Find-ContainerImage "$($ext.Host)/ext/busybox" -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RegistryUnreachable*'
        "$($e[0])" | Should -Match 'PSCONTAINERS_INSECURE_REGISTRIES'
        $env:PSCONTAINERS_INSECURE_REGISTRIES = $ext.Host
        try { (Find-ContainerImage "$($ext.Host)/ext/busybox").Tag | Should -Be '1' }
        finally { $env:PSCONTAINERS_INSECURE_REGISTRIES = $null }
        # the same through registries.json in the store root
        $env:PSCONTAINERS_ROOT = New-Root
        @{ insecure = @($ext.Host) } | ConvertTo-Json | Set-Content (Join-Path $env:PSCONTAINERS_ROOT 'registries.json')
        (Request-ContainerImage "$($ext.Host)/ext/busybox:1" -Quiet).Digest | Should -Be $script:SkopeoDigest
    }

    It 'pushes under another name by mounting blobs, and returns the digest' {
        $env:PSCONTAINERS_ROOT = $script:PulledRoot
        $r = Publish-ContainerImage "$($script:R)/test/busybox:1" -Destination "$($script:R)/other/copy:5"
        $r | Should -BeOfType ([PsContainers.Core.Registry.PushedImage])
        $r.Digest | Should -Be $script:SkopeoDigest
        $r.BlobsMounted | Should -Be 4
        $r.BlobsUploaded | Should -Be 0
        Get-RemoteDigest "$($script:R)/other/copy:5" | Should -Be $r.Digest
        # again: everything is already there
        $again = Get-Store | ForEach-Object { $_.FindImage("$($script:R)/test/busybox:1") } | Publish-ContainerImage -Destination "$($script:R)/other/copy:6"
        $again.BlobsSkipped | Should -Be 4
        $again.Digest | Should -Be $script:SkopeoDigest
    }

    It 'compresses a built image''s plain layers when pushing (<Format>): gzip in the registry, the same image id, pulled back it runs' -ForEach @(
        @{ Format = 'Oci'; Gzip = 'application/vnd.oci.image.layer.v1.tar+gzip'; Plain = 'application/vnd.oci.image.layer.v1.tar' }
        @{ Format = 'Docker'; Gzip = 'application/vnd.docker.image.rootfs.diff.tar.gzip'; Plain = 'application/vnd.docker.image.rootfs.diff.tar' }
    ) {
        $env:PSCONTAINERS_ROOT = New-Root
        $null = Import-TestBusyboxImage -Name 'busybox-test:latest'
        $ctx = Join-Path $script:Work "plain-$Format"
        $null = New-Item -ItemType Directory -Force $ctx
        Set-Content (Join-Path $ctx 'Dockerfile') "FROM busybox-test:latest`nRUN echo built-$Format > /built.txt`n"
        $name = "$($script:R)/built/plain-$($Format.ToLowerInvariant())"
        $img = Build-ContainerImage $ctx -Tag "$($name):1" -Format $Format
        $local = [PsContainers.Core.Oci.ImageManifest]::Parse((Get-Store).GetManifest($img))
        foreach ($l in $local.Layers) { $l.MediaType | Should -Be $Plain }   # the imported base is plain too
        $img.Layers | Should -Be $img.DiffIds

        $r = Publish-ContainerImage "$($name):1"
        $r.ImageId | Should -Be $img.Id
        $r.Digest | Should -Not -Be $img.Digest          # other layer descriptors: another manifest, as with docker
        $r.BlobsUploaded | Should -Be ($img.Layers.Count + 1)
        Get-RemoteDigest "$($name):1" | Should -Be $r.Digest
        # what the registry holds: gzip layers whose blobs are what the manifest says and unpack to the diff_ids
        $raw = & skopeo inspect --raw --tls-verify=false "docker://$($name):1" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$raw"
        $remote = "$raw" | ConvertFrom-Json
        $remote.config.digest | Should -Be $img.Id
        @($remote.layers).Count | Should -Be $img.Layers.Count
        $dir = Join-Path $script:Work "skopeo-plain-$Format"
        & skopeo copy -q --src-tls-verify=false "docker://$($name):1" "dir:$dir" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        for ($i = 0; $i -lt @($remote.layers).Count; $i++) {
            $l = @($remote.layers)[$i]
            $l.mediaType | Should -Be $Gzip
            $blob = Join-Path $dir $l.digest.Substring(7)
            [PsContainers.Core.Util.Digest]::OfFile($blob) | Should -Be $l.digest
            (Get-Item $blob).Length | Should -Be $l.size
            $f = [IO.File]::OpenRead($blob)
            try {
                $gz = [IO.Compression.GZipStream]::new($f, [IO.Compression.CompressionMode]::Decompress)
                $ms = [IO.MemoryStream]::new(); $gz.CopyTo($ms)
                [PsContainers.Core.Util.Digest]::Of($ms.ToArray()) | Should -Be $img.DiffIds[$i]
            }
            finally { $f.Dispose() }
        }
        # the local image is unchanged (still plain, same id and manifest)
        $after = Get-ContainerImage "$($name):1"
        $after.Id | Should -Be $img.Id
        $after.Digest | Should -Be $img.Digest
        $after.RepoDigests | Should -Contain "$($name)@$($r.Digest)"   # recorded by the push, as docker push does
        (Get-ContainerImage "$($name)@$($r.Digest)").Id | Should -Be $img.Id
        # pushed again under another tag: the compressed blobs are known (not compressed again), all already there
        $out = Publish-ContainerImage "$($name):1" -Destination "$($name):2" -Verbose 4>&1
        $again = @($out | Where-Object { $_ -is [PsContainers.Core.Registry.PushedImage] })[0]
        $again.Digest | Should -Be $r.Digest
        $again.BlobsSkipped | Should -Be ($img.Layers.Count + 1)
        @($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like '*: compressed (Gzip) to *' }).Count | Should -Be 0
        # to a registry that lacks them: compressed again, on demand, to the same bytes (deterministic)
        $other = Start-TestRegistry -Dir (Join-Path $script:Work "plain-other-$Format")
        $there = Publish-ContainerImage "$($name):1" -Destination "$($other.Host)/copy/plain:1"
        $there.Digest | Should -Be $r.Digest
        $there.BlobsUploaded | Should -Be ($img.Layers.Count + 1)
        Get-RemoteDigest "$($other.Host)/copy/plain:1" | Should -Be $r.Digest
        # a remembered digest that compressing no longer gives is refused, forgotten, and the next push compresses afresh
        $cache = Join-Path $env:PSCONTAINERS_ROOT 'registry/compressed-layers.json'
        $entries = Get-Content -Raw $cache | ConvertFrom-Json
        $bad = 'sha256:' + ('0' * 64)
        foreach ($e in $entries) { if ($e.Key.StartsWith($img.DiffIds[-1] + ' gzip ')) { $e.Digest = $bad } }
        ConvertTo-Json -InputObject @($entries) | Set-Content $cache
        $fresh = Start-TestRegistry -Dir (Join-Path $script:Work "plain-fresh-$Format")
        Publish-ContainerImage "$($name):1" -Destination "$($fresh.Host)/copy/plain:1" -ErrorVariable pe -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $pe[0].FullyQualifiedErrorId | Should -BeLike 'DigestMismatch,*'
        Get-Content -Raw $cache | Should -Not -Match $bad
        (Publish-ContainerImage "$($name):1" -Destination "$($fresh.Host)/copy/plain:1").Digest | Should -Be $r.Digest

        # pulled back into a fresh store: the same image id, the pushed manifest, and it runs
        $env:PSCONTAINERS_ROOT = New-Root
        $p = Request-ContainerImage "$($name):1" -Quiet
        $p.Id | Should -Be $img.Id
        $p.Digest | Should -Be $r.Digest
        $p.RepoDigests | Should -Contain "$($name)@$($r.Digest)"
        $p.DiffIds | Should -Be $img.DiffIds
        Invoke-ContainerImage -Remove -Network none "$($name):1" cat /built.txt | Should -Be "built-$Format"
    }

    It 'pushes plain layers as they are with -Compression None' {
        $env:PSCONTAINERS_ROOT = New-Root
        $img = Import-TestBusyboxImage -Name "$($script:R)/built/asis:1"
        $img.Layers | Should -Be $img.DiffIds
        $r = Publish-ContainerImage "$($script:R)/built/asis:1" -Compression None
        $r.Digest | Should -Be $img.Digest   # the stored manifest, byte for byte
        $remote = (& skopeo inspect --raw --tls-verify=false "docker://$($script:R)/built/asis:1" 2>&1) | ConvertFrom-Json
        @($remote.layers.digest) | Should -Be @($img.DiffIds)
        $env:PSCONTAINERS_ROOT = New-Root
        $p = Request-ContainerImage "$($script:R)/built/asis:1" -Quiet
        $p.Id | Should -Be $img.Id
        $p.Layers | Should -Be $img.DiffIds
    }

    It 'pulls with -WhatIf without changing the store' {
        $env:PSCONTAINERS_ROOT = New-Root
        Request-ContainerImage "$($script:R)/test/busybox:1" -WhatIf | Should -BeNullOrEmpty
        @((Get-Store).ListImages()).Count | Should -Be 0
        @((Get-Store).EnumerateBlobs()).Count | Should -Be 0
    }

    It 'pushes with -WhatIf without changing the registry' {
        $env:PSCONTAINERS_ROOT = $script:PulledRoot
        Publish-ContainerImage "$($script:R)/test/busybox:1" -Destination "$($script:R)/whatif/x:1" -WhatIf
        Find-ContainerImage "$($script:R)/whatif/x" -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'pushes an image that skopeo and podman pull, and podman runs' {
        $env:PSCONTAINERS_ROOT = $script:PulledRoot
        # a fresh repository on a fresh registry: every blob is uploaded
        $reg2 = Start-TestRegistry -Dir (Join-Path $script:Work 'anon2')
        $r = Publish-ContainerImage "$($script:R)/test/busybox:1" -Destination "$($reg2.Host)/pushed/busybox:ours"
        $r.BlobsUploaded | Should -Be 4
        $dir = Join-Path $script:Work 'skopeo-dir'
        & skopeo copy -q --src-tls-verify=false "docker://$($reg2.Host)/pushed/busybox:ours" "dir:$dir" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        (Get-ChildItem $dir).Count | Should -BeGreaterOrEqual 5
        $pod = Join-Path $script:Work 'podman'
        $pargs = @('--root', "$pod/root", '--runroot', "$pod/run", '--storage-driver', 'vfs')
        $savedAuth = $env:REGISTRY_AUTH_FILE, $env:DOCKER_CONFIG
        $env:REGISTRY_AUTH_FILE = $env:DOCKER_CONFIG = $null   # podman refuses auth files that do not exist
        try {
            $pull = & podman @pargs pull -q --tls-verify=false "$($reg2.Host)/pushed/busybox:ours" 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$pull"
            $out = & podman @pargs run --rm --network none "$($reg2.Host)/pushed/busybox:ours" cat /etc/layer3 /data/keep.txt 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$out"
            "$out" | Should -Not -BeNullOrEmpty
            & podman @pargs run --rm --network none "$($reg2.Host)/pushed/busybox:ours" test -e /data/deleted.txt 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 1
        }
        finally {
            & podman @pargs rmi -a -f 2>&1 | Out-Null
            & podman @pargs system reset -f 2>&1 | Out-Null
            Remove-Item -Recurse -Force $pod -ErrorAction SilentlyContinue
            $env:REGISTRY_AUTH_FILE, $env:DOCKER_CONFIG = $savedAuth
        }
    }
}

Describe 'Faults injected by a proxy' {
    BeforeAll {
        # this registry answers uploads with relative Location headers; the others with absolute ones
        $script:FReg = Start-TestRegistry -Dir (Join-Path $script:Work 'faults') -RelativeUrls
        Copy-ToRegistry "$($script:FReg.Host)/f/busybox:1"
        $script:Proxy = Start-TestRegistryFixture -Mode Proxy -Dir (Join-Path $script:Work 'proxy') -Parameters @{ Upstream = $script:FReg.Url }
        $script:P = $script:Proxy.Host
        $m = Invoke-RestMethod -Uri "$($script:FReg.Url)/v2/f/busybox/manifests/1" -Headers @{ Accept = 'application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json' }
        $script:LayerDigests = @($m.layers | Sort-Object size -Descending | ForEach-Object digest)
        $script:Big = $script:LayerDigests[0]
    }
    BeforeEach { Reset-TestProxy $script:Proxy }

    It 'refuses a blob served with the wrong digest and leaves no image and no blob' {
        $env:PSCONTAINERS_ROOT = New-Root
        Set-TestProxyFault $script:Proxy -Kind corrupt -Match "/blobs/$($script:Big)" -Count 10
        Request-ContainerImage "$($script:P)/f/busybox:1" -Quiet -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DigestMismatch*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $store = Get-Store
        $store.HasBlob($script:Big) | Should -BeFalse
        @($store.ListImages()).Count | Should -Be 0
        Assert-OnlyVerifiedLeftovers
    }

    It 'resumes a blob with a Range request after the connection is cut' {
        $env:PSCONTAINERS_ROOT = New-Root
        Set-TestProxyFault $script:Proxy -Kind cut -Match "/blobs/$($script:Big)"
        $img = Request-ContainerImage "$($script:P)/f/busybox:1" -Quiet
        $img.Layers | Should -Contain $script:Big
        $log = Get-TestProxyLog $script:Proxy | Where-Object { $_.path -like "*/blobs/$($script:Big)" }
        @($log | Where-Object fault -eq 'cut').Count | Should -Be 1
        @($log | Where-Object { $_.range -like 'bytes=*-' -and $_.status -eq 206 }).Count | Should -Be 1
        @(Test-ContainerStorage).Count | Should -Be 0
    }

    It 'waits as Retry-After says on 429 and then succeeds' {
        $env:PSCONTAINERS_ROOT = New-Root
        Set-TestProxyFault $script:Proxy -Kind 429 -Match '/manifests/1'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $img = Request-ContainerImage "$($script:P)/f/busybox:1" -Quiet
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1
        $img.RepoTags | Should -Contain "$($script:P)/f/busybox:1"
        $statuses = @(Get-TestProxyLog $script:Proxy | Where-Object { $_.path -like '*/manifests/1' } | ForEach-Object status)
        $statuses[0] | Should -Be 429
        $statuses[1] | Should -Be 200
        @(Test-ContainerStorage).Count | Should -Be 0
    }

    It 'gives up on 429 after the attempts and reports LimitsExceeded' {
        $env:PSCONTAINERS_ROOT = New-Root
        Set-TestProxyFault $script:Proxy -Kind 429 -Match '/manifests/1' -Count 100
        $opts = [PsContainers.Core.Registry.RegistryOptions]::new(); $opts.MaxAttempts = 2
        $client = [PsContainers.Core.Registry.RegistryClient]::new($script:P, $opts)
        $err = $null
        try { $null = $client.GetManifestAsync('f/busybox', '1', [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
        catch { $err = $_.Exception; while ($err -is [System.Management.Automation.MethodInvocationException]) { $err = $err.InnerException } }
        finally { $client.Dispose() }
        $err | Should -BeOfType ([PsContainers.Core.PscException])
        $err.Category | Should -Be 'LimitsExceeded'
        $err.ErrorId | Should -Be 'RegistryTooManyRequests'
        @(Get-TestProxyLog $script:Proxy | Where-Object status -eq 429).Count | Should -Be 2
    }

    It 'stopped mid-pull (Ctrl+C) leaves no image, and the next pull reuses the verified blobs' {
        $env:PSCONTAINERS_ROOT = New-Root
        Set-TestProxyFault $script:Proxy -Kind stall -Match "/blobs/$($script:Big)"
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module PsContainers).Path)'; `$env:PSCONTAINERS_ROOT = '$env:PSCONTAINERS_ROOT'; Request-ContainerImage '$($script:P)/f/busybox:1' -Quiet")
        $async = $ps.BeginInvoke()
        # wait until the other blobs are through and the big one hangs
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 100
            $log = Get-TestProxyLog $script:Proxy
            $others = @($log | Where-Object { $_.path -like '*/blobs/*' -and $_.path -notlike "*$($script:Big)" -and $_.status -eq 200 })
        } until ($others.Count -ge 3 -or [DateTime]::UtcNow -gt $deadline)
        $others.Count | Should -Be 3   # config + two small layers
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        $store = Get-Store
        @($store.ListImages()).Count | Should -Be 0
        $store.HasBlob($script:Big) | Should -BeFalse
        Assert-OnlyVerifiedLeftovers
        @(Test-ContainerStorage).Count | Should -Be 3
        Reset-TestProxy $script:Proxy
        $img = Request-ContainerImage "$($script:P)/f/busybox:1" -Quiet
        $img.RepoTags | Should -Contain "$($script:P)/f/busybox:1"
        $blobGets = @(Get-TestProxyLog $script:Proxy | Where-Object { $_.path -like '*/blobs/*' -and $_.method -eq 'GET' })
        $blobGets.Count | Should -Be 1
        $blobGets[0].path | Should -BeLike "*$($script:Big)"
        @(Test-ContainerStorage).Count | Should -Be 0
    }

    It 'uploads in chunks (PATCH with Content-Range), following relative Location headers' {
        $env:PSCONTAINERS_ROOT = New-Root
        $null = Request-ContainerImage "$($script:P)/f/busybox:1" -Quiet
        Reset-TestProxy $script:Proxy
        $env:PSCONTAINERS_CHUNKED_UPLOAD_THRESHOLD = '1000'
        $env:PSCONTAINERS_UPLOAD_CHUNK_SIZE = '262144'
        try {
            Remove-Item (Join-Path $env:PSCONTAINERS_ROOT 'registry/blob-sources.json') -ErrorAction SilentlyContinue  # no mounts
            $r = Publish-ContainerImage "$($script:P)/f/busybox:1" -Destination "$($script:P)/chunked/busybox:1"
        }
        finally { $env:PSCONTAINERS_CHUNKED_UPLOAD_THRESHOLD = $null; $env:PSCONTAINERS_UPLOAD_CHUNK_SIZE = $null }
        $r.BlobsUploaded | Should -Be 4
        $log = Get-TestProxyLog $script:Proxy
        @($log | Where-Object method -eq 'PATCH').Count | Should -BeGreaterOrEqual 5
        @($log | Where-Object { $_.method -eq 'PATCH' -and $_.path -notlike '/v2/chunked/busybox/blobs/uploads/*' }).Count | Should -Be 0
        Get-RemoteDigest "$($script:FReg.Host)/chunked/busybox:1" | Should -Be $r.Digest
        & skopeo copy -q --src-tls-verify=false "docker://$($script:FReg.Host)/chunked/busybox:1" "dir:$(Join-Path $script:Work 'chunked-dir')" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
    }
}

Describe 'htpasswd Basic auth over TLS with a private CA' {
    BeforeAll {
        $d = Join-Path $script:Work 'tls'
        $script:Ca = New-TestCertificateAuthority -Dir (Join-Path $d 'ca')
        $script:Htpasswd = Join-Path $d 'htpasswd'
        & htpasswd -Bbc $script:Htpasswd alice 's3cret pass' 2>&1 | Out-Null
        $script:TReg = Start-TestRegistry -Dir $d -Tls $script:Ca -Htpasswd $script:Htpasswd
        $script:T = $script:TReg.Host
        $script:CertDir = Join-Path $env:PSCONTAINERS_REGISTRY_CERTS_DIRS $script:T
        New-Item -ItemType Directory -Force -Path $script:CertDir | Out-Null
        Copy-Item $script:Ca.CaFile (Join-Path $script:CertDir 'ca.crt')
        Copy-ToRegistry "$($script:T)/secure/busybox:1" -Extra @('--dest-creds', 'alice:s3cret pass', '--dest-cert-dir', $script:CertDir)
        $script:Good = New-Credential alice 's3cret pass'
    }

    It 'refuses the certificate while the CA is not trusted' {
        Remove-Item (Join-Path $script:CertDir 'ca.crt') -ErrorAction SilentlyContinue
        Find-ContainerImage "$($script:T)/secure/busybox" -Credential $script:Good -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RegistryTlsFailed*'
        "$($e[0])" | Should -Match 'certs.d'
    }

    It 'rejects wrong credentials with PermissionDenied and stores nothing' {
        Copy-Item $script:Ca.CaFile (Join-Path $script:CertDir 'ca.crt')
        Connect-ContainerRegistry $script:T -Credential (New-Credential alice wrong) -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        Test-Path $env:REGISTRY_AUTH_FILE | Should -BeFalse
    }

    It 'refuses anonymous pulls with PermissionDenied' {
        $env:PSCONTAINERS_ROOT = New-Root
        Request-ContainerImage "$($script:T)/secure/busybox:1" -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RegistryUnauthorized*'
    }

    It 'stores nothing with -WhatIf' {
        Connect-ContainerRegistry $script:T -Credential $script:Good -WhatIf | Should -BeNullOrEmpty
        Test-Path $env:REGISTRY_AUTH_FILE | Should -BeFalse
        Test-Path (Join-Path $env:DOCKER_CONFIG 'config.json') | Should -BeFalse
    }

    It 'verifies and stores credentials where docker and podman read them (mode 0600)' {
        $login = Connect-ContainerRegistry -Registry $script:T -Credential $script:Good
        $login.AuthScheme | Should -Be 'basic'
        $login.AuthFiles | Should -Contain $env:REGISTRY_AUTH_FILE
        foreach ($f in $env:REGISTRY_AUTH_FILE, (Join-Path $env:DOCKER_CONFIG 'config.json')) {
            (Get-Item $f).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
            $auth = (Get-Content -Raw $f | ConvertFrom-Json).auths.$($script:T).auth
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($auth)) | Should -Be 'alice:s3cret pass'
        }
        # the registry is offered by tab completion
        $line = 'Disconnect-ContainerRegistry 127.0.0.1:'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain $script:T
        # skopeo reads the same file
        & skopeo inspect --authfile $env:REGISTRY_AUTH_FILE --cert-dir $script:CertDir --format '{{.Name}}' "docker://$($script:T)/secure/busybox:1" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
    }

    It 'pulls over TLS with the stored credentials and pushes with them' {
        $env:PSCONTAINERS_ROOT = New-Root
        $img = Request-ContainerImage "$($script:T)/secure/busybox:1" -Quiet
        $img.RepoTags | Should -Contain "$($script:T)/secure/busybox:1"
        $r = Publish-ContainerImage "$($script:T)/secure/busybox:1" -Destination "$($script:T)/secure/copy:2"
        $r.BlobsMounted | Should -Be 4
        (Find-ContainerImage "$($script:T)/secure/copy").Tag | Should -Be '2'
    }

    It 'forgets the credentials with Disconnect-ContainerRegistry' {
        Disconnect-ContainerRegistry $script:T
        (Get-Content -Raw $env:REGISTRY_AUTH_FILE | ConvertFrom-Json).auths.PSObject.Properties.Name | Should -Not -Contain $script:T
        Find-ContainerImage "$($script:T)/secure/busybox" -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        Disconnect-ContainerRegistry $script:T -ErrorAction SilentlyContinue -ErrorVariable e2
        $e2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Token auth with a token issuer' {
    BeforeAll {
        $d = Join-Path $script:Work 'token'
        $script:Key = New-TestTokenSigningKey -Dir (Join-Path $d 'key')
        $script:Issuer = Start-TestRegistryFixture -Mode Token -Dir $d -Parameters @{ KeyFile = $script:Key.KeyFile; CertFile = $script:Key.CertFile; User = 'bob'; Password = 'hunter2' }
        $script:KReg = Start-TestRegistry -Dir (Join-Path $d 'reg') -Token @{
            Realm = "$($script:Issuer.Url)/token"; Service = 'psc-test-registry'; Issuer = 'psc-test-issuer'; RootCertBundle = $script:Key.CertFile }
        $script:K = $script:KReg.Host
        Copy-ToRegistry "$($script:K)/tok/busybox:1" -Extra @('--dest-creds', 'bob:hunter2')
        $script:Bob = New-Credential bob hunter2
    }

    It 'pulls anonymously with a pull-only token, fetching one token per scope' {
        $env:PSCONTAINERS_ROOT = New-Root
        $before = @(Get-TestProxyLog $script:Issuer).Count
        $img = Request-ContainerImage "$($script:K)/tok/busybox:1" -Quiet
        $img.RepoTags | Should -Contain "$($script:K)/tok/busybox:1"
        $tokens = @(Get-TestProxyLog $script:Issuer | Select-Object -Skip $before)
        $tokens.Count | Should -BeLessOrEqual 2   # cached: not one per request
        $tokens[-1].path | Should -Match 'scope=repository%3Atok%2Fbusybox%3Apull'
    }

    It 'refuses an anonymous push with PermissionDenied' {
        Publish-ContainerImage "$($script:K)/tok/busybox:1" -Destination "$($script:K)/tok/anon:1" -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It 'rejects a wrong password at login, then logs in and pushes with a push token' {
        Connect-ContainerRegistry $script:K -Credential (New-Credential bob nope) -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        (Connect-ContainerRegistry $script:K -Credential $script:Bob).AuthScheme | Should -Be 'bearer'
        $r = Publish-ContainerImage "$($script:K)/tok/busybox:1" -Destination "$($script:K)/tok/pushed:1"
        $r.Digest | Should -Match '^sha256:[0-9a-f]{64}$'
        Get-RemoteDigest "$($script:K)/tok/pushed:1" @('--tls-verify=false', '--creds', 'bob:hunter2') | Should -Be $r.Digest
        $last = @(Get-TestProxyLog $script:Issuer)[-1]
        $last.user | Should -Be 'bob'
        Disconnect-ContainerRegistry $script:K
    }
}
