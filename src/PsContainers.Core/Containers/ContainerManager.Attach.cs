using System.Diagnostics;
using System.Net.Sockets;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// Connect to the attach socket of a running container (docker attach), which its monitor serves (pscmon's
    /// AttachServer; its path is recorded in the container directory, <see cref="ContainerMarkers.AttachSocket"/>).
    /// What the socket carries: <see cref="MonitorProtocol"/> frames (Stdout, Stderr, Exit) without a terminal, the
    /// terminal's raw bytes with one (Config.Tty); what is written to it goes to the container's stdin when it was
    /// created with -Interactive.
    /// </summary>
    /// <exception cref="PscException">ContainerNotFound; ContainerNotRunning (docker: "You cannot attach to a stopped
    /// container, start it first"); ContainerPaused; AttachUnavailable (Remedy StartInBackground) when the monitor serves
    /// no attach socket (a container started on the caller's terminal, or by an older monitor).</exception>
    public Socket OpenAttachSocket(Container c)
    {
        var cur = RequireRunning(c);
        string record = Path.Combine(Store.DirOf(cur.Id), ContainerMarkers.AttachSocket);
        string? path = null;
        try { path = File.ReadAllText(record).Trim(); } catch (IOException) { }
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            if (string.IsNullOrEmpty(path)) throw new SocketException((int)SocketError.AddressNotAvailable);
            s.Connect(new UnixDomainSocketEndPoint(path));
            return s;
        }
        catch (SocketException e)
        {
            s.Dispose();
            throw new PscException(ErrorIds.AttachUnavailable, PscErrorCategory.InvalidOperation,
                $"Container '{cur.Name}' has no attach socket ({e.Message}); only containers started in the background can be attached to.", cur.Name)
            { Remedy = Remedy.StartInBackground };
        }
    }

    /// <summary>
    /// Attach the caller's terminal to a running container with a terminal (docker attach on a -Tty container):
    /// pscmon's attach client (--attach-socket) puts the terminal in raw mode and relays it until the container ends
    /// or <paramref name="detachKeys"/> (docker's syntax, <see cref="DetachKeys"/>; null: ctrl-p,ctrl-q) detach it.
    /// With <paramref name="noStdin"/> nothing typed is sent. The process' exit code is 0 after a detach or the end.
    /// </summary>
    /// <exception cref="PscException">As <see cref="OpenAttachSocket"/>; InvalidDetachKeys.</exception>
    public Process AttachInTerminal(Container c, string? detachKeys, bool noStdin)
    {
        ParseDetachKeys(detachKeys);
        using (var probe = OpenAttachSocket(c)) { } // the errors, before the terminal is handed over
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        string path = File.ReadAllText(Path.Combine(Store.DirOf(cur.Id), ContainerMarkers.AttachSocket)).Trim();
        var psi = new ProcessStartInfo(MonitorExecutable) { UseShellExecute = false };
        foreach (var a in new[] { MonitorFlags.AttachSocket, path, MonitorFlags.DetachKeys, detachKeys ?? DetachKeys.Default }) psi.ArgumentList.Add(a);
        if (noStdin) psi.ArgumentList.Add(MonitorFlags.NoStdin);
        return Process.Start(psi)!;
    }

    /// <summary>docker's --detach-keys syntax (<see cref="DetachKeys.Parse"/>); null is docker's default ctrl-p,ctrl-q.</summary>
    /// <exception cref="PscException">InvalidDetachKeys.</exception>
    public static DetachKeys ParseDetachKeys(string? text)
    {
        try { return DetachKeys.Parse(text); }
        catch (ArgumentException e) { throw PscException.InvalidArgument(ErrorIds.InvalidDetachKeys, e.Message, text); }
    }
}
