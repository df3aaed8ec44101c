using System.Net.Sockets;
using System.Runtime.CompilerServices;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

public sealed partial class ContainerSession
{
    /// <summary>
    /// Attach to a running container (docker attach) through its monitor's attach socket
    /// (<see cref="ContainerManager.OpenAttachSocket"/>): its output from now on as lines, until it exits
    /// (<see cref="ExitCode"/> is then its exit code) or the client detaches (<see cref="ExitCode"/> stays -1). With a
    /// terminal (Config.Tty) the output is the terminal's bytes, read as stdout lines (carriage returns dropped).
    /// </summary>
    /// <param name="manager">The container service.</param>
    /// <param name="container">A running container.</param>
    /// <param name="stdin">Copied to the container's stdin on a background thread (when it was created with
    /// -Interactive); <paramref name="detachKeys"/> in it detach (the session ends, the container goes on), its end
    /// only stops the copy (docker keeps the container's stdin open). Null for none. The session owns it.</param>
    /// <param name="detachKeys">docker's --detach-keys syntax; null: ctrl-p,ctrl-q.</param>
    /// <exception cref="PscException">As <see cref="ContainerManager.OpenAttachSocket"/>; InvalidDetachKeys.</exception>
    public static ContainerSession Connect(ContainerManager manager, Container container, Stream? stdin, string? detachKeys = null)
    {
        var keys = ContainerManager.ParseDetachKeys(detachKeys);
        var socket = manager.OpenAttachSocket(container);
        var stream = new NetworkStream(socket, ownsSocket: true);
        bool tty = container.Config.Tty;
        if (stdin is not null && container.Config.OpenStdin)
        {
            new Thread(() =>
            {
                var buf = new byte[4096];
                var forward = new List<byte>();
                try
                {
                    int n;
                    while ((n = stdin.Read(buf, 0, buf.Length)) > 0)
                    {
                        forward.Clear();
                        bool detach = keys.Scan(buf.AsSpan(0, n), forward);
                        if (forward.Count > 0) socket.Send(forward.ToArray());
                        if (detach) { socket.Shutdown(SocketShutdown.Both); return; }
                    }
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (Exception) { }
                finally { try { stdin.Dispose(); } catch (Exception) { } }
            }) { IsBackground = true, Name = "psc-attach-stdin" }.Start();
        }
        ContainerSession? session = null;
        session = new ContainerSession((t, _, _) => session!.ReadAttached(manager, container, stream, tty, t), stream);
        return session;
    }

    private IEnumerable<OutputLine> ReadAttached(ContainerManager manager, Container container, Stream stream, bool tty, CancellationToken ct)
    {
        var exit = new StrongBox<int>(-1);
        var lines = tty ? ReadRaw(stream, ct) : ReadFrames(manager, container, stream, null, exit, ct, default, proxy: false);
        foreach (var line in lines) yield return line;
        ExitCode = exit.Value;
        if (tty && manager.Store.Load(container.Id) is { State.Running: false } after) ExitCode = after.State.ExitCode ?? -1;
    }

    /// <summary>
    /// A terminal's bytes as stdout lines (the terminal's CR LF line ends read as one), until the stream ends.
    /// Cancelling only stops following: with a terminal docker proxies no signal (its Ctrl+C is a byte for the terminal).
    /// </summary>
    private static IEnumerable<OutputLine> ReadRaw(Stream stream, CancellationToken ct)
    {
        var lines = new LineSplitter();
        var buf = new byte[16384];
        while (true)
        {
            var read = stream.ReadAsync(buf, 0, buf.Length, CancellationToken.None);
            read.Wait(ct);
            if (read.Result <= 0) break;
            foreach (var l in lines.Add(buf.AsSpan(0, read.Result).ToArray())) yield return new OutputLine(false, l.TrimEnd('\r'));
        }
        if (lines.Rest() is string r) yield return new OutputLine(false, r.TrimEnd('\r'));
    }
}
