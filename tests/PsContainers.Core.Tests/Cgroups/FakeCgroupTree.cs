namespace PsContainers.Core.Tests.Cgroups;

/// <summary>
/// A cgroup file system imitated by plain files in a temporary directory: interface files exist (empty or with the
/// content a kernel would show) before the manager writes them, as the kernel's do. Nothing here touches /sys/fs/cgroup.
/// </summary>
internal sealed class FakeCgroupTree : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("psc-cgroup-").FullName;

    /// <summary>Make <paramref name="relativeDir"/> with the given interface files (name -> content).</summary>
    public string Group(string relativeDir, params (string File, string Content)[] files)
    {
        string dir = Path.Combine(Root, relativeDir);
        Directory.CreateDirectory(dir);
        foreach (var (f, c) in files) File.WriteAllText(Path.Combine(dir, f), c);
        return dir;
    }

    public static string Read(string dir, string file) => File.ReadAllText(Path.Combine(dir, file));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
