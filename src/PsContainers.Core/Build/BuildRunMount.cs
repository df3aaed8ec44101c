using System.Globalization;

namespace PsContainers.Core.Build;

/// <summary>The kind of a <c>RUN --mount</c> this builder runs.</summary>
public enum BuildRunMountType { Cache, Bind }

/// <summary>
/// One <c>RUN --mount=…</c> value (Dockerfile reference, "RUN --mount"; BuildKit instructions/commands_runmount.go):
/// comma-separated <c>key=value</c> fields, <c>type</c> first by convention, default <c>bind</c>.
/// <list type="bullet">
/// <item><c>type=cache</c>: <c>target</c> (also <c>dst</c>, <c>destination</c>; required), <c>id</c> (default the
/// target), <c>sharing=shared|private|locked</c> (default shared), <c>uid</c>, <c>gid</c> (default 0), <c>mode</c>
/// (octal, default 0755), <c>ro</c>/<c>readonly</c>, <c>from</c> and <c>source</c> are not supported here.</item>
/// <item><c>type=bind</c>: <c>target</c> (required), <c>source</c> (also <c>src</c>; default the root of the
/// source), <c>from</c> (a stage or an image; default the build context), read-only unless <c>rw</c>/<c>readwrite</c>
/// (refused here: writes to it would have to be discarded).</item>
/// </list>
/// Other types (secret, ssh, tmpfs) are BuildInstructionNotSupported; a malformed value is BuildMountInvalid. Both
/// messages start with the instruction's location.
/// </summary>
public sealed record BuildRunMount
{
    public BuildRunMountType Type { get; init; }
    /// <summary>The absolute path in the container.</summary>
    public string Target { get; init; } = "";
    /// <summary>The path in the source (bind), relative to its root; "/" by default.</summary>
    public string Source { get; init; } = "/";
    /// <summary>The stage or image of a bind mount, or null: the build context.</summary>
    public string? From { get; init; }
    /// <summary>The cache's id (default: the target).</summary>
    public string Id { get; init; } = "";
    /// <summary>shared, private or locked (cache).</summary>
    public string Sharing { get; init; } = "shared";
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    /// <summary>The mode of a new cache directory (permission bits).</summary>
    public uint Mode { get; init; } = Convert.ToUInt32("755", 8);
    public bool ReadOnly { get; init; }

    /// <summary>
    /// Parse one --mount value (already expanded) of the RUN at <paramref name="where"/>. A relative target is joined
    /// with the stage's WORKDIR <paramref name="workingDirectory"/> (absolute; BuildKit since moby/buildkit#628) and
    /// the target is cleaned lexically; a target that is the root itself is refused (BuildKit: invalid mount target "/").
    /// </summary>
    /// <exception cref="PscException">BuildMountInvalid (InvalidArgument); BuildInstructionNotSupported (InvalidArgument) for another type or option.</exception>
    public static BuildRunMount Parse(string value, string where, string workingDirectory = "/")
    {
        string type = "bind";
        var fields = new List<(string Key, string? Value)>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0) continue;
            int eq = part.IndexOf('=');
            string key = (eq < 0 ? part : part[..eq]).ToLowerInvariant();
            string? v = eq < 0 ? null : part[(eq + 1)..];
            if (key == "type") type = (v ?? "").ToLowerInvariant();
            else fields.Add((key, v));
        }
        var kind = type switch
        {
            "cache" => BuildRunMountType.Cache,
            "bind" => BuildRunMountType.Bind,
            "secret" or "ssh" or "tmpfs" => throw PscException.InvalidArgument(ErrorIds.BuildInstructionNotSupported,
                $"{where}: RUN --mount=type={type} is not supported by this builder; type=cache and type=bind are.", value),
            _ => throw Invalid(where, value, $"unknown mount type '{type}' (cache, bind, tmpfs, secret or ssh)"),
        };
        var m = new BuildRunMount { Type = kind };
        foreach (var (key, v) in fields)
        {
            string Need() => string.IsNullOrEmpty(v) ? throw Invalid(where, value, $"'{key}' needs a value") : v;
            bool Flag() => v is null || (bool.TryParse(v, out bool b) ? b : throw Invalid(where, value, $"'{key}={v}' is not true or false"));
            uint Number(int radix)
            {
                try { return Convert.ToUInt32(Need(), radix); }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { throw Invalid(where, value, $"'{key}={v}' is not {(radix == 8 ? "an octal mode" : "a number")}"); }
            }
            switch (key)
            {
                case "target" or "dst" or "destination": m = m with { Target = Need() }; break;
                case "source" or "src" when kind == BuildRunMountType.Bind: m = m with { Source = Need() }; break;
                case "from" when kind == BuildRunMountType.Bind: m = m with { From = Need() }; break;
                case "id" when kind == BuildRunMountType.Cache: m = m with { Id = Need() }; break;
                case "sharing" when kind == BuildRunMountType.Cache:
                    string s = Need().ToLowerInvariant();
                    if (s is not ("shared" or "private" or "locked")) throw Invalid(where, value, $"sharing '{v}' is not shared, private or locked");
                    m = m with { Sharing = s };
                    break;
                case "uid" when kind == BuildRunMountType.Cache: m = m with { Uid = Number(10) }; break;
                case "gid" when kind == BuildRunMountType.Cache: m = m with { Gid = Number(10) }; break;
                case "mode" when kind == BuildRunMountType.Cache: m = m with { Mode = Number(8) & 0x1FF }; break;
                case "ro" or "readonly": m = m with { ReadOnly = Flag() }; break;
                case "rw" or "readwrite":
                    if (!Flag()) break;
                    if (kind == BuildRunMountType.Bind)
                        throw PscException.InvalidArgument(ErrorIds.BuildInstructionNotSupported, $"{where}: RUN --mount=type=bind,rw (writes discarded after the step) is not supported by this builder; bind mounts are read-only.", value);
                    break;
                default:
                    throw PscException.InvalidArgument(ErrorIds.BuildInstructionNotSupported,
                        $"{where}: the RUN --mount option '{key}' is not supported for type={type} by this builder.", value);
            }
        }
        if (string.IsNullOrEmpty(m.Target)) throw Invalid(where, value, "a target is required (target=/path)");
        string target = BuildCopier.Clean(m.Target.StartsWith('/') ? m.Target : (string.IsNullOrEmpty(workingDirectory) ? "/" : workingDirectory).TrimEnd('/') + "/" + m.Target);
        RefuseRootTarget(target, where, value);
        m = m with { Target = target };
        if (kind == BuildRunMountType.Bind) m = m with { ReadOnly = true };
        if (kind == BuildRunMountType.Cache && m.Id.Length == 0) m = m with { Id = m.Target };
        return m;
    }

    /// <summary>
    /// The parse-time check of a --mount value before any step runs (BuildKit refuses it when it parses the
    /// Dockerfile): a literal absolute target that cleans to "/" is refused. Values with variables or a relative
    /// target wait for <see cref="Parse"/> (they need the step's ARGs and WORKDIR).
    /// </summary>
    /// <exception cref="PscException">BuildMountInvalid: invalid mount target "/".</exception>
    internal static void CheckLiteralTarget(string value, string where)
    {
        if (value.Contains('$')) return;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq < 0 || part[..eq].ToLowerInvariant() is not ("target" or "dst" or "destination")) continue;
            string t = part[(eq + 1)..];
            if (t.StartsWith('/')) RefuseRootTarget(BuildCopier.Clean(t), where, value);
        }
    }

    private static void RefuseRootTarget(string cleanTarget, string where, string value)
    {
        if (cleanTarget == "/") throw Invalid(where, value, "invalid mount target \"/\" (the root of the container cannot be a mount)");
    }

    private static PscException Invalid(string where, string value, string why) =>
        PscException.InvalidArgument(ErrorIds.BuildMountInvalid, $"{where}: invalid RUN --mount '{value}': {why}.", value);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"type={Type.ToString().ToLowerInvariant()},target={Target}");
}
