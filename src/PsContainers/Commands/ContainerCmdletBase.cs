using System.Collections;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Runtime;
using PsContainers.Targets;

namespace PsContainers.Commands;

/// <summary>The exception carried by the error of a container (or exec) that exited non-zero.</summary>
public sealed class ContainerExitException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Shared plumbing of the container cmdlets: the manager and name/id/object resolution.</summary>
public abstract class ContainerCmdletBase : PscCmdlet
{
    private ContainerManager? _manager;
    protected ContainerManager Manager => _manager ??= Engine.Containers;

    private TargetResolver<Container>? _targets;

    /// <summary>The container resolver of this invocation (<see cref="TargetResolver{T}"/> over <see cref="ContainerCatalog"/>).</summary>
    protected TargetResolver<Container> Targets => _targets ??= new(this, new ContainerCatalog(Manager.Store));

    /// <summary>
    /// Resolve piped objects (re-read from disk), names (wildcards allowed) and ids/prefixes to containers, each once
    /// (<see cref="TargetResolver{T}"/>): a literal that matches nothing writes a non-terminating ObjectNotFound
    /// (ContainerNotFound), an ambiguous id prefix an AmbiguousContainerId error; a wildcard that matches nothing writes nothing.
    /// </summary>
    protected IEnumerable<Container> Resolve(IEnumerable<string>? names, IEnumerable<string>? ids, IEnumerable<Container>? objects) =>
        [.. Targets.Select(names, objects), .. Targets.Select(ids, idOnly: true)];

    /// <summary>
    /// Run <paramref name="c"/> attached (<see cref="ContainerSession.Attach"/>) and relay its output
    /// (<see cref="Relay"/>); with <paramref name="stdin"/> the container's standard input is <paramref name="input"/>
    /// (piped PowerShell input, which the session closes) or else this host's standard input (-Interactive), read
    /// through <see cref="HostStandardInput"/> so that reading stops when the container exits and the prompt gets the terminal back.
    /// Ctrl+C is docker's sig-proxy (<see cref="ContainerSession.ReadToExit"/>, <see cref="AttachInterrupts"/>): the
    /// container is sent SIGINT and its output read on to its exit, a second Ctrl+C (or its stop timeout) stops it;
    /// the lines that come after PowerShell stopped the pipeline are written to the host instead. Returns the exit code
    /// (-1 when unknown).
    /// </summary>
    protected int RunAttached(Container c, bool stdin, StandardStreams? streams = null, Stream? input = null)
    {
        var source = streams?.OpenInput() ?? input;
        using var host = source is null && stdin ? new HostStandardInput() : null;
        using var session = ContainerSession.Attach(Manager, c, source ?? host, CancellationToken, streams?.Output);
        return RelayToExit(session, c.Name);
    }

    /// <summary>
    /// Relay <paramref name="session"/> (<see cref="Relay"/>) to its process' exit with docker's sig-proxy, the one
    /// Ctrl+C rule of an attached run and an attached exec (<see cref="AttachInterrupts"/>, <see cref="ContainerSession.ReadToExit"/>):
    /// the first Ctrl+C is passed on as SIGINT and the output read on, a second one or the stop timeout ends the process.
    /// </summary>
    private int RelayToExit(ContainerSession session, object target)
    {
        using var interrupts = new AttachInterrupts(CancellationToken);
        return Relay(session.ReadToExit(interrupts.Interrupt, interrupts.Force), session, target);
    }

    /// <summary>
    /// Run <paramref name="command"/> in <paramref name="c"/> (docker exec): on this terminal through pscmon with
    /// <paramref name="tty"/>, else as a <see cref="ContainerSession"/> whose output is relayed to the exit with the
    /// attached run's Ctrl+C rule (<see cref="RelayToExit"/>: SIGINT to the process, its last lines and exit code kept);
    /// <paramref name="interactive"/> gives it this host's standard input (<see cref="HostStandardInput"/>, no longer read
    /// once the process exited), or <paramref name="input"/> when given (piped lines). Returns the exit code.
    /// </summary>
    protected int RunExec(Container c, string[] command, ExecOptions options, bool interactive, bool tty, StandardStreams? streams = null, Stream? input = null)
    {
        try
        {
            if (tty)
            {
                using var p = Manager.ExecInTerminal(c, command, options);
                p.WaitForExit();
                return p.ExitCode;
            }
            var source = streams?.OpenInput() ?? input;
            using var host = source is null && interactive ? new HostStandardInput() : null;
            using var session = ContainerSession.Exec(Manager, c, command, options, source ?? host, streams?.Output);
            return RelayToExit(session, c.Name);
        }
        catch (PscException e)
        {
            // a command that could not be executed (ArgumentListTooLong: 126) sets $LASTEXITCODE as docker exec's status;
            // any other engine failure before the command ran (an unknown or invalid -User...) is 125, as for run
            SetLastExitCode(e.ExitCode ?? 125);
            throw;
        }
    }

    /// <summary>
    /// Write <paramref name="lines"/> of <paramref name="session"/> as they arrive: stdout lines to the pipeline, stderr
    /// lines as non-terminating ContainerStandardError errors (category FromStdErr, target <paramref name="target"/>).
    /// Once PowerShell is stopping the pipeline (Ctrl+C), which takes no more output, they go to the host's console
    /// (stdout lines as lines, stderr lines as error lines) so that none is lost. Returns the session's exit code.
    /// </summary>
    protected int Relay(IEnumerable<OutputLine> lines, ContainerSession session, object target)
    {
        foreach (var line in lines)
        {
            try
            {
                if (!Stopping)
                {
                    if (line.IsError) WriteError(new ErrorRecord(new RemoteException(line.Text), ErrorIds.ContainerStandardError, ErrorCategory.FromStdErr, target));
                    else WriteObject(line.Text);
                    continue;
                }
            }
            // only when PowerShell stops the pipeline (Ctrl+C); a downstream Select-Object -First ends the run here
            catch (PipelineStoppedException) when (Stopping) { }
            try
            {
                if (line.IsError) Host.UI.WriteErrorLine(line.Text);
                else Host.UI.WriteLine(line.Text);
            }
            catch (Exception e) when (e is PipelineStoppedException or System.Management.Automation.Host.HostException or NotImplementedException) { }
        }
        return session.ExitCode;
    }

    protected void SetLastExitCode(int code) => SessionState.PSVariable.Set("global:LASTEXITCODE", code);

    /// <summary>
    /// The '--' rule (<see cref="CommandWordsGuard"/>) for a cmdlet whose container command is its parameter
    /// <paramref name="commandParameter"/>: when the invocation's words are refused, $LASTEXITCODE is set to 125 (docker
    /// run, create and exec exit 125 on an option they refuse) and the CommandNeedsDoubleDash error is thrown as
    /// terminating. Common parameters written after '--' (where PowerShell binds nothing, so they go to the command) are
    /// named in one warning (<see cref="CommandWordsGuard.CommonParametersAfterDoubleDash"/>). Call it from
    /// BeginProcessing, before pipeline input binds.
    /// </summary>
    /// <param name="targetParameter">The positional target before the command (run and create: -Image), see
    /// <see cref="CommandWordsGuard.Check"/>.</param>
    protected void RefuseUnsafeCommandWords(string commandParameter, string? targetParameter = null)
    {
        if (CommandWordsGuard.Check(this, commandParameter, targetParameter) is { } refused)
        {
            SetLastExitCode(Contract.StartFailure.EngineError);
            ThrowTerminatingError(refused);
        }
        if (CommandWordsGuard.CommonParametersAfterDoubleDash(this, commandParameter) is { } lost) WriteWarning(lost);
    }

    /// <summary>
    /// $LASTEXITCODE for a start or exec that failed before its command ran, docker's rule: the error's own code (the
    /// runtime's 126 not executable, 127 not found), else 125 (the engine failed: no such container, bad option, unknown user).
    /// </summary>
    protected void SetFailureExitCode(Exception e) =>
        SetLastExitCode(e is PscException { ExitCode: int code } ? code : Contract.StartFailure.EngineError);

    /// <summary>
    /// Start a created container as docker run does after its create (Invoke-ContainerImage, Invoke-ContainerProject):
    /// detached, write the container; attached, run <paramref name="attached"/> to the exit and report it by the one
    /// exit-status rule ($LASTEXITCODE, and a ContainerExitCode error when not 0). A start that fails removes a
    /// <paramref name="remove"/> container, sets docker's code (127 not found, 126 not executable, 125 anything else)
    /// and writes the error; the pipeline goes on.
    /// </summary>
    protected void RunCreated(Container c, bool detach, bool remove, Func<int> attached)
    {
        try
        {
            if (detach)
            {
                using (var launch = Manager.Start(c, ct: CancellationToken)) WriteObject(launch.Container ?? c);
                SetLastExitCode(0); // docker run -d: 0 once the container started
                return;
            }
            int code = attached();
            SetLastExitCode(code);
            if (code != 0) WriteExitError($"Container '{c.Name}'", code, c);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            if (remove) try { Manager.Remove(c, force: true); } catch (Exception) { }
            SetFailureExitCode(e);
            WriteEngineError(e, c);
        }
    }

    protected void WriteExitError(string what, int code, object target)
    {
        var ex = new ContainerExitException($"{what} exited with code {code}.", code);
        WriteError(new ErrorRecord(ex, ErrorIds.ContainerExitCode, ErrorCategory.NotSpecified, target));
    }

    protected bool HasTerminal()
    {
        if (Host.Name == "ServerRemoteHost") return false;
        return !Console.IsInputRedirected && !Console.IsOutputRedirected;
    }

    /// <summary>
    /// Throws TerminalRequired (InvalidOperation) when this host has no interactive terminal (<see cref="HasTerminal"/>).
    /// <paramref name="needs"/> says what needs one ("-Tty" by default) and <paramref name="instead"/> what to do
    /// without one ("Run without -Tty" by default); the message ends ", or from a terminal.".
    /// </summary>
    protected void RequireTerminal(object target, string needs = "-Tty", string instead = "Run without -Tty")
    {
        if (!HasTerminal())
            ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException(
                $"{needs} needs an interactive terminal, and this PowerShell host has none (its input or output is redirected, or it is remote). {instead}, or from a terminal."),
                ErrorIds.TerminalRequired, ErrorCategory.InvalidOperation, target));
    }

    /// <summary>Turn an -Environment value (hashtable, 'K=V' strings) into K=V entries.</summary>
    protected static List<string> EnvironmentEntries(object[]? values)
    {
        var list = new List<string>();
        foreach (var raw in values ?? [])
        {
            object v = raw is PSObject ps ? ps.BaseObject : raw;
            if (v is IDictionary d)
            {
                foreach (DictionaryEntry e in d) list.Add($"{e.Key}={e.Value}");
            }
            else if (v is string s) list.Add(s);
            else if (v is not null) list.Add(v.ToString()!);
        }
        return list;
    }
}
