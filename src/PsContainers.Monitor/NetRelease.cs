using System.Globalization;
using System.Text.Json;
using PsContainers.Cni;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using static PsContainers.FileSystem.Libc;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// <c>pscmon net-release STORE_ROOT CONTAINER_ID SETUP_ID [--foreground]</c>: release the network of a stopped
/// container, run by the OCI runtime as a poststop hook (so it also runs for -Remove containers whose monitor deletes
/// them, and after a kill). It replays every cached CNI attachment of the container (STORE_ROOT/networks/cache/
/// NET-ID-IF.json) as a DEL through its plugins in reverse order (prevResult, CNI_ARGS and capability arguments from
/// the cache, CNI SPEC.md "DEL"), which releases the addresses (host-local leases), the port rules (portmap) and the
/// interfaces, journaling a "network disconnect" event for each (<see cref="NetworkAttachmentEvent"/>); then it
/// unmounts the container's network namespace and forgets its network state (containers/ID/network.json).
///
/// It takes the container's network lock (networks/locks/ID.lock), as the engine does. Without --foreground it then
/// continues in a detached child (new session) that inherits the lock, so neither the runtime nor an attached
/// -Remove run waits for the plugins, while the engine, which takes the same lock, always sees it finished. When the
/// recorded setup id differs from SETUP_ID the container's network was set up again since: a late hook leaves that
/// newer setup alone. When a DEL fails the namespace and the state stay for the engine's own teardown to retry.
/// Errors are logged to $PSCONTAINERS_RUN_DIR/net-cleanup.log (default /run/pscontainers); the exit code is 0.
/// </summary>
internal sealed class NetRelease
{
    private readonly string _root, _id, _setup;
    private readonly string _log;

    private NetRelease(string root, string id, string setup)
    {
        _root = root; _id = id; _setup = setup;
        string run = Environment.GetEnvironmentVariable("PSCONTAINERS_RUN_DIR") is { Length: > 0 } r ? r : "/run/pscontainers";
        _log = Path.Combine(run, "net-cleanup.log");
    }

    private string Networks => Path.Combine(_root, "networks");
    private string StatePath => Path.Combine(_root, "containers", _id, "network.json");

    /// <summary>The entry point of the subcommand; <paramref name="args"/> are the words after "net-release".</summary>
    public static int Run(string[] args)
    {
        bool foreground = args.Contains("--foreground"), locked = args.Contains("--locked");
        var words = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        // the runtime passes the container's state on stdin: read it so the writer never blocks
        if (Console.IsInputRedirected) try { Console.OpenStandardInput().CopyTo(Stream.Null); } catch (IOException) { }
        if (words.Length < 2 || words[0].Length == 0 || !IsSafeId(words[1])) return 0;
        var r = new NetRelease(words[0], words[1], words.Length > 2 ? words[2] : "");
        // the monitor restarts the same bundle, which needs the namespace
        if (!locked && r.RestartsNow()) return 0;
        if (locked)
        {
            // the detached child: fd 3 holds the lock until this process exits; the plugins must not inherit it
            fcntl(3, F_SETFD, FD_CLOEXEC);
            return r.Release();
        }
        int lockFd = r.Lock();
        try
        {
            if (foreground) return r.Release();
            // continue detached, holding the lock (the child inherits it as fd 3)
            string self = Environment.ProcessPath ?? "/proc/self/exe";
            var childArgs = new List<string> { self, "net-release", words[0], words[1], words.Length > 2 ? words[2] : "", "--locked" };
            int pid = Spawn(self, childArgs, -1, -1, -1, fd3: lockFd, newSession: true);
            if (pid <= 0) return r.Release();
            return 0;
        }
        finally { if (lockFd >= 0) close(lockFd); }
    }

    /// <summary>
    /// Whether the monitor is restarting the container: it records Restarting in state.json before it deletes the
    /// runtime's container (which runs this hook), and then starts the same bundle, which needs the namespace. Any other
    /// end (the policy gave up, no policy, a stop) releases the network, as docker does when a container stops.
    /// </summary>
    private bool RestartsNow()
    {
        try { return ContainerStateFile.ReadFrom(Path.Combine(_root, "containers", _id))?.Status == ContainerStatus.Restarting; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
        catch (JsonException) { return false; }
    }

    /// <summary>A container id is a file name: no separators, no dot names (it is joined into store paths).</summary>
    private static bool IsSafeId(string id) =>
        id.Length is > 0 and <= 128 && id != "." && id != ".." && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>The container's network lock, as ContainerNetworking takes it; -1 when the store has no networks directory.</summary>
    private int Lock()
    {
        if (!Directory.Exists(Networks)) return -1;
        string dir = Path.Combine(Networks, "locks");
        try { Directory.CreateDirectory(dir); } catch { return -1; }
        int fd = Open(Path.Combine(dir, _id + ".lock"), O_RDWR | O_CREAT);
        if (fd < 0) return -1;
        while (flock(fd, LOCK_EX) != 0 && Errno == EINTR) { }
        return fd;
    }

    private int Release()
    {
        string? current = RecordedSetupId();
        if (current is { Length: > 0 } && _setup.Length > 0 && current != _setup)
        {
            Log($"set up again since ({current}), left alone");
            return 0;
        }
        string cache = Path.Combine(Networks, "cache");
        var paths = CniPlugins.PathsFromEnvironment();
        bool failed = false;
        string netns = "";
        var files = Directory.Exists(cache) ? Directory.GetFiles(cache, "*-" + _id + "-*.json") : [];
        foreach (var f in files)
        {
            var entry = CniCacheEntry.Read(f);
            var plugins = entry?.Config is { } conf ? CniPlugins.PluginList(conf) : null;
            if (entry is null || plugins is null) { if (File.Exists(f)) { failed = true; Log($"unreadable cache file {f}"); } continue; }
            netns = entry.Netns;
            string ns = netns.Length > 0 && IsMountPoint(netns) ? netns : ""; // a namespace that is gone: host-side state only
            bool ok = true;
            for (int i = plugins.Count - 1; i >= 0; i--)
            {
                string type = (string?)plugins[i]["type"] ?? "";
                string? exe = CniPlugins.Find(type, paths);
                if (exe is null) { ok = false; continue; }
                string stdin = CniPlugins.PluginConfig(entry.Config!, plugins[i], entry.CapabilityArgs, entry.Result).ToJsonString();
                try
                {
                    var (exit, _, _) = CniPlugins.Run(exe, "DEL", _id, ns, entry.IfName, entry.CniArgs, paths, stdin, CancellationToken.None);
                    if (exit != 0) ok = false;
                }
                catch (Exception) { ok = false; }
            }
            if (ok)
            {
                try { File.Delete(f); } catch { }
                // docker's "network disconnect" when a stopped container's network is released (the engine's teardown writes the same)
                new EventJournal(_root).TryAppend(NetworkAttachmentEvent.Of(NetworkAttachmentEvent.Disconnect, entry.NetworkName, NetworkAttachmentEvent.DriverOf(entry.Config), _id));
            }
            else { failed = true; Log($"DEL failed on {f}"); }
        }
        // when a DEL failed, the namespace stays for the engine's own teardown to retry with
        if (failed) return 0;
        foreach (var ns in new[] { netns, ContainerNetns.PathFor(ContainerNetns.DefaultDirectory, _id) })
        {
            if (ns.Length == 0) continue;
            for (int i = 0; i < 8 && IsMountPoint(ns); i++)
                if (Umount(ns) != 0) break;
            try { File.Delete(ns); } catch { }
        }
        // the ports and addresses are released: forget them (the hosts files of peers are refreshed by the engine)
        try { File.Delete(StatePath); } catch { }
        return 0;
    }

    /// <summary>The SetupId in the container's network.json; null when there is none.</summary>
    private string? RecordedSetupId()
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(StatePath));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("SetupId", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString() : null;
        }
        catch (Exception) { return null; }
    }

    private void Log(string what)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_log)!);
            File.AppendAllText(_log, $"{DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {_id}: {what}\n");
        }
        catch { }
    }
}
