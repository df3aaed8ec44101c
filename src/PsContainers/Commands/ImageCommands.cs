using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Images;
using PsContainers.Targets;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>Import-ContainerImage (docker load / docker import).</summary>
[Cmdlet(VerbsData.Import, "ContainerImage", DefaultParameterSetName = "Archive", SupportsShouldProcess = true)]
[Alias("Load-ContainerImage")]
[OutputType(typeof(ContainerImage))]
public sealed class ImportContainerImageCommand : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Archive")]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "RootFs")]
    [Alias("FullName", "PSPath", "Input")]
    public string[] Path { get; set; } = [];

    [Parameter(ParameterSetName = "Archive")]
    [Parameter(Mandatory = true, ParameterSetName = "RootFs")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "RootFs")]
    public SwitchParameter RootFs { get; set; }

    [Parameter(ParameterSetName = "RootFs")]
    public string? Message { get; set; }

    [Parameter(ParameterSetName = "RootFs")]
    public string[]? Cmd { get; set; }

    [Parameter(ParameterSetName = "RootFs")]
    public string[]? Entrypoint { get; set; }

    [Parameter(ParameterSetName = "RootFs")]
    public string[]? Env { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var p in Path)
        {
            if (!ForTarget(p, () => GetUnresolvedProviderPathFromPSPath(p), out var full)) continue;
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"The file '{full}' does not exist."), ErrorIds.ArchiveNotFound, ErrorCategory.ObjectNotFound, p));
                continue;
            }
            ImageReference? name = null;
            if (Name is not null)
            {
                try { name = ImageReference.Parse(Name); }
                catch (PscException e) { ThrowEngineError(e, Name); }
                if (name!.Digest is not null) ThrowEngineError(PscException.InvalidArgument(ErrorIds.InvalidTagReference, "-Name needs name:tag without a digest.", Name), Name);
            }
            if (!ShouldProcess(full, RootFs ? $"Import root file system as {name!.ToFamiliarString()}" : "Import images")) continue;
            ForTarget(p, () =>
            {
                var images = RunPumped((sink, ct) =>
                {
                    var store = Images;
                    if (RootFs)
                    {
                        var cfg = new ImageConfig { Cmd = Cmd, Entrypoint = Entrypoint, Env = Env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] };
                        return (IReadOnlyList<ContainerImage>)[ImageArchive.ImportRootFs(store, full, name!, sink, ct, Message, cfg)];
                    }
                    return ImageArchive.Import(store, full, name is null ? null : [name], sink, ct);
                });
                foreach (var img in images)
                {
                    WriteVerbose($"Loaded image: {(img.Repository == "<none>" ? img.Id : img.Repository + ":" + img.Tag)}");
                    WriteObject(img);
                }
            });
        }
    }
}

/// <summary>Export-ContainerImage (docker save).</summary>
[Cmdlet(VerbsData.Export, "ContainerImage", DefaultParameterSetName = "Name", SupportsShouldProcess = true)]
[Alias("Save-ContainerImage")]
[OutputType(typeof(FileInfo))]
public sealed class ExportContainerImageCommand : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string[] Name { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    [DeserializedReferenceTransformation(typeof(ContainerImage))]
    public ContainerImage[] InputObject { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1)]
    [Alias("Output", "FilePath")]
    public string Path { get; set; } = "";

    [Parameter]
    public ImageArchiveFormat Format { get; set; } = ImageArchiveFormat.DockerArchive;

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly List<ImageArchive.ExportItem> _items = new();
    private ImageStore? _store;

    protected override void ProcessRecord()
    {
        _store ??= Images;
        if (ParameterSetName == "InputObject")
        {
            foreach (var img in InputObject)
            {
                var found = new TargetResolver<ContainerImage>(this, new ImageCatalog(_store)).Select(null, [img]).FirstOrDefault();
                if (found is null) continue;
                var names = img.Repository != "<none>" ? [ImageReference.Parse(img.Repository + ":" + img.Tag)] : new List<ImageReference>();
                Add(found, names);
            }
            return;
        }
        foreach (var n in Name)
        {
            var img = new TargetResolver<ContainerImage>(this, new ImageCatalog(_store)).Select([n], wildcards: false).FirstOrDefault();
            if (img is null) continue;
            var names = new List<ImageReference>();
            if (ImageReference.TryParse(n, out var r) && r is not null && r.Tag is not null && r.Digest is null && img.Repository != "<none>") names.Add(r);
            Add(img, names);
        }
    }

    private void Add(ContainerImage img, List<ImageReference> names)
    {
        var existing = _items.FindIndex(i => i.Image.Id == img.Id);
        if (existing >= 0)
        {
            var merged = _items[existing].Names.Concat(names).Distinct().ToList();
            _items[existing] = new ImageArchive.ExportItem(_items[existing].Image, merged);
        }
        else _items.Add(new ImageArchive.ExportItem(img, names));
    }

    protected override void EndProcessing()
    {
        if (_items.Count == 0) return;
        string full = GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(full) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"The file '{full}' already exists. Use -Force to overwrite it."), ErrorIds.FileExists, ErrorCategory.ResourceExists, full));
            return;
        }
        string what = string.Join(", ", _items.Select(i => i.Names.Count > 0 ? string.Join(", ", i.Names.Select(n => n.ToFamiliarString())) : i.Image.ShortId));
        if (!ShouldProcess(full, $"Export {what} as {Format}")) return;
        try
        {
            RunPumped((sink, ct) => ImageArchive.Export(_store!, _items, full, Format, sink, ct));
            if (PassThru) WriteObject(InvokeProvider.Item.Get(full), true);
        }
        catch (Exception e) { ThrowEngineError(e, full); }
    }
}

/// <summary>Get-ContainerImage (docker images).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerImage", DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerImage), typeof(ContainerImageHistory))]
public sealed class GetContainerImageCommand : PscCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    [Alias("Reference", "Image")]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public string[] Id { get; set; } = [];

    /// <summary>The image of objects that name one by ImageId (containers), from the pipeline.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ImageId")]
    public string[] ImageId { get => Id; set => Id = value; }

    /// <summary>Only images without a name.</summary>
    [Parameter(ParameterSetName = "Name")]
    public SwitchParameter Dangling { get; set; }

    /// <summary>Also nameless images kept only for the containers that use them.</summary>
    [Parameter(ParameterSetName = "Name")]
    public SwitchParameter All { get; set; }

    /// <summary>Only images no container uses, named or not (what docker image prune -a removes); with -Dangling only the nameless ones of those (docker image prune).</summary>
    [Parameter(ParameterSetName = "Name")]
    public SwitchParameter Unused { get; set; }

    /// <summary>One object per image instead of one per name.</summary>
    [Parameter]
    public SwitchParameter Unique { get; set; }

    /// <summary>
    /// Write each image's history instead (docker history): one <see cref="ContainerImageHistory"/> per step, newest
    /// first (<see cref="ImageStore.History"/>); an image named by several of the selected rows is written once.
    /// </summary>
    [Parameter]
    public SwitchParameter History { get; set; }

    private TargetResolver<ContainerImage>? _targets;
    private readonly HashSet<string> _historyWritten = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        // the rows, filters and matching rules are ImageQuery's (Core); names resolve as for every kind (TargetResolver)
        _targets ??= new(this, new ImageQuery(Images) { Dangling = Dangling, All = All, Unique = Unique, Unused = Unused });
        var rows = ParameterSetName is "Id" or "ImageId" ? _targets.Select(Id, idOnly: true) : _targets.SelectOrAll(Name);
        foreach (var r in rows)
        {
            if (!History) WriteObject(r);
            else if (_historyWritten.Add(r.Id)) ForTarget(r.Name, () => { foreach (var h in Images.History(r)) WriteObject(h); });
        }
    }
}

/// <summary>Add-ContainerImageTag (docker tag).</summary>
[Cmdlet(VerbsCommon.Add, "ContainerImageTag", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[Alias("Tag-ContainerImage")]
[OutputType(typeof(ContainerImage))]
public sealed class AddContainerImageTagCommand : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    [Alias("Source", "SourceImage")]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    [DeserializedReferenceTransformation(typeof(ContainerImage))]
    public ContainerImage? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Name")]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "InputObject")]
    [Alias("TargetImage")]
    public string[] Target { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = Images;
        var targets = new TargetResolver<ContainerImage>(this, new ImageCatalog(store));
        var img = (InputObject is null ? targets.Select([Name], wildcards: false) : targets.Select(null, [InputObject])).FirstOrDefault();
        if (img is null) return;
        foreach (var t in Target)
        {
            if (!ForTarget(t, () => ImageReference.Parse(t), out var r)) continue;
            if (r.Digest is not null) { WriteEngineError(PscException.InvalidArgument(ErrorIds.InvalidTagReference, $"'{t}' has a digest; a tag is name:tag.", t), t); continue; }
            if (!ShouldProcess(r.ToFamiliarString(), $"Tag image {img.ShortId}")) continue;
            ForTarget(t, () =>
            {
                var tagged = store.Tag(img, r, CancellationToken);
                if (PassThru) WriteObject(tagged);
            });
        }
    }
}

/// <summary>Remove-ContainerImage (docker rmi).</summary>
[Cmdlet(VerbsCommon.Remove, "ContainerImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Name")]
[OutputType(typeof(ImageRemovalResult))]
public sealed class RemoveContainerImageCommand : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    [Alias("Reference", "Id")]
    public string[] Name { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    [DeserializedReferenceTransformation(typeof(ContainerImage))]
    public ContainerImage[] InputObject { get; set; } = [];

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = Images;
        var refs = ParameterSetName == "InputObject" ? InputObject.Select(ObjectReference).OfType<string>() : Name;
        foreach (var r in refs)
        {
            // a reference is looked up as given (docker rmi takes no patterns); each reference untags its own name, so
            // two names of one image are two targets (a resolver per reference: no de-duplication)
            var img = new TargetResolver<ContainerImage>(this, new ImageCatalog(store)).Select([r], wildcards: false).FirstOrDefault();
            if (img is null) continue;
            if (!ShouldProcess(r == img.Id ? img.Id : $"{r} ({img.ShortId})", "Remove image")) continue;
            ForTarget(r, () =>
            {
                var res = store.Remove(r, Force, CancellationToken);
                foreach (var u in res.Untagged) WriteVerbose("Untagged: " + u);
                foreach (var d in res.Deleted) WriteVerbose("Deleted: " + d);
                if (PassThru) WriteObject(res);
            });
        }
    }

    /// <summary>
    /// The reference a piped image row removes (its repository:tag, or its id when it has no name), once the row is
    /// known to stand for an image of this store: by its Id, never by its tag alone, so a row read on another host, or
    /// a row whose tag moved to another image since it was read, removes nothing here (an ImageNotFound error).
    /// </summary>
    private string? ObjectReference(ContainerImage row)
    {
        var current = new TargetResolver<ContainerImage>(this, new ImageCatalog(Images)).Select(null, [row]).FirstOrDefault();
        if (current is null) return null;
        if (row.Repository == "<none>") return row.Id;
        string reference = row.Repository + ":" + row.Tag;
        return ForTarget(reference, () => current.RepoTags.Contains(reference, StringComparer.Ordinal) ? reference
            : throw PscException.NotFound(ErrorIds.ImageNotFound,
                $"No image with Id {row.ShortId} is tagged {reference} here: the tag moved to another image, or the object came from another host.", reference),
            out var found) ? found : null;
    }
}
