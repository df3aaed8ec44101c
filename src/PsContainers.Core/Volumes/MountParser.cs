using System.Text.RegularExpressions;
using System.Collections.Immutable;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Volumes;

/// <summary>Parses docker's -v/--volume, --mount and --tmpfs syntaxes.</summary>
public static partial class MountParser
{
    /// <summary>The bind propagation modes (-Mount bind-propagation, -Volume options), in the order an error lists them.</summary>
    private static readonly ImmutableArray<string> Propagations = ["shared", "rshared", "slave", "rslave", "private", "rprivate"];

    /// <summary>
    /// The one parser of docker's -v/--volume syntax (docker run reference, "Bind mounts" and "Volumes";
    /// moby's volume/mounts linux_parser): <c>name:/path[:opts]</c> (a named volume), <c>/host:/path[:opts]</c>
    /// (a bind mount; a source starting with '/', '.' or '~' is a path, anything else a volume name: compose-spec's
    /// rule, compose-go <c>isFilePath</c>; no volume name can start so),
    /// or <c>/path</c> alone (an anonymous volume). Options, comma separated: ro, rw, nocopy, z, Z (ignored: no
    /// SELinux), and for binds a propagation mode (shared, rshared, slave, rslave, private, rprivate).
    /// </summary>
    /// <exception cref="InvalidArgumentException">InvalidVolume: empty, more than three ':'-separated fields, an
    /// empty source, an unknown option, or a container path that is relative, '/' or holds '..'.
    /// InvalidVolumeName: the source is neither a path nor a valid volume name.</exception>
    public static MountRequest ParseVolume(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw Bad(spec, "volume", "it is empty");
        var parts = spec.Split(':');
        if (parts.Length > 3) throw Bad(spec, "volume", "too many ':'");
        var m = new MountRequest { CreateHostPath = true };
        if (parts.Length == 1)
        {
            m.Type = MountKind.Volume; m.Target = parts[0];
        }
        else
        {
            string src = parts[0];
            m.Target = parts[1];
            if (src.Length == 0) throw Bad(spec, "volume", "the source is empty");
            if (IsHostPath(src)) { m.Type = MountKind.Bind; m.Source = src; }
            else { ValidateVolumeName(src); m.Type = MountKind.Volume; m.Source = src; }
            if (parts.Length == 3)
                foreach (var o in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    switch (o)
                    {
                        case "ro": m.ReadOnly = true; break;
                        case "rw": m.ReadOnly = false; break;
                        case "nocopy": m.NoCopy = true; break;
                        case "z": case "Z": m.SeLinux = o; break; // kept for the record; no relabelling without SELinux
                        default:
                            if (Propagations.Contains(o) && m.Type == MountKind.Bind) m.Options.Add(o);
                            else throw Bad(spec, "volume", $"unknown option '{o}' (use ro, rw, nocopy, or a propagation mode for binds)");
                            break;
                    }
                }
        }
        CheckTarget(m.Target, spec, "volume");
        return m;
    }

    /// <summary>
    /// The container record's form of a parsed -Volume/-Mount/-Tmpfs request: a bind's source made absolute
    /// (against the process's current directory), an anonymous volume given a fresh 64-hex-digit name and the
    /// "anonymous" option, a volume's nocopy kept as the "nocopy" option, a tmpfs's options read into
    /// <see cref="TmpfsMount"/> (InvalidMountSpec on a bad size or mode).
    /// </summary>
    public static MountSpec ToMountSpec(MountRequest m) => m.Type switch
    {
        MountKind.Tmpfs => new MountSpec { Type = MountKind.Tmpfs, Destination = m.Target, ReadOnly = m.ReadOnly, Tmpfs = TmpfsMount.FromOptions(m.Options) },
        MountKind.Bind => new MountSpec { Type = MountKind.Bind, Source = Path.GetFullPath(m.Source!), Destination = m.Target, ReadOnly = m.ReadOnly, Options = m.Options.ToArray() },
        _ => new MountSpec
        {
            Type = MountKind.Volume, Source = m.Source ?? VolumeParticipant.NewAnonymousVolumeName(), Destination = m.Target, ReadOnly = m.ReadOnly,
            Options = (m.Source is null ? new[] { MountSpec.AnonymousOption } : []).Concat(m.NoCopy ? new[] { MountSpec.NoCopyOption } : []).ToArray(),
        },
    };

    /// <summary>-Mount: type=bind|volume|tmpfs,source=...,target=...,readonly and docker's other keys.</summary>
    public static MountRequest ParseMount(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw Bad(spec, "mount", "it is empty");
        var m = new MountRequest { Type = MountKind.Volume };
        bool typeSet = false;
        foreach (var raw in spec.Split(','))
        {
            var field = raw.Trim().Trim('"');
            if (field.Length == 0) continue;
            int eq = field.IndexOf('=');
            string key = (eq < 0 ? field : field[..eq]).ToLowerInvariant();
            string? val = eq < 0 ? null : field[(eq + 1)..];
            switch (key)
            {
                case "type":
                    m.Type = (val ?? "").ToLowerInvariant() switch
                    {
                        "bind" => MountKind.Bind,
                        "volume" => MountKind.Volume,
                        "tmpfs" => MountKind.Tmpfs,
                        _ => throw Bad(spec, "mount", $"type '{val}' is not bind, volume or tmpfs"),
                    };
                    typeSet = true; break;
                case "source": case "src": m.Source = Need(val, key, spec); break;
                case "target": case "destination": case "dst": m.Target = Need(val, key, spec); break;
                case "readonly": case "ro": m.ReadOnly = Bool(val, key, spec); break;
                case "volume-nocopy": m.NoCopy = Bool(val, key, spec); break;
                case "bind-propagation":
                    var pr = Need(val, key, spec);
                    if (!Propagations.Contains(pr)) throw Bad(spec, "mount", $"bind-propagation '{pr}' is not one of {string.Join(", ", Propagations)}");
                    m.Options.Add(pr); break;
                case "tmpfs-size": m.Options.Add("size=" + Need(val, key, spec)); break;
                case "tmpfs-mode": m.Options.Add("mode=" + Need(val, key, spec)); break;
                case "consistency": case "bind-nonrecursive": case "volume-driver": break;
                case "volume-label": break;
                default: throw Bad(spec, "mount", $"unknown key '{key}'");
            }
        }
        _ = typeSet;
        if (string.IsNullOrEmpty(m.Target)) throw Bad(spec, "mount", "target= is required");
        if (m.Type == MountKind.Bind && string.IsNullOrEmpty(m.Source)) throw Bad(spec, "mount", "a bind mount needs source=");
        if (m.Type == MountKind.Tmpfs && !string.IsNullOrEmpty(m.Source)) throw Bad(spec, "mount", "a tmpfs mount takes no source");
        if (m.Type == MountKind.Volume && m.Source is not null) ValidateVolumeName(m.Source);
        if (m.Type == MountKind.Bind && !m.Source!.StartsWith('/') && !m.Source.StartsWith('.')) throw Bad(spec, "mount", "a bind source must be an absolute path");
        if (m.Type != MountKind.Bind && m.Options.Any(Propagations.Contains)) throw Bad(spec, "mount", "bind-propagation applies to bind mounts only");
        CheckTarget(m.Target, spec, "mount");
        return m;
    }

    /// <summary>-Tmpfs: /path[:options] (size=64m, mode=1777, noexec, ...).</summary>
    public static MountRequest ParseTmpfs(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw Bad(spec, "tmpfs", "it is empty");
        int c = spec.IndexOf(':');
        var m = new MountRequest { Type = MountKind.Tmpfs, Target = c < 0 ? spec : spec[..c] };
        if (c >= 0)
            foreach (var o in spec[(c + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (o == "ro") m.ReadOnly = true;
                else if (o == "rw") m.ReadOnly = false;
                else if (TmpfsOption().IsMatch(o)) m.Options.Add(o);
                else throw Bad(spec, "tmpfs", $"unknown option '{o}'");
            }
        CheckTarget(m.Target, spec, "tmpfs");
        return m;
    }

    /// <summary>
    /// Is a -Volume source a host path rather than a volume name? It starts with '/', '.' or '~' (compose-spec short
    /// syntax, compose-go <c>isFilePath</c>; "./a", "../a", ".", "~", "~/a", and also ".a" or "~a", which cannot be
    /// volume names). A relative one is resolved by the caller (the current directory, or compose's project directory).
    /// </summary>
    public static bool IsHostPath(string source) => source.Length > 0 && source[0] is '/' or '.' or '~';

    [GeneratedRegex("^(size=[0-9]+[kmgKMG%]?|mode=[0-7]{3,4}|uid=[0-9]+|gid=[0-9]+|nr_inodes=[0-9]+[kmgKMG]?|noexec|exec|nosuid|suid|nodev|dev|noatime|atime)$")]
    private static partial Regex TmpfsOption();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex VolumeName();

    public static void ValidateVolumeName(string name)
    {
        if (!VolumeName().IsMatch(name) || name.Length > 128)
            throw new InvalidArgumentException(ErrorIds.InvalidVolumeName,
                $"'{name}' is not a valid volume name: start with a letter or digit, then letters, digits, '_', '.' or '-'.", name);
    }

    private static void CheckTarget(string target, string spec, string what)
    {
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/')) throw Bad(spec, what, $"the container path '{target}' is not absolute");
        if (target.Split('/').Any(p => p == "..")) throw Bad(spec, what, "the container path must not contain '..'");
        if (target == "/") throw Bad(spec, what, "the container root cannot be a mount target");
    }

    private static string Need(string? v, string key, string spec) =>
        string.IsNullOrEmpty(v) ? throw Bad(spec, "mount", $"{key}= needs a value") : v;

    private static bool Bool(string? v, string key, string spec) => v?.ToLowerInvariant() switch
    {
        null or "" or "true" or "1" => true,
        "false" or "0" => false,
        _ => throw Bad(spec, "mount", $"{key}={v} is not true or false"),
    };

    // -Volume keeps the ErrorId its users have always seen (InvalidVolume); -Mount and -Tmpfs say InvalidMountSpec
    private static PscException Bad(string spec, string what, string why) =>
        new InvalidArgumentException(what == "volume" ? ErrorIds.InvalidVolume : ErrorIds.InvalidMountSpec, $"Invalid {what} '{spec}': {why}.", spec);
}
