using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>
/// Invoke-ContainerProject: run a one-off container of a service (docker compose run): the services it depends on are
/// converged first (unless -NoDeps), then a container <c>&lt;project&gt;-&lt;service&gt;-run-&lt;12 hex&gt;</c>
/// labelled oneoff True runs the service's definition with the given command, attached like Invoke-ContainerImage
/// (stdout to the pipeline, stderr as errors, the exit code in $LASTEXITCODE), in this terminal with -Interactive -Tty,
/// or in the background with -Detach. docker compose run's -e, -u, -w, --name and --entrypoint are -ContainerEnvironment
/// (alias -e; -Environment is the files' interpolation variables), -User, -WorkingDirectory, -ContainerName and -Entrypoint.
/// The preparation is <see cref="ProjectOrchestrator.PrepareRun"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerProject", DefaultParameterSetName = "Path", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(Container))]
public sealed class InvokeContainerProjectCommand : ContainerProjectCmdletBase
{
    /// <summary>A project from Import-ContainerProject.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public ContainerProject? InputObject { get; set; }

    /// <summary>The service whose definition the container takes.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string Service { get; set; } = "";

    /// <summary>The command and its arguments instead of the service's (after the files, or after '--').</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    [CommandWordsTransformation]
    public string[] Command { get; set; } = [];

    /// <summary>Remove the container when it exits (docker compose run --rm).</summary>
    [Parameter] [Alias("Rm")] public SwitchParameter Remove { get; set; }
    /// <summary>Start it in the background and output the container (docker compose run -d).</summary>
    [Parameter] public SwitchParameter Detach { get; set; }
    /// <summary>Do not start the services it depends on (--no-deps).</summary>
    [Parameter] public SwitchParameter NoDeps { get; set; }
    /// <summary>Publish the service's ports (--service-ports); by default a one-off container publishes none.</summary>
    [Parameter] public SwitchParameter ServicePorts { get; set; }
    /// <summary>Keep the container's standard input open, fed from this host's (docker compose run -i).</summary>
    [Parameter] [Alias("i")] public SwitchParameter Interactive { get; set; }
    /// <summary>Give the container a terminal (-t); with -Interactive, a shell in this terminal (-it). Needs a real terminal.</summary>
    [Parameter] [Alias("t")] public SwitchParameter Tty { get; set; }
    /// <summary>
    /// Variables of the container, over the service's environment (docker compose run -e KEY=VALUE): a hashtable or
    /// 'KEY=VALUE' strings; a bare 'KEY' takes this session's value. Not -Environment, which (as in every project
    /// cmdlet) gives variables for the interpolation of the compose files.
    /// </summary>
    [Parameter] [Alias("e")] public object[]? ContainerEnvironment { get; set; }
    /// <summary>The user instead of the service's (-u): name or uid, with an optional :group or :gid.</summary>
    [Parameter] [Alias("u")] public string? User { get; set; }
    /// <summary>The working directory instead of the service's (-w), an absolute path in the container.</summary>
    [Parameter] [Alias("w")] public string? WorkingDirectory { get; set; }
    /// <summary>The container's name instead of &lt;project&gt;-&lt;service&gt;-run-&lt;slug&gt; (docker compose run --name; -Name is -ProjectName, as in every project cmdlet).</summary>
    [Parameter] public string? ContainerName { get; set; }
    /// <summary>The entrypoint instead of the service's (--entrypoint); '' clears it.</summary>
    [Parameter] public string[]? Entrypoint { get; set; }

    private readonly List<ContainerProject> _projects = [];

    /// <summary>
    /// Everything after '--' is the command (as the help says): when PowerShell bound the first word after '--' to the
    /// positional -Path (<c>Invoke-ContainerProject -Service web -- sh -c 'echo hi'</c>), it is given back to the command
    /// and the files are found as without -Path (<see cref="CommandWordsGuard.BoundFromAfterDoubleDash"/>).
    /// </summary>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        RefuseUnsafeCommandWords(nameof(Command));
        if (Path is { } taken && CommandWordsGuard.BoundFromAfterDoubleDash(this, nameof(Path), nameof(Command)))
        {
            Command = [.. taken, .. Command];
            Path = null;
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject is not null) _projects.Add(InputObject);
        else CollectPaths();
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == "Path")
        {
            if (LoadProject([Service]) is { } loaded) _projects.Add(loaded);
            else SetLastExitCode(StartFailure.EngineError); // docker compose run: 125 when nothing could start
        }
        var orchestrator = new ProjectOrchestrator(Engine);
        if (Tty && Interactive && !Detach) RequireTerminal(Service);
        var run = new ProjectRunOptions
        {
            Service = Service, Command = Command, NoDeps = NoDeps, ServicePorts = ServicePorts, Remove = Remove,
            Name = ContainerName, User = User, WorkingDirectory = WorkingDirectory, Interactive = Interactive, Tty = Tty,
            Entrypoint = Entrypoint is null ? null : Entrypoint.Where(w => w.Length > 0).ToList(),
            Environment = EnvironmentEntries(ContainerEnvironment),
        };
        foreach (var project in _projects)
        {
            if (!ShouldProcess($"{project.Name}/{Service}", "Run a one-off container")) continue;
            if (!ForTarget(Service, () => Manager.Create(orchestrator.PrepareRun(project, run, _ => true, WriteWarning, CancellationToken), CancellationToken), out var c))
            {
                SetLastExitCode(StartFailure.EngineError);
                continue;
            }
            // attached as Invoke-ContainerImage: -Interactive -Tty is a shell in this terminal, -Interactive alone feeds stdin
            RunCreated(c, Detach, Remove, () => Tty && Interactive ? Manager.RunInTerminal(c, CancellationToken) : RunAttached(c, Interactive));
        }
    }
}
