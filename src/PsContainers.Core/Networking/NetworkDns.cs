using System.Diagnostics;
using System.Globalization;
using PsContainers.Core.Util;

namespace PsContainers.Core.Networking;

/// <summary>
/// Runs the name server (pscdns) of each user network that has containers: it listens on the network's gateway
/// address and answers the containers' names from a records file kept here (networks/dns/&lt;network&gt;.json,
/// replaced atomically). Started detached when the first container joins, restarted when found dead at the next
/// change, stopped when the network has no containers left or is removed. The default network has none, as
/// docker's default bridge has no name resolution.
/// </summary>
public sealed class NetworkDns
{
    private readonly Util.ISyscalls _sys;

    public PscPaths Paths { get; }

    /// <param name="paths">The store root.</param>
    /// <param name="syscalls">Where /proc is read (whether a recorded pid is still our pscdns); the real one when null.</param>
    public NetworkDns(PscPaths paths, Util.ISyscalls? syscalls = null)
    {
        Paths = paths;
        _sys = syscalls ?? Util.LinuxSyscalls.Instance;
    }

    public string Directory => Path.Combine(Paths.Networks, "dns");
    public string RecordsPath(string network) => Path.Combine(Directory, network + ".json");
    /// <summary>Whether any network has a records file (a name server to keep in step), read without a lock.</summary>
    public bool HasRecords => System.IO.Directory.Exists(Directory) && System.IO.Directory.EnumerateFiles(Directory, "*.json").Any();
    public string PidPath(string network) => Path.Combine(Directory, network + ".pid");
    public static string ServerPath => Path.Combine(PscPaths.BinDirectory, "pscdns");

    /// <summary>Whether a network gets a name server: a user bridge network with name resolution and a gateway on the host.</summary>
    public static bool Serves(ContainerNetwork? n) =>
        n is not null && !n.IsDefault && n.DnsEnabled && n.Driver == "bridge" && !n.Internal && n.Gateway is not null;

    /// <summary>The names a network's containers answer to: name, hostname, short id, aliases.</summary>
    public static SortedDictionary<string, List<string>> NamesOf(string network, IEnumerable<ContainerNetworkState> states)
    {
        var d = new SortedDictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in states)
        {
            var a = s.Networks.FirstOrDefault(x => x.Network == network);
            if (a?.IPAddress is null) continue;
            var names = new[] { s.ContainerName, s.Hostname, s.ContainerId.Length >= 12 ? s.ContainerId[..12] : null }.Concat(a.Aliases);
            foreach (var nm in names)
            {
                if (string.IsNullOrEmpty(nm)) continue;
                if (!d.TryGetValue(nm, out var list)) d[nm] = list = new List<string>();
                if (!list.Contains(a.IPAddress)) list.Add(a.IPAddress);
            }
        }
        return d;
    }

    /// <summary>
    /// Bring the name servers of these networks (and of every network that has one) in line with the containers
    /// now on them. Called under the engine's attach lock. Never throws: name resolution through /etc/hosts stays.
    /// </summary>
    public void Sync(IEnumerable<string> networks, List<ContainerNetworkState> states, NetworkStore store)
    {
        var set = networks.ToHashSet();
        if (System.IO.Directory.Exists(Directory))
            foreach (var f in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
                set.Add(Path.GetFileNameWithoutExtension(f));
        foreach (var name in set)
        {
            try
            {
                var net = store.Get(name);
                var names = Serves(net) ? NamesOf(name, states) : new();
                if (names.Count == 0) { Stop(name); continue; }
                System.IO.Directory.CreateDirectory(Directory);
                // atomic, not fsynced: the name server and the containers it names do not outlive a reboot
                AtomicFile.WriteAllText(RecordsPath(name), DnsRecords.Serialize(name, names), durable: false);
                if (RunningPid(name) is null) Start(name, net!.Gateway!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PscException or System.ComponentModel.Win32Exception or InvalidOperationException) { }
        }
    }

    /// <summary>The pid of the network's running name server, or null.</summary>
    public int? RunningPid(string network)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(PidPath(network)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return null;
            var cmd = (_sys.ReadProcFile(pid, "cmdline") ?? "").Split('\0');
            return cmd.Length > 2 && Path.GetFileName(cmd[0]) == "pscdns" && cmd[2] == RecordsPath(network) ? pid : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private void Start(string network, string gateway)
    {
        string exe = ServerPath;
        if (!File.Exists(exe)) return;
        try { File.Delete(PidPath(network)); } catch (IOException) { }
        // it detaches itself (its own session; its stdio on /dev/null once it listens), as pscmon does: it outlives
        // the pwsh that started it, and this process reaps it if it ends first
        var psi = new ProcessStartInfo(exe)
        {
            UseShellExecute = false,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { gateway, RecordsPath(network), PidPath(network) }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        // it writes its pid file once it listens; a server that cannot listen exits (names then resolve through
        // the host's servers only, as before)
        for (int i = 0; i < 100 && RunningPid(network) is null && !p.HasExited; i++) Thread.Sleep(10);
    }

    /// <summary>Stop a network's name server and forget its records.</summary>
    public void Stop(string network)
    {
        int? pid = RunningPid(network);
        try { File.Delete(RecordsPath(network)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (pid is int p)
        {
            try { using var proc = Process.GetProcessById(p); proc.Kill(); proc.WaitForExit(2000); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }
        try { File.Delete(PidPath(network)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
