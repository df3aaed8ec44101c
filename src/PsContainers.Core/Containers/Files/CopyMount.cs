using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers.Files;

/// <summary>
/// A mount that docker cp reads and writes through (docker's container archive mounts the container's volumes before
/// it resolves a path): a bind or volume with its host <see cref="Source"/> (a directory, or a file such as the engine's
/// /etc/hostname), or a tmpfs, which has no host source and is refused. <see cref="Destination"/> is the absolute
/// path inside the container, lexically clean ("/data", never "/data/" or "/a/../data").
/// </summary>
internal sealed record CopyMount(string Destination, MountKind Kind, string? Source, bool ReadOnly)
{
    /// <summary>The destinations the engine binds its per-container files to (docker: hostname, hosts, resolv.conf).</summary>
    internal static readonly string[] NetworkFiles = ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"];

    /// <summary>
    /// The mounts of <paramref name="c"/> a copy goes through: the record's binds, volumes (their data directory) and
    /// tmpfs, then the network files the bundle's config.json (in <paramref name="bundle"/>) binds at
    /// <see cref="NetworkFiles"/> where the record mounts nothing there (the spec gives the record's mounts precedence
    /// the same way). A volume whose directory is unknown and a network file whose source is gone are left out. A
    /// container never started has no config.json: its network files are the image's. Nothing is written.
    /// </summary>
    internal static List<CopyMount> Of(Container c, string bundle)
    {
        var list = new List<CopyMount>();
        foreach (var m in c.Mounts)
        {
            string dest = Clean(m.Destination);
            if (dest == "/") continue;
            if (m.Type == MountKind.Tmpfs) list.Add(new CopyMount(dest, MountKind.Tmpfs, null, m.ReadOnly));
            else if (m.Source is { Length: > 0 } src) list.Add(new CopyMount(dest, m.Type, src, m.ReadOnly));
        }
        string config = Path.Combine(bundle, "config.json");
        if (!File.Exists(config)) return list;
        RuntimeSpec spec;
        try { spec = RuntimeSpec.Parse(File.ReadAllText(config)); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException) { return list; }
        foreach (var sm in spec.Mounts ?? [])
        {
            string dest = Clean(sm.Destination);
            if (Array.IndexOf(NetworkFiles, dest) < 0 || sm.Type != "bind" || sm.Source is not { Length: > 0 } src) continue;
            if (list.Any(m => m.Destination == dest) || !File.Exists(src)) continue;
            list.Add(new CopyMount(dest, MountKind.Bind, src, sm.Options?.Contains("ro") == true));
        }
        return list;
    }

    /// <summary>An absolute container path made lexically clean: empty and "." components dropped, ".." removes the previous one (never above "/").</summary>
    internal static string Clean(string path)
    {
        var comps = new List<string>();
        foreach (var p in path.Split('/'))
        {
            if (p.Length == 0 || p == ".") continue;
            if (p == "..") { if (comps.Count > 0) comps.RemoveAt(comps.Count - 1); }
            else comps.Add(p);
        }
        return "/" + string.Join('/', comps);
    }
}
