using System.Net;
using PsContainers.Core.Networking;
using PsContainers.FileSystem;

namespace PsContainers.Dns;

/// <summary>
/// pscdns LISTEN_IP RECORDS_JSON PID_FILE [PORT]: serves the names of one network's containers on its gateway
/// address. It detaches itself as pscmon does: a session of its own (setsid) at once, so the caller's terminal and
/// process group never reach it, and once it listens its stdin, stdout and stderr go to /dev/null (until then a
/// failure is written to the stderr the engine reads), then it writes its pid file. It exits when the records file
/// is gone (the network has no containers left, or its store was deleted) or on SIGTERM.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 3 || !IPAddress.TryParse(args[0], out var listen))
        {
            Console.Error.WriteLine("usage: pscdns LISTEN_IP RECORDS_JSON PID_FILE [PORT]");
            return 2;
        }
        Libc.setsid(); // fails only for a process group leader, which a spawned child is not
        string records = args[1], pidFile = args[2];
        int port = args.Length > 3 && int.TryParse(args[3], out var p) ? p : 53;
        // the servers a container would use (systemd-resolved's upstreams rather than its stub; docker's public
        // fallback when only loopback ones are left)
        var upstreams = DnsResponder.UpstreamsFrom(HostResolvConf.Read(), listen);
        if (upstreams.Count == 0) upstreams = HostResolvConf.DefaultNameservers.Select(a => new IPEndPoint(IPAddress.Parse(a), 53)).ToList();
        DnsResponder server;
        try { server = new DnsResponder(new IPEndPoint(listen, port), records, upstreams); }
        catch (Exception e)
        {
            Console.Error.WriteLine($"pscdns: cannot listen on {listen}:{port}: {e.Message}");
            return 1;
        }
        DetachStdio();
        string tmp = pidFile + ".tmp" + Environment.ProcessId;
        File.WriteAllText(tmp, Environment.ProcessId + "\n");
        File.Move(tmp, pidFile, overwrite: true);

        using var cts = new CancellationTokenSource();
        var watch = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(1000);
                if (!File.Exists(records)) { cts.Cancel(); return; }
            }
        }) { IsBackground = true };
        watch.Start();
        server.Run(cts.Token);
        try
        {
            if (File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() == Environment.ProcessId.ToString()) File.Delete(pidFile);
        }
        catch (IOException) { }
        return 0;
    }

    /// <summary>stdin, stdout and stderr on /dev/null: the pipes of the engine that started it are let go.</summary>
    private static unsafe void DetachStdio()
    {
        fixed (byte* path = "/dev/null\0"u8)
        {
            int fd = Libc.open(path, Libc.O_RDWR, 0);
            if (fd < 0) return;
            for (int i = 0; i <= 2; i++) Libc.dup2(fd, i);
            if (fd > 2) Libc.close(fd);
        }
    }
}
