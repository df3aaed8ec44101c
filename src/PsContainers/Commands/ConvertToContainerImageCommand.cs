using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>
/// ConvertTo-ContainerImage (Commit-Container): a new image from a container's changes (docker commit): the container's
/// image plus one layer holding what it added, changed and deleted, with the container's command, environment and
/// other settings as the image's defaults.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "ContainerImage", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[Alias("Commit-Container")]
[OutputType(typeof(ContainerImage))]
public sealed class ConvertToContainerImageCommand : ContainerCmdletBase
{
    /// <summary>The container's name or id (a unique id prefix works).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The container's id (full or a unique prefix).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContainerIdCompleter))]
    public string Id { get; set; } = "";

    /// <summary>A container object (Get-Container).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Container", ValueFromPipeline = true)]
    [Alias("Container")]
    [DeserializedReferenceTransformation(typeof(Container))]
    public Container? InputObject { get; set; }

    /// <summary>The new image's name, repository[:tag] as docker commit takes it (latest when no tag).</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    [Alias("Reference")]
    [ValidateNotNullOrEmpty]
    public string? Repository { get; set; }

    /// <summary>The tag, with -Repository (which then has none of its own).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>The commit message (the history entry's comment).</summary>
    [Parameter]
    [Alias("Comment")]
    public string? Message { get; set; }

    /// <summary>The author ("Name &lt;email&gt;").</summary>
    [Parameter]
    public string? Author { get; set; }

    /// <summary>Dockerfile metadata instructions for the new image's config (docker commit --change), one per string.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? Change { get; set; }

    /// <summary>Pause a running container while its changes are read (the default, as docker commit). -Pause:$false reads them while it runs.</summary>
    [Parameter]
    public SwitchParameter Pause { get; set; } = true;

    protected override void ProcessRecord()
    {
        if (Tag is not null && Repository is null)
            ThrowEngineError(PscException.InvalidArgument(ErrorIds.InvalidTagReference, "-Tag needs -Repository (the image name the tag belongs to).", Tag), Tag);
        ImageReference? name = null;
        if (Repository is not null)
        {
            string text = Tag is null ? Repository : Repository + ":" + Tag;
            try { name = ImageReference.Parse(text); }
            catch (PscException e) { ThrowEngineError(e, text); }
            if (name!.Digest is not null)
                ThrowEngineError(PscException.InvalidArgument(ErrorIds.InvalidTagReference, $"'{text}' has a digest; the new image's name is repository[:tag].", text), text);
        }
        var selected = ParameterSetName switch
        {
            "Id" => Targets.Select([Id], idOnly: true),
            "Container" => Targets.Select(null, [InputObject!]),
            _ => Targets.Select([Name], wildcards: false),
        };
        foreach (var c in selected)
        {
            if (Stopping) return;
            string action = name is null ? "Commit container as an untagged image" : $"Commit container as {name.ToFamiliarString()}";
            if (!ShouldProcess(c.Name, action)) continue;
            var options = new ContainerCommitOptions
            {
                Tags = name is null ? [] : [name],
                Comment = Message,
                Author = Author,
                Pause = Pause.IsPresent,
                Changes = Change ?? [],
            };
            if (ForTarget(c, () => RunPumped((sink, ct) => Manager.Commit(c, options, sink, ct)), out var image))
            {
                WriteVerbose($"Committed container '{c.Name}' as {(name is null ? image.Id : name.ToFamiliarString())} ({image.ShortId}).");
                WriteObject(image);
            }
        }
    }
}
