using System.Collections;
using System.Globalization;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Contract;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Registry;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>
/// The options shared by New-Container and Invoke-ContainerImage (docker create/run). Two parameter sets: Image (the
/// default) takes the image by reference, and objects down the pipeline bind by property name (Import-Csv rows:
/// Name, Image, Publish, Environment/Env, Volume, Network, Label, Memory, Cpus, Restart, Hostname, User,
/// WorkingDirectory, Entrypoint, IPAddress, NetworkAlias, Pod); ImageObject names the syntax of an image object from
/// Get-ContainerImage by value, whose own Name (repository:tag) is not the container's name. With no mandatory
/// parameter in the default set, PowerShell settles on Image before the pipeline binds, so a piped image binds
/// -ImageObject there too (<see cref="SettlePipedImage"/> drops the Name it also bound).
/// </summary>
public abstract partial class ContainerCreateCmdletBase : ContainerCmdletBase
{
    /// <summary>The parameter set of an image given by reference (the default).</summary>
    protected const string ImageSet = "Image";
    /// <summary>The parameter set of an image object (Get-ContainerImage) piped or given to -ImageObject.</summary>
    protected const string ImageObjectSet = "ImageObject";

    /// <summary>
    /// The image reference (docker run IMAGE). Not mandatory for the binder: a mandatory -Image made PowerShell prompt
    /// for it (or fail in its binder) on docker's <c>Invoke-ContainerImage -it busybox</c>, where the unknown '-it'
    /// takes 'busybox' as its value; the cmdlet refuses that line with the '--' rule's error, and a missing image
    /// with ImageRequired (<see cref="RequireImage"/>). With no mandatory parameter in the default set PowerShell settles
    /// on it before pipeline input binds, so a piped image object binds there too (<see cref="ImageObject"/>).
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ImageName")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string Image { get; set; } = "";

    /// <summary>
    /// An image from Get-ContainerImage down the pipeline: it gives -Image by property name (its ImageName,
    /// repository:tag or the id of an image without a name), and its own Name is not taken as the container's name.
    /// It binds in the default set too (PowerShell chooses that set before the pipeline binds): there the image's Name
    /// also binds to -Name by property name, which <see cref="RequireImage"/> undoes.
    /// </summary>
    [Parameter(ValueFromPipeline = true, ParameterSetName = ImageSet)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ImageObjectSet)]
    [DeserializedReferenceTransformation(typeof(ContainerImage))]
    public ContainerImage? ImageObject { get; set; }

    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    [CommandWordsTransformation]
    public string[]? Command { get; set; }

    /// <summary>
    /// When to pull the image (docker run --pull): Missing (the default) pulls it only when the local store has no
    /// image by that reference or id, so a stored image is used without any network lookup; Always pulls first (a
    /// newer image under the tag replaces the stored one); Never uses the store only (ImageNotFound otherwise).
    /// The pull is Request-ContainerImage's, with its progress; a name without a registry is looked up and pulled
    /// as registries.conf says (aliases, unqualified-search-registries in order, else docker.io).
    /// </summary>
    [Parameter] public PullPolicy Pull { get; set; } = PullPolicy.Missing;

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ImageSet)]
    [Parameter(ParameterSetName = ImageObjectSet)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>
    /// The script of a shell's -c, so that `sh -c 'script'` can be written without '--': it is put back
    /// after the first word of -Command.
    /// </summary>
    [Parameter]
    [Alias("c")]
    public string? ShellScript { get; set; }

    /// <summary>Keep the container's standard input open (docker -i).</summary>
    [Parameter] [Alias("i")] public SwitchParameter Interactive { get; set; }
    /// <summary>Give the container a terminal (docker -t).</summary>
    [Parameter] [Alias("t")] public SwitchParameter Tty { get; set; }

    /// <summary>A hashtable, or 'NAME=value' strings (docker -e).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("Env", "e")] public object[]? Environment { get; set; }
    [Parameter] public string[]? EnvironmentFile { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("WorkDir", "w")] public string? WorkingDirectory { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("u")] public string? User { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public string[]? Entrypoint { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("h")] public string? Hostname { get; set; }
    /// <summary>Bytes, or a size such as '256MB', '1g' (<see cref="ByteSizeTransformationAttribute"/>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("m")] [ByteSizeTransformation] public long Memory { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateRange(0.01, 1024)] public double Cpus { get; set; }
    /// <summary>Memory plus swap (docker --memory-swap): bytes or a size, at least -Memory; -1 for unlimited swap. Without it,
    /// twice -Memory, as docker.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ByteSizeTransformation(AllowUnlimited = true)] public long MemorySwap { get; set; }
    /// <summary>Relative CPU weight (docker --cpu-shares; cgroup v1 cpu.shares, converted to cpu.weight on v2).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateRange(ResourceLimits.MinimumCpuShares, ResourceLimits.MaximumCpuShares)] public ulong CpuShares { get; set; }
    /// <summary>The CPUs it may run on (docker --cpuset-cpus): "0-2,4".</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateForm(ResourceLimits.CpusetPattern, "a list of CPUs such as 0-2,4")] public string? CpusetCpus { get; set; }
    [Parameter] [ValidateRange(-1, long.MaxValue)] public long PidsLimit { get; set; }
    /// <summary>docker -v: 'name:/path[:ro]' (a named volume, completed from the store), '/host/path:/path[:ro]', or '/path' (an anonymous volume).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("v")] [ArgumentCompleter(typeof(VolumeNameCompleter))] public string[]? Volume { get; set; }
    [Parameter] public SwitchParameter ReadOnly { get; set; }
    /// <summary>With -ReadOnly: writable tmpfs on /tmp, /var/tmp and /run (podman's --read-only-tmpfs, default true); -ReadOnlyTmpfs:$false for none, as plain docker.</summary>
    [Parameter] public SwitchParameter ReadOnlyTmpfs { get; set; } = true;
    /// <summary>A hashtable, or 'key=value' strings.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("l")] public object[]? Label { get; set; }
    /// <summary>docker --restart; -RestartPolicy as Update-Container names it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("RestartPolicy")] [ValidateRestartPolicy] [ArgumentCompleter(typeof(RestartPolicyCompleter))] public string Restart { get; set; } = "no";
    /// <summary>Network names, 'none', 'host', or 'container:&lt;name|id&gt;' (docker --network container:x, a shared network namespace).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ArgumentCompleter(typeof(NetworkNameCompleter))] public string[]? Network { get; set; }
    /// <summary>[hostIP:][hostPort:]containerPort[/tcp|udp] (docker -p).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("p")] public string[]? Publish { get; set; }
    [Parameter] public SwitchParameter PublishAll { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public string? IPAddress { get; set; }
    /// <summary>Extra names the container answers to on its networks (docker --network-alias).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] public string[]? NetworkAlias { get; set; }
    /// <summary>Extra /etc/hosts entries, 'name:address' or 'name=address' (docker --add-host; 'name:host-gateway' for the host).</summary>
    [Parameter] public string[]? AddHost { get; set; }
    /// <summary>Name servers for the container's resolv.conf instead of the host's (docker --dns): IP addresses.</summary>
    [Parameter] public string[]? Dns { get; set; }
    /// <summary>Search domains instead of the host's (docker --dns-search); "." for none.</summary>
    [Parameter] public string[]? DnsSearch { get; set; }
    /// <summary>resolv.conf options instead of the host's (docker --dns-option), such as "ndots:2".</summary>
    [Parameter] public string[]? DnsOption { get; set; }
    [Parameter] public string[]? Tmpfs { get; set; }
    [Parameter] public string[]? Mount { get; set; }
    [Parameter] public string[]? CapAdd { get; set; }
    [Parameter] public string[]? CapDrop { get; set; }
    /// <summary>docker's --security-opt: no-new-privileges[:true|false], seccomp=unconfined|&lt;profile.json&gt;, apparmor=unconfined.</summary>
    [Parameter] public string[]? SecurityOption { get; set; }
    [Parameter] public SwitchParameter Privileged { get; set; }
    [Parameter] public string[]? Ulimit { get; set; }
    [Parameter] [SignalTransformation] [ArgumentCompleter(typeof(SignalNameCompleter))] public string? StopSignal { get; set; }
    [Parameter] [ValidateRange(0, int.MaxValue)] public int StopTimeout { get; set; } = -1;
    [Parameter] public SwitchParameter Init { get; set; }
    /// <summary>The size of /dev/shm (docker --shm-size): bytes, or a size such as '256MB', '1g'; docker's 64 MiB when not given or 0.</summary>
    [Parameter] [ByteSizeTransformation] public long ShmSize { get; set; }
    /// <summary>Namespaced kernel parameters (docker --sysctl): a hashtable, or 'name=value' strings; net.*, kernel.msg*/sem/shm*, fs.mqueue.*, kernel.domainname, kernel.hostname.</summary>
    [Parameter] public object[]? Sysctl { get; set; }
    /// <summary>Host devices (docker --device): '/dev/host[:/dev/container][:rwm]'.</summary>
    [Parameter] public string[]? Device { get; set; }
    /// <summary>Extra supplementary groups (docker --group-add): names in the container's /etc/group, or gids.</summary>
    [Parameter] public string[]? GroupAdd { get; set; }
    /// <summary>The container's NIS domain name (docker --domainname).</summary>
    [Parameter] public string? Domainname { get; set; }

    /// <summary>Refuse command words PowerShell could have bound to a parameter, unless after '--' (<see cref="CommandWordsGuard"/>).</summary>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _onCommandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        RefuseUnsafeCommandWords(nameof(Command), nameof(Image));
        _imageAfterDoubleDash = MyInvocation.ExpectingInput && CommandWordsGuard.BoundFromAfterDoubleDash(this, nameof(Image), nameof(Command));
    }

    private bool _imageAfterDoubleDash;

    /// <summary>
    /// Refuses a piped image or row when PowerShell bound the command's first word to -Image: <c>Get-ContainerImage web |
    /// New-Container -- sleep 30</c> and <c>Import-Csv c.csv | New-Container -- sleep 300</c> bind 'sleep' to -Image
    /// (position 0) before the pipeline can give the image, so the piped image would be ignored and 'sleep' pulled and
    /// run. The command goes to -Command instead. Nothing is created. <paramref name="pipelineObject"/>: the piped
    /// object where the cmdlet sees it (Invoke-ContainerImage's InputObject), to tell a row with an Image column.
    /// </summary>
    protected void RefuseImageTakenFromCommand(PSObject? pipelineObject = null)
    {
        if (!_imageAfterDoubleDash) return;
        bool pipedImage = ImageObject is not null || PipelineBoundByPropertyName("InputObject", nameof(ImageObject))
            || pipelineObject?.Properties["Image"] is not null || pipelineObject?.Properties["ImageName"] is not null;
        if (!pipedImage) return;
        SetLastExitCode(StartFailure.EngineError); // docker run and create: 125
        string verb = MyInvocation.MyCommand.Name;
        string words = string.Join(", ", new[] { Image }.Concat(Command ?? []).Select(w => w.Contains(' ') || w.Contains(',') ? "'" + w.Replace("'", "''") + "'" : w));
        ThrowTerminatingError(new ErrorRecord(new PSArgumentException(
            $"With a piped image or row, PowerShell binds the first word after '--' ('{Image}') to -Image before the pipeline gives the image. " +
            $"Give the container's command with -Command instead: ... | {verb} -Command {words}"),
            ErrorIds.CommandNeedsDoubleDash, ErrorCategory.InvalidArgument, Image));
    }

    private HashSet<string> _onCommandLine = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The first half of <see cref="RequireImage"/>: the piped image object settled, nothing refused.</summary>
    protected void SettlePipedImage()
    {
        if (ImageObject is not null && string.IsNullOrEmpty(ImageObject.Id)) ImageObject = null;
        if (ImageObject is null) return;
        if (!_onCommandLine.Contains(nameof(Name)) && MyInvocation.BoundParameters.ContainsKey(nameof(Name))) Name = null;
        if (string.IsNullOrEmpty(Image)) Image = ImageObject.ImageName;
    }

    /// <summary>
    /// Settles the image of this pipeline object before anything else reads it. A piped image object (an Id: a live
    /// image or a deserialized reference) keeps its reference in -Image (bound by property name from ImageName, or
    /// taken from -ImageObject given by name), and the Name PowerShell bound from it to -Name is dropped; an object
    /// PowerShell converted to an image from a property bag (an Import-Csv row: no Id) is no image object. With no
    /// image at all, sets $LASTEXITCODE to 125 (docker run and create: "requires at least 1 argument") and refuses
    /// with ImageRequired (InvalidArgument): terminating on the command line, non-terminating for a piped row.
    /// </summary>
    /// <returns>False when the image is missing (the error is written).</returns>
    protected bool RequireImage()
    {
        SettlePipedImage();
        if (!string.IsNullOrEmpty(Image)) return true;
        SetLastExitCode(StartFailure.EngineError);
        string verb = MyInvocation.MyCommand.Name;
        var error = new ErrorRecord(new PSArgumentException(
            $"{verb} needs an image: give it first ({verb} busybox -- sh), pipe an image from Get-ContainerImage, or pipe rows " +
            "with an Image column. Docker's options go before it as parameters: -Interactive -Tty (-i -t) for docker's -it."),
            ErrorIds.ImageRequired, ErrorCategory.InvalidArgument, null);
        if (MyInvocation.ExpectingInput) WriteError(error);
        else ThrowTerminatingError(error);
        return false;
    }

    /// <summary>
    /// Whether a value-type parameter was given: on the command line, or by the current pipeline object with a value
    /// other than its default (PowerShell keeps a parameter an earlier pipeline object bound in BoundParameters, with
    /// its default value back, so a CSV row without a Memory cell must not read as -Memory 0).
    /// </summary>
    private bool Given(string parameter, bool notDefault) =>
        _onCommandLine.Contains(parameter) || (notDefault && MyInvocation.BoundParameters.ContainsKey(parameter));

    /// <summary>Whether a pipeline object bound a parameter by property name (a CSV row's Name, Publish...), not only itself.</summary>
    protected bool PipelineBoundByPropertyName(params string[] byValue) =>
        MyInvocation.BoundParameters.Keys.Any(k => !_onCommandLine.Contains(k) && !byValue.Contains(k, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// Pull -Image as <see cref="Pull"/> says, writing the pull's progress (<see cref="ImagePuller"/>, the path of
    /// Request-ContainerImage). Registry errors are thrown as the engine's.
    /// </summary>
    /// <returns>The stored image when -Pull Missing found it (its record and config read once, handed to
    /// <see cref="ContainerManager.Create(ContainerCreateOptions, ResolvedImage?, CancellationToken)"/> so that the run
    /// does not read them again); null after a pull or with -Pull Never (Create reads the image then).</returns>
    protected ResolvedImage? PullImageIfNeeded()
    {
        if (Pull == PullPolicy.Never) return null;
        if (Pull == PullPolicy.Missing)
        {
            try { return Manager.ResolveImage(Image); }
            catch (PscException e) when (e.ErrorId == ErrorIds.ImageNotFound) { }
        }
        if (Image.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) return null; // an id names no registry: Create reports it missing
        var registry = Engine.Registry; // podman's short names: an alias, the search registries in order, else docker.io
        RunPumped((sink, ct) => registry.Pull(Image, null, sink, ct));
        return null;
    }

    protected ContainerCreateOptions BuildOptions(bool autoRemove)
    {
        var o = new ContainerCreateOptions
        {
            Image = Image,
            Name = Name,
            Command = CommandLine.Join(Command, ShellScript),
            Entrypoint = Entrypoint,
            WorkingDirectory = WorkingDirectory,
            User = User,
            Hostname = Hostname,
            Resources = new ResourceLimits
            {
                Memory = Given(nameof(Memory), Memory != 0) ? Memory : null,
                Cpus = Given(nameof(Cpus), Cpus != 0) ? Cpus : null,
                MemorySwap = Given(nameof(MemorySwap), MemorySwap != 0) ? MemorySwap : null,
                CpuShares = Given(nameof(CpuShares), CpuShares != 0) ? CpuShares : null,
                CpusetCpus = string.IsNullOrEmpty(CpusetCpus) ? null : CpusetCpus,
                PidsLimit = MyInvocation.BoundParameters.ContainsKey(nameof(PidsLimit)) ? PidsLimit : null,
            },
            ReadOnly = ReadOnly,
            ReadOnlyTmpfs = ReadOnlyTmpfs,
            Restart = ContainerManager.ParseRestart(Restart),
            Privileged = Privileged,
            StopSignal = StopSignal,
            StopTimeout = StopTimeout >= 0 ? StopTimeout : null,
            Init = Init,
            Interactive = Interactive,
            Tty = Tty,
            AutoRemove = autoRemove,
            Healthcheck = HealthcheckParameters(),
            Pod = Pod,
        };
        if (o.Resources.Memory is <= 0)
            throw PscException.InvalidArgument(ErrorIds.InvalidMemory, $"-Memory {Memory} is not a size above 0 bytes.", Memory);
        if (StopSignal is not null) ContainerManager.ParseSignal(StopSignal);
        foreach (var f in EnvironmentFile ?? []) o.Environment.AddRange(ContainerManager.ReadEnvironmentFile(GetUnresolvedProviderPathFromPSPath(f)));
        o.Environment.AddRange(EnvironmentEntries(Environment).Where(e => e.Length > 0));
        foreach (var l in EnvironmentEntries(Label).Where(l => l.Length > 0))
        {
            int eq = l.IndexOf('=');
            o.Labels[eq < 0 ? l : l[..eq]] = eq < 0 ? "" : l[(eq + 1)..];
        }
        if (Network is not null) o.Networks.AddRange(Network.Where(n => n.Length > 0));
        PortAndMountParameters.Apply(o, Publish?.Where(p => p.Length > 0).ToArray(), PublishAll, string.IsNullOrEmpty(IPAddress) ? null : IPAddress,
            Volume?.Where(v => !string.IsNullOrEmpty(v)).ToArray(), Tmpfs, Mount, GetUnresolvedProviderPathFromPSPath); // an empty -Volume cell of a CSV row: none
        if (NetworkAlias is not null) o.Aliases.AddRange(NetworkAlias.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()));
        foreach (var h in AddHost ?? []) o.AddHosts.Add(Core.Networking.ExtraHost.Parse(h));
        if (Dns is not null) o.Dns.AddRange(Dns.Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => d.Trim()));
        o.DnsSearch.AddRange(DnsSearch ?? []);
        o.DnsOptions.AddRange(DnsOption ?? []);
        if (CapAdd is not null) o.CapAdd.AddRange(CapAdd);
        if (CapDrop is not null) o.CapDrop.AddRange(CapDrop);
        o.Security = SecurityOptions.Parse(SecurityOption, GetUnresolvedProviderPathFromPSPath);
        foreach (var u in Ulimit ?? []) o.Ulimits.Add(Core.Runtime.Ulimit.Parse(u));
        if (ShmSize > 0) o.ShmSize = ShmSize; // 0, as docker's --shm-size 0: the default
        o.Sysctls = ContainerSysctls.Parse(EnvironmentEntries(Sysctl));
        foreach (var d in Device ?? []) o.Devices.Add(DeviceMapping.Parse(d));
        o.GroupAdd.AddRange((GroupAdd ?? []).Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g.Trim()));
        o.Domainname = Domainname;
        return o;
    }
}

internal static class CommandLine
{
    /// <summary>-Command with a -c script put back after its first word (sh -c 'script' args...).</summary>
    public static string[]? Join(string[]? command, string? shellScript)
    {
        if (shellScript is null) return command is { Length: > 0 } ? command : null;
        if (command is not { Length: > 0 }) return ["/bin/sh", "-c", shellScript];
        return [command[0], "-c", shellScript, .. command[1..]];
    }
}

/// <summary>New-Container: create a container without starting it (docker create).</summary>
[Cmdlet(VerbsCommon.New, "Container", SupportsShouldProcess = true, DefaultParameterSetName = ImageSet)]
[OutputType(typeof(Container))]
public sealed class NewContainerCommand : ContainerCreateCmdletBase
{
    /// <summary>
    /// Remove the container when it exits after a start (docker create --rm): Start-Container runs it as
    /// Invoke-ContainerImage -Remove runs one, and its monitor removes it (and its anonymous volumes) when it exits. A
    /// created container that is never started stays. Not with a -Restart policy that restarts (ConflictingOptions).
    /// </summary>
    [Parameter] [Alias("Rm")] public SwitchParameter Remove { get; set; }

    protected override void ProcessRecord()
    {
        if (!RequireImage()) return;
        RefuseImageTakenFromCommand();
        try
        {
            var o = BuildOptions(autoRemove: Remove);
            if (!ShouldProcess(Image, $"Create container{(Name is null ? "" : " '" + Name + "'")}")) return;
            var image = PullImageIfNeeded();
            WriteObject(Manager.Create(o, image, CancellationToken));
        }
        catch (Exception e) when (e is not PipelineStoppedException) { WriteEngineError(e, Name ?? Image); }
    }
}

/// <summary>
/// Invoke-ContainerImage (Run-ContainerImage): docker run. Attached, the container's stdout lines are
/// written to the pipeline, stderr lines to the error stream, and the exit code to $LASTEXITCODE.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerImage", SupportsShouldProcess = true, DefaultParameterSetName = ImageSet)]
[Alias("Run-ContainerImage")]
[OutputType(typeof(string), typeof(Container))]
public sealed class InvokeContainerImageCommand : ContainerCreateCmdletBase
{
    /// <summary>Start the container and return it without waiting (docker -d).</summary>
    [Parameter] [Alias("d")] public SwitchParameter Detach { get; set; }
    /// <summary>Remove the container when it exits (docker --rm).</summary>
    [Parameter] [Alias("Rm")] public SwitchParameter Remove { get; set; }
    /// <summary>A file whose bytes are the container's standard input (docker run -i ... &lt; file); implies -Interactive.</summary>
    [Parameter] public string? InputFile { get; set; }
    /// <summary>A file that receives the container's standard output byte for byte (docker run ... &gt; file) instead of lines.</summary>
    [Parameter] public string? OutFile { get; set; }

    /// <summary>
    /// Pipeline input for the container's standard input with -Interactive (<c>Get-Content data.sql |
    /// Invoke-ContainerImage db -Interactive -- psql</c>, docker run -i with a pipe): bytes ([byte], [byte[]]: <c>Get-Content
    /// f.bin -AsByteStream</c>) are written as they are, any other object as one line, its string form and "\n", in UTF-8
    /// (<see cref="PipedStandardInput"/>); the container runs once, after the last object, and reads end of file after
    /// the last one. Not with -Tty, -Detach or -InputFile (those keep this host's input or the file). Without
    /// -Interactive piped objects bind by property name only (-Image, -Name, -Publish... an Import-Csv row), each running a
    /// container; with -Image on the command line, an object that binds nothing else is refused (PipedInputNeedsInteractive).
    /// </summary>
    [Parameter(ValueFromPipeline = true)] public PSObject? InputObject { get; set; }

    private PipedStandardInput? _pipedInput;

    /// <summary>Piped objects are the container's standard input (see <see cref="InputObject"/>).</summary>
    private bool PipesInput => MyInvocation.ExpectingInput && Interactive && !Tty && !Detach && InputFile is null
        && MyInvocation.BoundParameters.ContainsKey(nameof(InputObject));

    private bool _imageOnCommandLine;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _imageOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Image));
    }

    protected override void ProcessRecord()
    {
        SettlePipedImage();
        RefuseImageTakenFromCommand(InputObject);
        if (_imageOnCommandLine && !PipesInput && MyInvocation.BoundParameters.ContainsKey(nameof(InputObject))
            && !PipelineBoundByPropertyName(nameof(InputObject), nameof(ImageObject)))
        {
            // the piped object gave nothing but itself: running a container per object would ignore it
            SetLastExitCode(StartFailure.EngineError);
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException(
                "Piped input becomes the container's standard input only with -Interactive (and without -Tty, -Detach or -InputFile)."),
                ErrorIds.PipedInputNeedsInteractive, ErrorCategory.InvalidArgument, InputObject));
        }
        if (PipesInput)
        {
            (_pipedInput ??= new PipedStandardInput()).Add(InputObject);
            return;
        }
        Run(null);
    }

    protected override void EndProcessing()
    {
        if (_pipedInput is not null)
        {
            using var input = _pipedInput.Open();
            Run(input);
        }
        base.EndProcessing();
    }

    /// <summary>docker run: create, then start detached, on this terminal, or attached with <paramref name="pipedInput"/> as stdin.</summary>
    private void Run(Stream? pipedInput)
    {
        if (!RequireImage()) return;
        if (Tty && !Detach && Interactive) RequireTerminal(Image);
        if ((InputFile ?? OutFile) is not null && (Detach || Tty))
        {
            SetLastExitCode(StartFailure.EngineError);
            WriteError(new ErrorRecord(new PSArgumentException("-InputFile and -OutFile need an attached run without -Tty (a terminal carries no exact bytes)."),
                ErrorIds.ConflictingOptions, ErrorCategory.InvalidArgument, Image));
            return;
        }
        if (InputFile is not null) Interactive = true;
        Container c;
        StandardStreams? streams;
        try
        {
            var o = BuildOptions(autoRemove: Remove);
            o.Detach = Detach;
            if (!ShouldProcess(Image, $"Run a container{(Name is null ? "" : " '" + Name + "'")}")) return;
            streams = StandardStreams.Open(this, InputFile, OutFile);
            var image = PullImageIfNeeded();
            c = Manager.Create(o, image, CancellationToken);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            SetLastExitCode(StartFailure.EngineError); // docker run: 125 when the engine fails (bad option, unknown user)
            WriteEngineError(e, Name ?? Image);
            return;
        }

        using var _ = streams;
        RunCreated(c, Detach, Remove, () => Tty && Interactive ? Manager.RunInTerminal(c, CancellationToken) : RunAttached(c, Interactive, streams, pipedInput));
    }
}
