using System.Globalization;

namespace PsContainers.Core.Containers;

/// <summary>
/// The settings of a tmpfs mount (docker's mount.TmpfsOptions: SizeBytes, Mode, plus the other mount options).
/// </summary>
public sealed class TmpfsMount
{
    /// <summary>The size limit in bytes (size=64m), or null for the kernel's default (half of RAM).</summary>
    public long? SizeBytes { get; set; }

    /// <summary>The permission bits of its root (mode=1777 is 1023), or null for 1777 (docker's default).</summary>
    public int? Mode { get; set; }

    /// <summary>The other tmpfs options as given: noexec, uid=, gid=, nr_inodes=, noatime, a size in percent ("size=50%").</summary>
    public string[] Options { get; set; } = [];

    /// <summary>
    /// From -Tmpfs and -Mount type=tmpfs options (already checked by <see cref="Volumes.MountParser"/>): size= in bytes
    /// (a percentage stays an option), mode= in octal.
    /// </summary>
    /// <exception cref="PscException">InvalidMountSpec: a size or mode that does not parse.</exception>
    public static TmpfsMount FromOptions(IEnumerable<string> options)
    {
        var t = new TmpfsMount();
        var rest = new List<string>();
        foreach (var o in options)
        {
            if (o.StartsWith("size=", StringComparison.Ordinal) && !o.EndsWith('%'))
                t.SizeBytes = Util.ByteSize.Parse(o[5..], ErrorIds.InvalidMountSpec, "a tmpfs size");
            else if (o.StartsWith("mode=", StringComparison.Ordinal))
            {
                try { t.Mode = Convert.ToInt32(o[5..], 8); }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                { throw PscException.InvalidArgument(ErrorIds.InvalidMountSpec, $"Tmpfs mode '{o[5..]}' is not an octal number.", o); }
            }
            else rest.Add(o);
        }
        t.Options = rest.ToArray();
        return t;
    }

    /// <summary>
    /// The options of the runtime's tmpfs mount: nosuid and nodev, the other options, size in bytes, mode in octal
    /// (1777 when none was given), and ro for a read-only mount.
    /// </summary>
    public List<string> MountOptions(bool readOnly)
    {
        var opts = new List<string> { "nosuid", "nodev" };
        opts.AddRange(Options);
        if (SizeBytes is long size) opts.Add("size=" + size.ToString(CultureInfo.InvariantCulture));
        opts.Add("mode=" + Convert.ToString(Mode ?? 1023, 8));
        if (readOnly) opts.Add("ro");
        return opts.Distinct().ToList();
    }
}
