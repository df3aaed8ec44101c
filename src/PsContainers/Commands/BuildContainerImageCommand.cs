using System.Collections;
using System.Globalization;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Build;
using PsContainers.Core.Images;

namespace PsContainers.Commands;

/// <summary>
/// Build-ContainerImage (docker build, buildah bud): builds an image from a Dockerfile and a build context with the
/// engine's own runtime (<see cref="ImageBuilder"/>). Each step is a Write-Progress activity ("CACHED" or running);
/// RUN output comes as information records (tag "BuildOutput"; visible with -InformationAction Continue) and verbose
/// messages (visible with -Verbose). Ctrl+C stops the build: the running step's working container is removed, no tag
/// is written. Returns the image.
/// </summary>
[Cmdlet("Build", "ContainerImage", SupportsShouldProcess = true)]
[OutputType(typeof(ContainerImage))]
public sealed class BuildContainerImageCommand : PscCmdlet
{
    /// <summary>The build context directory (COPY and ADD read from it).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath", "Context")]
    public string Path { get; set; } = "";

    /// <summary>The Dockerfile (default: Dockerfile, else Containerfile, in the context).</summary>
    [Parameter(Position = 1)]
    [Alias("Dockerfile", "Containerfile")]
    public string? File { get; set; }

    /// <summary>Names for the image (name:tag).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string[] Tag { get; set; } = [];

    /// <summary>--build-arg values (name = value).</summary>
    [Parameter]
    public Hashtable? BuildArgument { get; set; }

    /// <summary>The stage to build (its FROM ... AS name, as docker build --target).</summary>
    [Parameter]
    public string? Target { get; set; }

    /// <summary>Labels for the image (name = value).</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Run every step instead of reusing the build cache.</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    /// <summary>When to pull base images.</summary>
    [Parameter]
    public BuildPullPolicy Pull { get; set; } = BuildPullPolicy.Missing;

    /// <summary>The image format: Docker (schema 2, the default, as docker build) or Oci.</summary>
    [Parameter]
    [ValidateSet("Docker", "Oci")]
    public string Format { get; set; } = "Docker";

    /// <summary>The network of RUN steps: None (the default) or Default (the default bridge network).</summary>
    [Parameter]
    [ValidateSet("None", "Default")]
    public string Network { get; set; } = "None";

    /// <summary>The target platform (os/arch[/variant]).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PlatformCompleter))]
    public string? Platform { get; set; }

    protected override void ProcessRecord()
    {
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
                DefaultNetwork = Network == "Default",
                Platform = Platform,
            };
            var image = BuildImage(options, "Build-ContainerImage");
            WriteObject(image);
        });
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
