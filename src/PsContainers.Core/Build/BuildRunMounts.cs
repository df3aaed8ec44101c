using System.Text;
using PsContainers.Core.Containers;
using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// The mounts of one RUN step, made ready for its working container (<see cref="BuildRunMount"/>); disposing releases
/// them (locks, staged copies). Never part of the step's layer: the mount points the runtime makes are left out of it
/// (<see cref="ContainerChanges.RuntimeMountTargets"/>), their content is not in the upper directory.
/// <list type="bullet">
/// <item>cache: a directory per id under <c>&lt;build cache&gt;/mounts/&lt;sha256(id)&gt;</c>, kept from build to
/// build, made with the mount's uid, gid and mode, bind-mounted read-write (or read-only with <c>ro</c>).
/// <c>sharing=locked</c> holds an exclusive lock on it for the step (a second build waits); <c>private</c> takes the
/// shared directory when no other step holds it, else a fresh temporary one (BuildKit makes a new one then);
/// <c>shared</c> lets steps use it together. Its content takes no part in the step's cache key, as in BuildKit.</item>
/// <item>bind: the source (a path in the build context, or in a stage or image with <c>from</c>) copied through the
/// secure join (<see cref="BuildCopier"/>: no link leads out of the source) into a staging directory, bind-mounted
/// read-only. Its content is part of the step's cache key (<see cref="Digest"/>).</item>
/// </list>
/// </summary>
public sealed class BuildRunMounts : IDisposable
{
    private readonly List<string> _staged = [];
    private readonly List<FileStream> _locks = [];

    private BuildRunMounts() { }

    /// <summary>The mounts to add to the working container's <see cref="ContainerCreateOptions.Mounts"/>.</summary>
    public List<MountSpec> Specs { get; } = [];

    /// <summary>The directory of a cache mount's id under <paramref name="cacheRoot"/> (the build cache directory).</summary>
    public static string CacheDirectory(string cacheRoot, string id) =>
        Path.Combine(cacheRoot, "mounts", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id))));

    /// <summary>The content digest of a bind mount's source (the same rule as COPY's: names, modes, owners, bytes; not times).</summary>
    /// <exception cref="PscException">BuildSourceNotFound naming the source as written (<see cref="IsDirectory"/>).</exception>
    public static string Digest(BuildRunMount m, BuildCopySource source, string where, CancellationToken ct)
    {
        IsDirectory(m, source, where);
        return BuildCopier.ComputeDigest(source, new BuildCopyOptions { Sources = [m.Source], Destination = "/", Where = where }, ct);
    }

    /// <summary>
    /// Whether a bind mount's source is a directory (a symlink followed inside the source root only).
    /// </summary>
    /// <exception cref="PscException">BuildSourceNotFound: "the RUN --mount source 'SOURCE' does not exist in …", the
    /// source as the user wrote it (never a staging path).</exception>
    private static bool IsDirectory(BuildRunMount m, BuildCopySource source, string where)
    {
        try
        {
            using var fd = source.Root.Open(m.Source);
            return Fs.Stat(fd).IsDirectory;
        }
        catch (FsException)
        {
            throw PscException.NotFound(ErrorIds.BuildSourceNotFound, $"{where}: the RUN --mount source '{m.Source}' does not exist in {(m.From is null ? "the build context" : m.From)}.", m.Source);
        }
    }

    /// <summary>Prepare <paramref name="mounts"/>; <paramref name="sourceOf"/> opens a bind mount's source (the caller disposes what it opened after this returns).</summary>
    /// <exception cref="PscException">BuildSourceNotFound (a bind source missing), the copier's errors.</exception>
    public static BuildRunMounts Prepare(IReadOnlyList<BuildRunMount> mounts, string cacheRoot, string tmp, Func<BuildRunMount, BuildCopySource> sourceOf, string where, CancellationToken ct)
    {
        var r = new BuildRunMounts();
        try
        {
            foreach (var m in mounts)
            {
                ct.ThrowIfCancellationRequested();
                string source = m.Type == BuildRunMountType.Cache ? r.Cache(m, cacheRoot, tmp, ct) : r.Bind(m, sourceOf(m), tmp, where, ct);
                r.Specs.Add(new MountSpec { Type = MountKind.Bind, Source = source, Destination = m.Target, ReadOnly = m.ReadOnly });
            }
            return r;
        }
        catch
        {
            r.Dispose();
            throw;
        }
    }

    private string Cache(BuildRunMount m, string cacheRoot, string tmp, CancellationToken ct)
    {
        string dir = CacheDirectory(cacheRoot, m.Id);
        if (m.Sharing != "shared")
        {
            var lockFile = dir + ".lock";
            Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
            while (true)
            {
                try { _locks.Add(new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)); break; }
                catch (IOException) when (m.Sharing == "private")
                {
                    dir = Path.Combine(tmp, "build-cache-private-" + Guid.NewGuid().ToString("N"));
                    _staged.Add(dir);
                    break;
                }
                catch (IOException) { ct.WaitHandle.WaitOne(200); ct.ThrowIfCancellationRequested(); }
            }
        }
        if (!Directory.Exists(dir))
        {
            string parent = Path.GetDirectoryName(dir)!;
            Directory.CreateDirectory(parent);
            string made = Path.Combine(parent, ".new-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(made);
            using (var fd = SafeFd.OpenDirectory(made))
            {
                Fs.Chown(fd, ""u8, m.Uid, m.Gid);
                Fs.Chmod(fd, m.Mode);
            }
            try { Directory.Move(made, dir); }
            catch (IOException) { Directory.Delete(made); } // another build made it first
        }
        return dir;
    }

    private string Bind(BuildRunMount m, BuildCopySource source, string tmp, string where, CancellationToken ct)
    {
        Directory.CreateDirectory(tmp);
        string staging = Path.Combine(tmp, "build-bind-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        _staged.Add(staging);
        bool directory = IsDirectory(m, source, where);
        // a directory's content into the staging root; a file (a link to one is resolved inside the source by the
        // copier's secure join) under a fixed name, whatever the link's target is called
        if (directory)
        {
            BuildCopier.Copy(source, new BuildCopyOptions { Sources = [m.Source], Destination = "/", Where = where }, staging, ct);
            return staging;
        }
        BuildCopier.Copy(source, new BuildCopyOptions { Sources = [m.Source], Destination = "/source", Where = where }, staging, ct);
        return Path.Combine(staging, "source");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var l in _locks) l.Dispose();
        _locks.Clear();
        foreach (var d in _staged) SafeTree.Delete(d);
        _staged.Clear();
    }
}
