# Loaded by PsContainers.psd1 (NestedModules) before PsContainers.dll.
#
# The engine runs its native helpers from the module's bin/ folder: pscrun (the OCI runtime), pscmon (the
# per-container monitor), pscdns (the network DNS server) and pscinit (the -Init process). A module installed from
# a NuGet package (Install-PSResource, Install-Module, Save-PSResource) has lost their execute bits, because a
# .nupkg is a zip file and keeps no Unix modes. This restores them, and changes nothing else:
#   - only those four names, and only inside this module's own bin folder ($PSScriptRoot/bin);
#   - never through a link: a bin folder that is a symbolic link, or a helper that is one, is left alone;
#   - only a regular file with no execute bit at all: the owner gets x, group and others get x where they have r
#     (0644, what an extraction writes, becomes 0755); a file that already has any x bit is not touched;
#   - a failure (a read-only or someone else's install) is a warning, never a failed import.
# The engine runs as root, so the module folder should be writable only by root (an AllUsers install is).
& {
    $bin = [System.IO.DirectoryInfo]::new([System.IO.Path]::Combine($PSScriptRoot, 'bin'))
    if (-not $bin.Exists -or $null -ne $bin.LinkTarget) { return }
    $read = @(
        @([System.IO.UnixFileMode]::GroupRead, [System.IO.UnixFileMode]::GroupExecute),
        @([System.IO.UnixFileMode]::OtherRead, [System.IO.UnixFileMode]::OtherExecute))
    $anyExecute = [System.IO.UnixFileMode]::UserExecute -bor [System.IO.UnixFileMode]::GroupExecute -bor [System.IO.UnixFileMode]::OtherExecute
    foreach ($name in 'pscrun', 'pscmon', 'pscdns', 'pscinit') {
        $file = [System.IO.FileInfo]::new([System.IO.Path]::Combine($bin.FullName, $name))
        # FileInfo.Exists is false for a directory; LinkTarget is set for a symbolic link (even a dangling one)
        if (-not $file.Exists -or $null -ne $file.LinkTarget) { continue }
        $mode = $file.UnixFileMode
        if ($mode -band $anyExecute) { continue }
        $new = $mode -bor [System.IO.UnixFileMode]::UserExecute
        foreach ($pair in $read) { if ($mode -band $pair[0]) { $new = $new -bor $pair[1] } }
        try {
            [System.IO.File]::SetUnixFileMode($file.FullName, [System.IO.UnixFileMode] $new)
        } catch {
            Write-Warning "PsContainers: $($file.FullName) is not executable and its mode could not be set ($($_.Exception.Message)). Run: chmod 0755 '$($file.FullName)'"
        }
    }
}
