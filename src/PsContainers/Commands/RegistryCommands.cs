using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Registry;
using PsContainers.Targets;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>Shared bits of the registry cmdlets.</summary>
public abstract class RegistryCmdletBase : PscCmdlet
{

    protected static RegistryCredential? ToCredential(PSCredential? c) =>
        c is null || c == PSCredential.Empty ? null : new RegistryCredential(c.UserName, c.GetNetworkCredential().Password);

    /// <summary>A sink that drops progress (for -Quiet) but keeps warnings and verbose messages.</summary>
    protected sealed class QuietSink(IProgressSink inner) : IProgressSink
    {
        public void Progress(ProgressInfo p) { }
        public void Warning(string message) => inner.Warning(message);
        public void Verbose(string message) => inner.Verbose(message);
    }

    /// <summary>"https://index.docker.io/v1/", "docker.io", "host:5000/" → the registry name used in references.</summary>
    internal static string NormaliseRegistry(string text)
    {
        string r = text.Trim();
        if (r.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) r = r[8..];
        else if (r.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) r = r[7..];
        int slash = r.IndexOf('/');
        if (slash >= 0) r = r[..slash];
        r = r.ToLowerInvariant();
        if (r is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com") r = ImageReference.DefaultRegistry;
        if (r.Length == 0)
            throw PscException.InvalidArgument(ErrorIds.InvalidRegistryName, $"'{text}' is not a registry name (host or host:port).", text);
        return r;
    }
}

/// <summary>Pull an image from a registry (docker pull).</summary>
[Cmdlet(VerbsLifecycle.Request, "ContainerImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = "Name")]
[Alias("Pull-ContainerImage")]
[OutputType(typeof(ContainerImage))]
public sealed class RequestContainerImageCommand : RegistryCmdletBase
{
    /// <summary>
    /// Image references: nginx, nginx:1.25, ghcr.io/o/r:tag, host:5000/r@sha256:…. A name without a registry is
    /// resolved as podman does with registries.conf (<see cref="RegistriesConf"/>): an alias, else each unqualified
    /// search registry in order until one has it, else docker.io.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [Alias("Reference", "Image")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>The compose projects whose containers' images are pulled again (docker compose pull, from the running project).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Project")]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    public string[] Project { get; set; } = [];

    /// <summary>os/arch[/variant] to pick from a multi-platform image (default: this host).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>No progress output.</summary>
    [Parameter] public SwitchParameter Quiet { get; set; }

    /// <summary>Credentials for the registry (otherwise the stored ones, else anonymous).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    private Platform? _platform;
    private RegistryOptions? _options;

    protected override void BeginProcessing()
    {
        try
        {
            if (!string.IsNullOrEmpty(Platform)) _platform = Core.Oci.Platform.Parse(Platform);
            _options = Engine.Registry.LoadOptions();
        }
        catch (Exception e) { ThrowEngineError(e, Platform); } // a registries.json that cannot be read (IOException) too
    }

    protected override void ProcessRecord()
    {
        var names = new List<string>(Name);
        foreach (var p in Project)
            if (ForTarget(p, () => new Core.Compose.ProjectOrchestrator(Engine).ImagesOf(p), out var images))
                names.AddRange(images.Where(i => !names.Contains(i)));
        foreach (var n in names)
        {
            // a short name resolves as podman's: registries.conf aliases, else its unqualified-search-registries in order, else docker.io
            if (!ForTarget(n, () => Engine.Registry.Resolve(n), out var resolution)) continue;
            string target = string.Join(", ", resolution.Candidates);
            if (!ShouldProcess(target, "Pull image")) continue;
            ForTarget(resolution.Candidates.Count == 1 ? target : n, () =>
            {
                var image = RunPumped((sink, ct) =>
                {
                    var puller = Engine.Registry.Puller(Quiet ? new QuietSink(sink) : sink, ToCredential(Credential), _options);
                    return puller.Pull(resolution, _platform, ct);
                });
                WriteObject(image);
            });
        }
    }
}

/// <summary>Push an image to a registry (docker push).</summary>
[Cmdlet(VerbsData.Publish, "ContainerImage", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[Alias("Push-ContainerImage")]
[OutputType(typeof(PushedImage))]
public sealed class PublishContainerImageCommand : RegistryCmdletBase
{
    /// <summary>The local image (name or id). Its name is the destination unless -Destination is given.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>An image object from Get-ContainerImage or Request-ContainerImage.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Image")]
    [DeserializedReferenceTransformation(typeof(ContainerImage))]
    public ContainerImage[] InputObject { get; set; } = [];

    /// <summary>Push under this name instead (registry/repository[:tag]).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Credentials for the registry (otherwise the stored ones).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// The compression of the image's plain (uncompressed) layers in the registry: Gzip (the default, as docker push
    /// and buildah push), Zstd, or None (pushed plain). Layers stored compressed are pushed as they are.
    /// </summary>
    [Parameter]
    public LayerCompression Compression { get; set; } = LayerCompression.Gzip;

    private ImageStore? _store;
    private RegistryOptions? _options;

    protected override void BeginProcessing()
    {
        try { _options = Engine.Registry.LoadOptions(); }
        catch (Exception e) { ThrowEngineError(e); }
        _store = Images;
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Image")
            foreach (var img in InputObject) Push(img, img.Name);
        else
            foreach (var n in Name)
            {
                // looked up as given, as docker push takes a reference (no patterns): ImageNotFound or AmbiguousImageId
                // is this name's error, and the next name goes on
                var img = new TargetResolver<ContainerImage>(this, new ImageCatalog(_store!)).Select([n], wildcards: false).FirstOrDefault();
                if (img is not null) Push(img, n);
            }
    }

    private void Push(ContainerImage image, string givenName)
    {
        if (!ForTarget(givenName, () => Destination is null ? DestinationOf(image, givenName) : ImageReference.Parse(Destination), out var dest)) return;
        if (!ShouldProcess(dest.ToString(), $"Push image {image.ShortId}")) return;
        ForTarget(dest.ToString(), () =>
        {
            var result = RunPumped((sink, ct) =>
            {
                var pusher = Engine.Registry.Pusher(sink, ToCredential(Credential), _options);
                pusher.Compression = Compression;
                return pusher.Push(image, dest, ct);
            });
            WriteObject(result);
        });
    }

    /// <summary>Without -Destination: the name the user gave, if it is one of the image's references; else the image's first tag.</summary>
    private static ImageReference DestinationOf(ContainerImage image, string givenName)
    {
        if (ImageReference.TryParse(givenName, out var r) && r is not null && image.RepoTags.Contains(r.ToString())) return r;
        if (image.RepoTags.Length > 0 && (givenName == image.Id || image.Id.Contains(givenName) || image.RepoTags.Length == 1)) return ImageReference.Parse(image.RepoTags[0]);
        if (r is not null) return r;
        throw PscException.InvalidArgument(ErrorIds.DestinationRequired, $"The image {givenName} has no name to push to; give -Destination.", givenName);
    }
}

/// <summary>Log in to a registry (docker login): verify the credentials, then store them.</summary>
[Cmdlet(VerbsCommunications.Connect, "ContainerRegistry", SupportsShouldProcess = true)]
[OutputType(typeof(RegistryLogin))]
public sealed class ConnectContainerRegistryCommand : RegistryCmdletBase
{
    /// <summary>Registry host[:port]; docker.io by default.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RegistryNameCompleter))]
    public string Registry { get; set; } = ImageReference.DefaultRegistry;

    /// <summary>User name and password (or token).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    protected override void ProcessRecord()
    {
        if (!ForTarget(Registry, () => NormaliseRegistry(Registry), out var registry)) return;
        var cred = ToCredential(Credential);
        if (cred is null) { WriteError(new ErrorRecord(new ArgumentException("A credential is required."), ErrorIds.CredentialRequired, ErrorCategory.InvalidArgument, Registry)); return; }
        if (!ShouldProcess(registry, $"Log in as {cred.UserName} and store the credentials")) return;
        ForTarget(registry, () =>
        {
            var login = RunPumped((sink, ct) =>
            {
                using var client = Engine.Registry.Client(registry, cred, sink, tokens: new TokenCache());
                client.VerifyCredentialsAsync(ct).GetAwaiter().GetResult();
                var files = CredentialStore.Save(registry, cred);
                return new RegistryLogin { Registry = registry, UserName = cred.UserName, AuthScheme = client.Challenge?.Scheme ?? "none", AuthFiles = files.ToArray() };
            });
            if (login.AuthScheme == "none")
                WriteWarning($"{registry} accepts anonymous requests, so the credentials could not be checked; they were stored.");
            WriteObject(login);
        });
    }
}

/// <summary>Forget the stored credentials of a registry (docker logout).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "ContainerRegistry", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DisconnectContainerRegistryCommand : RegistryCmdletBase
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RegistryNameCompleter))]
    public string[] Registry { get; set; } = [ImageReference.DefaultRegistry];

    protected override void ProcessRecord()
    {
        foreach (var r in Registry)
        {
            if (!ForTarget(r, () => NormaliseRegistry(r), out var registry)) continue;
            if (CredentialStore.Find(registry) is null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"No stored credentials for {registry}."), ErrorIds.RegistryNotLoggedIn, ErrorCategory.ObjectNotFound, registry));
                continue;
            }
            if (!ShouldProcess(registry, "Remove stored credentials")) continue;
            ForTarget(registry, () =>
            {
                foreach (var f in CredentialStore.Remove(registry)) WriteVerbose($"Removed {registry} from {f}.");
                TokenCache.Shared.Clear();
            });
        }
    }
}

/// <summary>List the tags of a registry repository.</summary>
[Cmdlet(VerbsCommon.Find, "ContainerImage")]
[OutputType(typeof(RegistryImageTag))]
public sealed class FindContainerImageCommand : RegistryCmdletBase
{
    /// <summary>Repositories: busybox, ghcr.io/o/r, 127.0.0.1:5000/team/app.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Repository")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Only tags matching these wildcard patterns.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Tag { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    private RegistryOptions? _options;

    protected override void BeginProcessing()
    {
        try { _options = Engine.Registry.LoadOptions(); }
        catch (Exception e) { ThrowEngineError(e); }
    }

    protected override void ProcessRecord()
    {
        var patterns = Tag?.Select(t => new WildcardPattern(t, WildcardOptions.IgnoreCase)).ToList();
        foreach (var n in Name)
        {
            if (!ForTarget(n, () => ImageReference.Parse(n), out var reference)) continue;
            ForTarget(reference.Name, () =>
            {
                var tags = RunPumped((sink, ct) =>
                {
                    var cred = ToCredential(Credential) ?? CredentialStore.Find(reference.Registry);
                    using var client = Engine.Registry.Client(reference.Registry, cred, sink, reference.RegistryEndpointHost, options: _options);
                    return client.ListTagsAsync(reference.Repository, ct).GetAwaiter().GetResult();
                });
                var matched = false;
                foreach (var t in tags)
                {
                    if (patterns is not null && !patterns.Any(p => p.IsMatch(t))) continue;
                    matched = true;
                    var tagged = reference.WithTag(t);
                    WriteObject(new RegistryImageTag { Registry = reference.Registry, Repository = reference.Repository, Tag = t, Name = tagged.ToFamiliarString() });
                }
                if (!matched && patterns is not null)
                    foreach (var t in Tag!.Where(t => !WildcardPattern.ContainsWildcardCharacters(t)))
                        WriteError(new ErrorRecord(new ItemNotFoundException($"{reference.Name} has no tag '{t}'."), ErrorIds.TagNotFound, ErrorCategory.ObjectNotFound, $"{reference.Name}:{t}"));
            });
        }
    }
}
