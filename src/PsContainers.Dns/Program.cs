using System.Net;
using PsContainers.Core.Networking;

namespace PsContainers.Dns;

/// <summary>
/// pscdns LISTEN_IP RECORDS_JSON PID_FILE [PORT]: serves the names of one network's containers on its gateway
/// address. Started detached (setsid) by the engine; writes its pid file once listening; exits when the records
/// file is gone (the network has no containers left, or its store was deleted) or on SIGTERM.
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
}
