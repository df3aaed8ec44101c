# Layers keep every byte that tar can express: names that are not UTF-8, binary xattrs and file capabilities, hard
# links, devices, FIFOs, long names, large files, large ids, sub-second times and sparse files. The trees are made
# here (LayerFidelity.Helpers.psm1), archived by GNU tar in each of its formats, imported, and the unpacked layer is
# compared byte for byte with the source tree; what the engine writes (Export-Container, Export-ContainerImage) is
# read back with GNU tar, getcap and podman.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/HostSafety.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/LayerFidelity.Helpers.psm1" -Force
    $script:Root = New-TestStoreRoot
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('psc-fidelity-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory "$script:Work/tree" -Force | Out-Null
    New-FidelityTree "$script:Work/tree"
    $script:Source = Get-ByteTreeSnapshot "$script:Work/tree" -Nanoseconds
    $script:SourceSeconds = Get-ByteTreeSnapshot "$script:Work/tree"
    $script:SourceLinks = Get-InodeGroups "$script:Work/tree"
    $script:Store = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root))

    function Import-FidelityLayer([string] $Tar, [string] $Name) {
        $img = New-TestImageFromLayerTars -Path "$script:Work/$Name.tar" -LayerTar $Tar -Name "${Name}:1" -NoBusybox
        $null = Import-ContainerImage $img.Path -ErrorAction Stop
        $i = Get-ContainerImage "${Name}:1"
        [pscustomobject]@{ Image = $i; Diff = @($script:Store.GetLayerPaths($i))[0] }
    }
}

AfterAll {
    Get-ContainerImage -ErrorAction SilentlyContinue | Remove-ContainerImage -Force -ErrorAction SilentlyContinue
    Remove-TestStoreRoot $script:Root
    & rm -rf --one-file-system -- $script:Work
    $env:PSCONTAINERS_ROOT = $null
}

Describe 'Import keeps every byte of a layer' {
    It 'a pax layer (GNU tar --format=posix, sparse 1.0) unpacks to exactly the source tree' {
        & tar --format=posix --xattrs --xattrs-include='*' --numeric-owner --sparse -C "$script:Work/tree" -cf "$script:Work/posix.tar" .
        $l = Import-FidelityLayer "$script:Work/posix.tar" 'posix'
        $got = Get-ByteTreeSnapshot $l.Diff -Nanoseconds
        Compare-Object $script:Source $got | Out-String | Should -BeNullOrEmpty
        (Get-InodeGroups $l.Diff) -join ";" | Should -Be ($script:SourceLinks -join ";")
        # holes stay holes: the 9 GiB file occupies almost nothing
        [long](& stat -c '%b' "$($l.Diff)/sparse-big") * 512 | Should -BeLessThan 1MB
        (& getcap "$($l.Diff)/capfile") | Should -Match 'cap_setgid,cap_setuid[=+]ep'
    }

    It 'a layer in sparse format <Version> unpacks to exactly the source tree' -ForEach @(
        @{ Version = '0.0' }, @{ Version = '0.1' }
    ) {
        & tar --format=posix --sparse-version=$Version --xattrs --xattrs-include='*' --numeric-owner --sparse -C "$script:Work/tree" -cf "$script:Work/sparse$Version.tar" .
        $l = Import-FidelityLayer "$script:Work/sparse$Version.tar" ('sparse' + $Version.Replace('.', ''))
        Compare-Object $script:Source (Get-ByteTreeSnapshot $l.Diff -Nanoseconds) | Out-String | Should -BeNullOrEmpty
    }

    It 'a GNU-format layer (long names, old GNU sparse, base-256 sizes and ids) unpacks to the source tree' {
        & tar --format=gnu --numeric-owner --sparse -C "$script:Work/tree" -cf "$script:Work/gnu.tar" .
        $l = Import-FidelityLayer "$script:Work/gnu.tar" 'gnu'
        # GNU format keeps neither xattrs nor sub-second times
        $want = Get-ByteTreeSnapshot "$script:Work/tree" -SkipXattrs
        Compare-Object $want (Get-ByteTreeSnapshot $l.Diff -SkipXattrs) | Out-String | Should -BeNullOrEmpty
        (Get-InodeGroups $l.Diff) -join ";" | Should -Be ($script:SourceLinks -join ";")
    }

    It 'names that are not UTF-8 stay distinct, and links to them work in a running container' {
        & tar --format=posix --xattrs --xattrs-include='*' --numeric-owner -C "$script:Work/tree" --exclude=./sparse-big -cf "$script:Work/names.tar" .
        $img = New-TestImageFromLayerTars -Path "$script:Work/names-img.tar" -LayerTar "$script:Work/names.tar" -Name 'names:1'
        $null = Import-ContainerImage $img.Path -ErrorAction Stop
        $out = Invoke-ContainerImage names:1 -Network none -Remove -- sh -c 'cat "$(printf "caf\351")"; echo; cat "$(printf "caf\350")"; echo; cat "$(printf "link-to-caf\351")"; echo; cat "$(printf "hard-caf\350")"'
        $out | Should -Be @('e-acute', 'e-grave', 'e-acute', 'e-grave')
    }
}

Describe 'What the engine writes keeps every byte' {
    BeforeAll {
        & tar --format=posix --xattrs --xattrs-include='*' --numeric-owner --sparse -C "$script:Work/tree" -cf "$script:Work/export-src.tar" .
        $img = New-TestImageFromLayerTars -Path "$script:Work/export-img.tar" -LayerTar "$script:Work/export-src.tar" -Name 'exportsrc:1'
        $null = Import-ContainerImage $img.Path -ErrorAction Stop
        $script:ExportImage = Get-ContainerImage exportsrc:1
    }

    It 'Export-Container writes names, owners, modes, hard links (as links), xattrs and capabilities' {
        $null = New-Container exportsrc:1 -Name exporter -Network none
        Export-Container exporter -Path "$script:Work/container.tar"
        $listing = @(& tar --xattrs --xattrs-include='*' -tvvf "$script:Work/container.tar")
        ($listing | Where-Object { $_ -match 'hard-b link to (\./)?hard-a$|hard-a link to (\./)?hard-b$' }) | Should -Not -BeNullOrEmpty
        $x = "$script:Work/container-x"
        New-Item -ItemType Directory $x | Out-Null
        & tar --xattrs --xattrs-include='*' --numeric-owner -xpf "$script:Work/container.tar" -C $x
        $LASTEXITCODE | Should -Be 0
        $sub = Get-ByteTreeSnapshot $x -Nanoseconds
        # the container's root also holds the busybox image's files: every source entry is there unchanged
        foreach ($line in $script:Source) { $sub | Should -Contain $line }
        (& getcap "$x/capfile") | Should -Match 'cap_setgid,cap_setuid[=+]ep'
        Remove-Container exporter
    }

    It 'Export-ContainerImage output loads in podman with the same Id and the same files' -Skip:(-not (Test-Path /usr/bin/podman)) {
        Export-ContainerImage exportsrc:1 -Path "$script:Work/exported.tar"
        $loaded = & podman load -q -i "$script:Work/exported.tar" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$loaded"
        $id = (& podman image inspect --format '{{.Id}}' localhost/exportsrc:1 docker.io/library/exportsrc:1 2>$null | Select-Object -First 1)
        "sha256:$id" | Should -Be $script:ExportImage.Id
        $mnt = (& podman image mount $id).Trim()
        try {
            $podmanView = Get-ByteTreeSnapshot $mnt -Nanoseconds
            foreach ($line in $script:Source) { $podmanView | Should -Contain $line }
        } finally {
            & podman image unmount $id | Out-Null
            & podman rmi -f $id | Out-Null
        }
    }
}
