using System.Globalization;
using System.Text.Json;
using PsContainers.Cni;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using static PsContainers.FileSystem.Libc;
using static PsContainers.FileSystem.Errno;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// <c>pscmon net-release STORE_ROOT CONTAINER_ID SETUP_ID [--foreground]</c> (the command line is
/// <see cref="NetReleaseHook"/>'s, the files it reads <see cref="NetworkLayout"/>'s): release the network of a stopped
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
    private readonly NetReleaseHook _hook;
    private readonly string _log;

    private NetRelease(NetReleaseHook hook)
    {
        _hook = hook;
        _log = NetworkLayout.ReleaseLogFile(NetworkLayout.RunDirectory);
    }

    private string Root => _hook.StoreRoot;
    private string Id => _hook.ContainerId;
    private string Setup => _hook.SetupId;
    private string Networks => NetworkLayout.NetworksDirectory(Root);
    private string StatePath => NetworkLayout.StateFile(Root, Id);

    /// <summary>The entry point of the subcommand; <paramref name="args"/> are the words after "net-release" (<see cref="NetReleaseHook.TryParse"/>).</summary>
    public static int Run(string[] args)
    {
        // the runtime passes the container's state on stdin: read it so the writer never blocks
        if (Console.IsInputRedirected) try { Console.OpenStandardInput().CopyTo(Stream.Null); } catch (IOException) { }
        if (!NetReleaseHook.TryParse(args, out var hook) || hook is null) return 0;
        var r = new NetRelease(hook);
        // the monitor restarts the same bundle, which needs the namespace
        if (!hook.Locked && r.RestartsNow()) return 0;
        if (hook.Locked)
        {
            // the detached child: fd 3 holds the lock until this process exits; the plugins must not inherit it
            fcntl(3, F_SETFD, FD_CLOEXEC);
            return r.Release();
        }
        int lockFd = r.Lock();
        try
        {
            if (hook.Foreground) return r.Release();
            // continue detached, holding the lock (the child inherits it as fd 3)
            string self = Environment.ProcessPath ?? "/proc/self/exe";
            var childArgs = (hook with { Foreground = false, Locked = true }).Arguments(self);
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
        try { return ContainerStateFile.ReadFrom(NetworkLayout.ContainerDirectory(Root, Id))?.Status == ContainerStatus.Restarting; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
        catch (JsonException) { return false; }
    }

    /// <summary>The container's network lock, as ContainerNetworking takes it; -1 when the store has no networks directory.</summary>
    private int Lock()
    {
        if (!Directory.Exists(Networks)) return -1;
        try { Directory.CreateDirectory(NetworkLayout.LocksDirectory(Root)); } catch { return -1; }
        int fd = Open(NetworkLayout.LockFile(Root, Id), O_RDWR | O_CREAT);
        if (fd < 0) return -1;
        while (flock(fd, LOCK_EX) != 0 && Errno == EINTR) { }
        return fd;
    }

    private int Release()
    {
        string? current = NetworkLayout.ReadSetupId(StatePath);
        if (current is { Length: > 0 } && Setup.Length > 0 && current != Setup)
        {
            Log($"set up again since ({current}), left alone");
            return 0;
        }
        string cache = NetworkLayout.CacheDirectory(Root);
        var paths = CniPlugins.PathsFromEnvironment();
        bool failed = false;
        string netns = "";
        var files = Directory.Exists(cache) ? Directory.GetFiles(cache, NetworkLayout.CacheFilePattern(Id)) : [];
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
                    var (exit, _, _) = CniPlugins.Run(exe, "DEL", Id, ns, entry.IfName, entry.CniArgs, paths, stdin, CancellationToken.None);
                    if (exit != 0) ok = false;
                }
                catch (Exception) { ok = false; }
            }
            if (ok)
            {
                try { File.Delete(f); } catch { }
                // docker's "network disconnect" when a stopped container's network is released (the engine's teardown writes the same)
                new EventJournal(Root).TryAppend(NetworkAttachmentEvent.Of(NetworkAttachmentEvent.Disconnect, entry.NetworkName, NetworkAttachmentEvent.DriverOf(entry.Config), Id));
            }
            else { failed = true; Log($"DEL failed on {f}"); }
        }
        // when a DEL failed, the namespace stays for the engine's own teardown to retry with
        if (failed) return 0;
        foreach (var ns in new[] { netns, ContainerNetns.PathFor(ContainerNetns.DefaultDirectory, Id) })
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

    private void Log(string what)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_log)!);
            File.AppendAllText(_log, $"{DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {Id}: {what}\n");
        }
        catch { }
    }
}
