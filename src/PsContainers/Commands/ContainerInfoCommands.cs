using System.Globalization;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;
using PsContainers.Core.Runtime;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>Get-ContainerLog: a container's output as log entries (docker logs).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerLog", DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerLogEntry))]
public sealed class GetContainerLogCommand : ContainerTargetCmdletBase
{
    /// <summary>
    /// Keep writing new entries until the container stops (Ctrl+C ends it). With -Project, the project's containers
    /// that start later (a scale-up's replicas, a recreate's new container, a restarted one) are followed too, and
    /// it ends once none of them has been running for 3 seconds (docker compose logs -f).
    /// </summary>
    [Parameter] public SwitchParameter Follow { get; set; }
    /// <summary>Only the last N entries.</summary>
    [Parameter] [ValidateRange(0, int.MaxValue)] public int Tail { get; set; } = -1;
    /// <summary>A DateTime, a TimeSpan (that long ago), or a string such as '10m', '2h', '2026-01-01T10:00:00'.</summary>
    [Parameter] public object? Since { get; set; }
    [Parameter] public object? Until { get; set; }
    /// <summary>Print each entry with its time.</summary>
    [Parameter] public SwitchParameter Timestamps { get; set; }

    /// <summary>
    /// The containers of this compose project (label com.docker.compose.project; wildcards), running or not, read as
    /// one stream merged in time order (docker compose logs); with -Follow all of them are followed at once.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = "Project")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    public string Project { get; set; } = "";

    /// <summary>Only the containers of these services of -Project (wildcards).</summary>
    [Parameter(ParameterSetName = "Project")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[]? Service { get; set; }

    /// <summary>With -Project, leave out the "web-1 | " prefix of each entry (docker compose logs --no-log-prefix).</summary>
    [Parameter(ParameterSetName = "Project")]
    public SwitchParameter NoLogPrefix { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != "Project") { base.ProcessRecord(); return; }
        List<Container> containers;
        DateTime? since, until;
        try
        {
            since = TimeArgument.ToTime(Since, nameof(Since));
            until = TimeArgument.ToTime(Until, nameof(Until));
            containers = ComposeProjectLookup.Containers(Manager.Store.LoadAll(), Project, services: Service).OrderBy(c => c.Service, StringComparer.Ordinal)
                .ThenBy(c => c.Number ?? 0).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is not PipelineStoppedException) { WriteEngineError(e, Project); return; }
        if (containers.Count == 0)
        {
            if (ComposeProjectLookup.MissingIsError(Project)) WriteEngineError(ComposeProjectLookup.NotFound(Project, Service), Project);
            return;
        }
        var prefixes = NoLogPrefix ? null : containers.ToDictionary(c => c.Id, c => ComposeLabels.LogPrefix(c.Name, c.Project));
        // -Follow also follows the project's containers that start later (docker compose logs -f)
        Func<IReadOnlyList<Container>>? discover = Follow
            ? () => ComposeProjectLookup.Containers(Manager.Store.LoadAll(), Project, services: Service)
            : null;
        try { WriteMerged(containers, prefixes, since, until, discover); }
        catch (Exception e) when (e is not PipelineStoppedException) { WriteEngineError(e, Project); }
    }

    private readonly List<Container> _targets = new();

    /// <summary>Names, ids and piped containers are gathered, each once, and read in <see cref="EndProcessing"/>.</summary>
    protected override void Act(Container c)
    {
        if (!_targets.Any(t => t.Id == c.Id)) _targets.Add(c);
    }

    /// <summary>
    /// One container: its entries as they are (docker logs). Several (piped, several names, a wildcard): one stream
    /// merged in time order whose entries carry the container's name as <see cref="ContainerLogEntry.Prefix"/>, so
    /// the view prints "name | line" (docker compose logs); ContainerName is set either way.
    /// </summary>
    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (ParameterSetName == "Project" || _targets.Count == 0) return;
        try
        {
            var since = TimeArgument.ToTime(Since, nameof(Since));
            var until = TimeArgument.ToTime(Until, nameof(Until));
            if (_targets.Count > 1) { WriteMerged(_targets, _targets.ToDictionary(c => c.Id, c => c.Name), since, until); return; }
            foreach (var e in ContainerLogs.Read(Manager.Store, _targets[0], Tail >= 0 ? Tail : null, since, until, Follow, CancellationToken))
            {
                if (Stopping) return;
                e.ShowTimestamp = Timestamps;
                WriteObject(e);
            }
        }
        catch (Exception e) when (e is not PipelineStoppedException) { WriteEngineError(e, _targets[0]); }
    }

    /// <summary>
    /// The entries of <paramref name="containers"/> merged in time order, each prefixed (padded to the longest) when
    /// <paramref name="prefixes"/> (by container id) is given; with <paramref name="discover"/> (a project's -Follow),
    /// also those of the containers it finds later (see <see cref="ContainerLogs.ReadMany"/>), prefixed by their compose name.
    /// </summary>
    private void WriteMerged(IReadOnlyList<Container> containers, Dictionary<string, string>? prefixes, DateTime? since, DateTime? until,
        Func<IReadOnlyList<Container>>? discover = null)
    {
        int width = prefixes is null ? 0 : prefixes.Values.Max(p => p.Length);
        foreach (var e in ContainerLogs.ReadMany(Manager.Store, containers, Tail >= 0 ? Tail : null, since, until, Follow, CancellationToken, discover))
        {
            if (Stopping) return;
            e.ShowTimestamp = Timestamps;
            if (prefixes is not null)
            {
                if (!prefixes.TryGetValue(e.ContainerId, out var prefix))
                    width = Math.Max(width, (prefixes[e.ContainerId] = prefix = ComposeLabels.LogPrefix(e.ContainerName, e.Project)).Length);
                e.Prefix = prefix.PadRight(width);
            }
            WriteObject(e);
        }
    }
}

/// <summary>Invoke-ContainerExec (Exec-Container): run a command in a running container (docker exec).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerExec", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[Alias("Exec-Container")]
[OutputType(typeof(string))]
public sealed class InvokeContainerExecCommand : ContainerTargetCmdletBase
{
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    [CommandWordsTransformation]
    public string[] Command { get; set; } = [];
    /// <summary>A shell's -c script (sh -c 'script' without '--').</summary>
    [Parameter] [Alias("c")] public string? ShellScript { get; set; }
    [Parameter] [Alias("i")] public SwitchParameter Interactive { get; set; }
    [Parameter] [Alias("t")] public SwitchParameter Tty { get; set; }
    [Parameter] [Alias("Env", "e")] public object[]? Environment { get; set; }
    [Parameter] [Alias("u")] public string? User { get; set; }
    [Parameter] [Alias("WorkDir", "w")] public string? WorkingDirectory { get; set; }
    [Parameter] [Alias("d")] public SwitchParameter Detach { get; set; }
    /// <summary>A file whose bytes are the process' standard input (docker exec -i ... &lt; file); implies -Interactive.</summary>
    [Parameter] public string? InputFile { get; set; }
    /// <summary>A file that receives the process' standard output byte for byte instead of lines (docker exec ... &gt; file).</summary>
    [Parameter] public string? OutFile { get; set; }
    /// <summary>The compose project whose service's container runs the command (docker compose exec).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Project")]
    [ArgumentCompleter(typeof(PsContainers.Completers.ComposeProjectCompleter))]
    public string? Project { get; set; }
    /// <summary>The service of -Project.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Project")]
    [ArgumentCompleter(typeof(PsContainers.Completers.ComposeServiceCompleter))]
    public string? Service { get; set; }
    /// <summary>The replica of -Service (its com.docker.compose.container-number), 1 by default (docker compose exec --index).</summary>
    [Parameter(ParameterSetName = "Project")]
    [ValidateRange(1, int.MaxValue)]
    public int Index { get; set; } = 1;

    /// <summary>
    /// Pipeline input. With the container named on the command line and -Interactive, the piped objects are the process'
    /// standard input: bytes ([byte], [byte[]]: <c>Get-Content f.bin -AsByteStream</c>) as they are, any other object as
    /// one line, its string form and "\n", UTF-8 (<see cref="PipedStandardInput"/>); the command runs once after the last
    /// object, reading end of file after the last one (<c>Get-Content data.sql | Invoke-ContainerExec db -Interactive -- psql</c>,
    /// docker exec -i with a pipe); not with -Tty, -Detach or -InputFile. Otherwise a piped object names the container
    /// (a container object, a name, or an object with a Name or Id property), as <c>Get-Container web |
    /// Invoke-ContainerExec -- ls</c>.
    /// </summary>
    [Parameter(ValueFromPipeline = true)] public PSObject? PipelineInput { get; set; }

    /// <summary>Whether the container was named on the command line before the command (not taken from the pipeline).</summary>
    private bool _namedOnCommandLine;
    /// <summary>'-- ls' with piped containers: PowerShell bound the command's first word to -Name; it was put back.</summary>
    private bool _nameWasCommand;
    private PipedStandardInput? _pipedInput;

    private bool PipesInput => Interactive && !Tty && !Detach && InputFile is null;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Project")
        {
            if (ForTarget(Project, () => new PsContainers.Core.Compose.ProjectOrchestrator(Engine).ServiceContainer(Project!, Service!, Index), out var c))
                ForTarget(c.Name, () => Act(c));
            return;
        }
        if (MyInvocation.BoundParameters.ContainsKey(nameof(PipelineInput)) && PipelineInput is not null)
        {
            if (_namedOnCommandLine)
            {
                if (!PipesInput)
                {
                    SetLastExitCode(Contract.StartFailure.EngineError); // docker exec: 125 for options it refuses
                    ThrowTerminatingError(new ErrorRecord(new PSArgumentException(
                        "Piped input becomes the process' standard input only with -Interactive (and without -Tty, -Detach or -InputFile)."),
                        ErrorIds.PipedInputNeedsInteractive, ErrorCategory.InvalidArgument, PipelineInput));
                }
                (_pipedInput ??= new PipedStandardInput()).Add(PipelineInput);
                return;
            }
            if (_nameWasCommand)
            {
                ForEachTarget(PipedTargets(PipelineInput).ToList(), Act);
                return;
            }
        }
        base.ProcessRecord();
    }

    /// <summary>The containers a piped object names: a container, a name, or an object's Name (else Id) property.</summary>
    private IEnumerable<Container> PipedTargets(PSObject piped) => piped.BaseObject switch
    {
        Container c => Resolve(null, null, [c]),
        string name => Resolve([name], null, null),
        _ when piped.Properties["Name"]?.Value is string name => Resolve([name], null, null),
        _ when piped.Properties["Id"]?.Value is string id => Resolve(null, [id], null),
        _ => throw new PSArgumentException($"The piped object '{piped}' names no container: pipe containers, names, or objects with a Name or Id property."),
    };

    /// <summary>A container that is not found (or an exec that could not start) sets $LASTEXITCODE to 125 (podman exec), or the failure's own code (126, 127).</summary>
    protected override void OnTargetFailed(Exception error) => SetFailureExitCode(error);

    protected override void EndProcessing()
    {
        if (_pipedInput is not null) ForEachTarget(Targets().ToList(), Act);
        base.EndProcessing();
    }

    protected override void BeginProcessing()
    {
        RefuseUnsafeCommandWords(nameof(Command));
        if (ParameterSetName == "Name" && MyInvocation.BoundParameters.ContainsKey(nameof(Name)))
        {
            if (MyInvocation.ExpectingInput && CommandWordsGuard.NothingPositionalBeforeDoubleDash(this, nameof(Command)))
            {
                Command = [.. Name, .. Command]; // 'Get-Container web | Invoke-ContainerExec -- ls': ls is the command
                _nameWasCommand = true;
            }
            else _namedOnCommandLine = true;
        }
        Command = CommandLine.Join(Command, ShellScript) ?? [];
        if (Command.Length == 0)
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("Give the command to run in the container."), ErrorIds.NoCommand, ErrorCategory.InvalidArgument, null));
        if ((InputFile ?? OutFile) is not null && (Detach || Tty))
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("-InputFile and -OutFile need an attached exec without -Tty (a terminal carries no exact bytes)."),
                ErrorIds.ConflictingOptions, ErrorCategory.InvalidArgument, null));
    }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, $"Run '{string.Join(' ', Command)}'")) return;
        var opts = new ExecOptions { Env = EnvironmentEntries(Environment), User = User, Cwd = WorkingDirectory, Detach = Detach };
        using var streams = StandardStreams.Open(this, InputFile, OutFile);
        using var piped = _pipedInput?.Open(); // each named container reads all of it
        int code = RunExec(c, Command, opts, Interactive || InputFile is not null, Tty && !Detach, streams, piped);
        SetLastExitCode(Detach ? 0 : code); // docker exec -d: 0 once the command was started
        if (Detach) return;
        if (code != 0) WriteExitError($"'{string.Join(' ', Command)}' in container '{c.Name}'", code, c);
    }
}

/// <summary>Enter-Container: an interactive shell (or -Command) in a running container on this terminal.</summary>
[Cmdlet(VerbsCommon.Enter, "Container", DefaultParameterSetName = "Name")]
[OutputType(typeof(void))]
public sealed class EnterContainerCommand : ContainerTargetCmdletBase
{
    [Parameter(Position = 1, ValueFromRemainingArguments = true)] [CommandWordsTransformation] public string[] Command { get; set; } = ["/bin/sh"];
    [Parameter] [Alias("Env")] public object[]? Environment { get; set; }
    [Parameter] public string? User { get; set; }
    [Parameter] [Alias("WorkDir")] public string? WorkingDirectory { get; set; }
    /// <summary>
    /// Accepted and ignored: Enter-Container always gives the process this terminal and its input (docker exec -it).
    /// -i and docker's bundled -it (and -ti) bind here, so that a docker user's <c>Enter-Container -it web</c> enters
    /// 'web' rather than reading '-it web' as the command and prompting for -Name.
    /// </summary>
    [Parameter] [Alias("i", "it")] public SwitchParameter Interactive { get; set; }
    /// <summary>Accepted and ignored, as <see cref="Interactive"/>: the process always runs on this terminal (-t, -ti).</summary>
    [Parameter] [Alias("t", "ti")] public SwitchParameter Tty { get; set; }

    /// <summary>The '--' rule (<see cref="CommandWordsGuard"/>): <c>Enter-Container web id -u root</c> would give -User
    /// 'root' and run <c>id</c>; it is refused with the <c>--</c> form, as run and exec refuse it.</summary>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        RefuseUnsafeCommandWords(nameof(Command));
    }

    protected override void Act(Container c)
    {
        // Enter-Container has no -Tty: it always runs on a terminal; Invoke-ContainerExec runs a command without one
        RequireTerminal(c.Name, "Enter-Container", $"Use Invoke-ContainerExec {c.Name} -- {string.Join(' ', Command)} to run a command without a terminal");
        var opts = new ExecOptions { Env = EnvironmentEntries(Environment), User = User, Cwd = WorkingDirectory };
        int code = RunExec(c, Command, opts, interactive: true, tty: true);
        SetLastExitCode(code);
        // the one exit-status rule of every cmdlet that runs a process to its end (about_PsContainers, EXIT CODES)
        if (code != 0) WriteExitError($"'{string.Join(' ', Command)}' in container '{c.Name}'", code, c);
    }
}

/// <summary>Get-ContainerProcess: the processes running in a container (docker top).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerProcess", DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerProcess))]
public sealed class GetContainerProcessCommand : ContainerTargetCmdletBase
{
    protected override void Act(Container c) => WriteObject(Engine.Processes.List(c), enumerateCollection: true);
}

/// <summary>
/// Get-ContainerStatistic: CPU, memory, PIDs, network and block I/O of running containers (docker stats); without a name,
/// id or piped container, of every running container (docker stats with no arguments).
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerStatistic", DefaultParameterSetName = "Running")]
[OutputType(typeof(ContainerStatistic))]
public sealed class GetContainerStatisticCommand : ContainerTargetCmdletBase
{
    /// <summary>Every running container: what the command does without a name (docker stats); the switch only says so.</summary>
    [Parameter(ParameterSetName = "Running")] public SwitchParameter Running { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != "Running") { base.ProcessRecord(); return; }
        // a pure read: a container whose monitor is gone reads as exited and is left as it is (repaired by a changing command)
        foreach (var c in Manager.Store.LoadAll().Where(c => c.Status == ContainerStatus.Running).OrderBy(c => c.Name, StringComparer.Ordinal))
            Act(c);
    }

    /// <summary>Keep sampling until Ctrl+C.</summary>
    [Parameter] public SwitchParameter Stream { get; set; }
    /// <summary>
    /// docker stats --no-stream: one sample per container, which is already the default here; accepted so the docker
    /// habit works. Not with -Stream (ConflictingOptions).
    /// </summary>
    [Parameter] public SwitchParameter NoStream { get; set; }
    /// <summary>Seconds between samples (and the CPU measuring window).</summary>
    [Parameter] [ValidateRange(0.05, 3600)] public double Interval { get; set; } = 1;

    private readonly List<Container> _targets = new();

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Stream && NoStream)
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("-Stream keeps sampling and -NoStream takes one sample: give one of them."),
                ErrorIds.ConflictingOptions, ErrorCategory.InvalidArgument, null));
    }

    protected override void Act(Container c) => _targets.Add(c);

    protected override void EndProcessing()
    {
        do
        {
            foreach (var c in _targets.ToList())
            {
                if (Stopping) return;
                try { WriteObject(Engine.Statistics.Sample(c, TimeSpan.FromSeconds(Stream ? Interval / Math.Max(1, _targets.Count) : Math.Min(Interval, 0.5)), CancellationToken)); }
                catch (OperationCanceledException) { return; }
                catch (Exception e) when (e is not PipelineStoppedException)
                {
                    WriteEngineError(e, c);
                    _targets.Remove(c); // stopped or removed: no more samples of it
                }
            }
        } while (Stream && !CancellationToken.IsCancellationRequested && _targets.Count > 0);
    }
}
