using System.Collections;
using System.Globalization;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Build;
using PsContainers.Core.Compose;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;

namespace PsContainers.Commands;

/// <summary>
/// Build-ContainerImage (docker build, buildah bud): builds an image from a Dockerfile and a build context with the
/// engine's own runtime (<see cref="ImageBuilder"/>). Each step is a Write-Progress activity ("CACHED" or running);
/// RUN output comes as information records (tag "BuildOutput"; visible with -InformationAction Continue) and verbose
/// messages (visible with -Verbose). Ctrl+C stops the build: the running step's working container is removed, no tag
/// is written. Returns the image. With -Project, builds the <c>build:</c> sections of a compose project's services
/// (docker compose build), the way Start-ContainerProject -Build does, and returns their images.
/// </summary>
[Cmdlet("Build", "ContainerImage", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(ContainerImage))]
public sealed class BuildContainerImageCommand : PscCmdlet
{
    /// <summary>The build context directory (COPY and ADD read from it).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [Alias("FullName", "PSPath", "Context")]
    public string Path { get; set; } = "";

    /// <summary>The Dockerfile (default: Dockerfile, else Containerfile, in the context).</summary>
    [Parameter(Position = 1, ParameterSetName = "Path")]
    [Alias("Dockerfile", "Containerfile")]
    public string? File { get; set; }

    /// <summary>Names for the image (name:tag).</summary>
    [Parameter(ParameterSetName = "Path")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string[] Tag { get; set; } = [];

    /// <summary>--build-arg values (name = value).</summary>
    [Parameter(ParameterSetName = "Path")]
    public Hashtable? BuildArgument { get; set; }

    /// <summary>The stage to build (its FROM ... AS name, as docker build --target).</summary>
    [Parameter(ParameterSetName = "Path")]
    public string? Target { get; set; }

    /// <summary>Labels for the image (name = value).</summary>
    [Parameter(ParameterSetName = "Path")]
    public Hashtable? Label { get; set; }

    /// <summary>Run every step instead of reusing the build cache.</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    /// <summary>When to pull base images.</summary>
    [Parameter]
    public BuildPullPolicy Pull { get; set; } = BuildPullPolicy.Missing;

    /// <summary>The image format: Docker (schema 2, the default, as docker build) or Oci.</summary>
    [Parameter(ParameterSetName = "Path")]
    [ValidateSet("Docker", "Oci")]
    public string Format { get; set; } = "Docker";

    /// <summary>
    /// The compression of the layers the build writes: None (the default: plain tars, as buildah and docker keep local
    /// layers; faster, and Publish-ContainerImage compresses them with gzip when pushing), Gzip or Zstd.
    /// </summary>
    [Parameter(ParameterSetName = "Path")]
    public LayerCompression Compression { get; set; } = LayerCompression.None;

    /// <summary>The network of RUN steps: None (the default) or Default (the default bridge network).</summary>
    [Parameter(ParameterSetName = "Path")]
    [ValidateSet("None", "Default")]
    public string Network { get; set; } = "None";

    /// <summary>The target platform (os/arch[/variant]).</summary>
    [Parameter(ParameterSetName = "Path")]
    [ArgumentCompleter(typeof(PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>A compose project: its directory (compose.yaml, docker-compose.yml, ... in it) or a compose file.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Project")]
    public string Project { get; set; } = "";

    /// <summary>The services to build (default: every service with a <c>build:</c> section).</summary>
    [Parameter(ParameterSetName = "Project")]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[]? Service { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Project") { BuildProject(); return; }
        string context = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(context, "Build image" + (Tag.Length > 0 ? " " + string.Join(", ", Tag) : ""))) return;
        ForTarget(context, () =>
        {
            var options = new ImageBuildOptions
            {
                ContextDirectory = context,
                DockerfilePath = File is null ? null : GetUnresolvedProviderPathFromPSPath(File),
                Tags = Tag.Select(ImageReference.Parse).ToList(),
                BuildArguments = ToDictionary(BuildArgument),
                Target = Target,
                Labels = ToDictionary(Label),
                NoCache = NoCache,
                Pull = Pull,
                OciFormat = Format == "Oci",
                Compression = Compression,
                DefaultNetwork = Network == "Default",
                Platform = Platform,
            };
            var image = BuildImage(options, "Build-ContainerImage");
            WriteObject(image);
        });
    }

    /// <summary>
    /// docker compose build: load the project (its directory's compose file, or the file given), then build the
    /// <c>build:</c> section of each service asked (all that have one by default) in the project's service order;
    /// -NoCache and -Pull apply to each. A service name the project lacks is ComposeUndefinedReference (the loader's);
    /// a named service without a <c>build:</c> section is skipped with a warning, as docker compose build skips it; a
    /// failed build is an error naming the service, and the next service is built.
    /// </summary>
    private void BuildProject()
    {
        string path = GetUnresolvedProviderPathFromPSPath(Project);
        bool isDirectory = System.IO.Directory.Exists(path);
        var load = new ComposeLoadOptions
        {
            Files = isDirectory ? [] : [path],
            ProjectDirectory = isDirectory ? path : null,
            CurrentDirectory = isDirectory ? path : SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            Services = Service ?? [],
        };
        if (!ForTarget(path, () => ComposeLoader.Load(load), out var project)) return;
        foreach (var w in project.Warnings) WriteWarning(w.Message);
        var services = project.Services.Where(s => Service is null ? s.Build is not null : Service.Contains(s.Name, StringComparer.Ordinal)).ToList();
        bool pullBound = MyInvocation.BoundParameters.ContainsKey(nameof(Pull));
        foreach (var service in services)
        {
            if (service.Build is null)
            {
                WriteWarning($"Service '{service.Name}' has no build section (it runs the image '{service.Image}'); nothing to build.");
                continue;
            }
            string image = ServiceContainerOptions.ImageName(project, service);
            if (!ShouldProcess($"{image} (service {service.Name}, context {service.Build.Context})", "Build image")) continue;
            if (ForTarget(service.Name, () => BuildServiceImage(project, service, "Build-ContainerImage: " + service.Name,
                o => o with { NoCache = o.NoCache || NoCache, Pull = pullBound ? Pull : o.Pull }), out var built))
                WriteObject(built);
        }
    }

    private static Dictionary<string, string> ToDictionary(Hashtable? table)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (table is null) return d;
        foreach (DictionaryEntry kv in table)
            d[Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? ""] = Convert.ToString(kv.Value is PSObject p ? p.BaseObject : kv.Value, CultureInfo.InvariantCulture) ?? "";
        return d;
    }
}
