namespace PsContainers.Contract;

/// <summary>
/// pscmon's command-line flags, shared by the engine that builds the command line (MonitorClient for a container's
/// monitor, ContainerManager.Exec for exec -it, ContainerManager.AttachInTerminal for Connect-Container on a terminal) and pscmon's
/// MonitorOptions that parses it. Values follow the flag as the next argument where the doc says VALUE; the
/// healthcheck's --health-* flags are <see cref="HealthConfig"/>'s. Usage: pscmon's Program.
/// </summary>
public static class MonitorFlags
{
    /// <summary>--id VALUE: the container's 64-hex-digit id.</summary>
    public const string Id = "--id";
    /// <summary>--dir VALUE: the container's directory in the store (state.json, markers, logs).</summary>
    public const string Dir = "--dir";
    /// <summary>--bundle VALUE: the OCI bundle the runtime runs (the container's directory).</summary>
    public const string Bundle = "--bundle";
    /// <summary>--runtime VALUE: the OCI runtime program (pscrun or runc).</summary>
    public const string Runtime = "--runtime";
    /// <summary>--runtime-root VALUE: the runtime's --root state directory.</summary>
    public const string RuntimeRoot = "--runtime-root";
    /// <summary>--restart VALUE: the restart policy in docker's syntax (<see cref="RestartPolicy"/>).</summary>
    public const string Restart = "--restart";
    /// <summary>--restart-count VALUE: restarts so far (invariant-culture integer).</summary>
    public const string RestartCount = "--restart-count";
    /// <summary>--remove: remove the container when it exits (docker run --rm).</summary>
    public const string Remove = "--remove";
    /// <summary>--volumes-dir VALUE: the store's volumes directory, with --remove (anonymous volumes go too).</summary>
    public const string VolumesDir = "--volumes-dir";
    /// <summary>--foreground: run on the caller's terminal (-Interactive -Tty).</summary>
    public const string Foreground = "--foreground";
    /// <summary>--attach: relay the container's output to the engine after the Started frame.</summary>
    public const string Attach = "--attach";
    /// <summary>--exec-tty: relay a terminal for an exec -it; the exec arguments follow <see cref="EndOfOptions"/>.</summary>
    public const string ExecTty = "--exec-tty";
    /// <summary>--tty: the container has a terminal.</summary>
    public const string Tty = "--tty";
    /// <summary>--: what follows are the exec arguments.</summary>
    public const string EndOfOptions = "--";
    /// <summary>--stdin: relay the engine's stdin to the container.</summary>
    public const string Stdin = "--stdin";
    /// <summary>--open-stdin: keep the container's stdin open for attach clients (docker run -d -i).</summary>
    public const string OpenStdin = "--open-stdin";
    /// <summary>--attach-socket VALUE: attach client mode, to the container's attach socket at VALUE.</summary>
    public const string AttachSocket = "--attach-socket";
    /// <summary>--detach-keys VALUE: the detach key sequence in docker's syntax (<see cref="PsContainers.Contract.DetachKeys"/>).</summary>
    public const string DetachKeys = "--detach-keys";
    /// <summary>--no-stdin: the attach client does not forward its stdin.</summary>
    public const string NoStdin = "--no-stdin";
    /// <summary>--lock VALUE: the store's lock file.</summary>
    public const string Lock = "--lock";
    /// <summary>--name-file VALUE: the container's name reservation, released on --remove.</summary>
    public const string NameFile = "--name-file";
    /// <summary>--image VALUE: the image reference, for events.</summary>
    public const string Image = "--image";
    /// <summary>--exit-command VALUE: a program run after the exit and unmount (podman's exit command).</summary>
    public const string ExitCommand = "--exit-command";
    /// <summary>--exit-arg VALUE: one argument of the exit command (repeatable).</summary>
    public const string ExitArg = "--exit-arg";
}
