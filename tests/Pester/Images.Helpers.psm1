# Test images generated from Debian's static busybox: nothing is downloaded.
#   Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
#   New-TestImageArchive -Path $tar [-Name busybox-test:latest] [-Format DockerArchive|OciArchive|OciLayout] [-Compression None|Gzip|Zstd]
#   $img = Import-TestBusyboxImage [-Name busybox-test:latest]
#
# The image has three layers:
#   1. a root file system: /bin/busybox, a symlink per applet, /etc/passwd, /etc/group, /tmp, /root, /dev, /proc, /sys ...
#   2. /data/keep.txt, /data/deleted.txt, /opaque/old.txt, /opaque/sub/old2.txt, /etc/motd
#   3. /data/.wh.deleted.txt (deletes /data/deleted.txt), /opaque/.wh..wh..opq (hides the old /opaque content),
#      /opaque/new.txt, /etc/layer3
# Config: Cmd ["sh"], Env PATH=..., WorkingDir /, a label, created 2024-01-02T03:04:05Z.

Set-StrictMode -Version 3.0

$script:Epoch = [DateTimeOffset]::new(2024, 1, 2, 3, 4, 5, [TimeSpan]::Zero)
# PAX entries get atime/ctime of "now" unless given: fixed times make the archives reproducible
$script:EpochText = [string] $script:Epoch.ToUnixTimeSeconds()

function New-PaxEntry([System.Formats.Tar.TarEntryType] $Type, [string] $Name) {
    $attrs = [System.Collections.Generic.Dictionary[string, string]]::new()
    $attrs['atime'] = $script:EpochText; $attrs['ctime'] = $script:EpochText
    [System.Formats.Tar.PaxTarEntry]::new($Type, $Name, $attrs)
}

function Get-Sha256Hex([byte[]] $Bytes) {
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
}

function Get-ZstdAssembly {
    $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'ZstdSharp' } | Select-Object -First 1
    if ($loaded) { return $loaded }
    $candidates = @()
    $m = Get-Module PsContainers | Select-Object -First 1
    if ($m) { $candidates += Join-Path $m.ModuleBase 'ZstdSharp.dll' }
    $candidates += Join-Path $PSScriptRoot '../../out/PsContainers/ZstdSharp.dll'
    foreach ($c in $candidates) { if (Test-Path $c) { return [Reflection.Assembly]::LoadFrom((Resolve-Path $c).Path) } }
    throw 'ZstdSharp.dll not found (build the module first).'
}

function ConvertTo-CompressedBytes([byte[]] $Bytes, [string] $Compression) {
    switch ($Compression) {
        'None' { return , $Bytes }
        'Gzip' {
            $ms = [IO.MemoryStream]::new()
            $gz = [IO.Compression.GZipStream]::new($ms, [IO.Compression.CompressionLevel]::Fastest, $true)
            $gz.Write($Bytes, 0, $Bytes.Length); $gz.Dispose()
            return , $ms.ToArray()
        }
        'Zstd' {
            $null = Get-ZstdAssembly
            $ms = [IO.MemoryStream]::new()
            $z = [ZstdSharp.CompressionStream]::new($ms, 3, 0, $true)
            $z.Write($Bytes, 0, $Bytes.Length); $z.Dispose()
            return , $ms.ToArray()
        }
    }
}

function New-TarBytes {
    <# Entries: hashtables with Name, Type (File|Dir|Symlink|Hardlink|CharDevice|Fifo), Content (byte[] or string), Target, Mode, Uid, Gid, Major, Minor, Xattrs #>
    param([object[]] $Entries)
    $ms = [IO.MemoryStream]::new()
    $w = [System.Formats.Tar.TarWriter]::new($ms, [System.Formats.Tar.TarEntryFormat]::Pax, $true)
    foreach ($e in $Entries) {
        $type = switch ($e.Type) {
            'Dir' { [System.Formats.Tar.TarEntryType]::Directory }
            'Symlink' { [System.Formats.Tar.TarEntryType]::SymbolicLink }
            'Hardlink' { [System.Formats.Tar.TarEntryType]::HardLink }
            'CharDevice' { [System.Formats.Tar.TarEntryType]::CharacterDevice }
            'Fifo' { [System.Formats.Tar.TarEntryType]::Fifo }
            default { [System.Formats.Tar.TarEntryType]::RegularFile }
        }
        $attrs = [System.Collections.Generic.Dictionary[string, string]]::new()
        $attrs['atime'] = $script:EpochText; $attrs['ctime'] = $script:EpochText
        if ($e.ContainsKey('Xattrs') -and $e.Xattrs) { foreach ($k in $e.Xattrs.Keys) { $attrs["SCHILY.xattr.$k"] = $e.Xattrs[$k] } }
        $entry = [System.Formats.Tar.PaxTarEntry]::new($type, $e.Name, $attrs)
        $mode = if ($e.ContainsKey('Mode')) { $e.Mode } elseif ($e.Type -eq 'Dir') { 0x1ed } elseif ($e.Type -eq 'Symlink') { 0x1ff } else { 0x1a4 }
        $entry.Mode = [IO.UnixFileMode] $mode
        $entry.Uid = if ($e.ContainsKey('Uid')) { $e.Uid } else { 0 }
        $entry.Gid = if ($e.ContainsKey('Gid')) { $e.Gid } else { 0 }
        $entry.ModificationTime = $script:Epoch
        if ($e.Type -in 'Symlink', 'Hardlink') { $entry.LinkName = $e.Target }
        if ($e.Type -eq 'CharDevice') { $entry.DeviceMajor = $e.Major; $entry.DeviceMinor = $e.Minor }
        if ($e.Type -eq 'File' -or -not $e.Type) {
            $content = if ($e.ContainsKey('Content')) { $e.Content } else { '' }
            if ($content -is [string]) { $content = [Text.Encoding]::UTF8.GetBytes($content) }
            $entry.DataStream = [IO.MemoryStream]::new([byte[]] $content)
        }
        $w.WriteEntry($entry)
    }
    $w.Dispose()
    , $ms.ToArray()
}

function Get-TestBusyboxLayers {
    <# The three uncompressed layer tars (byte[][]) of the test image. $Extra adds a file with that text to layer 2. #>
    param([string] $Extra)
    $bb = [IO.File]::ReadAllBytes('/bin/busybox')
    $l1 = [Collections.Generic.List[object]]::new()
    foreach ($d in 'bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'dev', 'proc', 'sys', 'var', 'var/log', 'home') {
        $l1.Add(@{ Name = "$d/"; Type = 'Dir' })
    }
    $l1.Add(@{ Name = 'tmp/'; Type = 'Dir'; Mode = 0x3ff })   # 1777
    $l1.Add(@{ Name = 'root/'; Type = 'Dir'; Mode = 0x1c0 })  # 0700
    $l1.Add(@{ Name = 'bin/busybox'; Type = 'File'; Content = $bb; Mode = 0x1ed })
    foreach ($applet in (& /bin/busybox --list-full)) {
        if ($applet -eq 'bin/busybox' -or -not $applet) { continue }
        $l1.Add(@{ Name = $applet; Type = 'Symlink'; Target = '/bin/busybox' })
    }
    $l1.Add(@{ Name = 'etc/passwd'; Type = 'File'; Content = "root:x:0:0:root:/root:/bin/sh`nnobody:x:65534:65534:nobody:/home:/bin/false`n" })
    $l1.Add(@{ Name = 'etc/group'; Type = 'File'; Content = "root:x:0:`nnogroup:x:65534:`n" })
    $l1.Add(@{ Name = 'etc/hostname'; Type = 'File'; Content = "busybox`n" })
    $l1.Add(@{ Name = 'etc/shadow'; Type = 'File'; Content = "root:*:19000:0:99999:7:::`n"; Mode = 0x180 })

    $l2 = @(
        @{ Name = 'data/'; Type = 'Dir' }
        @{ Name = 'data/keep.txt'; Type = 'File'; Content = "keep`n" }
        @{ Name = 'data/deleted.txt'; Type = 'File'; Content = "this file is deleted by layer 3`n" }
        @{ Name = 'data/owned.txt'; Type = 'File'; Content = "owned by 1000:1000`n"; Uid = 1000; Gid = 1000; Mode = 0x1b4 }
        @{ Name = 'opaque/'; Type = 'Dir' }
        @{ Name = 'opaque/old.txt'; Type = 'File'; Content = "hidden by the opaque marker`n" }
        @{ Name = 'opaque/sub/'; Type = 'Dir' }
        @{ Name = 'opaque/sub/old2.txt'; Type = 'File'; Content = "hidden too`n" }
        @{ Name = 'etc/motd'; Type = 'File'; Content = "Welcome to the PsContainers test image`n" }
    )
    if ($Extra) { $l2 += @{ Name = 'etc/extra'; Type = 'File'; Content = $Extra } }
    $l3 = @(
        @{ Name = 'data/'; Type = 'Dir' }
        @{ Name = 'data/.wh.deleted.txt'; Type = 'File' }
        @{ Name = 'opaque/'; Type = 'Dir' }
        @{ Name = 'opaque/.wh..wh..opq'; Type = 'File' }
        @{ Name = 'opaque/new.txt'; Type = 'File'; Content = "new`n" }
        @{ Name = 'etc/layer3'; Type = 'File'; Content = "3`n" }
    )
    , @((New-TarBytes $l1.ToArray()), (New-TarBytes $l2), (New-TarBytes $l3))
}

function New-TestImageConfig {
    param([string[]] $DiffIds, [hashtable] $Labels = @{}, [string[]] $Cmd = @('sh'), [string[]] $Entrypoint)
    $lab = [ordered]@{ 'org.opencontainers.image.title' = 'busybox-test' }
    foreach ($k in $Labels.Keys) { $lab[$k] = $Labels[$k] }
    $cfg = [ordered]@{
        created      = '2024-01-02T03:04:05Z'
        architecture = 'amd64'
        os           = 'linux'
        config       = [ordered]@{
            Env        = @('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
            Cmd        = $Cmd
            WorkingDir = '/'
            Labels     = $lab
            ExposedPorts = [ordered]@{ '8080/tcp' = @{} }
        }
        rootfs       = [ordered]@{ type = 'layers'; diff_ids = @($DiffIds) }
        history      = @(
            [ordered]@{ created = '2024-01-02T03:04:05Z'; created_by = 'busybox root file system' }
            [ordered]@{ created = '2024-01-02T03:04:05Z'; created_by = 'add /data and /opaque' }
            [ordered]@{ created = '2024-01-02T03:04:05Z'; created_by = 'delete /data/deleted.txt, make /opaque opaque' }
            [ordered]@{ created = '2024-01-02T03:04:05Z'; created_by = 'CMD ["sh"]'; empty_layer = $true }
        )
    }
    if ($Entrypoint) { $cfg.config['Entrypoint'] = $Entrypoint }
    [Text.Encoding]::UTF8.GetBytes(($cfg | ConvertTo-Json -Depth 10 -Compress))
}

function Write-TarFile {
    <# Writes a tar from a list of @{ Name; Bytes } (files) and @{ Name; Target } (symlinks). #>
    param([string] $Path, [object[]] $Files)
    $fs = [IO.File]::Create($Path)
    try {
        $w = [System.Formats.Tar.TarWriter]::new($fs, [System.Formats.Tar.TarEntryFormat]::Pax, $true)
        $dirs = @{}
        foreach ($f in $Files) {
            $parts = $f.Name -split '/'
            for ($i = 1; $i -lt $parts.Count; $i++) {
                $d = ($parts[0..($i - 1)] -join '/') + '/'
                if (-not $dirs.ContainsKey($d)) {
                    $dirs[$d] = $true
                    $de = New-PaxEntry Directory $d
                    $de.Mode = [IO.UnixFileMode] 0x1ed; $de.ModificationTime = $script:Epoch
                    $w.WriteEntry($de)
                }
            }
            if ($f.ContainsKey('Target')) {
                $e = New-PaxEntry SymbolicLink $f.Name
                $e.LinkName = $f.Target
            } else {
                $e = New-PaxEntry RegularFile $f.Name
                $e.DataStream = [IO.MemoryStream]::new([byte[]] $f.Bytes)
            }
            $e.Mode = [IO.UnixFileMode] 0x1a4; $e.ModificationTime = $script:Epoch
            $w.WriteEntry($e)
        }
        $w.Dispose()
    } finally { $fs.Dispose() }
}

function New-TestImageArchive {
    <#
    .SYNOPSIS
    Generates a three-layer busybox image archive (docker-archive, OCI archive or OCI layout directory).
    Returns an object with Path, Name, Id (config digest), ManifestDigest, DiffIds, LayerDigests.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $Name = 'busybox-test:latest',
        [ValidateSet('DockerArchive', 'OciArchive', 'OciLayout')] [string] $Format = 'DockerArchive',
        [ValidateSet('None', 'Gzip', 'Zstd')] [string] $Compression = 'None',
        # Text of an extra file in layer 2 (and a label): a different image Id for the same layout
        [string] $Variant,
        [string[]] $Cmd = @('sh'),
        [string[]] $Entrypoint
    )
    $Path = [IO.Path]::GetFullPath($Path, (Get-Location).Path)
    $layers = Get-TestBusyboxLayers -Extra $Variant
    $diffIds = @($layers | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
    $labels = @{}
    if ($Variant) { $labels['variant'] = $Variant }
    $config = New-TestImageConfig -DiffIds $diffIds -Labels $labels -Cmd $Cmd -Entrypoint $Entrypoint
    $configHex = Get-Sha256Hex $config
    $blobs = @($layers | ForEach-Object { , (ConvertTo-CompressedBytes $_ $Compression) })
    $layerHex = @($blobs | ForEach-Object { Get-Sha256Hex $_ })

    $ociLayerType = switch ($Compression) { 'None' { 'application/vnd.oci.image.layer.v1.tar' } 'Gzip' { 'application/vnd.oci.image.layer.v1.tar+gzip' } 'Zstd' { 'application/vnd.oci.image.layer.v1.tar+zstd' } }
    $manifest = [ordered]@{
        schemaVersion = 2
        mediaType     = 'application/vnd.oci.image.manifest.v1+json'
        config        = [ordered]@{ mediaType = 'application/vnd.oci.image.config.v1+json'; digest = "sha256:$configHex"; size = $config.Length }
        layers        = @(for ($i = 0; $i -lt $blobs.Count; $i++) { [ordered]@{ mediaType = $ociLayerType; digest = "sha256:$($layerHex[$i])"; size = $blobs[$i].Length } })
    }
    $manifestBytes = [Text.Encoding]::UTF8.GetBytes(($manifest | ConvertTo-Json -Depth 10 -Compress))
    $manifestHex = Get-Sha256Hex $manifestBytes

    # the full reference for annotations
    $full = $Name
    $tag = 'latest'
    $slash = $Name.LastIndexOf('/'); $colon = $Name.LastIndexOf(':')
    if ($colon -gt $slash) { $tag = $Name.Substring($colon + 1) } else { $full = "${Name}:latest" }
    $repo = $full.Substring(0, $full.LastIndexOf(':'))
    if ($repo -notmatch '^[^/]+[.:][^/]*/|^localhost/') {
        if ($repo -notmatch '/') { $full = "docker.io/library/$full" } else { $full = "docker.io/$full" }
    }

    switch ($Format) {
        'DockerArchive' {
            $files = [Collections.Generic.List[hashtable]]::new()
            $files.Add(@{ Name = "$configHex.json"; Bytes = $config })
            $layerPaths = @()
            for ($i = 0; $i -lt $blobs.Count; $i++) {
                $p = "$($diffIds[$i].Substring(7))/layer.tar"
                $layerPaths += $p
                $files.Add(@{ Name = $p; Bytes = $blobs[$i] })
                $files.Add(@{ Name = "$($diffIds[$i].Substring(7))/VERSION"; Bytes = [Text.Encoding]::ASCII.GetBytes('1.0') })
            }
            $mj = ConvertTo-Json -Depth 5 -Compress @(, [ordered]@{ Config = "$configHex.json"; RepoTags = @($Name); Layers = $layerPaths })
            $files.Add(@{ Name = 'manifest.json'; Bytes = [Text.Encoding]::UTF8.GetBytes($mj) })
            $repoName = $Name.Substring(0, $Name.LastIndexOf(':'))
            if ($colon -le $slash) { $repoName = $Name }
            $rj = @{ $repoName = @{ $tag = $diffIds[-1].Substring(7) } } | ConvertTo-Json -Compress
            $files.Add(@{ Name = 'repositories'; Bytes = [Text.Encoding]::UTF8.GetBytes($rj) })
            Write-TarFile -Path $Path -Files $files.ToArray()
        }
        default {
            $index = [ordered]@{
                schemaVersion = 2
                mediaType     = 'application/vnd.oci.image.index.v1+json'
                manifests     = @([ordered]@{
                        mediaType   = 'application/vnd.oci.image.manifest.v1+json'; digest = "sha256:$manifestHex"; size = $manifestBytes.Length
                        annotations = [ordered]@{ 'io.containerd.image.name' = $full; 'org.opencontainers.image.ref.name' = $tag }
                    })
            }
            $files = [Collections.Generic.List[hashtable]]::new()
            $files.Add(@{ Name = 'oci-layout'; Bytes = [Text.Encoding]::UTF8.GetBytes('{"imageLayoutVersion":"1.0.0"}') })
            $files.Add(@{ Name = 'index.json'; Bytes = [Text.Encoding]::UTF8.GetBytes(($index | ConvertTo-Json -Depth 10 -Compress)) })
            $files.Add(@{ Name = "blobs/sha256/$manifestHex"; Bytes = $manifestBytes })
            $files.Add(@{ Name = "blobs/sha256/$configHex"; Bytes = $config })
            for ($i = 0; $i -lt $blobs.Count; $i++) { $files.Add(@{ Name = "blobs/sha256/$($layerHex[$i])"; Bytes = $blobs[$i] }) }
            if ($Format -eq 'OciArchive') {
                Write-TarFile -Path $Path -Files $files.ToArray()
            } else {
                foreach ($f in $files) {
                    $dest = Join-Path $Path $f.Name
                    New-Item -ItemType Directory -Force -Path (Split-Path $dest) | Out-Null
                    [IO.File]::WriteAllBytes($dest, [byte[]] $f.Bytes)
                }
            }
        }
    }
    [pscustomobject]@{
        Path           = $Path
        Name           = $Name
        Format         = $Format
        Id             = "sha256:$configHex"
        ManifestDigest = "sha256:$manifestHex"
        DiffIds        = $diffIds
        LayerDigests   = @($layerHex | ForEach-Object { "sha256:$_" })
    }
}

function New-TestLayerArchive {
    <#
    .SYNOPSIS
    Writes a docker-archive whose layers are the given entry lists (see New-TarBytes), e.g. hostile layers.
    Returns Path, Id (config digest) and DiffIds.
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [object[]] $Layers,
        [string] $Name = 'layer-test:latest'
    )
    $tars = @($Layers | ForEach-Object { , (New-TarBytes $_) })
    $diffIds = @($tars | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
    Write-TestDockerArchive -Path $Path -Tars $tars -Config (New-TestImageConfig -DiffIds $diffIds) -Name $Name
}

function Write-TestDockerArchive {
    <#
    .SYNOPSIS
    Writes a docker-archive (docker save layout: <config hex>.json, <diff id hex>.tar per layer, manifest.json) from
    uncompressed layer tars and a config document. Returns Path, Id (config digest) and DiffIds.
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [object[]] $Tars,
        [Parameter(Mandatory)] [byte[]] $Config,
        [string] $Name = 'layer-test:latest'
    )
    $diffIds = @($Tars | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
    $configHex = Get-Sha256Hex $Config
    $files = [Collections.Generic.List[hashtable]]::new()
    $files.Add(@{ Name = "$configHex.json"; Bytes = $Config })
    $names = @()
    for ($i = 0; $i -lt $Tars.Count; $i++) {
        $n = "$($diffIds[$i].Substring(7)).tar"; $names += $n
        $files.Add(@{ Name = $n; Bytes = [byte[]] $Tars[$i] })
    }
    $mj = ConvertTo-Json -Depth 5 -Compress @(, [ordered]@{ Config = "$configHex.json"; RepoTags = @($Name); Layers = $names })
    $files.Add(@{ Name = 'manifest.json'; Bytes = [Text.Encoding]::UTF8.GetBytes($mj) })
    Write-TarFile -Path $Path -Files $files.ToArray()
    [pscustomobject]@{ Path = $Path; Id = "sha256:$configHex"; DiffIds = $diffIds }
}

function Import-TestBusyboxImage {
    <#
    .SYNOPSIS
    Generates the test busybox image and imports it into the current store ($env:PSCONTAINERS_ROOT).
    Returns the imported ContainerImage.
    #>
    [CmdletBinding()]
    param(
        [string] $Name = 'busybox-test:latest',
        [string] $Variant,
        [string[]] $Cmd = @('sh'),
        [string[]] $Entrypoint
    )
    $tar = Join-Path ([IO.Path]::GetTempPath()) ("psc-img-" + [guid]::NewGuid().ToString('N').Substring(0, 10) + '.tar')
    try {
        $null = New-TestImageArchive -Path $tar -Name $Name -Variant $Variant -Cmd $Cmd -Entrypoint $Entrypoint
        Import-ContainerImage -Path $tar -ErrorAction Stop
    } finally {
        Remove-Item $tar -Force -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function New-TestImageArchive, New-TestLayerArchive, Write-TestDockerArchive, Import-TestBusyboxImage, New-TarBytes, Write-TarFile, Get-TestBusyboxLayers, New-TestImageConfig, Get-Sha256Hex, ConvertTo-CompressedBytes
