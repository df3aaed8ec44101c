using System.Management.Automation;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Connect-Container (docker attach): connect this terminal or pipeline to a running container's stdio, through the
/// attach socket its monitor serves. On a terminal, a container with -Tty is relayed raw by pscmon's attach client
/// until it exits or the detach keys (-DetachKeys, docker's default ctrl-p,ctrl-q) leave it running. Otherwise the
/// output is written as lines (stdout to the pipeline, stderr as ContainerStandardError errors) until the container
/// exits, the detach keys arrive on stdin, or Ctrl+C, which, as docker's default --sig-proxy=true, sends the
/// container SIGINT (without a terminal) and stops following. This process's standard input, when redirected, goes to
/// the container when it was created with -Interactive, unless -NoStdin.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[Alias("Attach-Container")]
[OutputType(typeof(string))]
public sealed class ConnectContainerCommand : ContainerTargetCmdletBase
{
    /// <summary>Send nothing to the container's stdin (docker attach --no-stdin).</summary>
    [Parameter] public SwitchParameter NoStdin { get; set; }

    /// <summary>The keys that detach, docker's --detach-keys syntax; ctrl-p,ctrl-q by default; '' for none.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? DetachKeys { get; set; }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, "Attach to container")) return;
        // a pure read: a container whose monitor is gone reads as exited (attach then refuses it) and is left as it is
        var cur = Manager.Store.Load(c.Id) ?? c;
        if (cur.Config.Tty && HasTerminal())
        {
            using var p = Manager.AttachInTerminal(cur, DetachKeys, NoStdin);
            p.WaitForExit();
            return;
        }
        // only a redirected stdin is read: a reader left blocked on the terminal would steal the prompt's next keys
        var stdin = !NoStdin && cur.Config.OpenStdin && Console.IsInputRedirected ? Console.OpenStandardInput() : null;
        using var session = ContainerSession.Connect(Manager, cur, stdin, DetachKeys);
        int code = Relay(session.ReadLines(CancellationToken), session, cur.Name);
        if (code < 0) return; // detached: the container goes on
        SetLastExitCode(code);
        if (code != 0) WriteExitError($"Container '{cur.Name}'", code, cur);
    }
}
