using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Images;

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
                var found = _store.FindImage(img.Id);
                if (found is null) { WriteNotFound(ErrorIds.ImageNotFound, $"No such image: {img.Id}", img); continue; }
                var names = img.Repository != "<none>" ? [ImageReference.Parse(img.Repository + ":" + img.Tag)] : new List<ImageReference>();
                Add(found, names);
            }
            return;
        }
        foreach (var n in Name)
        {
            if (!ForTarget(n, () => _store.FindImage(n), out var img)) continue;
            if (img is null) { WriteNotFound(ErrorIds.ImageNotFound, $"No such image: {n}", n); continue; }
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
[OutputType(typeof(ContainerImage))]
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

    /// <summary>One object per image instead of one per name.</summary>
    [Parameter]
    public SwitchParameter Unique { get; set; }

    protected override void ProcessRecord()
    {
        var store = Images;
        if (ParameterSetName is "Id" or "ImageId")
        {
            foreach (var id in Id)
            {
                if (!ForTarget(id, () => System.Text.RegularExpressions.Regex.IsMatch(id, "^(sha256:)?[0-9a-f]{4,64}$")
                        ? store.FindImage(id.StartsWith("sha256:") ? id : "sha256:" + id) : null, out var img)) continue;
                if (img is null) WriteNotFound(ErrorIds.ImageNotFound, $"No image with id '{id}'.", id);
                else WriteObject(img);
            }
            return;
        }
        var rows = Unique ? store.ListImages() : store.ListImageRows();
        IEnumerable<ContainerImage> sel = rows.OrderByDescending(r => r.Created ?? DateTime.MinValue).ThenBy(r => r.Repository).ThenBy(r => r.Tag);
        if (Dangling) sel = sel.Where(r => r.Dangling);
        else if (!All)
        {
            // nameless images kept only for the containers that use them (removed with -Force) are internal, like docker's intermediate images
            var used = new HashSet<string>(store.GetContainerUses().Select(u => u.ImageId));
            sel = sel.Where(r => !r.Dangling || !used.Contains(r.Id));
        }
        if (Name is null || Name.Length == 0) { foreach (var r in sel) WriteObject(r); return; }
        var list = sel.ToList();
        var emitted = new HashSet<string>();
        foreach (var n in Name)
        {
            bool wild = WildcardPattern.ContainsWildcardCharacters(n);
            var matches = new List<ContainerImage>();
            if (wild)
            {
                var pat = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                foreach (var r in list)
                {
                    if (r.Repository == "<none>") { if (pat.IsMatch(r.ShortId) || pat.IsMatch(r.Id)) matches.Add(r); continue; }
                    var full = ImageReference.Parse(r.Repository + ":" + r.Tag);
                    if (pat.IsMatch(r.Repository) || pat.IsMatch(r.Repository + ":" + r.Tag) || pat.IsMatch(full.Name) || pat.IsMatch(full.ToString()))
                        matches.Add(r);
                }
            }
            else
            {
                ContainerImage? one = null;
                bool bareRepo = ImageReference.TryParse(n, out var nr) && nr is not null && nr.Digest is null && !n.Contains('@')
                    && !n.Substring(n.LastIndexOf('/') + 1).Contains(':');
                if (bareRepo)
                {
                    // a bare repository name lists all its tags, like docker images busybox
                    matches.AddRange(list.Where(r => r.Repository != "<none>" && ImageReference.Parse(r.Repository + ":" + r.Tag).Name == nr!.Name));
                }
                if (matches.Count == 0)
                {
                    if (!ForTarget(n, () => store.FindImage(n), out one)) continue;
                }
                if (one is not null)
                {
                    if (one.Repository == "<none>" && !Unique) matches.AddRange(list.Where(r => r.Id == one.Id));
                    else matches.Add(one);
                }
                if (matches.Count == 0)
                {
                    WriteNotFound(ErrorIds.ImageNotFound, $"No such image: {n}", n);
                    continue;
                }
            }
            foreach (var m in matches)
                if (emitted.Add(m.Id + "|" + m.Repository + ":" + m.Tag)) WriteObject(m);
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
        string source = InputObject?.Id ?? Name;
        if (!ForTarget(source, () => store.FindImage(source), out var img)) return;
        if (img is null) { WriteNotFound(ErrorIds.ImageNotFound, $"No such image: {source}", source); return; }
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
    public ContainerImage[] InputObject { get; set; } = [];

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var refs = ParameterSetName == "InputObject"
            ? InputObject.Select(i => i.Repository == "<none>" ? i.Id : i.Repository + ":" + i.Tag)
            : Name;
        var store = Images;
        foreach (var r in refs)
        {
            if (!ForTarget(r, () => store.FindImage(r), out var img)) continue;
            if (img is null) { WriteNotFound(ErrorIds.ImageNotFound, $"No such image: {r}", r); continue; }
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
}
