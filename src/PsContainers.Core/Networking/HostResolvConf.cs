namespace PsContainers.Core.Networking;

/// <summary>
/// The host's resolver configuration as docker reads it for containers (moby libnetwork/resolvconf): /etc/resolv.conf,
/// except when it names only systemd-resolved's stub listener (127.0.0.53), which a container cannot reach; then the
/// real upstream servers systemd-resolved writes to /run/systemd/resolve/resolv.conf. When no nameserver a container
/// can reach is left (only loopback ones), docker falls back to public resolvers: <see cref="DefaultNameservers"/>.
/// Shared by the engine (each container's /etc/resolv.conf) and pscdns (the servers it forwards other names to).
/// </summary>
public static class HostResolvConf
{
    /// <summary>systemd-resolved's stub listener address.</summary>
    public const string StubResolver = "127.0.0.53";
    /// <summary>Where systemd-resolved writes the upstream servers it uses.</summary>
    public const string ResolvedPath = "/run/systemd/resolve/resolv.conf";
    /// <summary>docker's fallback when the host has no nameserver a container can reach (Google Public DNS, IPv4).</summary>
    public static readonly IReadOnlyList<string> DefaultNameservers = ["8.8.8.8", "8.8.4.4"];

    /// <summary>
    /// The text to start from: <paramref name="etcResolvConf"/> ("/etc/resolv.conf" by default), or
    /// <paramref name="resolvedPath"/> when the former's only nameserver is the stub and the latter exists. "" when
    /// neither can be read. Paths are parameters so tests can point them at scratch files.
    /// </summary>
    public static string Read(string etcResolvConf = "/etc/resolv.conf", string resolvedPath = ResolvedPath)
    {
        string text = TryRead(etcResolvConf);
        var servers = Nameservers(text);
        if (servers.Count > 0 && servers.All(s => s == StubResolver) && TryRead(resolvedPath) is { Length: > 0 } upstream)
            return upstream;
        return text;
    }

    /// <summary>The nameserver addresses of a resolv.conf text, in order.</summary>
    public static List<string> Nameservers(string resolvConf)
    {
        var list = new List<string>();
        foreach (var raw in resolvConf.Split('\n'))
        {
            var f = raw.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && f[0] == "nameserver") list.Add(f[1]);
        }
        return list;
    }

    /// <summary>A loopback address (127.0.0.0/8 or ::1): a resolver on the host's own lo, out of a container's reach.</summary>
    public static bool IsLoopback(string address) =>
        System.Net.IPAddress.TryParse(address, out var ip) ? System.Net.IPAddress.IsLoopback(ip) : address.StartsWith("127.", StringComparison.Ordinal);

    private static string TryRead(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : ""; }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
